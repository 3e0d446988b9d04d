/**
 * `npm run bench`: measures swapcheck's speed and prints a table, writes the numbers as JSON
 * (bench/results.json) and regenerates BENCHMARKS.md, naming the machine and Node version.
 * Sections: throughput per design on the default config (campaign, full checks, fast-check
 * baselines on the campaign's op mix, impl alone), cost growth, full check and memory from 10^3
 * to 10^6 live entries, time to kill and to shrink each catalogued mutant against its
 * baseline, and --workers 2 against --workers 1 with determinism across worker counts. Times
 * are CPU time (the machine is shared) except the worker speedup; the 1-minute load average is
 * printed. `--quick` runs a small version of everything (for a smoke test; its numbers are not
 * the ones to quote). Run with node's --expose-gc (npm run bench does) for bytes per entry.
 *
 * Not covered here: the benchmarks themselves (the other bench/ files). No test asserts a
 * timing: the targets are checked here and printed as met or not met.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configDefault } from '../lib/config.ts';
import { designNames, resolveDesign } from '../properties/design-registry.ts';
import { writeFileAtomic } from '../properties/trace.ts';
import { benchDesign, type DesignThroughput } from './campaign-bench.ts';
import { benchMutants, type MutantTiming } from './mutant-bench.ts';
import {
  benchmarksMarkdown,
  summaryTable,
  targets,
  type BenchResults,
  type MutantBaseline,
} from './report.ts';
import { benchScaling, type ScalingPoint } from './scaling-bench.ts';
import { benchWorkers, type WorkerSpeedup } from './worker-bench.ts';

const sectionNames = ['throughput', 'scaling', 'mutants', 'workers'] as const;
type Section = (typeof sectionNames)[number];

function fail(message: string): never {
  process.stderr.write(`swapcheck bench: ${message}\n`);
  process.exit(2);
}

/** `--sizes 1000,10000`: live-entry counts for the scaling section. */
function parseSizes(text: string): number[] {
  const sizes = text.split(',').map((part) => Number(part.trim()));
  if (
    sizes.length === 0 ||
    sizes.some((size) => !Number.isInteger(size) || size < 512 || size > 1_000_000)
  ) {
    fail(`--sizes: expected comma-separated integers in 512..1000000, got '${text}'`);
  }
  return sizes;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        quick: { type: 'boolean' },
        section: { type: 'string', multiple: true },
        design: { type: 'string', multiple: true },
        out: { type: 'string' },
        markdown: { type: 'string' },
        'no-markdown': { type: 'boolean' },
        sizes: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values;
  const quick = values.quick === true;
  const sections = new Set<Section>();
  for (const name of values.section ?? sectionNames) {
    if (!(sectionNames as readonly string[]).includes(name))
      fail(`--section: expected one of ${sectionNames.join(', ')}, got '${name}'`);
    sections.add(name as Section);
  }
  const known = designNames();
  const chosen = values.design ?? known;
  for (const name of chosen)
    if (!known.includes(name)) fail(`--design: unknown design '${name}' (${known.join(', ')})`);
  const root = join(import.meta.dirname, '..', '..');
  const outJson = values.out ?? join(root, 'bench', 'results.json');
  const outMarkdown =
    values['no-markdown'] === true ? null : (values.markdown ?? join(root, 'BENCHMARKS.md'));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const seed = 20261125;
  // The 1-minute load average before and after: other processes on a 2-core machine move every number.
  const loadBefore = loadavg()[0] ?? 0;
  log(`1-minute load average ${loadBefore.toFixed(2)} on ${cpus().length} cores`);
  const samples = quick ? 2 : 5;

  const throughput: DesignThroughput[] = [];
  if (sections.has('throughput')) {
    for (const name of chosen) {
      log(`throughput: ${name}`);
      throughput.push(
        await benchDesign(resolveDesign(name), {
          config: configDefault,
          runs: quick ? 2 : 16,
          opsPerRun: 400,
          samples,
          seed,
        }),
      );
    }
  }
  const scaling: ScalingPoint[] = [];
  if (sections.has('scaling')) {
    // 10^3 and 10^6 live entries for every design: the targets compare the two.
    const sizes =
      values.sizes !== undefined
        ? parseSizes(values.sizes)
        : quick
          ? [1_000, 4_000]
          : [1_000, 1_000_000];
    for (const name of chosen) {
      for (const size of sizes) {
        log(`scaling: ${name} at ${size} live entries (load ${(loadavg()[0] ?? 0).toFixed(2)})`);
        scaling.push(benchScaling(resolveDesign(name), size, quick ? 200 : 2000, seed));
      }
    }
  }
  let mutants: MutantTiming[] = [];
  if (sections.has('mutants')) {
    log('mutants: time to kill and to shrink');
    mutants = benchMutants({
      seeds: quick ? 1 : 3,
      timeMsPerSeed: 10_000,
      shrinkMs: 5_000,
      seed,
      only: quick ? 3 : undefined,
      onMutant: (name) => log(`  ${name}`),
    });
  }
  let workers: WorkerSpeedup | null = null;
  if (sections.has('workers')) {
    log('workers: 1 against 2');
    workers = await benchWorkers(
      'classic',
      chosen,
      configDefault,
      quick ? 8 : 96,
      quick ? 1 : 3,
      seed,
    );
  }
  const baselinePath = join(root, 'bench', 'mutant-kill-baseline.json');
  const mutantBaseline = JSON.parse(readFileSync(baselinePath, 'utf8')) as MutantBaseline;
  const cpuList = cpus();
  const results: BenchResults = {
    format: 'swapcheck-bench',
    version: 1,
    date: new Date().toISOString().slice(0, 10),
    quick,
    machine: {
      cpu: cpuList[0]?.model ?? 'unknown',
      cores: cpuList.length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      loadBefore: loadBefore,
      loadAfter: loadavg()[0] ?? 0,
    },
    throughput,
    scaling,
    mutants,
    workers,
    mutantBaseline,
  };
  process.stdout.write(`${summaryTable(results)}\n`);
  process.stdout.write(
    `\n1-minute load average ${results.machine.loadBefore.toFixed(2)} at the start, ${results.machine.loadAfter.toFixed(2)} at the end (${results.machine.cores} cores)\n`,
  );
  for (const target of targets(results))
    process.stdout.write(`${target.met ? 'met    ' : 'NOT MET'}  ${target.text}\n`);
  writeFileAtomic(outJson, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${outJson}`);
  if (outMarkdown !== null) {
    writeFileAtomic(outMarkdown, benchmarksMarkdown(results));
    log(`wrote ${outMarkdown}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `swapcheck bench: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

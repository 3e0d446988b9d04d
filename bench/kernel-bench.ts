/**
 * `npm run bench:kernel`: how fast the kernel oracle runs on this machine. It times an empty
 * boot of User-Mode Linux (boot and power-off, no program), then the differential campaign's
 * programs (seeded, expressible, each compiled with gcc and run to its end) at several batch
 * sizes, so the boot's cost is seen amortized over the programs of one boot. Prints a table
 * and writes bench/kernel-results.json. No test asserts a timing.
 *
 * Not covered here: the model and design benchmarks (`npm run bench`).
 */
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateProgram } from '../kernel/generator.ts';
import type { OracleJob } from '../kernel/oracle.ts';
import { runOnKernel } from '../kernel/oracle.ts';
import { bootAndRun, findUml, umlMissingMessage } from '../kernel/uml.ts';
import { writeFileAtomic } from '../properties/trace.ts';

interface BatchTiming {
  readonly batchSize: number;
  readonly programs: number;
  readonly wallMs: number;
  readonly programsPerSecond: number;
  readonly bootMsMedian: number;
  readonly compileMsPerProgram: number;
  readonly failed: number;
  readonly errors: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, out: { type: 'string' } },
    strict: true,
  });
  const tools = findUml();
  if (tools === null) {
    process.stderr.write(`swapcheck bench:kernel: ${umlMissingMessage}\n`);
    process.exit(2);
  }
  const quick = values.quick === true;
  const loadBefore = loadavg()[0] ?? 0;
  const emptyBoots: number[] = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) emptyBoots.push((await bootAndRun(tools, [])).totalMs);
  const programs = quick ? 16 : 96;
  const seed = 20261207;
  const jobs: OracleJob[] = Array.from({ length: programs }, (_, index) => ({
    name: `program-${index}`,
    program: generateProgram(seed, index).program,
    source: { origin: `bench program ${index}` },
  }));
  const batches: BatchTiming[] = [];
  for (const batchSize of quick ? [8, 16] : [8, 32, 96]) {
    const start = performance.now();
    const run = await runOnKernel(tools, jobs, { batchSize });
    const wallMs = performance.now() - start;
    const firstError = run.results.find((result) => result.verdict.kind === 'error');
    if (firstError !== undefined && firstError.verdict.kind === 'error')
      process.stderr.write(`bench:kernel: ${firstError.job.name}: ${firstError.verdict.message}\n`);
    batches.push({
      batchSize,
      programs,
      wallMs,
      programsPerSecond: (programs * 1000) / wallMs,
      bootMsMedian: median(run.boots.map((boot) => boot.bootMs)),
      compileMsPerProgram: run.boots.reduce((sum, boot) => sum + boot.compileMs, 0) / programs,
      failed: run.results.filter((result) => result.verdict.kind === 'fail').length,
      errors: run.results.filter((result) => result.verdict.kind === 'error').length,
    });
  }
  const results = {
    format: 'swapcheck-kernel-bench',
    version: 1,
    date: new Date().toISOString(),
    quick,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      loadBefore,
      loadAfter: loadavg()[0] ?? 0,
    },
    emptyBootMs: { median: median(emptyBoots), samples: emptyBoots },
    batches,
  };
  const out = values.out ?? join(import.meta.dirname, '..', '..', 'bench', 'kernel-results.json');
  writeFileAtomic(out, `${JSON.stringify(results, null, 2)}\n`);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(
    `kernel oracle on ${results.machine.cpu} (${results.machine.cores} cores), load ${loadBefore.toFixed(2)} -> ${results.machine.loadAfter.toFixed(2)}`,
  );
  log(
    `empty boot (boot to power-off): median ${Math.round(results.emptyBootMs.median)} ms of ${emptyBoots.length}`,
  );
  log('');
  log(
    '| programs per boot | programs | wall s | programs/s | boot ms (median) | compile ms/program | differ | errors |',
  );
  log('|---|---|---|---|---|---|---|---|');
  for (const b of batches) {
    log(
      `| ${b.batchSize} | ${b.programs} | ${(b.wallMs / 1000).toFixed(1)} | ${b.programsPerSecond.toFixed(2)} | ${Math.round(b.bootMsMedian)} | ${Math.round(b.compileMsPerProgram)} | ${b.failed} | ${b.errors} |`,
    );
  }
  log('');
  log(`wrote ${out}`);
}

await main();

/**
 * `swapcheck merge REPORT...`: combines the JSON reports of the shards of one campaign
 * (`swapcheck run --shard I/N --json FILE`) into one report, printed or written as JSON, JUnit
 * or KTAP, as if one process had run every shard: runs and ops are summed per design and
 * config, a design's failure is its lowest failing run (or a saved failure), and the result is
 * interrupted when a shard was. Reports of different campaigns (seed, ops per run, configs, knob
 * mode, designs or shard count differ), a shard given twice or missing, are input errors (exit 2).
 * Exit 1 when the merged report has a failure, else 0.
 *
 * Not covered here: the report itself (cli/run-report.ts).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { syntaxProblem } from '../properties/json-location.ts';
import { InputError, writeFileAtomic } from '../properties/trace.ts';
import type { CommandContext, CommandModule } from './command-module.ts';
import type { Io } from './io.ts';
import { runReportJunit } from './junit-report.ts';
import { runReportKtap } from './ktap-report.ts';
import { absolute, parseChoice } from './options.ts';
import {
  runReportFormat,
  runReportVersion,
  type DesignReport,
  type FailureReport,
  type RunReport,
} from './run-report.ts';

interface MergeFlags {
  readonly format?: string;
  readonly out?: string;
}

function readReport(path: string): RunReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(
      `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const syntax = syntaxProblem(text);
  if (syntax !== null)
    throw new InputError(`${path}:${syntax.line}:${syntax.column}: ${syntax.message}`);
  const report = JSON.parse(text) as Partial<RunReport>;
  if (
    report.format !== runReportFormat ||
    report.version !== runReportVersion ||
    !Array.isArray(report.designs)
  ) {
    throw new InputError(
      `${path}: not a swapcheck run report, version ${runReportVersion} (swapcheck run --json FILE writes one)`,
    );
  }
  return report as RunReport;
}

/** The fields every shard of one campaign shares. */
function campaignKey(report: RunReport): string {
  return JSON.stringify([
    report.seed,
    report.config,
    report.configs,
    report.opsPerRun,
    report.fullCheckEvery,
    report.knobs,
    report.steering,
    report.budget,
    report.shard.count,
    report.designs.map((d) => d.spelling),
  ]);
}

function firstFailure(a: FailureReport | null, b: FailureReport | null): FailureReport | null {
  if (a === null) return b;
  if (b === null) return a;
  return b.runIndex < a.runIndex ? b : a;
}

function mergeDesign(a: DesignReport, b: DesignReport): DesignReport {
  const elapsedMs = a.elapsedMs + b.elapsedMs;
  const ops = a.ops + b.ops;
  const sum = (
    x: Readonly<Record<string, number | undefined>>,
    y: Readonly<Record<string, number | undefined>>,
  ) => {
    const total: Record<string, number> = {};
    for (const [key, value] of [...Object.entries(x), ...Object.entries(y)])
      total[key] = (total[key] ?? 0) + (value ?? 0);
    return total;
  };
  return {
    ...a,
    runs: a.runs + b.runs,
    runsPassed: a.runsPassed + b.runsPassed,
    ops,
    elapsedMs,
    opsPerSecond: elapsedMs > 0 ? Math.round((ops * 1000) / elapsedMs) : 0,
    opCounts: sum(a.opCounts, b.opCounts),
    marks: sum(a.marks, b.marks),
    steered: sum(a.steered, b.steered),
    // A mark is missed by the whole campaign when every shard missed it.
    marksMissed: a.marksMissed.filter((name) => b.marksMissed.includes(name)),
    interrupted: a.interrupted || b.interrupted,
    configs: a.configs.map((c, i) => {
      const other = b.configs[i];
      return other === undefined
        ? c
        : {
            ...c,
            runs: c.runs + other.runs,
            runsPassed: c.runsPassed + other.runsPassed,
            ops: c.ops + other.ops,
          };
    }),
    knobValues: a.knobValues.map((cell) => {
      const other = b.knobValues.find((o) => o.knob === cell.knob && o.value === cell.value);
      return other === undefined
        ? cell
        : { ...cell, runs: cell.runs + other.runs, ops: cell.ops + other.ops };
    }),
    failure: firstFailure(a.failure, b.failure),
  };
}

/** Merges the reports of the shards of one campaign. */
export function mergeReports(reports: readonly { path: string; report: RunReport }[]): RunReport {
  const first = reports[0];
  if (first === undefined) throw new InputError('merge: expected at least one REPORT');
  const seen = new Set<number>();
  for (const { path, report } of reports) {
    if (campaignKey(report) !== campaignKey(first.report)) {
      throw new InputError(
        `${path}: another campaign than ${first.path} (seed, ops per run, configs, budget, designs or shard count differ)`,
      );
    }
    for (const index of report.shard.indices) {
      if (seen.has(index))
        throw new InputError(`${path}: shard ${index}/${report.shard.count} is given twice`);
      seen.add(index);
    }
  }
  const count = first.report.shard.count;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter(
    (index) => !seen.has(index),
  );
  if (missing.length > 0)
    throw new InputError(
      `merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`,
    );
  const designs = first.report.designs.map((design, index) =>
    reports
      .slice(1)
      .reduce(
        (merged, { report }) => mergeDesign(merged, report.designs[index] as DesignReport),
        design,
      ),
  );
  const interrupted = reports.some(({ report }) => report.interrupted);
  return {
    ...first.report,
    shard: { indices: [...seen].sort((a, b) => a - b), count },
    interrupted,
    signal: reports.find(({ report }) => report.signal !== null)?.report.signal ?? null,
    designs,
    reproduce: first.report.reproduce.replace(/ --shard \S+/, ''),
    passed: designs.reduce((sum, d) => sum + d.runsPassed, 0),
    failed: designs.filter((d) => d.failure !== null).length,
  };
}

function commandMerge(paths: string[], flags: MergeFlags, io: Io): number {
  const format = parseChoice('--format', flags.format, ['json', 'junit', 'ktap'] as const, 'json');
  const merged = mergeReports(
    paths.map((path) => ({ path, report: readReport(absolute(io.cwd, path)) })),
  );
  const text =
    format === 'junit'
      ? runReportJunit(merged)
      : format === 'ktap'
        ? runReportKtap(merged)
        : `${JSON.stringify(merged, null, 2)}\n`;
  if (flags.out === undefined) io.write(text);
  else writeFileAtomic(absolute(io.cwd, flags.out), text);
  return merged.failed === 0 ? 0 : 1;
}

export const mergeCommand: CommandModule = {
  name: 'merge',
  register(program: Command, context: CommandContext) {
    program
      .command('merge')
      .description("combine the JSON reports of a campaign's shards into one report")
      .argument('<report...>', 'the JSON reports (version 2) that the shards of one campaign wrote')
      .option('--format <format>', 'json, junit or ktap (default json)')
      .option('--out <file>', 'write the merged report to FILE (atomically) instead of stdout')
      .action((paths: string[], flags: MergeFlags) =>
        context.exit(commandMerge(paths, flags, context.io)),
      );
  },
};

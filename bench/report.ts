/**
 * Rendering of benchmark results: the terminal table, the speed and memory targets evaluated as
 * met or not met, and BENCHMARKS.md (generated; the analysis of what bounds each number lives in
 * docs/performance.md, which it links).
 *
 * Not covered here: taking the measurements (the other bench/ files).
 */
import type { DesignThroughput } from './campaign-bench.ts';
import type { MutantTiming } from './mutant-bench.ts';
import type { ScalingPoint } from './scaling-bench.ts';
import type { WorkerSpeedup } from './worker-bench.ts';

export interface BenchResults {
  readonly format: 'swapcheck-bench';
  readonly version: 1;
  readonly date: string;
  readonly quick: boolean;
  readonly machine: {
    readonly cpu: string; readonly cores: number; readonly memoryGiB: number; readonly node: string; readonly platform: string;
    /** 1-minute load average when the benchmark started and ended. */
    readonly loadBefore: number; readonly loadAfter: number;
  };
  readonly throughput: readonly DesignThroughput[];
  readonly scaling: readonly ScalingPoint[];
  readonly mutants: readonly MutantTiming[];
  readonly workers: WorkerSpeedup | null;
}

export interface Target {
  readonly met: boolean;
  readonly text: string;
}

const round = (value: number) => Math.round(value).toLocaleString('en-US');
const ratio = (value: number) => `${value.toFixed(2)}x`;
const spread = (m: { medianMs: number; minMs: number; maxMs: number }) =>
  `${m.medianMs.toFixed(0)} ms (${m.minMs.toFixed(0)}-${m.maxMs.toFixed(0)})`;

/** The issue's targets, evaluated on what was measured (skipped when a section did not run). */
export function targets(results: BenchResults): Target[] {
  const out: Target[] = [];
  const classic = results.throughput.find((row) => row.design === 'classic');
  if (classic !== undefined) {
    const rate = classic.campaign.perSecond;
    out.push({ met: rate >= 1_000_000, text: `classic campaign throughput ${round(rate)} checked ops/s (target >= 1,000,000)` });
    const versus = rate / classic.fastCheckFull.perSecond;
    out.push({ met: versus >= 3, text: `classic campaign / plain fast-check (full checks) = ${ratio(versus)} (target >= 3x)` });
  }
  for (const row of results.throughput) {
    const cost = row.implAlone.perSecond / row.campaign.perSecond;
    out.push({ met: cost <= 3, text: `${row.design}: checked cost / impl alone = ${ratio(cost)} (target <= 3x)` });
  }
  const designs = [...new Set(results.scaling.map((point) => point.design))];
  for (const design of designs) {
    const points = results.scaling.filter((point) => point.design === design).sort((a, b) => a.liveEntries - b.liveEntries);
    const first = points[0];
    const last = points.at(-1);
    if (first === undefined || last === undefined || first === last) continue;
    const growth = last.nsPerOp / first.nsPerOp;
    out.push({ met: growth <= 2, text: `${design}: checked ns/op at ${round(last.liveEntries)} live entries / at ${round(first.liveEntries)} = ${ratio(growth)} (target <= 2x)` });
    // The same growth without the model's part: what the incremental checks themselves cost.
    const checks = (point: ScalingPoint) => point.implNsPerOp + point.checksNsPerOp;
    const checkGrowth = checks(last) / checks(first);
    out.push({ met: checkGrowth <= 2, text: `${design}: design + checker ns/op (model excluded) at ${round(last.liveEntries)} / at ${round(first.liveEntries)} = ${ratio(checkGrowth)} (target <= 2x)` });
  }
  if (results.workers !== null) {
    out.push({ met: results.workers.speedup >= 1.8, text: `--workers 2 / --workers 1 = ${ratio(results.workers.speedup)} (target >= 1.8x)` });
  }
  return out;
}

/** The terminal table: one line per design and per scaling point. */
export function summaryTable(results: BenchResults): string {
  const lines: string[] = [];
  if (results.throughput.length > 0) {
    lines.push('checked ops/s on the default config (median of samples)');
    lines.push(`${'design'.padEnd(22)}${'campaign'.padStart(11)}${'full'.padStart(10)}${'fc full'.padStart(10)}${'fc camp.'.padStart(10)}${'impl'.padStart(11)}${'vs fc'.padStart(8)}${'cost'.padStart(8)}`);
    for (const row of results.throughput) {
      lines.push(
        `${row.design.padEnd(22)}${round(row.campaign.perSecond).padStart(11)}${round(row.fullChecks.perSecond).padStart(10)}` +
          `${round(row.fastCheckFull.perSecond).padStart(10)}${round(row.fastCheckCampaign.perSecond).padStart(10)}${round(row.implAlone.perSecond).padStart(11)}` +
          `${ratio(row.campaign.perSecond / row.fastCheckFull.perSecond).padStart(8)}${ratio(row.implAlone.perSecond / row.campaign.perSecond).padStart(8)}`,
      );
    }
  }
  if (results.scaling.length > 0) {
    lines.push('', 'checked ns/op by live entries (model / design / checker parts)');
    for (const point of results.scaling) {
      lines.push(
        `${point.design.padEnd(22)}${round(point.liveEntries).padStart(10)}${round(point.nsPerOp).padStart(12)}  ` +
          `(${round(point.modelNsPerOp)} / ${round(point.implNsPerOp)} / ${round(point.checksNsPerOp)})  full check ${point.fullCheckMs.toFixed(0)} ms`,
      );
    }
  }
  if (results.mutants.length > 0) {
    lines.push('', 'mutants: killed, median ms to kill, median ms to shrink, shrunk length');
    for (const row of results.mutants) {
      lines.push(`${row.name.padEnd(32)}${`${row.killed}/${row.seeds}`.padStart(6)}${String(row.msToKill?.toFixed(0) ?? '-').padStart(8)}${String(row.msToShrink?.toFixed(0) ?? '-').padStart(8)}${String(row.shrunkLength ?? '-').padStart(5)}`);
    }
  }
  if (results.workers !== null) {
    const w = results.workers;
    lines.push('', `workers: ${w.runs} runs, 1 worker ${spread(w.one)}, 2 workers ${spread(w.two)}, speedup ${ratio(w.speedup)}`);
  }
  return lines.join('\n');
}

/** BENCHMARKS.md. */
export function benchmarksMarkdown(results: BenchResults): string {
  const m = results.machine;
  const out: string[] = [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/main.ts); do not edit by hand. -->',
    '',
    `Measured on ${results.date}${results.quick ? ' with `--quick` (smoke-test sizes: do not quote these)' : ''}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform}); ` +
      `1-minute load average ${m.loadBefore.toFixed(2)} at the start and ${m.loadAfter.toFixed(2)} at the end. ` +
      'Each number is the median of several samples of a fixed seeded batch (tinybench); ranges are min-max. ' +
      'What bounds each number, with profiles, is in [docs/performance.md](docs/performance.md).',
    '',
    '## Targets',
    '',
    ...targets(results).map((t) => `- ${t.met ? 'met' : '**not met**'}: ${t.text}`),
  ];
  if (results.throughput.length > 0) {
    out.push('', '## Throughput on the default config', '',
      'Checked ops per second (model + design + comparison + invariant checks, each run\'s swapons and drain included). ' +
      '*campaign*: `swapcheck run`\'s checks (footprints, a full check every 64 ops); *full*: a full check after every op; ' +
      '*fast-check full* / *fast-check campaign*: the same ops and checks driven by `fc.commands` + `fc.modelRun`; ' +
      '*impl alone*: the campaign\'s ops on the design with no model and no checks. ' +
      '*vs fast-check* = campaign / fast-check full; *cost* = impl alone / campaign.',
      '',
      '| design | campaign | full | fast-check full | fast-check campaign | impl alone | vs fast-check | cost |',
      '|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const row of results.throughput) {
      out.push(`| ${row.design} | ${round(row.campaign.perSecond)} | ${round(row.fullChecks.perSecond)} | ${round(row.fastCheckFull.perSecond)} | ${round(row.fastCheckCampaign.perSecond)} | ${round(row.implAlone.perSecond)} | ${ratio(row.campaign.perSecond / row.fastCheckFull.perSecond)} | ${ratio(row.implAlone.perSecond / row.campaign.perSecond)} |`);
    }
    out.push('', 'Batch times (median, min-max):', '', '| design | campaign | full | fast-check full | impl alone |', '|---|---|---|---|---|');
    for (const row of results.throughput) {
      out.push(`| ${row.design} | ${spread(row.campaign)} | ${spread(row.fullChecks)} | ${spread(row.fastCheckFull)} | ${spread(row.implAlone)} |`);
    }
  }
  if (results.scaling.length > 0) {
    out.push('', '## Cost growth with live entries', '',
      'Checked ns per op of a swapin / unmap / writeout + evict mix on a machine populated with n swapped-out entries, split into ' +
      'the model (its ops, footprints and views), the design (its ops, per-item views and `auditTouched()`) and the checker\'s own work. ' +
      'The timed ops get footprint checks only; a full check is timed on its own and shown amortized over n ops, the interval that would keep its cost per op constant ' +
      '(campaigns use a fixed interval of 64 ops, at which full checks would dominate on a machine this size).',
      '',
      '| design | live entries | ns/op | model | design | checker | full check | full check per op (every n ops) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const p of results.scaling) {
      out.push(`| ${p.design} | ${round(p.liveEntries)} | ${round(p.nsPerOp)} | ${round(p.modelNsPerOp)} | ${round(p.implNsPerOp)} | ${round(p.checksNsPerOp)} | ${p.fullCheckMs.toFixed(0)} ms | ${round(p.fullCheckNsPerOpAmortized)} |`);
    }
  }
  if (results.mutants.length > 0) {
    out.push('', '## Mutants: time to kill and to shrink', '',
      'Per sequential mutant, seeded campaign runs until one fails (at most 10 s per seed), then that run shrunk (at most 5 s). Medians over the killing seeds. ' +
      'Race mutants are killed by `swapcheck explore`; their times are in [docs/model-checking.md](docs/model-checking.md).',
      '', '| mutant | killed | ms to kill | ops to kill | ms to shrink | shrunk length |', '|---|---:|---:|---:|---:|---:|');
    for (const row of results.mutants) {
      const cell = (value: number | null) => (value === null ? '-' : round(value));
      out.push(`| \`${row.name}\` | ${row.killed}/${row.seeds} | ${cell(row.msToKill)} | ${cell(row.opsToKill)} | ${cell(row.msToShrink)} | ${cell(row.shrunkLength)} |`);
    }
  }
  if (results.workers !== null) {
    const w = results.workers;
    out.push('', '## Workers', '', `The same campaign (${w.runs} runs of 400 ops, ${typeof w.design === 'string' ? w.design : 'a design'}, default config): ` +
      `1 worker ${spread(w.one)}, 2 workers ${spread(w.two)}; speedup ${ratio(w.speedup)}.`);
  }
  return `${out.join('\n')}\n`;
}

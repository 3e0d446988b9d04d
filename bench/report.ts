/**
 * Rendering of benchmark results: the terminal table, the performance targets evaluated as met
 * or not met with their numbers, and BENCHMARKS.md (generated; the analysis of what bounds
 * each number lives in docs/performance.md, which it links).
 *
 * Not covered here: taking the measurements (the other bench/ files).
 */
import type { DesignThroughput } from './campaign-bench.ts';
import type { MutantTiming } from './mutant-bench.ts';
import type { ScalingPoint } from './scaling-bench.ts';
import type { WorkerSpeedup } from './worker-bench.ts';

/** The median time to kill each mutant that the mutant target halves (bench/mutant-kill-baseline.json). */
export interface MutantBaseline {
  readonly about: string;
  readonly date: string;
  readonly msToKill: Readonly<Record<string, number>>;
}

export interface BenchResults {
  readonly format: 'swapcheck-bench';
  readonly version: 1;
  readonly date: string;
  readonly quick: boolean;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly node: string;
    readonly platform: string;
    /** 1-minute load average when the benchmark started and ended. */
    readonly loadBefore: number;
    readonly loadAfter: number;
  };
  readonly throughput: readonly DesignThroughput[];
  readonly scaling: readonly ScalingPoint[];
  readonly mutants: readonly MutantTiming[];
  readonly workers: WorkerSpeedup | null;
  readonly mutantBaseline: MutantBaseline | null;
}

export interface Target {
  readonly met: boolean;
  readonly text: string;
}

const round = (value: number) => Math.round(value).toLocaleString('en-US');
const ratio = (value: number) => `${value.toFixed(2)}x`;
const spread = (m: { medianMs: number; minMs: number; maxMs: number }) =>
  `${m.medianMs.toFixed(0)} ms (${m.minMs.toFixed(0)}-${m.maxMs.toFixed(0)})`;

const kib = (bytes: number) => `${Math.round(bytes).toLocaleString('en-US')} B`;

/** Campaign and design-alone rates a design must reach: classic's are higher. */
function rateTargets(design: string): { campaign: number; alone: number } {
  return design === 'classic'
    ? { campaign: 200_000, alone: 2_000_000 }
    : { campaign: 100_000, alone: 1_000_000 };
}

/**
 * The performance targets, evaluated on what was measured (a target whose section did not run
 * is left out): campaign and design-alone rates, flat cost per op from 10^3 to 10^6 live
 * entries, the full check and the bytes per live entry at 10^6, the time to kill each mutant
 * against its baseline, the worker speedup and determinism across worker counts.
 */
export function targets(results: BenchResults): Target[] {
  const out: Target[] = [];
  for (const row of results.throughput) {
    const want = rateTargets(row.design);
    const rate = row.campaign.perSecond;
    out.push({
      met: rate >= want.campaign,
      text: `${row.design} campaign: ${round(rate)} checked ops/s on one core (target >= ${round(want.campaign)})`,
    });
  }
  for (const row of results.throughput) {
    const want = rateTargets(row.design);
    const rate = row.implAlone.perSecond;
    out.push({
      met: rate >= want.alone,
      text: `${row.design} design alone: ${round(rate)} ops/s (target >= ${round(want.alone)})`,
    });
  }
  const designs = [...new Set(results.scaling.map((point) => point.design))];
  for (const design of designs) {
    const points = results.scaling
      .filter((point) => point.design === design)
      .sort((a, b) => a.liveEntries - b.liveEntries);
    const first = points[0];
    const last = points.at(-1);
    if (first === undefined || last === undefined || first === last) continue;
    const growth = last.nsPerOp / first.nsPerOp;
    out.push({
      met: growth <= 2,
      text: `${design}: checked ns/op at ${round(last.liveEntries)} live entries / at ${round(first.liveEntries)} = ${round(last.nsPerOp)} / ${round(first.nsPerOp)} = ${ratio(growth)}, model included (target <= 2x)`,
    });
  }
  const atScale = (point: ScalingPoint) => point.liveEntries >= 1_000_000;
  for (const design of designs) {
    const last = results.scaling
      .filter((point) => point.design === design)
      .sort((a, b) => a.liveEntries - b.liveEntries)
      .at(-1);
    if (last === undefined) continue;
    const size = atScale(last) ? '' : ` (measured at ${round(last.liveEntries)} live entries only)`;
    out.push({
      met: atScale(last) && last.fullCheckMs < 2000,
      text: `${design}: full check at ${round(last.liveEntries)} live entries ${(last.fullCheckMs / 1000).toFixed(2)} s${size} (target < 2 s at 1,000,000)`,
    });
  }
  for (const design of designs) {
    const last = results.scaling
      .filter((point) => point.design === design)
      .sort((a, b) => a.liveEntries - b.liveEntries)
      .at(-1);
    if (last === undefined || last.bytesPerEntry === null) continue;
    out.push({
      met: atScale(last) && last.bytesPerEntry <= 1024,
      text: `${design}: model + design + checker ${kib(last.bytesPerEntry)} per live entry at ${round(last.liveEntries)} (target <= 1,024 B)`,
    });
  }
  const baseline = results.mutantBaseline;
  if (results.mutants.length > 0 && baseline !== null) {
    const judged = results.mutants.filter((row) => baseline.msToKill[row.name] !== undefined);
    const halved = judged.filter(
      (row) =>
        row.killed === row.seeds &&
        row.msToKill !== null &&
        row.msToKill <= (baseline.msToKill[row.name] as number) / 2,
    );
    const ratios = judged
      .map(
        (row) =>
          (row.msToKill ?? Number.POSITIVE_INFINITY) / (baseline.msToKill[row.name] as number),
      )
      .sort((a, b) => a - b);
    const middle = ratios[ratios.length >> 1] ?? Number.NaN;
    out.push({
      met: judged.length > 0 && halved.length === judged.length,
      text: `time to kill: ${halved.length} of ${judged.length} mutants with a ${baseline.date} baseline killed in at most half its median time (median ratio ${ratio(middle)}; target: every mutant <= 0.50x)`,
    });
  }
  if (results.workers !== null) {
    const w = results.workers;
    out.push({
      met: w.speedup >= 1.8,
      text: `--workers 2 / --workers 1 = ${ratio(w.speedup)} (wall time; target >= 1.8x)`,
    });
    const d = w.determinism;
    out.push({
      met: d.identical,
      text: `same seed, same results at --workers ${d.workers.join(', ')}: ${d.identical ? 'identical' : `differ (${d.firstDifference ?? ''})`} (${d.runs} runs per design, every preset)`,
    });
  }
  return out;
}

/** The terminal table: one line per design and per scaling point. */
export function summaryTable(results: BenchResults): string {
  const lines: string[] = [];
  if (results.throughput.length > 0) {
    lines.push('checked ops/s on the default config (median of samples)');
    lines.push(
      `${'design'.padEnd(22)}${'campaign'.padStart(11)}${'full'.padStart(10)}${'fc full'.padStart(10)}${'fc camp.'.padStart(10)}${'impl'.padStart(11)}${'vs fc'.padStart(8)}${'cost'.padStart(8)}`,
    );
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
          `(${round(point.modelNsPerOp)} / ${round(point.implNsPerOp)} / ${round(point.checksNsPerOp)})  full check ${point.fullCheckMs.toFixed(0)} ms` +
          `  ${point.bytesPerEntry === null ? '' : `${round(point.bytesPerEntry)} B/entry`}`,
      );
    }
  }
  if (results.mutants.length > 0) {
    lines.push('', 'mutants: killed, median ms to kill, median ms to shrink, shrunk length');
    for (const row of results.mutants) {
      lines.push(
        `${row.name.padEnd(32)}${`${row.killed}/${row.seeds}`.padStart(6)}${String(row.msToKill?.toFixed(0) ?? '-').padStart(8)}${String(row.msToShrink?.toFixed(0) ?? '-').padStart(8)}${String(row.shrunkLength ?? '-').padStart(5)}`,
      );
    }
  }
  if (results.workers !== null) {
    const w = results.workers;
    lines.push(
      '',
      `workers: ${w.runs} runs, wall 1 worker ${w.one.wallMedianMs.toFixed(0)} ms, 2 workers ${w.two.wallMedianMs.toFixed(0)} ms, speedup ${ratio(w.speedup)}; same results at ${w.determinism.workers.join(', ')} workers: ${w.determinism.identical}`,
    );
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
      "Times are this process's CPU time (user + system), since other jobs share the machine, except the worker speedup (wall time); " +
      'each number is the median of several samples of a fixed seeded batch after a warm-up; ranges are min-max. ' +
      'What bounds each number, with profiles, is in [docs/performance.md](docs/performance.md).',
    '',
    '## Targets',
    '',
    ...targets(results).map((t) => `- ${t.met ? 'met' : '**not met**'}: ${t.text}`),
  ];
  if (results.throughput.length > 0) {
    out.push(
      '',
      '## Throughput on the default config',
      '',
      "Checked ops per second (model + design + comparison + invariant checks, each run's swapons and drain included). " +
        "*campaign*: `swapcheck run`'s checks (footprints, a full check every 64 ops); *full*: a full check after every op; " +
        "*fast-check full* / *fast-check campaign*: the campaign's own runs, op for op (same swarms, same templates), driven by `fc.modelRun`, " +
        "with a full check after every op (what a plain fast-check user writes) and with the campaign's checks; " +
        "*impl alone*: the campaign's ops on the design with no model and no checks. " +
        '*vs fast-check* = campaign / fast-check full; *cost* = impl alone / campaign.',
      '',
      '| design | campaign | full | fast-check full | fast-check campaign | impl alone | vs fast-check | cost |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const row of results.throughput) {
      out.push(
        `| ${row.design} | ${round(row.campaign.perSecond)} | ${round(row.fullChecks.perSecond)} | ${round(row.fastCheckFull.perSecond)} | ${round(row.fastCheckCampaign.perSecond)} | ${round(row.implAlone.perSecond)} | ${ratio(row.campaign.perSecond / row.fastCheckFull.perSecond)} | ${ratio(row.implAlone.perSecond / row.campaign.perSecond)} |`,
      );
    }
    out.push(
      '',
      'Batch times (median, min-max):',
      '',
      '| design | campaign | full | fast-check full | impl alone |',
      '|---|---|---|---|---|',
    );
    for (const row of results.throughput) {
      out.push(
        `| ${row.design} | ${spread(row.campaign)} | ${spread(row.fullChecks)} | ${spread(row.fastCheckFull)} | ${spread(row.implAlone)} |`,
      );
    }
  }
  if (results.scaling.length > 0) {
    out.push(
      '',
      '## Cost growth with live entries',
      '',
      'Checked CPU ns per op of a swapin / unmap / writeout + evict mix on a machine populated with n swapped-out entries (order-9 folios), split into ' +
        "the model (its ops, footprints and views), the design (its ops, per-item views and `auditTouched()`) and the checker's own work by their shares of wall time. " +
        'The timed ops get footprint checks only; a full check is timed on its own (CPU) and shown amortized over n ops, the interval that would keep its cost per op constant ' +
        '(campaigns use a fixed interval of 64 ops, at which full checks would dominate on a machine this size). ' +
        '*bytes/entry*: heap and array buffers in use after a garbage collection, populated machine minus empty process, per live entry (model + design + checker).',
      '',
      '| design | live entries | ns/op | model | design | checker | full check | full check per op (every n ops) | bytes/entry | populate (wall) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const p of results.scaling) {
      const bytes = p.bytesPerEntry === null ? '-' : round(p.bytesPerEntry);
      out.push(
        `| ${p.design} | ${round(p.liveEntries)} | ${round(p.nsPerOp)} | ${round(p.modelNsPerOp)} | ${round(p.implNsPerOp)} | ${round(p.checksNsPerOp)} | ${p.fullCheckMs.toFixed(0)} ms | ${round(p.fullCheckNsPerOpAmortized)} | ${bytes} | ${(p.populateMs / 1000).toFixed(0)} s |`,
      );
    }
  }
  if (results.mutants.length > 0) {
    out.push(
      '',
      '## Mutants: time to kill and to shrink',
      '',
      'Per sequential mutant, seeded campaign runs until one fails (at most 10 s of CPU per seed), then that run shrunk (at most 5 s). Medians over the killing seeds, in CPU ms. ' +
        `*baseline*: the median ms to kill of ${results.mutantBaseline?.date ?? 'the baseline'} (bench/mutant-kill-baseline.json: wall time, the mutants of that day); *ratio* = ms to kill / baseline. ` +
        'Race mutants are killed by `swapcheck explore`; their times are in [docs/model-checking.md](docs/model-checking.md).',
      '',
      '| mutant | killed | ms to kill | baseline | ratio | ops to kill | ms to shrink | shrunk length |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const row of results.mutants) {
      const cell = (value: number | null) => (value === null ? '-' : round(value));
      const before = results.mutantBaseline?.msToKill[row.name] ?? null;
      const against = before === null || row.msToKill === null ? '-' : ratio(row.msToKill / before);
      out.push(
        `| \`${row.name}\` | ${row.killed}/${row.seeds} | ${cell(row.msToKill)} | ${cell(before)} | ${against} | ${cell(row.opsToKill)} | ${cell(row.msToShrink)} | ${cell(row.shrunkLength)} |`,
      );
    }
  }
  if (results.workers !== null) {
    const w = results.workers;
    const wall = (m: WorkerSpeedup['one']) => `${m.wallMedianMs.toFixed(0)} ms`;
    out.push(
      '',
      '## Workers',
      '',
      `The same campaign (${w.runs} runs of 400 ops, ${typeof w.design === 'string' ? w.design : 'a design'}, default config), median wall time: ` +
        `1 worker ${wall(w.one)}, 2 workers ${wall(w.two)}; speedup ${ratio(w.speedup)}. ` +
        `Determinism: ${w.determinism.runs} runs of every built-in design on every preset at --workers ${w.determinism.workers.join(', ')} gave ` +
        `${w.determinism.identical ? 'identical results (the campaign result as JSON, timings left out)' : `different results: ${w.determinism.firstDifference ?? ''}`}.`,
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * Throughput per design on the default config, side by side in one process:
 * - campaign: runRandom() with campaign checks (footprints, a full check every 64 ops), what
 *   `swapcheck run` does per run;
 * - full checks: the same runs with a full check after every op (what replay uses);
 * - fast-check baselines: the campaign's own runs, op for op, driven by fc.modelRun
 *   (bench/fast-check-baseline.ts), once with a full check after every op (what a user writes
 *   with fast-check alone) and once with the campaign's checks (only the driver differs);
 * - impl alone: the campaign's ops applied to the design with no model and no checks (the
 *   batch applies them ten times over, so that it is long enough to time).
 * Each is a fixed batch of seeded runs, timed on CPU over several samples (bench/measure.ts).
 *
 * Not covered here: growth with live entries (bench/scaling-bench.ts), workers.
 */
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { checkerOptionsCampaign, checkerOptionsDefault } from '../properties/checker.ts';
import { describeFailure } from '../properties/report.ts';
import { runSeed } from '../properties/prng.ts';
import { runRandom, type DesignUnderTest } from '../properties/run.ts';
import { fastCheckBatch } from './fast-check-baseline.ts';
import { measure, type Measurement } from './measure.ts';

export interface CampaignBenchOptions {
  readonly config: Config;
  readonly runs: number;
  readonly opsPerRun: number;
  readonly samples: number;
  readonly seed: number;
}

export interface DesignThroughput {
  readonly design: string;
  readonly campaign: Measurement;
  readonly fullChecks: Measurement;
  readonly fastCheckFull: Measurement;
  readonly fastCheckCampaign: Measurement;
  readonly implAlone: Measurement;
}

/** Checked runs of one batch; throws on a failure (a benchmark must not find bugs). */
function checkedBatch(
  design: DesignUnderTest,
  options: CampaignBenchOptions,
  full: boolean,
  keep?: Op[][],
): number {
  let steps = 0;
  for (let run = 0; run < options.runs; run++) {
    const checks = full ? checkerOptionsDefault : checkerOptionsCampaign;
    const result = runRandom(
      design,
      options.config,
      runSeed(options.seed, run),
      options.opsPerRun,
      checks,
    );
    if (result.failure !== null)
      throw new Error(
        `${design.name} failed in a benchmark run: ${describeFailure(result.failure)}`,
      );
    keep?.push([...result.ops]);
    steps += result.steps;
  }
  return steps;
}

export async function benchDesign(
  design: DesignUnderTest,
  options: CampaignBenchOptions,
): Promise<DesignThroughput> {
  const traces: Op[][] = [];
  checkedBatch(design, options, false, traces);
  const name = (what: string) => `${design.name} ${what}`;
  const campaign = await measure(name('campaign'), options.samples, () =>
    checkedBatch(design, options, false),
  );
  const fullChecks = await measure(name('full checks'), options.samples, () =>
    checkedBatch(design, options, true),
  );
  const fastCheckFull = await measure(name('fast-check, full checks'), options.samples, () =>
    fastCheckBatch(
      design,
      options.config,
      options.runs,
      options.opsPerRun,
      options.seed,
      checkerOptionsDefault,
    ),
  );
  const fastCheckCampaign = await measure(
    name('fast-check, campaign checks'),
    options.samples,
    () =>
      fastCheckBatch(
        design,
        options.config,
        options.runs,
        options.opsPerRun,
        options.seed,
        checkerOptionsCampaign,
      ),
  );
  const implAlone = await measure(name('impl alone'), options.samples, () => {
    let ops = 0;
    for (let round = 0; round < 10; round++) {
      for (const trace of traces) {
        const system = design.create(options.config);
        for (const op of trace) system.apply(op);
        ops += trace.length;
      }
    }
    return ops;
  });
  return { design: design.name, campaign, fullChecks, fastCheckFull, fastCheckCampaign, implAlone };
}

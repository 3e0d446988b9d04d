/**
 * Workers: the same campaign (a fixed number of seeded runs of one design on the default
 * config) with `--workers 1` (inline) and `--workers 2` (two worker threads); the speedup is
 * the ratio of the median wall times (CPU time would add the threads up). The worker pool is
 * started before the samples (its start-up, about a second of module loading, is not campaign
 * work). Then determinism: the same campaign on every preset config at 1, 2 and 3 workers must
 * give the same result, byte for byte, once its timings are left out.
 *
 * Not covered here: more than two workers for speed (this machine has two cores).
 */
import type { Config } from '../lib/config.ts';
import { configPresets } from '../lib/config.ts';
import { runCampaign, type CampaignOptions, type CampaignResult } from '../properties/campaign.ts';
import { withPool } from '../properties/worker-pool.ts';
import type { DesignRef } from '../properties/trace.ts';
import { measure, type Measurement } from './measure.ts';

export interface WorkerSpeedup {
  readonly design: DesignRef;
  readonly runs: number;
  readonly one: Measurement;
  readonly two: Measurement;
  /** Median wall time with one worker over that with two. */
  readonly speedup: number;
  /** The worker counts compared for determinism, and whether their results were identical. */
  readonly determinism: {
    readonly workers: readonly number[];
    readonly runs: number;
    readonly identical: boolean;
    readonly firstDifference: string | null;
  };
}

/** One campaign of `runs` seeded runs through `execute` (inline when undefined). */
async function campaign(
  designs: readonly DesignRef[],
  configs: readonly Config[],
  runs: number,
  seed: number,
  execute: CampaignOptions['execute'],
  workers: number,
): Promise<CampaignResult> {
  return runCampaign({
    designs,
    configs,
    seed,
    runs,
    opsPerRun: 400,
    shardIndex: 0,
    shardCount: 1,
    ...(execute === undefined ? {} : { execute, concurrency: workers * 2 }),
  });
}

async function campaignOps(
  design: DesignRef,
  config: Config,
  runs: number,
  seed: number,
  execute: CampaignOptions['execute'],
  workers: number,
): Promise<number> {
  const summary = (await campaign([design], [config], runs, seed, execute, workers)).designs[0];
  if (summary === undefined || summary.failure !== null)
    throw new Error('the worker benchmark campaign failed');
  return summary.ops;
}

/** Times the campaign with `workers` workers; the pool is started once, outside the samples. */
async function measureWorkers(
  design: DesignRef,
  config: Config,
  runs: number,
  samples: number,
  seed: number,
  workers: number,
): Promise<Measurement> {
  return withPool(workers, (execute) =>
    measure(`workers ${workers}`, samples, () =>
      campaignOps(design, config, runs, seed, execute, workers),
    ),
  );
}

/** The campaign's result as JSON without its timings. */
function timeless(result: CampaignResult): string {
  return JSON.stringify(result, (key, value: unknown) => (key === 'elapsedMs' ? undefined : value));
}

/** Runs the same campaign (every built-in design named, every preset) at each worker count. */
async function determinism(
  designs: readonly DesignRef[],
  runs: number,
  seed: number,
): Promise<WorkerSpeedup['determinism']> {
  const counts = [1, 2, 3];
  const configs = Object.values<Config>(configPresets);
  const texts: string[] = [];
  for (const workers of counts) {
    const result =
      workers === 1
        ? await campaign(designs, configs, runs, seed, undefined, 1)
        : await withPool(workers, (execute) =>
            campaign(designs, configs, runs, seed, execute, workers),
          );
    texts.push(timeless(result));
  }
  const first = texts[0] as string;
  const other = texts.findIndex((text) => text !== first);
  let firstDifference: string | null = null;
  if (other >= 0) {
    const text = texts[other] as string;
    let at = 0;
    while (at < first.length && first[at] === text[at]) at++;
    firstDifference = `--workers ${counts[other]} differs from --workers 1 at character ${at}: ${JSON.stringify(first.slice(at, at + 60))} against ${JSON.stringify(text.slice(at, at + 60))}`;
  }
  return { workers: counts, runs, identical: other < 0, firstDifference };
}

export async function benchWorkers(
  design: DesignRef,
  designs: readonly DesignRef[],
  config: Config,
  runs: number,
  samples: number,
  seed: number,
): Promise<WorkerSpeedup> {
  const one = await measureWorkers(design, config, runs, samples, seed, 1);
  const two = await measureWorkers(design, config, runs, samples, seed, 2);
  const same = await determinism(designs, Math.max(10, Math.round(runs / 4)), seed);
  return {
    design,
    runs,
    one,
    two,
    speedup: one.wallMedianMs / two.wallMedianMs,
    determinism: same,
  };
}

/**
 * Workers: the same campaign (a fixed number of seeded runs of one design on the default
 * config) with `--workers 1` (inline) and `--workers 2` (two worker threads), timed by
 * tinybench; the speedup is the ratio of the median wall times. The worker pool is started
 * before the samples (its start-up, about a second of module loading, is not campaign work).
 *
 * Not covered here: more than two workers (this machine has two cores).
 */
// @ts-nocheck

import type { Config } from '../lib/config.ts';
import { runCampaign, type CampaignOptions } from '../properties/campaign.ts';
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
}

/** One campaign of `runs` seeded runs through `execute` (inline when undefined). */
async function campaignOps(design: DesignRef, config: Config, runs: number, seed: number, execute: CampaignOptions['execute'], workers: number): Promise<number> {
  const result = await runCampaign({
    designs: [design], configs: [config], seed, runs, opsPerRun: 400, shardIndex: 0, shardCount: 1,
    ...(execute === undefined ? {} : { execute, concurrency: workers * 2 }),
  });
  const summary = result.designs[0];
  if (summary === undefined || summary.failure !== null) throw new Error('the worker benchmark campaign failed');
  return summary.ops;
}

/** Times the campaign with `workers` workers; the pool is started once, outside the samples. */
async function measureWorkers(design: DesignRef, config: Config, runs: number, samples: number, seed: number, workers: number): Promise<Measurement> {
  return withPool(workers, (execute) =>
    measure(`workers ${workers}`, samples, () => campaignOps(design, config, runs, seed, execute, workers)));
}

export async function benchWorkers(design: DesignRef, config: Config, runs: number, samples: number, seed: number): Promise<WorkerSpeedup> {
  const one = await measureWorkers(design, config, runs, samples, seed, 1);
  const two = await measureWorkers(design, config, runs, samples, seed, 2);
  return { design, runs, one, two, speedup: one.medianMs / two.medianMs };
}

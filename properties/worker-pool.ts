/**
 * A pool of worker threads that run campaign units (properties/campaign-worker.ts), one unit
 * per message; with one worker, units run inline and no thread is started.
 *
 * Not covered here: scheduling units over designs and shards (properties/campaign.ts).
 */
import Tinypool from 'tinypool';
import type { CampaignOptions } from './campaign.ts';
import type { UnitResult } from './run-unit.ts';

/** Runs `body` with an executor over `workers` threads (undefined: inline). */
export async function withPool<T>(
  workers: number,
  body: (execute: CampaignOptions['execute']) => Promise<T>,
): Promise<T> {
  if (workers <= 1) return body(undefined);
  const filename = new URL('./campaign-worker.js', import.meta.url).href;
  const pool = new Tinypool({ filename, minThreads: workers, maxThreads: workers });
  try {
    return await body((spec) => pool.run(spec) as Promise<UnitResult>);
  } finally {
    await pool.destroy();
  }
}

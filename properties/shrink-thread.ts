/**
 * Shrinking on a worker thread, so the main thread stays free to handle SIGINT and SIGTERM
 * while a shrink runs (a synchronous shrink would hold the signal until it ends): an interrupt
 * terminates the thread and the failure is kept unshrunk; a failure found after the interrupt
 * came is not shrunk at all. From sources (vitest, no compiled worker file) the shrink runs
 * inline.
 *
 * Not covered here: the shrinker (properties/shrink.ts), the worker (properties/shrink-worker.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ShrinkJob } from './campaign.ts';
import { resolveDesign } from './design-registry.ts';
import { shrinkTrace, type ShrinkResult } from './shrink.ts';

/** An interrupt as the shrinker sees it: whether it has come, and when it comes. */
export interface ShrinkInterrupt {
  readonly stopped: () => boolean;
  readonly whenStopped: Promise<void>;
}

/** Shrinks `job` on a thread; null when the interrupt came before or comes first (the
 * thread is then ended). */
export async function shrinkOnThread(
  job: ShrinkJob,
  interrupt: ShrinkInterrupt,
): Promise<ShrinkResult | null> {
  if (interrupt.stopped()) return null;
  const workerFile = new URL('./shrink-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(workerFile))) {
    return shrinkTrace(
      resolveDesign(job.design),
      job.config,
      job.ops,
      job.failure,
      job.budget,
      job.checker,
    );
  }
  const worker = new Worker(workerFile, { workerData: job });
  try {
    return await Promise.race([
      new Promise<ShrinkResult>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) =>
          reject(new Error(`the shrink thread exited with code ${code}`)),
        );
      }),
      interrupt.whenStopped.then(() => null),
    ]);
  } finally {
    await worker.terminate();
  }
}

/**
 * The worker-thread entry point of a shrink that an interrupt can end (properties/
 * shrink-thread.ts): it loads the job's design, shrinks, and posts the ShrinkResult back.
 * Runs only as compiled JavaScript (dist/).
 *
 * Not covered here: the shrinker (properties/shrink.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ShrinkJob } from './campaign.ts';
import { loadDesign } from './proposal.ts';
import { shrinkTrace } from './shrink.ts';

const job = workerData as ShrinkJob;
const design = await loadDesign(job.design);
parentPort?.postMessage(
  shrinkTrace(design, job.config, job.ops, job.failure, job.budget, job.checker),
);

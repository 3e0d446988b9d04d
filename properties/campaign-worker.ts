/**
 * The worker-thread entry point of a campaign pool: tinypool calls the default export with a
 * UnitSpec and gets a UnitResult back. A proposal module named by the spec is loaded in the
 * worker first (each thread has its own module registry). Runs only as compiled JavaScript
 * (dist/).
 *
 * Not covered here: the pool itself (properties/worker-pool.ts).
 */
import { loadDesign } from './proposal.ts';
import type { UnitResult, UnitSpec } from './run-unit.ts';
import { runUnit } from './run-unit.ts';

export default async function runUnitInWorker(spec: UnitSpec): Promise<UnitResult> {
  await loadDesign(spec.design);
  return runUnit(spec);
}

/**
 * The worker-thread entry point of a campaign pool: tinypool calls the default export with a
 * UnitSpec and gets a UnitResult back. Runs only as compiled JavaScript (dist/).
 *
 * Not covered here: the pool itself (cli/commands.ts creates it).
 */
// @ts-nocheck

import type { UnitResult, UnitSpec } from './run-unit.ts';
import { runUnit } from './run-unit.ts';

export default function runUnitInWorker(spec: UnitSpec): UnitResult {
  return runUnit(spec);
}

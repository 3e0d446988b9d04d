/**
 * One unit of campaign work as plain, structured-cloneable data, so it can run inline or on a
 * worker thread: the spec names the design by reference (not by object), the config, the run
 * seed and length; the result carries counts, marks and, on failure, the ops that ran.
 *
 * Not covered here: scheduling units (properties/campaign.ts).
 */
import type { Config } from '../lib/config.ts';
import type { Op, OpName } from '../lib/ops.ts';
import type { CheckerOptions, Failure } from './checker.ts';
import type { Steer } from './generator.ts';
import { resolveDesign } from './design-registry.ts';
import { runRandom } from './run.ts';
import type { DesignRef } from './trace.ts';

export interface UnitSpec {
  readonly design: DesignRef;
  readonly config: Config;
  readonly runIndex: number;
  readonly runSeed: number;
  readonly opsPerRun: number;
  readonly checker: CheckerOptions;
  /** The run's steer toward rare marks (properties/mark-steering.ts), if any. */
  readonly steer?: Steer;
}

export interface UnitResult {
  readonly steps: number;
  readonly opCounts: Readonly<Partial<Record<OpName, number>>>;
  readonly marks: Readonly<Record<string, number>>;
  readonly failure: Failure | null;
  /** The ops that ran, only when the run failed. */
  readonly ops: readonly Op[] | null;
}

export function runUnit(spec: UnitSpec): UnitResult {
  const design = resolveDesign(spec.design);
  const result = runRandom(
    design,
    spec.config,
    spec.runSeed,
    spec.opsPerRun,
    spec.checker,
    spec.steer,
  );
  return {
    steps: result.steps,
    opCounts: result.opCounts,
    marks: result.marks,
    failure: result.failure,
    ops: result.failure === null ? null : result.ops,
  };
}

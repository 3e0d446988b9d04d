/**
 * The trace shrinker. fast-check never shrinks command lists given as examples, and a failing
 * campaign run is a concrete op list, so swapcheck shrinks traces itself: cut everything after
 * the failing op, delete chunks of ops (halving the chunk size down to single ops, as ddmin
 * does), then simplify each op's arguments (CPU 0, no injected failure, order 0, small values),
 * and repeat until nothing more can go. A candidate counts only if it still fails the same way
 * (same failure kind and, for audits, the same invariant), so shrinking cannot slide onto a
 * different bug.
 *
 * Not covered here: deleting whole entry lifecycles and renumbering holders (later passes).
 */
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { CheckerOptions, Failure } from './checker.ts';
import { checkerOptionsDefault } from './checker.ts';
import type { DesignUnderTest } from './run.ts';
import { replayOps } from './run.ts';

export interface ShrinkResult {
  readonly ops: readonly Op[];
  readonly failure: Failure;
  readonly lengthBefore: number;
  readonly attempts: number;
  readonly elapsedMs: number;
}

export interface ShrinkBudget {
  readonly timeMs: number;
  readonly attemptsMax: number;
}

export const shrinkBudgetDefault: ShrinkBudget = { timeMs: 20_000, attemptsMax: 20_000 };

function sameFailure(target: Failure, candidate: Failure): boolean {
  return candidate.kind === target.kind && candidate.invariant === target.invariant;
}

/** Simpler variants of one op, simplest first. */
function simplifications(op: Op): Op[] {
  const variants: Op[] = [];
  if (op.cpu !== 0) variants.push({ ...op, cpu: 0 });
  if ('failAlloc' in op && op.failAlloc === true) {
    const { failAlloc: _failAlloc, ...rest } = op;
    variants.push(rest as Op);
  }
  if ('failZswap' in op && op.failZswap === true) {
    const { failZswap: _failZswap, ...rest } = op;
    variants.push(rest as Op);
  }
  if ((op.op === 'fault' || op.op === 'swapin') && op.order > 0) variants.push({ ...op, order: 0 });
  if (op.op === 'write' && op.value > 1) variants.push({ ...op, value: 1 });
  return variants;
}

export function shrinkTrace(
  design: DesignUnderTest,
  config: Config,
  ops: readonly Op[],
  target: Failure,
  budget: ShrinkBudget = shrinkBudgetDefault,
  options: CheckerOptions = checkerOptionsDefault,
): ShrinkResult {
  const started = performance.now();
  let attempts = 0;
  let best = ops.slice(0, Math.min(ops.length, target.step + 1));
  let bestFailure = target;
  const outOfBudget = () => attempts >= budget.attemptsMax || performance.now() - started > budget.timeMs;
  // Tries a candidate; on the same failure, keeps it cut right after the failing op.
  const attempt = (candidate: readonly Op[]): boolean => {
    attempts++;
    const result = replayOps(design, config, candidate, options);
    if (result.failure === null || !sameFailure(target, result.failure)) return false;
    best = candidate.slice(0, Math.min(candidate.length, result.failure.step + 1));
    bestFailure = result.failure;
    return true;
  };
  const confirmed = attempt(best);
  if (!confirmed) best = ops.slice();
  let progress = true;
  while (progress && !outOfBudget()) {
    progress = false;
    for (let chunk = best.length >> 1; chunk >= 1 && !outOfBudget(); chunk >>= 1) {
      for (let start = 0; start + chunk <= best.length && !outOfBudget(); ) {
        const candidate = [...best.slice(0, start), ...best.slice(start + chunk)];
        if (attempt(candidate)) {
          progress = true;
        } else {
          start += chunk;
        }
      }
    }
    for (let index = 0; index < best.length && !outOfBudget(); index++) {
      for (const variant of simplifications(best[index] as Op)) {
        const candidate = best.slice();
        candidate[index] = variant;
        if (attempt(candidate)) {
          progress = true;
          break;
        }
      }
    }
  }
  return {
    ops: best,
    failure: bestFailure,
    lengthBefore: ops.length,
    attempts,
    elapsedMs: performance.now() - started,
  };
}

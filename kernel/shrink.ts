/**
 * Shrinking with the kernel in the loop. A divergence between the model and the kernel can
 * only be confirmed by running the kernel, so each round builds a batch of smaller candidate
 * programs (the failing one with a run of actions removed, then with written values made
 * small), runs the whole batch in one boot, and keeps the shortest candidate that still fails
 * the same way (some difference of the same kind at its first failing step). Removing an
 * action can leave a later one without its precondition (a read of a holder that is no longer
 * swapped out); such actions drop out when the candidate is rebuilt. The first batch also
 * reruns the original program: a failure that does not come back is reported as not
 * reproduced rather than shrunk.
 *
 * Not covered here: finding the failure (kernel/campaign.ts, cli/kernel-command.ts).
 */
import type { Config } from '../lib/config.ts';
import type { Action } from './actions.ts';
import type { DifferenceKind } from './compare.ts';
import type { OracleJob, OracleResult } from './oracle.ts';
import { runOnKernel } from './oracle.ts';
import type { KernelProgram } from './program.ts';
import { ProgramBuilder } from './program.ts';
import { Rejection } from './session.ts';
import type { UmlTools } from './uml.ts';

/** A program rebuilt from an action list: the actions that still apply, and the program. */
export interface Rebuilt {
  readonly actions: readonly Action[];
  readonly program: KernelProgram;
}

/** Replays `actions` on `config`, leaving out those that no longer apply or that the profile
 * refuses in the state the others leave; appends the drain. */
export function rebuild(config: Config, actions: readonly Action[]): Rebuilt {
  const builder = new ProgramBuilder(config);
  const kept: Action[] = [];
  for (const action of actions) {
    if (!builder.session.applies(action) || builder.session.rejection(action) !== null) continue;
    try {
      builder.apply(action);
      kept.push(action);
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
    }
  }
  builder.drain();
  return { actions: kept, program: builder.build() };
}

/** The kinds of difference at a result's first failing step (empty unless it failed). */
export function failureKinds(result: OracleResult): Set<DifferenceKind> {
  return result.verdict.kind === 'fail'
    ? new Set(result.verdict.differences.map((difference) => difference.kind))
    : new Set();
}

/** What a failure is, for grouping and for keeping a shrink on the same failure: the action
 * at the first failing step (a zap says what it zapped: a present page or a swap entry) and
 * the kinds of difference there, leaving out those that only follow from others (a device's
 * usage moves SwapFree; zswap's count and memory.swap.current move with the slots). */
export interface FailureShape {
  readonly action: string;
  readonly kinds: ReadonlySet<DifferenceKind>;
}

const derivedKinds: ReadonlySet<DifferenceKind> = new Set<DifferenceKind>([
  'swap-free',
  'device',
  'zswap',
  'swap-total',
  'memcg-swap',
]);

export function failureShape(result: OracleResult): FailureShape | null {
  const verdict = result.verdict;
  if (verdict.kind !== 'fail') return null;
  const step = verdict.step;
  let action = step?.action.kind ?? 'set-up';
  if (step !== null && step.action.kind === 'zap') {
    // What the holder held before the zap, in the previous step's expectation.
    const program = result.job.program;
    const before = step.index === 1 ? program.initial : program.steps[step.index - 2]?.expect;
    const holder = step.action.holder;
    const view = before?.holders.find((each) => each.holder === holder)?.view;
    action = view?.kind === 'present' ? 'zap-present' : 'zap-swapped';
  }
  const all = failureKinds(result);
  const primary = new Set([...all].filter((kind) => !derivedKinds.has(kind)));
  return { action, kinds: primary.size > 0 ? primary : all };
}

/** The one-line form of a shape: `zap-present: swap-cached`. */
export function formatShape(shape: FailureShape): string {
  return `${shape.action}: ${[...shape.kinds].sort().join(', ')}`;
}

/** Same action, and some difference kind in common. */
export function sameShape(a: FailureShape, b: FailureShape | null): boolean {
  return b !== null && a.action === b.action && [...a.kinds].some((kind) => b.kinds.has(kind));
}

export interface KernelShrinkOptions {
  /** Wall-clock budget; default 120 s. */
  readonly timeMs?: number;
  /** Builds a candidate program from an action list; default rebuild(). */
  readonly build?: (config: Config, actions: readonly Action[]) => Rebuilt;
  /** Candidates per boot; default 32. */
  readonly batchSize?: number;
  readonly onRound?: (round: number, actions: number) => void;
}

export interface KernelShrinkResult {
  /** The original failure came back when rerun. */
  readonly reproduced: boolean;
  readonly actions: readonly Action[];
  readonly program: KernelProgram;
  /** The last failing run of `program`. */
  readonly result: OracleResult;
  readonly lengthBefore: number;
  readonly rounds: number;
  readonly programsRun: number;
  readonly elapsedMs: number;
}

/** Shrinks a failing action list, keeping the failure's shape. */
export async function shrinkOnKernel(
  tools: UmlTools,
  config: Config,
  actions: readonly Action[],
  shape: FailureShape,
  options: KernelShrinkOptions = {},
): Promise<KernelShrinkResult> {
  const start = performance.now();
  const timeMs = options.timeMs ?? 120_000;
  const batchSize = Math.max(2, options.batchSize ?? 32);
  const build = options.build ?? rebuild;
  let current = build(config, actions);
  const lengthBefore = current.actions.length;
  let currentResult: OracleResult | null = null;
  let rounds = 0;
  let programsRun = 0;
  let chunk = Math.max(1, Math.floor(current.actions.length / 2));
  let valuesTried = false;
  const seen = new Set<string>([JSON.stringify(current.actions)]);
  const sameFailure = (result: OracleResult) => sameShape(shape, failureShape(result));
  for (;;) {
    const candidates: Rebuilt[] = [];
    if (currentResult === null) candidates.push(current);
    let smallest = chunk;
    for (
      let size = chunk;
      size >= 1 && candidates.length < batchSize;
      size = Math.floor(size / 2)
    ) {
      smallest = size;
      for (let at = 0; at < current.actions.length && candidates.length < batchSize; at += size) {
        const candidate = build(config, [
          ...current.actions.slice(0, at),
          ...current.actions.slice(at + size),
        ]);
        const key = JSON.stringify(candidate.actions);
        if (seen.has(key)) continue;
        seen.add(key);
        candidates.push(candidate);
      }
    }
    if (candidates.length === (currentResult === null ? 1 : 0) && !valuesTried) {
      valuesTried = true;
      const simpler = build(
        config,
        current.actions.map((action) =>
          action.kind === 'write' && action.value > 1 ? { ...action, value: 1 } : action,
        ),
      );
      const key = JSON.stringify(simpler.actions);
      if (!seen.has(key)) {
        seen.add(key);
        candidates.push(simpler);
      }
    }
    if (candidates.length === 0) break;
    rounds += 1;
    const jobs: OracleJob[] = candidates.map((candidate, index) => ({
      name: `candidate-${rounds}-${index}`,
      program: candidate.program,
      source: { origin: `shrink round ${rounds}, candidate ${index}` },
    }));
    const run = await runOnKernel(tools, jobs, { batchSize });
    programsRun += jobs.length;
    if (currentResult === null) {
      const rerun = run.results[0] as OracleResult;
      if (!sameFailure(rerun)) {
        return {
          reproduced: false,
          actions: current.actions,
          program: current.program,
          result: rerun,
          lengthBefore,
          rounds,
          programsRun,
          elapsedMs: performance.now() - start,
        };
      }
      currentResult = rerun;
    }
    const failing = run.results
      .map((result, index) => ({ result, candidate: candidates[index] as Rebuilt }))
      .filter(({ result, candidate }) => candidate !== current && sameFailure(result))
      .sort((a, b) => a.candidate.actions.length - b.candidate.actions.length);
    const best = failing[0];
    if (best !== undefined && best.candidate.actions.length <= current.actions.length) {
      current = best.candidate;
      currentResult = best.result;
      chunk = Math.max(1, Math.floor(current.actions.length / 2));
      valuesTried = false;
    } else if (smallest > 1) {
      chunk = Math.max(1, Math.floor(smallest / 2));
    } else if (valuesTried) {
      break;
    }
    options.onRound?.(rounds, current.actions.length);
    if (performance.now() - start > timeMs) break;
  }
  return {
    reproduced: true,
    actions: current.actions,
    program: current.program,
    result: currentResult as OracleResult,
    lengthBefore,
    rounds,
    programsRun,
    elapsedMs: performance.now() - start,
  };
}

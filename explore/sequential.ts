/**
 * The bounded-exhaustive sequential mode (small-scope checking, as TLC does it): every op
 * sequence up to length k over the op alphabet (explore/alphabet.ts) on a tiny config, each op
 * checked by the sequential Checker exactly as `swapcheck run` checks it (outcome, identity,
 * observation, model self-check, impl audit), and the drain checked from every distinct state
 * reached. States are merged by their canonical key (explore/canonical.ts), so the search is a
 * breadth-first search over distinct states: a sequence is extended only if it reached a state
 * no shorter sequence reached.
 *
 * The impl cannot be cloned, so every child is reached by replaying its parent's sequence on a
 * fresh system; a search to depth k costs about states x alphabet x k op applications.
 *
 * Not covered here: interleavings (explore/concurrent.ts), fault injection flags.
 */
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { Checker, Failure } from '../properties/checker.ts';
import type { DesignUnderTest } from '../properties/run.ts';
import { checkerFor } from '../properties/run.ts';
import { opAlphabet } from './alphabet.ts';
import { stateKey } from './canonical.ts';

export interface SequentialOptions {
  /** Longest op sequence explored (after the swapon prologue). */
  readonly depth: number;
  /** Stop early after this many milliseconds (the result says it is incomplete). */
  readonly timeMs: number;
  /** CPU the alphabet's ops run on; sequences alternate CPUs when the config has two. */
  readonly alternateCpus: boolean;
  readonly onLevel?: (level: SequentialLevel) => void;
}

export interface SequentialLevel {
  readonly depth: number;
  /** Distinct states first reached at this depth. */
  readonly states: number;
  /** Op sequences tried at this depth (children of the previous level's states). */
  readonly sequences: number;
}

export interface SequentialResult {
  /** Deepest level fully explored. */
  readonly depthDone: number;
  readonly complete: boolean;
  /** Distinct states reached, the initial one included. */
  readonly states: number;
  readonly sequences: number;
  readonly opsApplied: number;
  readonly levels: readonly SequentialLevel[];
  readonly failure: { readonly ops: readonly Op[]; readonly failure: Failure } | null;
  readonly elapsedMs: number;
}

/** swapon of every device, on CPU 0: every sequence starts here. */
export function prologue(config: Config): Op[] {
  return config.devices.map((_, device) => ({ op: 'swapon', device, cpu: 0 }) as const);
}

interface Replayed {
  readonly checker: Checker;
  readonly failure: Failure | null;
}

function replay(design: DesignUnderTest, config: Config, ops: readonly Op[]): Replayed {
  const checker = checkerFor(design, config);
  for (const op of ops) {
    const failure = checker.step(op);
    if (failure !== null) return { checker, failure };
  }
  return { checker, failure: null };
}

/** Explores every op sequence up to `options.depth` ops, breadth first over distinct states. */
export function exploreSequential(
  design: DesignUnderTest,
  config: Config,
  options: SequentialOptions,
): SequentialResult {
  const started = performance.now();
  const start = prologue(config);
  const root = replay(design, config, start);
  let opsApplied = start.length;
  const done = (partial: Omit<SequentialResult, 'elapsedMs'>): SequentialResult => ({
    ...partial,
    elapsedMs: performance.now() - started,
  });
  if (root.failure !== null) {
    return done({
      depthDone: 0,
      complete: false,
      states: 0,
      sequences: 1,
      opsApplied,
      levels: [],
      failure: { ops: start, failure: root.failure },
    });
  }
  const seen = new Set<string>([stateKey(root.checker.observation, root.checker.system.observe())]);
  let frontier: Op[][] = [start];
  const levels: SequentialLevel[] = [];
  let sequences = 1;
  for (let depth = 1; depth <= options.depth; depth++) {
    const next: Op[][] = [];
    let tried = 0;
    for (const parent of frontier) {
      const cpu = options.alternateCpus ? (depth - 1) % config.cpus : 0;
      const base = replay(design, config, parent);
      opsApplied += parent.length;
      for (const op of opAlphabet(config, base.checker.observation, cpu)) {
        if (performance.now() - started > options.timeMs) {
          return done({
            depthDone: depth - 1,
            complete: false,
            states: seen.size,
            sequences,
            opsApplied,
            levels,
            failure: null,
          });
        }
        const ops = [...parent, op];
        tried++;
        sequences++;
        const child = replay(design, config, ops);
        opsApplied += ops.length;
        if (child.failure !== null) {
          return done({
            depthDone: depth - 1,
            complete: false,
            states: seen.size,
            sequences,
            opsApplied,
            levels,
            failure: { ops, failure: child.failure },
          });
        }
        const key = stateKey(child.checker.observation, child.checker.system.observe());
        if (seen.has(key)) continue;
        seen.add(key);
        next.push(ops);
        const drained = child.checker.drain();
        if (drained !== null) {
          return done({
            depthDone: depth - 1,
            complete: false,
            states: seen.size,
            sequences,
            opsApplied,
            levels,
            failure: { ops, failure: drained },
          });
        }
      }
    }
    const level = { depth, states: next.length, sequences: tried };
    levels.push(level);
    options.onLevel?.(level);
    frontier = next;
    if (next.length === 0) break;
  }
  return done({
    depthDone: options.depth,
    complete: true,
    states: seen.size,
    sequences,
    opsApplied,
    levels,
    failure: null,
  });
}

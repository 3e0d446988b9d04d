/**
 * The self-check: for every catalogued mutant (impl/mutants.ts), run seeded random campaigns
 * against it and measure whether and how fast the harness kills it: seeds that killed it,
 * median ops and time to kill, and the length of the shrunk trace against the documented
 * shortest. A mutant that survives a seed's budget is a gap in the properties.
 *
 * The budget of one seed of one mutant: the campaign of seed `seedBase + i` runs
 * runRandom(runSeed(seed, 0..)) with the configs in turn and stops at the first kill, after
 * `runsPerSeed` runs, or after `timeMsPerSeed` ms, whichever comes first. The runs budget is
 * what decides on an unloaded machine (same seeds, same campaigns, same verdict); the time
 * budget only caps a slow machine, and seeds it cut short are counted (`timedOut`) so a
 * load-dependent result shows. A kill counts only if the same ops hold on the mutant's base
 * design. Shrinking a kill has its own budget (`shrinkMs`, and `shrinkAttempts` replays) and
 * is not part of the time to kill; it keeps any shorter kill of the same mutant (a failure of
 * any kind whose ops hold on the base design), not only the same failure kind.
 *
 * Not covered here: replaying the committed minimal traces (properties/canary.test.ts) and
 * mutation testing of impl/ with Stryker.
 */
// @ts-nocheck

import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { mutantCatalogue } from '../impl/mutants.ts';
import type { MutantDoc } from '../impl/mutants.ts';
import { checkerOptionsCampaign } from './checker.ts';
import { resolveDesign } from './design-registry.ts';
import { runSeed } from './prng.ts';
import { replayOps, runRandom } from './run.ts';
import { shrinkTrace } from './shrink.ts';

export interface MutantCheckOptions {
  readonly seeds: number;
  /** Time budget for one seed of one mutant. */
  readonly timeMsPerSeed: number;
  /** Runs budget for one seed of one mutant (whichever of the two ends first). */
  readonly runsPerSeed: number;
  readonly opsPerRun: number;
  readonly configs: readonly Config[];
  /** Time budget for shrinking one kill. */
  readonly shrinkMs: number;
  /** False: do not shrink kills (only kill rates are wanted; shrunk lengths stay null). */
  readonly shrink?: boolean;
  /** Replay budget for shrinking one kill (deterministic, unlike the time budget). */
  readonly shrinkAttempts?: number;
  /** Campaign seeds are `seedBase + i`. */
  readonly seedBase: number;
  readonly onMutant?: (name: string, result: MutantResult) => void;
}

export interface MutantResult {
  readonly name: string;
  readonly design: string;
  readonly doc: MutantDoc;
  readonly seeds: number;
  readonly killed: number;
  /** Seeds whose time budget ran out before their runs budget (the result then depends on
   * the machine's speed). */
  readonly timedOut: number;
  /** Killing seeds whose shrinking ran out of budget before reaching a fixpoint. */
  readonly shrinkCut: number;
  /** Median over killing seeds (null when none killed). */
  readonly medianOpsToKill: number | null;
  readonly medianMsToKill: number | null;
  /** Median number of runs a killing seed took, the kill's run included. */
  readonly medianRunsToKill: number | null;
  /** Longest shrunk trace over killing seeds. */
  readonly shrunkLengthMax: number | null;
  /** The shortest shrunk trace over killing seeds, with its config (to compare with, or
   * replace, the committed one). */
  readonly shrunkShortest: { readonly ops: readonly Op[]; readonly config: Config } | null;
  readonly failureKinds: readonly string[];
}

/** The median of `values`, or null when there are none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Kills one mutant over `options.seeds` seeds. */
export function checkMutant(name: string, options: MutantCheckOptions): MutantResult {
  const doc = mutantCatalogue[name];
  if (doc === undefined) throw new Error(`unknown mutant ${name}`);
  const base = doc.designs[0] as string;
  const design = resolveDesign({ base, mutant: name });
  const ops: number[] = [];
  const times: number[] = [];
  const runs: number[] = [];
  const shrunk: number[] = [];
  const kinds = new Set<string>();
  let timedOut = 0;
  let shrinkCut = 0;
  let shortest: { ops: readonly Op[]; config: Config } | null = null;
  for (let s = 0; s < options.seeds; s++) {
    const seed = (options.seedBase + s) >>> 0;
    const started = performance.now();
    let steps = 0;
    for (let run = 0; run < options.runsPerSeed; run++) {
      if (performance.now() - started >= options.timeMsPerSeed) {
        timedOut++;
        break;
      }
      const config = options.configs[run % options.configs.length] as Config;
      // Campaign checks, as `swapcheck run` has: runRandom reports a kill's first failing step
      // exactly (it replays the run with full checks), and the base design is replayed fully.
      const result = runRandom(design, config, runSeed(seed, run), options.opsPerRun, checkerOptionsCampaign);
      steps += result.failure === null ? result.steps : result.failure.step + 1;
      if (result.failure === null) continue;
      // A kill counts only if the same ops hold on the design without the bug.
      const clean = replayOps(resolveDesign(base), config, result.ops);
      if (clean.failure !== null) {
        kinds.add(`base-design-fails:${clean.failure.kind}`);
        break;
      }
      times.push(performance.now() - started);
      ops.push(steps);
      runs.push(run + 1);
      kinds.add(result.failure.invariant === undefined ? result.failure.kind : `${result.failure.kind}:${result.failure.invariant}`);
      if (options.shrink === false) break;
      // The shrinker may move the trace to another of the campaign's configs where it fails
      // sooner (properties/shrink.ts).
      // A candidate that fails differently is kept when it is still a kill by the definition
      // above (its ops hold on the base design): the shortest trace of a mutant is its
      // shortest kill, whatever the harness reports first on it.
      const baseDesign = resolveDesign(base);
      const small = shrinkTrace(design, config, result.ops, result.failure, {
        timeMs: options.shrinkMs,
        attemptsMax: options.shrinkAttempts ?? 100_000,
      }, undefined, options.configs, {
        alsoKeeps: (_failure, candidate, on) => replayOps(baseDesign, on, candidate).failure === null,
      });
      shrunk.push(small.ops.length);
      if (!small.fixpoint) shrinkCut++;
      if (shortest === null || small.ops.length < shortest.ops.length) shortest = { ops: small.ops, config: small.config };
      break;
    }
  }
  return {
    name,
    design: base,
    doc,
    seeds: options.seeds,
    killed: ops.length,
    timedOut,
    shrinkCut,
    medianOpsToKill: median(ops),
    medianMsToKill: median(times),
    medianRunsToKill: median(runs),
    shrunkLengthMax: shrunk.length === 0 ? null : Math.max(...shrunk),
    shrunkShortest: shortest,
    failureKinds: [...kinds].sort(),
  };
}

/** Runs the self-check over `names` (every mutant by default). */
export function checkMutants(options: MutantCheckOptions, names: readonly string[] = Object.keys(mutantCatalogue)): MutantResult[] {
  return names.map((name) => {
    const result = checkMutant(name, options);
    options.onMutant?.(name, result);
    return result;
  });
}

/** A mutant passes the self-check when at least `ratio` of seeds killed it and its shrunk
 * traces are at most 1.5 times the documented shortest. */
export function mutantVerdict(result: MutantResult, ratio: number): 'killed' | 'survived' | 'long-trace' {
  if (result.killed < Math.ceil(result.seeds * ratio)) return 'survived';
  const limit = Math.ceil(result.doc.shortest * 1.5);
  if (result.doc.shortest > 0 && (result.shrunkLengthMax ?? 0) > limit) return 'long-trace';
  return 'killed';
}

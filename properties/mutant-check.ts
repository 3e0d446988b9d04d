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
 * design. Shrinking a kill has its own budget per seed (`shrinkMs`, and `shrinkAttempts`
 * replays) and is not part of the time to kill; it keeps any shorter kill of the same mutant (a
 * failure of any kind whose ops hold on the base design), not only the same failure kind. A
 * shrink that reaches its fixpoint early hands the rest of that budget to further kills of the
 * same seed's campaign (the runs after the first kill), and the seed reports the shortest of
 * its shrunk kills: a greedy shrinker's local minimum depends on where it starts.
 *
 * Not covered here: replaying the committed minimal traces (properties/canary.test.ts) and
 * mutation testing of impl/ with Stryker.
 */
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { mutantCatalogue } from '../impl/mutants.ts';
import type { MutantDoc } from '../impl/mutants.ts';
import type { Failure } from './checker.ts';
import { checkerOptionsCampaign } from './checker.ts';
import { wallClock, type BudgetClock } from '../lib/budget-clock.ts';
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
  /** The clock of both time budgets and of the times reported (lib/budget-clock.ts);
   * wall-clock time when absent. `swapcheck mutants` uses process CPU time. */
  readonly clock?: BudgetClock;
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
  const baseDesign = resolveDesign(base);
  const clock = options.clock ?? wallClock;
  // One campaign run of a seed: its kill (ops that fail on the mutant and hold on the base
  // design), or null, with the steps it took either way.
  type Kill = { readonly ops: readonly Op[]; readonly failure: Failure; readonly config: Config };
  const tryRun = (seed: number, run: number): { kill: Kill | null; steps: number; baseFails: string | null } => {
    const config = options.configs[run % options.configs.length] as Config;
    // Campaign checks, as `swapcheck run` has: runRandom reports a kill's first failing step
    // exactly (it replays the run with full checks), and the base design is replayed fully.
    const result = runRandom(design, config, runSeed(seed, run), options.opsPerRun, checkerOptionsCampaign);
    if (result.failure === null) return { kill: null, steps: result.steps, baseFails: null };
    const steps = result.failure.step + 1;
    // A kill counts only if the same ops hold on the design without the bug.
    const clean = replayOps(baseDesign, config, result.ops);
    if (clean.failure !== null) return { kill: null, steps, baseFails: clean.failure.kind };
    return { kill: { ops: result.ops, failure: result.failure, config }, steps, baseFails: null };
  };
  // The shrinker may move the trace to another of the campaign's configs where it fails
  // sooner (properties/shrink.ts). A candidate that fails differently is kept when it is still
  // a kill by the definition above (its ops hold on the base design): the shortest trace of a
  // mutant is its shortest kill, whatever the harness reports first on it.
  const shrinkKill = (kill: Kill, timeMs: number, attemptsMax: number) =>
    shrinkTrace(design, kill.config, kill.ops, kill.failure, { timeMs, attemptsMax, clock }, undefined, options.configs, {
      alsoKeeps: (_failure, candidate, on) => replayOps(baseDesign, on, candidate).failure === null,
    });
  for (let s = 0; s < options.seeds; s++) {
    const seed = (options.seedBase + s) >>> 0;
    const started = clock();
    let steps = 0;
    for (let run = 0; run < options.runsPerSeed; run++) {
      if (clock() - started >= options.timeMsPerSeed) {
        timedOut++;
        break;
      }
      const tried = tryRun(seed, run);
      steps += tried.steps;
      if (tried.baseFails !== null) {
        kinds.add(`base-design-fails:${tried.baseFails}`);
        break;
      }
      const kill = tried.kill;
      if (kill === null) continue;
      times.push(clock() - started);
      ops.push(steps);
      runs.push(run + 1);
      kinds.add(kill.failure.invariant === undefined ? kill.failure.kind : `${kill.failure.kind}:${kill.failure.invariant}`);
      if (options.shrink === false) break;
      // Shrinking has one budget per seed. A greedy shrinker stops in a local minimum that
      // depends on the kill it starts from, and a kill found on a large config can take the
      // whole budget to shrink where another kill would take a fraction. So the first kill
      // gets half the budget; if that shrink reaches its fixpoint, the seed's campaign goes on
      // (runs after the kill, at most runsPerSeed more) to find further kills, each shrunk with
      // what is left (a shrink returns at its fixpoint), while at least an eighth of the budget
      // is left; whatever is left then resumes the shortest shrunk kill if its shrink was cut. The seed reports the
      // shortest. Each campaign run of the search counts as one replay of the attempts budget.
      // The search stops early once a shrunk kill is as short as the documented shortest
      // (searching on could only find a kill as short).
      const shrinkStarted = clock();
      const attemptsMax = options.shrinkAttempts ?? 100_000;
      let attemptsUsed = 0;
      const timeLeft = () => options.shrinkMs - (clock() - shrinkStarted);
      let small = shrinkKill(kill, options.shrinkMs / 2, Math.ceil(attemptsMax / 2));
      attemptsUsed += small.attempts;
      // Only a first shrink that reached its fixpoint hands its budget to further kills; a cut
      // one resumes with the other half below, as if it had had the whole budget.
      const search = small.fixpoint;
      for (let more = run + 1; search && more <= run + options.runsPerSeed && small.ops.length > doc.shortest; more++) {
        if (timeLeft() < options.shrinkMs / 8 || attemptsUsed >= attemptsMax) break;
        attemptsUsed++;
        const other = tryRun(seed, more).kill;
        if (other === null) continue;
        const again = shrinkKill(other, timeLeft(), attemptsMax - attemptsUsed);
        attemptsUsed += again.attempts;
        if (again.ops.length < small.ops.length) small = again;
      }
      if (!small.fixpoint && small.ops.length > doc.shortest && timeLeft() > 0 && attemptsUsed < attemptsMax) {
        const resumed = shrinkKill(small, timeLeft(), attemptsMax - attemptsUsed);
        if (resumed.ops.length <= small.ops.length) small = resumed;
      }
      shrunk.push(small.ops.length);
      // A seed counts as cut when the shrink it reports stopped before its fixpoint.
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

/** The longest shrunk trace that is at most 1.5 times `shortest` (rounded down: 7 for 5). */
export function shrunkLimit(shortest: number): number {
  return Math.floor((shortest * 3) / 2);
}

/** A mutant passes the self-check when at least `ratio` of seeds killed it and its shrunk
 * traces are at most 1.5 times the documented shortest. */
export function mutantVerdict(result: MutantResult, ratio: number): 'killed' | 'survived' | 'long-trace' {
  if (result.killed < Math.ceil(result.seeds * ratio)) return 'survived';
  if (result.doc.shortest > 0 && (result.shrunkLengthMax ?? 0) > shrunkLimit(result.doc.shortest)) return 'long-trace';
  return 'killed';
}

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
 * failure of any kind whose ops hold on the base design), not only the same failure kind. The
 * shrink is a portfolio: unless the first kill shrinks to the documented shortest in a
 * twentieth of the budget, further kills of the same seed's campaign (the runs after the first
 * kill) are shrunk too, the cut shrinks are resumed shortest first, and the seed reports the
 * shortest of its shrunk kills: a greedy shrinker's local minimum depends on where it starts.
 *
 * Not covered here: replaying the committed minimal traces (properties/canary.test.ts) and
 * mutation testing of impl/ with Stryker.
 */
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { Knobs } from '../lib/system.ts';
import { mutantCatalogue } from '../impl/mutants.ts';
import { mutantDesignLabel, mutantDesignRef, type MutantDoc } from '../impl/mutants.ts';
import type { Failure } from './checker.ts';
import { checkerOptionsCampaign } from './checker.ts';
import { wallClock, type BudgetClock } from '../lib/budget-clock.ts';
import { resolveDesign } from './design-registry.ts';
import type { KnobMode } from './knob-swarm.ts';
import { runDesignRef } from './knob-swarm.ts';
import { checkProperty } from './fast-check-property.ts';
import type { DesignUnderTest } from './run.ts';
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
  /** `swarm`: run i takes the knobs properties/knob-swarm.ts gives it (as `swapcheck run`
   * does), on the mutant and on its base design alike; `fixed` (the default): the first
   * design's preset. */
  readonly knobs?: KnobMode;
  /** Time budget for shrinking one kill. */
  readonly shrinkMs: number;
  /** False: do not shrink kills (only kill rates are wanted; shrunk lengths stay null). */
  readonly shrink?: boolean;
  /** Replay budget for shrinking one kill (deterministic, unlike the time budget). */
  readonly shrinkAttempts?: number;
  /** Also run the fast-check property (properties/fast-check-property.ts) against the mutant:
   * fast-check seed `seedBase`, at most `runsPerSeed` runs, the preset's knobs. Default: no. */
  readonly property?: boolean;
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
  /** The shortest shrunk trace over killing seeds, with its config and the name of the design
   * it ran on (the kill's knobs; to compare with, or replace, the committed one). */
  readonly shrunkShortest: {
    readonly ops: readonly Op[];
    readonly config: Config;
    readonly design: string;
  } | null;
  readonly failureKinds: readonly string[];
  /** The fast-check property's result against the mutant (options.property), or null when
   * it was not run: the run that killed it (1-based), or null when it survived `runs`. */
  readonly property: {
    readonly seed: number;
    readonly runs: number;
    readonly killedAtRun: number | null;
  } | null;
}

/** The median of `values`, or null when there are none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Kills one mutant over `options.seeds` seeds. */
export function checkMutant(name: string, options: MutantCheckOptions): MutantResult {
  const doc = mutantCatalogue[name];
  if (doc === undefined) throw new Error(`unknown mutant ${name}`);
  const base = mutantDesignLabel(doc, doc.designs[0] as string);
  // The mutant and its base design (with the catalogue's knobs) with the knobs of run `run`
  // of campaign `seed`: knob values the catalogue fixes stay fixed.
  const designsOf = (run: number): { design: DesignUnderTest; clean: DesignUnderTest } => {
    const ref = runDesignRef(
      mutantDesignRef(name),
      options.knobs ?? 'fixed',
      run,
      options.configs.length,
    );
    const { mutant: _, ...cleanRef } = ref as {
      base: string;
      knobs?: Partial<Knobs>;
      mutant?: string;
    };
    return { design: resolveDesign(ref), clean: resolveDesign(cleanRef) };
  };
  const ops: number[] = [];
  const times: number[] = [];
  const runs: number[] = [];
  const shrunk: number[] = [];
  const kinds = new Set<string>();
  let timedOut = 0;
  let shrinkCut = 0;
  let shortest: { ops: readonly Op[]; config: Config; design: string } | null = null;
  const clock = options.clock ?? wallClock;
  // One campaign run of a seed: its kill (ops that fail on the mutant and hold on the base
  // design), or null, with the steps it took either way.
  type Kill = {
    readonly ops: readonly Op[];
    readonly failure: Failure;
    readonly config: Config;
    readonly design: DesignUnderTest;
    readonly clean: DesignUnderTest;
  };
  const tryRun = (
    seed: number,
    run: number,
  ): { kill: Kill | null; steps: number; baseFails: string | null } => {
    const config = options.configs[run % options.configs.length] as Config;
    const { design, clean: baseDesign } = designsOf(run);
    // Campaign checks, as `swapcheck run` has: runRandom reports a kill's first failing step
    // exactly (it replays the run with full checks), and the base design is replayed fully.
    const result = runRandom(
      design,
      config,
      runSeed(seed, run),
      options.opsPerRun,
      checkerOptionsCampaign,
    );
    if (result.failure === null) return { kill: null, steps: result.steps, baseFails: null };
    const steps = result.failure.step + 1;
    // A kill counts only if the same ops hold on the design without the bug.
    const clean = replayOps(baseDesign, config, result.ops);
    if (clean.failure !== null) return { kill: null, steps, baseFails: clean.failure.kind };
    return {
      kill: { ops: result.ops, failure: result.failure, config, design, clean: baseDesign },
      steps,
      baseFails: null,
    };
  };
  // The shrinker may move the trace to another of the campaign's configs where it fails
  // sooner (properties/shrink.ts). A candidate that fails differently is kept when it is still
  // a kill by the definition above (its ops hold on the base design): the shortest trace of a
  // mutant is its shortest kill, whatever the harness reports first on it.
  const shrinkKill = (kill: Kill, timeMs: number, attemptsMax: number) =>
    shrinkTrace(
      kill.design,
      kill.config,
      kill.ops,
      kill.failure,
      { timeMs, attemptsMax, clock },
      undefined,
      options.configs,
      {
        alsoKeeps: (_failure, candidate, on) =>
          replayOps(kill.clean, on, candidate).failure === null,
      },
    );
  // Shrinking has one budget per seed. A greedy shrinker stops in a local minimum that depends
  // on the kill it starts from: a kill found on a tiny preset can take the whole budget to
  // reach 36 ops where a kill of the next run reaches 9 in a second (`vswap-percpu-trust`,
  // seed 8), and a bad slot behind five good ones costs ops that another preset does not
  // need (`bitmap-bad-slot-used`). So the shrink is a portfolio, run like a successive
  // halving: every start gets a short slice, and the rest of the budget goes to the
  // most promising cut ones. The first kill gets a twentieth of the budget. Unless that
  // already reaches the documented shortest, the seed's campaign goes on (the runs after the
  // kill, at most runsPerSeed more, each run one replay of the attempts budget) to collect up
  // to `portfolioKills` further kills, at most two per config, which are shrunk with a
  // twentieth of the budget each, the configs in turn and the earliest failing step first (a
  // kill that fails sooner has less to cut), while at least a twentieth is left and none has
  // reached the documented shortest. Whatever is left then resumes the cut shrinks, the
  // shortest first. The seed reports the shortest kill. With a tenth per slice and only the
  // shortest resumed, seeds 16 and 20 of `bitmap-bad-slot-used` stop at 18 ops: their slices
  // eat the budget, and the shortest is a fixpoint while a cut one would reach 9.
  const portfolioKills = 8;
  const shrinkPortfolio = (seed: number, run: number, kill: Kill) => {
    const shrinkStarted = clock();
    const attemptsMax = options.shrinkAttempts ?? 100_000;
    const slice = options.shrinkMs / 20;
    let attemptsUsed = 0;
    const timeLeft = () => options.shrinkMs - (clock() - shrinkStarted);
    const shrinkWith = (from: Kill, timeMs: number) => {
      const result = shrinkKill(from, timeMs, attemptsMax - attemptsUsed);
      attemptsUsed += result.attempts;
      // A resumed shrink goes on with the designs (knobs) of the kill it started from.
      return { ...result, design: from.design, clean: from.clean };
    };
    let small = shrinkWith(kill, slice);
    // Every shrink made so far, to resume the cut ones with what is left of the budget.
    const shrunk = [small];
    if (small.ops.length > doc.shortest) {
      // At most two further kills per config: the config decides as much as the kill (a bad
      // slot sits at a different place on each preset), so the shrinks take the configs in
      // turn, other configs than the first kill's first, and the earliest failing step of a
      // config first.
      const byConfig = new Map<Config, Kill[]>(options.configs.map((config) => [config, []]));
      let found = 0;
      for (
        let next = run + 1;
        next <= run + options.runsPerSeed && found < portfolioKills;
        next++
      ) {
        if (timeLeft() < slice || attemptsUsed >= attemptsMax) break;
        attemptsUsed++;
        const config = options.configs[next % options.configs.length] as Config;
        const kills = byConfig.get(config) as Kill[];
        if (kills.length >= 2) continue;
        const other = tryRun(seed, next).kill;
        if (other === null) continue;
        kills.push(other);
        found++;
      }
      const queues = [...byConfig.entries()]
        .sort(([a], [b]) => Number(a === kill.config) - Number(b === kill.config))
        .map(([, kills]) => kills.sort((a, b) => a.failure.step - b.failure.step));
      const order: Kill[] = [];
      for (let depth = 0; depth < 2; depth++) {
        for (const queue of queues)
          if (queue[depth] !== undefined) order.push(queue[depth] as Kill);
      }
      for (const other of order) {
        if (small.ops.length <= doc.shortest || timeLeft() < slice || attemptsUsed >= attemptsMax)
          break;
        const again = shrinkWith(other, slice);
        shrunk.push(again);
        if (again.ops.length < small.ops.length) small = again;
      }
    }
    // What is left resumes the cut shrinks, the shortest first: a shrink that reached its
    // fixpoint cannot go further, but a cut one may (seed 16's first kill reaches the
    // documented 9 ops in 3 s of CPU, while the shortest of its slices stops at 18).
    for (;;) {
      if (small.ops.length <= doc.shortest || timeLeft() <= 0 || attemptsUsed >= attemptsMax) break;
      const open = shrunk
        .filter((result) => !result.fixpoint)
        .sort((a, b) => a.ops.length - b.ops.length)[0];
      if (open === undefined) break;
      shrunk.splice(shrunk.indexOf(open), 1);
      const resumed = shrinkWith(open, timeLeft());
      shrunk.push(resumed);
      if (
        resumed.ops.length < small.ops.length ||
        (resumed.ops.length === small.ops.length && open === small)
      ) {
        small = resumed;
      }
    }
    return small;
  };
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
      kinds.add(
        kill.failure.invariant === undefined
          ? kill.failure.kind
          : `${kill.failure.kind}:${kill.failure.invariant}`,
      );
      if (options.shrink === false) break;
      const small = shrinkPortfolio(seed, run, kill);
      shrunk.push(small.ops.length);
      // A seed counts as cut when the shrink it reports stopped before its fixpoint.
      if (!small.fixpoint) shrinkCut++;
      if (shortest === null || small.ops.length < shortest.ops.length)
        shortest = { ops: small.ops, config: small.config, design: small.design.name };
      break;
    }
  }
  // The fast-check property kills when a generated run fails on the mutant and its ops hold on
  // the base design, as a campaign kill; it stops there and does not shrink.
  const property =
    options.property !== true
      ? null
      : (() => {
          const verdict = checkProperty(resolveDesign(mutantDesignRef(name)), {
            seed: options.seedBase,
            numRuns: options.runsPerSeed,
            configs: options.configs,
            clean: resolveDesign(mutantDesignRef(name, undefined, false)),
          });
          return {
            seed: options.seedBase,
            runs: verdict.runs,
            killedAtRun: verdict.failure === null ? null : verdict.runs,
          };
        })();
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
    property,
  };
}

/** Runs the self-check over `names` (every mutant by default). */
export function checkMutants(
  options: MutantCheckOptions,
  names: readonly string[] = Object.keys(mutantCatalogue),
): MutantResult[] {
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

/** A mutant passes the self-check when at least `ratio` of seeds killed it, its shrunk
 * traces are at most 1.5 times the documented shortest, and the fast-check property, when it
 * ran, killed it too. */
export function mutantVerdict(
  result: MutantResult,
  ratio: number,
): 'killed' | 'survived' | 'long-trace' | 'fast-check-survived' {
  if (result.killed < Math.ceil(result.seeds * ratio)) return 'survived';
  if (result.property !== null && result.property.killedAtRun === null)
    return 'fast-check-survived';
  if (result.doc.shortest > 0 && (result.shrunkLengthMax ?? 0) > shrunkLimit(result.doc.shortest))
    return 'long-trace';
  return 'killed';
}

/**
 * A campaign: many seeded runs of every chosen design, within a budget of runs or of time.
 * The unit of work is one run (design, run index); run i of every design uses the same run
 * seed, so designs see the same op stream until a design choice makes them differ. Units run
 * inline or on worker threads; a shard takes the run indices congruent to it. The first
 * failure of a design (lowest run index) stops that design and is shrunk; results of units past
 * it are discarded, so for a budget in runs the result is the same whatever the worker count.
 *
 * Before a design's runs, the failures saved for it (the failure database, Hypothesis-style:
 * properties/failure-database.ts) are replayed; one that still fails is the design's failure
 * and its runs are skipped. `stop()` ends the campaign early (an interrupt): no new run
 * starts, the result says so, and a failure found is kept unshrunk when the shrinker is
 * interrupted too. Inline runs yield to the event loop between runs, so a signal handler can
 * call for the stop.
 *
 * With `knobs: 'swarm'` run i of a built-in design takes the knobs properties/knob-swarm.ts
 * gives it (the summary counts runs and ops per knob value); with `steering` later runs are
 * steered toward the catalogued marks earlier runs rarely reached (properties/mark-steering.ts;
 * a worker lane waits for the results a run's steer needs), and the summary names the listed
 * marks no run reached. Both depend on the seed, the run indices and the runs' results only.
 *
 * Not covered here: rendering (cli/), the worker entry point (properties/campaign-worker.ts).
 */
import type { Config } from '../lib/config.ts';
import type { Op, OpName } from '../lib/ops.ts';
import type { CheckerOptions } from './checker.ts';
import { checkerOptionsCampaign } from './checker.ts';
import { resolveDesign } from './design-registry.ts';
import type { KnobMode, KnobTally } from './knob-swarm.ts';
import { emptyKnobTally, knobCombinations, runDesignRef, tallyRun } from './knob-swarm.ts';
import type { Steer } from './generator.ts';
import { marksListed } from './mark-catalogue.ts';
import { epochRuns, marksRare, steerNeedsBelow, steerOfRun, steersFor } from './mark-steering.ts';
import { runSeed } from './prng.ts';
import type { UnitResult, UnitSpec } from './run-unit.ts';
import { runUnit } from './run-unit.ts';
import type { ShrinkBudget, ShrinkResult } from './shrink.ts';
import { shrinkBudgetDefault, shrinkTrace } from './shrink.ts';
import type { DesignRef } from './trace.ts';
import { replayOps } from './run.ts';
import type { Failure } from './checker.ts';

export interface CampaignOptions {
  readonly designs: readonly DesignRef[];
  /** Configs used run by run in turn (run i uses configs[i mod length]). */
  readonly configs: readonly Config[];
  readonly seed: number;
  /** Runs per design (before sharding); when absent, `timeMs` bounds the campaign. */
  readonly runs?: number;
  readonly timeMs?: number;
  readonly opsPerRun: number;
  /** `swarm`: run i of a built-in design takes the knobs properties/knob-swarm.ts gives it;
   * `fixed` (the default here; `swapcheck run` swarms): every run takes the design as named. */
  readonly knobs?: KnobMode;
  /** This process takes run indices i with i mod shardCount == shardIndex. */
  readonly shardIndex: number;
  readonly shardCount: number;
  readonly checker?: CheckerOptions;
  readonly shrink?: ShrinkBudget;
  /** Runs a unit elsewhere (a worker pool); inline when absent. */
  readonly execute?: (spec: UnitSpec) => Promise<UnitResult>;
  /** Units in flight at once (the pool size times two is plenty). */
  readonly concurrency?: number;
  readonly onProgress?: (progress: CampaignProgress) => void;
  /** Only this run index (one run reproduced alone: `swapcheck run --run N`). */
  readonly onlyRun?: number;
  /** Steer runs toward rare marks (properties/mark-steering.ts); off by default here
   * (`swapcheck run` steers). */
  readonly steering?: boolean;
  /** The steer of the one run of `onlyRun` (what its reproduce line names). */
  readonly onlySteer?: Steer;
  /** Saved failures of a design to replay before its runs. */
  readonly saved?: (design: DesignRef) => readonly SavedFailure[];
  /** True once the campaign should stop (an interrupt). */
  readonly stop?: () => boolean;
  /** Shrinks a failure elsewhere (a worker thread that an interrupt can end); null when it
   * was interrupted. Inline shrinkTrace() when absent. */
  readonly shrinker?: (job: ShrinkJob) => Promise<ShrinkResult | null>;
}

/** A failure saved by an earlier campaign, to try first. */
export interface SavedFailure {
  /** Where it is stored (reported, and removed once it holds). */
  readonly path: string;
  /** The design it failed on (the campaign's design with the failing run's knobs); the
   * campaign's design when absent. */
  readonly design?: DesignRef;
  readonly config: Config;
  readonly ops: readonly Op[];
}

/** What a shrinker needs: the design by reference, so it can run on another thread. */
export interface ShrinkJob {
  readonly design: DesignRef;
  readonly config: Config;
  readonly ops: readonly Op[];
  readonly failure: Failure;
  readonly budget: ShrinkBudget;
  readonly checker: CheckerOptions;
}

export interface CampaignProgress {
  readonly design: string;
  readonly runs: number;
  readonly ops: number;
  readonly failures: number;
  readonly elapsedMs: number;
  /** How much of this design's budget is used, 0..1. */
  readonly fraction: number;
}

export interface DesignFailure {
  /** The failing run's index; -1 for a failure from the database. */
  readonly runIndex: number;
  /** The design the failing run ran: the campaign's design with that run's knobs. */
  readonly ref: DesignRef;
  /** The failing run's steer toward rare marks, if it had one. */
  readonly steer?: Steer;
  /** Where it was found: a run of this campaign, or the failure database (`savedPath`). */
  readonly source: 'run' | 'database';
  readonly savedPath?: string;
  /** Shrinking was interrupted: `shrunk` holds the failing run as found. */
  readonly unshrunk: boolean;
  readonly runSeed: number;
  readonly config: Config;
  readonly ops: readonly Op[];
  readonly failure: NonNullable<UnitResult['failure']>;
  readonly shrunk: ShrinkResult;
}

export interface DesignSummary {
  readonly design: string;
  /** The design as a trace names it (a built-in name, or base + knobs + mutant). */
  readonly ref: DesignRef;
  readonly runs: number;
  readonly runsPassed: number;
  /** Checked ops, including each run's prologue and drain. */
  readonly ops: number;
  readonly elapsedMs: number;
  readonly opCounts: Readonly<Partial<Record<OpName, number>>>;
  /** Interesting states reached, summed over runs. */
  readonly marks: Readonly<Record<string, number>>;
  /** The catalogued marks some run of the design could reach (its knob space and the
   * configs: properties/mark-catalogue.ts), and those of them no run reached. Empty for a
   * proposal module. */
  readonly marksListed: readonly string[];
  readonly marksMissed: readonly string[];
  /** Runs steered toward rare marks, by steer. */
  readonly steered: Readonly<Partial<Record<Steer, number>>>;
  readonly failure: DesignFailure | null;
  /** Runs, of which passed, and ops by config index (run i used configs[i mod length]). */
  readonly perConfig: readonly {
    readonly runs: number;
    readonly runsPassed: number;
    readonly ops: number;
  }[];
  /** Runs and ops by knob value; every value of the design's knob space has a row (zero when
   * no run took it). Empty for a proposal module. */
  readonly perKnob: KnobTally;
  /** The design's runs were not all done (an interrupt, or it was never started). */
  readonly interrupted: boolean;
}

export interface CampaignResult {
  readonly seed: number;
  readonly designs: readonly DesignSummary[];
  /** stop() ended the campaign before its budget was spent. */
  readonly interrupted: boolean;
  /** Saved failures that held and were removed from the database. */
  readonly savedHeld: readonly string[];
}

function addCounts(
  total: Record<string, number>,
  more: Readonly<Record<string, number | undefined>>,
) {
  for (const [key, value] of Object.entries(more)) total[key] = (total[key] ?? 0) + (value ?? 0);
}

interface DesignState {
  readonly ref: DesignRef;
  readonly name: string;
  nextRun: number;
  /** Lowest failing run index seen so far. */
  failingRun: number;
  readonly results: Map<number, UnitResult>;
  readonly started: number;
  finished: number;
  /** A saved failure that still fails (then no run is started). */
  savedFailure: DesignFailure | null;
  /** Steers by epoch (properties/mark-steering.ts), computed once each. */
  readonly epochSteers: Map<number, Steer[]>;
  /** Marks listed for the design (properties/mark-catalogue.ts). */
  readonly listed: readonly string[];
}

/** The design run `runIndex` of `state`'s design runs (its knobs: properties/knob-swarm.ts). */
function runRef(options: CampaignOptions, state: DesignState, runIndex: number): DesignRef {
  return runDesignRef(state.ref, options.knobs ?? 'fixed', runIndex, options.configs.length);
}

/** The steer of run `runIndex`: the one asked for with onlyRun, else from the results of the
 * runs before the previous epoch (all present: runDesignUnits waits for them). */
function steerFor(
  options: CampaignOptions,
  state: DesignState,
  runIndex: number,
): Steer | undefined {
  if (options.onlyRun !== undefined) return options.onlySteer;
  if (options.steering !== true || state.listed.length === 0) return undefined;
  const epoch = epochRuns(options.configs.length);
  const below = steerNeedsBelow(runIndex, epoch);
  if (below === 0) return undefined;
  let steers = state.epochSteers.get(below);
  if (steers === undefined) {
    const runs = [...state.results.entries()]
      .filter(([index]) => index < below)
      .map(([, result]) => result.marks);
    steers = steersFor(marksRare(state.listed, runs));
    state.epochSteers.set(below, steers);
  }
  return steerOfRun(runIndex, steers);
}

function specFor(options: CampaignOptions, state: DesignState, runIndex: number): UnitSpec {
  const config = options.configs[runIndex % options.configs.length] as Config;
  const steer = steerFor(options, state, runIndex);
  return {
    design: runRef(options, state, runIndex),
    config,
    runIndex,
    runSeed: runSeed(options.seed, runIndex),
    opsPerRun: options.opsPerRun,
    checker: options.checker ?? checkerOptionsCampaign,
    ...(steer === undefined ? {} : { steer }),
  };
}

/** Shrinks a failure inline or through options.shrinker; an unshrunk result when the
 * shrinker was interrupted. */
async function shrinkFailure(
  options: CampaignOptions,
  job: ShrinkJob,
): Promise<{ shrunk: ShrinkResult; unshrunk: boolean }> {
  const result =
    options.shrinker === undefined
      ? shrinkTrace(
          resolveDesign(job.design),
          job.config,
          job.ops,
          job.failure,
          job.budget,
          job.checker,
        )
      : await options.shrinker(job);
  if (result !== null) return { shrunk: result, unshrunk: false };
  const unshrunk: ShrinkResult = {
    ops: job.ops,
    config: job.config,
    failure: job.failure,
    lengthBefore: job.ops.length,
    attempts: 0,
    elapsedMs: 0,
    fixpoint: false,
  };
  return { shrunk: unshrunk, unshrunk: true };
}

async function summarize(
  options: CampaignOptions,
  state: DesignState,
  interrupted: boolean,
): Promise<DesignSummary> {
  const opCounts: Record<string, number> = {};
  const marks: Record<string, number> = {};
  const perConfig = options.configs.map(() => ({ runs: 0, runsPassed: 0, ops: 0 }));
  const perKnob = emptyKnobTally(state.ref, options.knobs ?? 'fixed');
  const steered: Partial<Record<Steer, number>> = {};
  let runs = 0;
  let ops = 0;
  const indices = [...state.results.keys()]
    .filter((i) => i <= state.failingRun)
    .sort((a, b) => a - b);
  for (const index of indices) {
    const result = state.results.get(index) as UnitResult;
    runs++;
    ops += result.steps;
    const slot = perConfig[index % perConfig.length] as {
      runs: number;
      runsPassed: number;
      ops: number;
    };
    slot.runs++;
    slot.ops += result.steps;
    if (result.failure === null) slot.runsPassed++;
    const knobs = resolveDesign(runRef(options, state, index)).knobs;
    if (knobs !== undefined && Object.keys(perKnob).length > 0)
      tallyRun(perKnob, knobs, result.steps);
    addCounts(opCounts, result.opCounts);
    addCounts(marks, result.marks);
    const steer =
      state.epochSteers.size === 0 && options.onlySteer === undefined
        ? undefined
        : steerFor(options, state, index);
    if (steer !== undefined) steered[steer] = (steered[steer] ?? 0) + 1;
  }
  let failure: DesignFailure | null = state.savedFailure;
  const failed = state.results.get(state.failingRun);
  if (failure === null && failed?.failure != null && failed.ops !== null) {
    const spec = specFor(options, state, state.failingRun);
    // Shrinking replays many candidates and must see each one's first failing step exactly.
    const exact = { ...spec.checker, fullCheckEvery: 1 };
    const job: ShrinkJob = {
      design: spec.design,
      config: spec.config,
      ops: failed.ops,
      failure: failed.failure,
      budget: options.shrink ?? shrinkBudgetDefault,
      checker: exact,
    };
    const { shrunk, unshrunk } = await shrinkFailure(options, job);
    failure = {
      runIndex: state.failingRun,
      ref: spec.design,
      ...(spec.steer === undefined ? {} : { steer: spec.steer }),
      source: 'run',
      unshrunk,
      runSeed: spec.runSeed,
      config: spec.config,
      ops: failed.ops,
      failure: failed.failure,
      shrunk,
    };
  }
  const runsPassed = failure === null || failure.source === 'database' ? runs : runs - 1;
  return {
    design: state.name,
    ref: state.ref,
    runs,
    runsPassed,
    ops,
    elapsedMs: state.finished - state.started,
    opCounts,
    marks,
    failure,
    marksListed: state.listed,
    marksMissed: state.listed.filter((name) => (marks[name] ?? 0) === 0),
    steered,
    perConfig,
    perKnob,
    interrupted,
  };
}

/** Replays the design's saved failures; the first that still fails, shrunk, or null. Saved
 * failures that hold are added to `held`. */
async function replaySaved(
  options: CampaignOptions,
  state: DesignState,
  held: string[],
): Promise<DesignFailure | null> {
  const checker = { ...(options.checker ?? checkerOptionsCampaign), fullCheckEvery: 1 };
  for (const saved of options.saved?.(state.ref) ?? []) {
    const ref = saved.design ?? state.ref;
    const result = replayOps(resolveDesign(ref), saved.config, saved.ops, checker);
    if (result.failure === null) {
      held.push(saved.path);
      continue;
    }
    const job: ShrinkJob = {
      design: ref,
      config: saved.config,
      ops: saved.ops,
      failure: result.failure,
      budget: options.shrink ?? shrinkBudgetDefault,
      checker,
    };
    const { shrunk, unshrunk } = await shrinkFailure(options, job);
    return {
      runIndex: -1,
      ref,
      source: 'database',
      savedPath: saved.path,
      unshrunk,
      runSeed: 0,
      config: saved.config,
      ops: saved.ops,
      failure: result.failure,
      shrunk,
    };
  }
  return null;
}

/** Runs the campaign; with a time budget each design gets an equal share, one after another. */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const summaries: DesignSummary[] = [];
  const held: string[] = [];
  const share = options.timeMs === undefined ? undefined : options.timeMs / options.designs.length;
  const stopped = () => options.stop?.() === true;
  for (const ref of options.designs) {
    const name = resolveDesign(ref).name;
    const state: DesignState = {
      ref,
      name,
      nextRun: options.onlyRun ?? options.shardIndex,
      failingRun: Number.POSITIVE_INFINITY,
      results: new Map(),
      started: performance.now(),
      finished: 0,
      savedFailure: null,
      epochSteers: new Map(),
      listed: marksListed(
        options.knobs === 'swarm' ? knobCombinations(ref) : knobCombinations(ref).slice(0, 1),
        options.configs,
      ),
    };
    if (!stopped()) state.savedFailure = await replaySaved(options, state, held);
    if (state.savedFailure === null && !stopped()) await runDesignUnits(options, state, share);
    state.finished = performance.now();
    const complete = state.savedFailure !== null || Number.isFinite(state.failingRun) || !stopped();
    summaries.push(await summarize(options, state, !complete));
  }
  return { seed: options.seed, designs: summaries, interrupted: stopped(), savedHeld: held };
}

async function runDesignUnits(
  options: CampaignOptions,
  state: DesignState,
  timeMs: number | undefined,
) {
  const runsMax =
    options.onlyRun === undefined
      ? (options.runs ?? Number.POSITIVE_INFINITY)
      : options.onlyRun + 1;
  const concurrency = options.execute === undefined ? 1 : Math.max(1, options.concurrency ?? 4);
  let lastProgress = 0;
  let ops = 0;
  const more = () =>
    options.stop?.() !== true &&
    state.nextRun < runsMax &&
    state.nextRun < state.failingRun &&
    (timeMs === undefined || performance.now() - state.started < timeMs);
  const report = (force: boolean) => {
    const now = performance.now();
    if (options.onProgress === undefined || (!force && now - lastProgress < 250)) return;
    lastProgress = now;
    const failures = Number.isFinite(state.failingRun) ? 1 : 0;
    const elapsedMs = now - state.started;
    const runsShare = Math.ceil((runsMax - options.shardIndex) / options.shardCount);
    const fraction = Math.min(
      1,
      timeMs !== undefined ? elapsedMs / timeMs : state.results.size / runsShare,
    );
    options.onProgress({
      design: state.name,
      runs: state.results.size,
      ops,
      failures,
      elapsedMs,
      fraction,
    });
  };
  // Lanes waiting for the results a run's steer needs (properties/mark-steering.ts).
  let waiting: (() => void)[] = [];
  const record = (spec: UnitSpec, result: UnitResult) => {
    state.results.set(spec.runIndex, result);
    ops += result.steps;
    if (result.failure !== null && spec.runIndex < state.failingRun)
      state.failingRun = spec.runIndex;
    report(result.failure !== null);
    const woken = waiting;
    waiting = [];
    for (const wake of woken) wake();
  };
  // True once every run of this shard below `bound` has its result.
  const doneBelow = (bound: number) => {
    const expected = Math.max(0, Math.ceil((bound - options.shardIndex) / options.shardCount));
    let done = 0;
    for (const index of state.results.keys()) if (index < bound) done++;
    return done >= expected;
  };
  const steerReady = async (runIndex: number) => {
    if (options.steering !== true || options.onlyRun !== undefined) return;
    const bound = steerNeedsBelow(runIndex, epochRuns(options.configs.length));
    while (!doneBelow(bound) && runIndex < state.failingRun)
      await new Promise<void>((resolve) => waiting.push(resolve));
  };
  if (options.execute === undefined) {
    while (more()) {
      const spec = specFor(options, state, state.nextRun);
      state.nextRun += options.shardCount;
      record(spec, runUnit(spec));
      // Lets a signal handler run (it may call for a stop).
      if (options.stop !== undefined) await new Promise((resolve) => setImmediate(resolve));
    }
    return;
  }
  const execute = options.execute;
  const lane = async () => {
    while (more()) {
      const runIndex = state.nextRun;
      state.nextRun += options.shardCount;
      await steerReady(runIndex);
      // A failure below this run, found while it waited, ends the design's runs.
      if (runIndex > state.failingRun) break;
      const spec = specFor(options, state, runIndex);
      record(spec, await execute(spec));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

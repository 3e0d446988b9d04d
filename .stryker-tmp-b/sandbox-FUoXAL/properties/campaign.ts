/**
 * A campaign: many seeded runs of every chosen design, within a budget of runs or of time.
 * The unit of work is one run (design, run index); run i of every design uses the same run
 * seed, so designs see the same op stream until a design choice makes them differ. Units run
 * inline or on worker threads; a shard takes the run indices congruent to it. The first
 * failure of a design (lowest run index) stops that design and is shrunk; results of units past
 * it are discarded, so for a budget in runs the result is the same whatever the worker count.
 *
 * Not covered here: rendering (cli/), the worker entry point (properties/campaign-worker.ts).
 */
// @ts-nocheck

import type { Config } from '../lib/config.ts';
import type { Op, OpName } from '../lib/ops.ts';
import type { CheckerOptions } from './checker.ts';
import { checkerOptionsCampaign } from './checker.ts';
import { resolveDesign } from './design-registry.ts';
import { runSeed } from './prng.ts';
import type { UnitResult, UnitSpec } from './run-unit.ts';
import { runUnit } from './run-unit.ts';
import type { ShrinkBudget, ShrinkResult } from './shrink.ts';
import { shrinkBudgetDefault, shrinkTrace } from './shrink.ts';
import type { DesignRef } from './trace.ts';

export interface CampaignOptions {
  readonly designs: readonly DesignRef[];
  /** Configs used run by run in turn (run i uses configs[i mod length]). */
  readonly configs: readonly Config[];
  readonly seed: number;
  /** Runs per design (before sharding); when absent, `timeMs` bounds the campaign. */
  readonly runs?: number;
  readonly timeMs?: number;
  readonly opsPerRun: number;
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
  readonly runIndex: number;
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
  readonly failure: DesignFailure | null;
}

export interface CampaignResult {
  readonly seed: number;
  readonly designs: readonly DesignSummary[];
}

function addCounts(total: Record<string, number>, more: Readonly<Record<string, number | undefined>>) {
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
}

function specFor(options: CampaignOptions, state: DesignState, runIndex: number): UnitSpec {
  const config = options.configs[runIndex % options.configs.length] as Config;
  return {
    design: state.ref,
    config,
    runIndex,
    runSeed: runSeed(options.seed, runIndex),
    opsPerRun: options.opsPerRun,
    checker: options.checker ?? checkerOptionsCampaign,
  };
}

function summarize(options: CampaignOptions, state: DesignState): DesignSummary {
  const opCounts: Record<string, number> = {};
  const marks: Record<string, number> = {};
  let runs = 0;
  let ops = 0;
  const indices = [...state.results.keys()].filter((i) => i <= state.failingRun).sort((a, b) => a - b);
  for (const index of indices) {
    const result = state.results.get(index) as UnitResult;
    runs++;
    ops += result.steps;
    addCounts(opCounts, result.opCounts);
    addCounts(marks, result.marks);
  }
  let failure: DesignFailure | null = null;
  const failed = state.results.get(state.failingRun);
  if (failed?.failure != null && failed.ops !== null) {
    const spec = specFor(options, state, state.failingRun);
    const design = resolveDesign(state.ref);
    // Shrinking replays many candidates and must see each one's first failing step exactly.
    const exact = { ...spec.checker, fullCheckEvery: 1 };
    const shrunk = shrinkTrace(design, spec.config, failed.ops, failed.failure, options.shrink ?? shrinkBudgetDefault, exact);
    failure = { runIndex: state.failingRun, runSeed: spec.runSeed, config: spec.config, ops: failed.ops, failure: failed.failure, shrunk };
  }
  const runsPassed = failure === null ? runs : runs - 1;
  return { design: state.name, ref: state.ref, runs, runsPassed, ops, elapsedMs: state.finished - state.started, opCounts, marks, failure };
}

/** Runs the campaign; with a time budget each design gets an equal share, one after another. */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const summaries: DesignSummary[] = [];
  const share = options.timeMs === undefined ? undefined : options.timeMs / options.designs.length;
  for (const ref of options.designs) {
    const name = resolveDesign(ref).name;
    const state: DesignState = {
      ref,
      name,
      nextRun: options.shardIndex,
      failingRun: Number.POSITIVE_INFINITY,
      results: new Map(),
      started: performance.now(),
      finished: 0,
    };
    await runDesignUnits(options, state, share);
    state.finished = performance.now();
    summaries.push(summarize(options, state));
  }
  return { seed: options.seed, designs: summaries };
}

async function runDesignUnits(options: CampaignOptions, state: DesignState, timeMs: number | undefined) {
  const runsMax = options.runs ?? Number.POSITIVE_INFINITY;
  const concurrency = options.execute === undefined ? 1 : Math.max(1, options.concurrency ?? 4);
  let lastProgress = 0;
  let ops = 0;
  const more = () =>
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
    const fraction = Math.min(1, timeMs !== undefined ? elapsedMs / timeMs : state.results.size / runsShare);
    options.onProgress({ design: state.name, runs: state.results.size, ops, failures, elapsedMs, fraction });
  };
  const record = (spec: UnitSpec, result: UnitResult) => {
    state.results.set(spec.runIndex, result);
    ops += result.steps;
    if (result.failure !== null && spec.runIndex < state.failingRun) state.failingRun = spec.runIndex;
    report(result.failure !== null);
  };
  if (options.execute === undefined) {
    while (more()) {
      const spec = specFor(options, state, state.nextRun);
      state.nextRun += options.shardCount;
      record(spec, runUnit(spec));
    }
    return;
  }
  const execute = options.execute;
  const lane = async () => {
    while (more()) {
      const spec = specFor(options, state, state.nextRun);
      state.nextRun += options.shardCount;
      record(spec, await execute(spec));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

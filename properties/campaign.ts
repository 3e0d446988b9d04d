/**
 * A campaign: many seeded runs of every chosen design, within a budget of runs or of time. Run
 * i of every design uses the same run seed, so designs see the same op stream until a design
 * choice makes them differ. The first failure of a design stops that design's runs and is
 * shrunk. The result is plain data; the CLI renders it.
 *
 * Not covered here: rendering and files (cli/), worker threads and sharding (later).
 */
import type { Config } from '../lib/config.ts';
import type { Op, OpName } from '../lib/ops.ts';
import type { CheckerOptions, Failure } from './checker.ts';
import { checkerOptionsDefault } from './checker.ts';
import type { DesignUnderTest } from './run.ts';
import { runRandom } from './run.ts';
import { runSeed } from './prng.ts';
import type { ShrinkBudget, ShrinkResult } from './shrink.ts';
import { shrinkBudgetDefault, shrinkTrace } from './shrink.ts';

export interface CampaignOptions {
  readonly designs: readonly DesignUnderTest[];
  /** One config, or the two presets alternated run by run. */
  readonly configs: readonly Config[];
  readonly seed: number;
  /** Runs per design; when absent, `timeMs` bounds the campaign. */
  readonly runs?: number;
  readonly timeMs?: number;
  readonly opsPerRun: number;
  readonly checker?: CheckerOptions;
  readonly shrink?: ShrinkBudget;
  readonly onProgress?: (progress: CampaignProgress) => void;
}

export interface CampaignProgress {
  readonly design: string;
  readonly runs: number;
  readonly ops: number;
  readonly failures: number;
  readonly elapsedMs: number;
}

export interface DesignFailure {
  readonly runIndex: number;
  readonly runSeed: number;
  readonly config: Config;
  readonly ops: readonly Op[];
  readonly failure: Failure;
  readonly shrunk: ShrinkResult;
}

export interface DesignSummary {
  readonly design: string;
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

function runDesign(options: CampaignOptions, design: DesignUnderTest, timeMs: number | undefined): DesignSummary {
  const started = performance.now();
  const opCounts: Record<string, number> = {};
  const marks: Record<string, number> = {};
  let runs = 0;
  let ops = 0;
  let failure: DesignFailure | null = null;
  let lastProgress = started;
  const runsMax = options.runs ?? Number.POSITIVE_INFINITY;
  const checker = options.checker ?? checkerOptionsDefault;
  while (runs < runsMax && failure === null) {
    if (timeMs !== undefined && performance.now() - started >= timeMs) break;
    const config = options.configs[runs % options.configs.length] as Config;
    const seed = runSeed(options.seed, runs);
    const result = runRandom(design, config, seed, options.opsPerRun, checker);
    runs++;
    ops += result.steps;
    addCounts(opCounts, result.opCounts);
    addCounts(marks, result.marks);
    if (result.failure !== null) {
      const shrunk = shrinkTrace(design, config, result.ops, result.failure, options.shrink ?? shrinkBudgetDefault, checker);
      failure = { runIndex: runs - 1, runSeed: seed, config, ops: result.ops, failure: result.failure, shrunk };
    }
    const now = performance.now();
    if (options.onProgress !== undefined && (now - lastProgress > 250 || failure !== null)) {
      lastProgress = now;
      options.onProgress({ design: design.name, runs, ops, failures: failure === null ? 0 : 1, elapsedMs: now - started });
    }
  }
  const runsPassed = failure === null ? runs : runs - 1;
  return { design: design.name, runs, runsPassed, ops, elapsedMs: performance.now() - started, opCounts, marks, failure };
}

/** Runs the campaign; with a time budget each design gets an equal share. */
export function runCampaign(options: CampaignOptions): CampaignResult {
  const share = options.timeMs === undefined ? undefined : options.timeMs / options.designs.length;
  const designs = options.designs.map((design) => runDesign(options, design, share));
  return { seed: options.seed, designs };
}

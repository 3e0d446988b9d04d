/**
 * The explorer's two concurrent campaigns over scenarios (explore/scenario.ts):
 * - random: scenario i of seed s is drawn from runSeed(s, i) and run under one PCT schedule of
 *   the same seed (explore/concurrent.ts), until a failure, the run budget or the time budget;
 * - exhaustive: every scenario of the exhaustive list under every schedule, until a failure or
 *   the time budget (the result says whether the enumeration completed).
 * Either mode draws or enumerates its scenarios from one family: `pairs` (one short program
 * per CPU) or `lifecycle` (one split op against programs of up to k ops on its holder).
 * Both report schedules per second and the section labels reached (coverage).
 *
 * Not covered here: the command line (cli/explore-command.ts), shrinking (explore/shrink.ts).
 */
import { wallClock, type BudgetClock } from '../lib/budget-clock.ts';
import type { Config } from '../lib/config.ts';
import { designFromKnobs } from '../properties/design-registry.ts';
import type { DesignUnderTest } from '../properties/run.ts';
import { runSeed } from '../properties/prng.ts';
import type { ConcurrentDesign, Execution, Scenario } from './concurrent.ts';
import { execute, exploreSchedules, pctChooser } from './concurrent.ts';
import {
  exhaustiveScenarios,
  lifecycleScenarios,
  randomLifecycleScenario,
  randomScenario,
  type ScenarioFamily,
} from './scenario.ts';

export interface CampaignBudget {
  readonly cpus: number;
  readonly opsPerCpu: number;
  readonly timeMs: number;
  /** Random mode: scenarios to run at most. */
  readonly runsMax: number;
  /** Random mode: PCT depth (priority change points + 1). */
  readonly depth: number;
  readonly seed: number;
  /** The scenario family (explore/scenario.ts); `pairs` when absent. */
  readonly family?: ScenarioFamily;
  /**
   * Exhaustive mode: schedules with at most this many preemptions; by default every schedule
   * (with sleep sets) for pairs, and one preemption for lifecycle (a fault that sleeps once).
   */
  readonly preemptions?: number;
  /** The clock of `timeMs` and of the elapsed times reported (lib/budget-clock.ts); wall-clock
   * time when absent. The self-check (`swapcheck mutants`) uses process CPU time. */
  readonly clock?: BudgetClock;
  readonly onProgress?: (progress: CampaignProgress) => void;
}

export interface CampaignProgress {
  readonly scenarios: number;
  readonly schedules: number;
  readonly elapsedMs: number;
}

export interface CampaignFailure {
  readonly scenario: Scenario;
  readonly execution: Execution;
  /** Random mode: the run index whose seed drew the scenario and schedule. */
  readonly run: number | null;
}

export interface CampaignResult {
  readonly scenarios: number;
  readonly schedules: number;
  /** Exhaustive mode: every scenario and schedule was run. */
  readonly complete: boolean;
  readonly failure: CampaignFailure | null;
  readonly sections: ReadonlySet<string>;
  readonly elapsedMs: number;
}

/** The sequential design the setups are checked on: the same knobs, no mutant. */
export function setupDesign(design: ConcurrentDesign): DesignUnderTest {
  return designFromKnobs(design.name, design.knobs);
}

/** The PCT chooser of run `run` of a random campaign. */
export function randomChooser(budget: CampaignBudget, run: number, scenario: Scenario) {
  const steps = scenario.programs.reduce((sum, program) => sum + program.length * 3, 0);
  return pctChooser(runSeed(budget.seed ^ 0x9e37, run), budget.cpus, budget.depth, steps);
}

/** The scenario of run `run` of a random campaign. */
export function randomRunScenario(
  design: ConcurrentDesign,
  config: Config,
  budget: CampaignBudget,
  run: number,
): Scenario {
  if (budget.family === 'lifecycle') {
    return randomLifecycleScenario(
      setupDesign(design),
      config,
      runSeed(budget.seed, run),
      budget.opsPerCpu,
    );
  }
  return randomScenario(
    setupDesign(design),
    config,
    runSeed(budget.seed, run),
    budget.opsPerCpu,
    budget.cpus,
  );
}

export function exploreRandom(
  design: ConcurrentDesign,
  config: Config,
  budget: CampaignBudget,
): CampaignResult {
  const clock = budget.clock ?? wallClock;
  const started = clock();
  const sections = new Set<string>();
  let lastReport = performance.now();
  let run = 0;
  for (; run < budget.runsMax && clock() - started < budget.timeMs; run++) {
    const scenario = randomRunScenario(design, config, budget, run);
    const execution = execute(design, scenario, randomChooser(budget, run, scenario));
    for (const label of execution.sections) sections.add(label);
    if (execution.failure !== null) {
      return {
        scenarios: run + 1,
        schedules: run + 1,
        complete: false,
        failure: { scenario, execution, run },
        sections,
        elapsedMs: clock() - started,
      };
    }
    if (performance.now() - lastReport > 1000) {
      lastReport = performance.now();
      budget.onProgress?.({ scenarios: run + 1, schedules: run + 1, elapsedMs: clock() - started });
    }
  }
  return {
    scenarios: run,
    schedules: run,
    complete: false,
    failure: null,
    sections,
    elapsedMs: clock() - started,
  };
}

/** The preemption bound of an exhaustive campaign (CampaignBudget.preemptions). */
export function preemptionBound(budget: Pick<CampaignBudget, 'family' | 'preemptions'>): number {
  return budget.preemptions ?? (budget.family === 'lifecycle' ? 1 : Number.POSITIVE_INFINITY);
}

export function exploreExhaustive(
  design: ConcurrentDesign,
  config: Config,
  budget: CampaignBudget,
): CampaignResult {
  const clock = budget.clock ?? wallClock;
  const started = clock();
  const preemptions = preemptionBound(budget);
  const deadline = started + budget.timeMs;
  const sections = new Set<string>();
  let scenarios = 0;
  let schedules = 0;
  let lastReport = performance.now();
  const all =
    budget.family === 'lifecycle'
      ? lifecycleScenarios(setupDesign(design), config, budget.opsPerCpu)
      : exhaustiveScenarios(setupDesign(design), config, budget.opsPerCpu, budget.cpus);
  for (const scenario of all) {
    if (clock() > deadline) {
      return {
        scenarios,
        schedules,
        complete: false,
        failure: null,
        sections,
        elapsedMs: clock() - started,
      };
    }
    const result = exploreSchedules(
      design,
      scenario,
      Number.MAX_SAFE_INTEGER,
      deadline,
      true,
      undefined,
      preemptions,
      clock,
    );
    scenarios++;
    schedules += result.schedules;
    for (const label of result.sections) sections.add(label);
    if (result.failure !== null) {
      return {
        scenarios,
        schedules,
        complete: false,
        failure: { scenario, execution: result.failure, run: null },
        sections,
        elapsedMs: clock() - started,
      };
    }
    if (!result.complete) {
      return {
        scenarios,
        schedules,
        complete: false,
        failure: null,
        sections,
        elapsedMs: clock() - started,
      };
    }
    if (performance.now() - lastReport > 1000) {
      lastReport = performance.now();
      budget.onProgress?.({ scenarios, schedules, elapsedMs: clock() - started });
    }
  }
  return {
    scenarios,
    schedules,
    complete: true,
    failure: null,
    sections,
    elapsedMs: clock() - started,
  };
}

/**
 * Shrinking of a failing concurrent scenario: drop setup ops, program ops and whole CPUs one
 * at a time, keeping a candidate when some schedule of it still fails with the same kind of
 * failure (found by the exhaustive driver, which tries schedules with the fewest CPU switches
 * first: it runs the lowest runnable CPU until it must switch). Then, over every interleaving
 * of the smallest scenario, the failing schedule with the fewest CPU switches is kept.
 *
 * Not covered here: shrinking op arguments (holder numbers, values).
 */
import { wallClock, type BudgetClock } from '../lib/budget-clock.ts';
import type { Op } from '../lib/ops.ts';
import type { ConcurrentDesign, Execution, Scenario } from './concurrent.ts';
import { exploreSchedules } from './concurrent.ts';

export interface ShrinkResult {
  readonly scenario: Scenario;
  readonly execution: Execution;
  readonly attempts: number;
}

function withCpus(programs: readonly (readonly Op[])[]): Op[][] {
  return programs.map((program, cpu) => program.map((op) => ({ ...op, cpu })));
}

/** Candidates one removal smaller than `scenario`, CPUs first, then program ops, then setup. */
function* smaller(scenario: Scenario): Generator<Scenario> {
  const { programs, setup } = scenario;
  if (programs.length > 1) {
    for (let cpu = 0; cpu < programs.length; cpu++) {
      yield { ...scenario, programs: withCpus(programs.filter((_, i) => i !== cpu)) };
    }
  }
  for (let cpu = 0; cpu < programs.length; cpu++) {
    const program = programs[cpu] ?? [];
    for (let i = 0; i < program.length; i++) {
      const next = programs.map((p, c) => (c === cpu ? p.filter((_, j) => j !== i) : p));
      yield { ...scenario, programs: withCpus(next.filter((p) => p.length > 0)) };
    }
  }
  for (let i = setup.length - 1; i >= 0; i--) {
    yield { ...scenario, setup: setup.filter((_, j) => j !== i) };
  }
}

/** Shrinks `scenario`, whose `failing` execution failed, within `timeMs` on `clock`. */
export function shrinkScenario(
  design: ConcurrentDesign,
  scenario: Scenario,
  failing: Execution,
  timeMs: number,
  schedulesPerCandidate = 2000,
  clock: BudgetClock = wallClock,
): ShrinkResult {
  const deadline = clock() + timeMs;
  const kind = failing.failure?.kind;
  let best: ShrinkResult = { scenario, execution: failing, attempts: 0 };
  const first = exploreSchedules(
    design,
    scenario,
    schedulesPerCandidate,
    deadline,
    true,
    undefined,
    Number.POSITIVE_INFINITY,
    clock,
  );
  if (first.failure !== null && first.failure.failure?.kind === kind) {
    best = { scenario, execution: first.failure, attempts: 1 };
  }
  let attempts = 1;
  let progress = true;
  while (progress && clock() < deadline) {
    progress = false;
    for (const candidate of smaller(best.scenario)) {
      if (clock() > deadline) break;
      attempts++;
      const result = exploreSchedules(
        design,
        candidate,
        schedulesPerCandidate,
        deadline,
        true,
        undefined,
        Number.POSITIVE_INFINITY,
        clock,
      );
      if (result.failure === null || result.failure.failure?.kind !== kind) continue;
      best = { scenario: candidate, execution: result.failure, attempts };
      progress = true;
      break;
    }
  }
  return {
    ...best,
    execution: fewestSwitches(design, best.scenario, best.execution, deadline + 2_000, clock),
    attempts,
  };
}

/**
 * The failing schedule of `scenario` (same failure kind as `failing`) with the fewest CPU
 * switches, over every interleaving (no sleep sets: equivalent orders differ in switches),
 * within `deadline`; `failing` itself when none is found with fewer.
 */
function fewestSwitches(
  design: ConcurrentDesign,
  scenario: Scenario,
  failing: Execution,
  deadline: number,
  clock: BudgetClock,
): Execution {
  const kind = failing.failure?.kind;
  let best = failing;
  exploreSchedules(
    design,
    scenario,
    50_000,
    deadline,
    false,
    (run) => {
      if (run.failure?.kind === kind && switches(run.schedule) < switches(best.schedule))
        best = run;
      return switches(best.schedule) <= 1;
    },
    Number.POSITIVE_INFINITY,
    clock,
  );
  return best;
}

/** Number of CPU switches in a schedule. */
export function switches(schedule: readonly number[]): number {
  let count = 0;
  for (let i = 1; i < schedule.length; i++) if (schedule[i] !== schedule[i - 1]) count++;
  return count;
}

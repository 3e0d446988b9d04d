/**
 * Test support for the explorer: a brute-force enumeration of every interleaving of a
 * scenario, written independently of exploreSchedules() (no reduction, no preemption bound, no
 * sleep sets: each run branches at every later step to every other runnable CPU), so the tests
 * can compare the explorer's counts and coverage with it instead of pinning measured numbers;
 * and the multinomial count of interleavings of CPUs that never wait for one another.
 *
 * exploreAgainstBruteForce() runs both and compares them.
 *
 * Not covered here: any test (explore/*.test.ts use these). Files named *-test-support.ts are
 * left out of the build, coverage and Stryker.
 */
import { expect } from 'vitest';
import type { ConcurrentDesign, Execution, Scenario } from './concurrent.ts';
import { execute, exploreSchedules } from './concurrent.ts';

/** A deadline no exhaustive run of a test comes near: their budgets are the scenarios. */
const noDeadlineMs = 120_000;

function failureName(failure: { kind: string; invariant?: string | undefined } | null): string {
  if (failure === null) return 'holds';
  return failure.invariant === undefined ? failure.kind : `${failure.kind}[${failure.invariant}]`;
}

/** Every interleaving of `scenario` on `design`, each run exactly once (depth-first). Throws
 * when there are more than `runsMax`, so a test that grew too large says so. */
export function everyInterleaving(
  design: ConcurrentDesign,
  scenario: Scenario,
  runsMax = 50_000,
): Execution[] {
  const every: Execution[] = [];
  const stack: number[][] = [[]];
  while (stack.length > 0) {
    const prefix = stack.pop() as number[];
    const run = execute(
      design,
      scenario,
      (enabled, step) => prefix[step] ?? (enabled[0] as number),
    );
    for (let step = prefix.length; step < run.schedule.length; step++) {
      for (const cpu of run.enabled[step] ?? [])
        if (cpu !== run.schedule[step]) stack.push([...run.schedule.slice(0, step), cpu]);
    }
    every.push(run);
    if (every.length > runsMax) throw new Error(`more than ${runsMax} interleavings`);
  }
  return every;
}

/** The number of interleavings of CPUs that take `steps[i]` steps each and never wait for one
 * another: the multinomial coefficient (sum steps)! / prod(steps[i]!). */
export function interleavingsOfIndependent(steps: readonly number[]): number {
  let count = 1;
  let total = 0;
  for (const n of steps) {
    for (let k = 1; k <= n; k++) count = (count * (total + k)) / k;
    total += n;
  }
  return count;
}

/** How many steps each CPU took in `run`. */
export function stepsPerCpu(run: Execution, cpus: number): number[] {
  const steps = Array.from({ length: cpus }, () => 0);
  for (const cpu of run.schedule) steps[cpu] = (steps[cpu] ?? 0) + 1;
  return steps;
}

/**
 * Explores every schedule of `scenario` with the reduced search and requires it to hold and
 * complete, checked against a brute-force enumeration of every interleaving
 * (everyInterleaving() above): every interleaving holds too, the reduced search runs no
 * more schedules than there are interleavings and at least one, and it reaches exactly the
 * sections the interleavings reach (sleep sets skip only reorderings of independent steps,
 * which reach the same states). Returns both, for the checks a case adds.
 */
export function exploreAgainstBruteForce(d: ConcurrentDesign, scenario: Scenario) {
  const result = exploreSchedules(
    d,
    scenario,
    Number.MAX_SAFE_INTEGER,
    performance.now() + noDeadlineMs,
  );
  expect(failureName(result.failure?.failure ?? null), result.failure?.failure?.message).toBe(
    'holds',
  );
  expect(result.complete).toBe(true);
  const every = everyInterleaving(d, scenario);
  const failing = every.find((run) => run.failure !== null);
  expect(failureName(failing?.failure ?? null), failing?.failure?.message).toBe('holds');
  expect(result.schedules).toBeGreaterThan(0);
  expect(result.schedules).toBeLessThanOrEqual(every.length);
  const reached = new Set(every.flatMap((run) => [...run.sections]));
  expect([...result.sections].sort()).toEqual([...reached].sort());
  return { result, every };
}

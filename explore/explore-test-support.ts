/**
 * Test support for the explorer: a brute-force enumeration of every interleaving of a
 * scenario, written independently of exploreSchedules() (no reduction, no preemption bound, no
 * sleep sets: each run branches at every later step to every other runnable CPU), so the tests
 * can compare the explorer's counts and coverage with it instead of pinning measured numbers;
 * and the multinomial count of interleavings of CPUs that never wait for one another.
 *
 * Not covered here: any test (explore/*.test.ts use these). Files named *-test-support.ts are
 * left out of the build, coverage and Stryker.
 */
import type { ConcurrentDesign, Execution, Scenario } from './concurrent.ts';
import { execute } from './concurrent.ts';

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

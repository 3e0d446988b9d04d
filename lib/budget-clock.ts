/**
 * Clocks for time budgets. `wallClock` is elapsed real time; `cpuClock` is the CPU time this
 * process has used (user plus system, all its threads), which other jobs on a shared machine
 * barely change: the self-check (`swapcheck mutants`) measures its budgets with it, so that its
 * verdict does not depend on the machine's load. Both count milliseconds from an arbitrary
 * origin; only differences mean anything.
 *
 * Not covered here: deadlines of campaigns and explore runs (they are wall-clock, like any
 * `--time` flag a user gives).
 */
export type BudgetClock = () => number;

export const wallClock: BudgetClock = () => performance.now();

export const cpuClock: BudgetClock = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/**
 * Coverage-guided reach: a campaign steers later runs of a design toward the interesting-state
 * marks (properties/mark-catalogue.ts) its earlier runs reached rarely or never.
 *
 * Runs come in epochs of `epochRuns` runs. The steers of epoch k (k >= 2) are computed from the
 * results of the runs before epoch k - 1 alone (so a worker pool can run ahead by an epoch and
 * still see the same steers): every listed mark reached by fewer than a twentieth of those runs
 * (at least one) is rare, and the rare marks' intents (Steer), in catalogue order without
 * repeats, are taken in turn by the odd runs of the epoch; the even runs are never steered, so
 * half of every epoch stays as the swarm draws it. Steers depend on run indices and the runs'
 * results only, never on the clock: the same seed and budget in runs give the same runs.
 *
 * Not covered here: what a steer changes in a run (properties/generator.ts drawSwarm()).
 */
import type { Steer } from './generator.ts';
import { markCatalogue } from './mark-catalogue.ts';

/** Runs per steering epoch for a campaign with `configCount` configs: four runs per config. */
export function epochRuns(configCount: number): number {
  return 4 * Math.max(1, configCount);
}

/** The first run index whose steer needs every result below the returned bound; 0 when the
 * run is never steered (the first two epochs). */
export function steerNeedsBelow(runIndex: number, epoch: number): number {
  const k = Math.floor(runIndex / epoch);
  return k < 2 ? 0 : (k - 1) * epoch;
}

/** The marks of `listed` that fewer than a twentieth (at least one) of `runs` reached, from
 * the per-run marks of those runs. */
export function marksRare(
  listed: readonly string[],
  runs: readonly Readonly<Record<string, number>>[],
): string[] {
  const threshold = Math.max(1, Math.ceil(runs.length / 20));
  return listed.filter((name) => runs.filter((marks) => (marks[name] ?? 0) > 0).length < threshold);
}

/** The steers rare marks call for, in catalogue order, each once. */
export function steersFor(rare: readonly string[]): Steer[] {
  const steers: Steer[] = [];
  for (const name of rare) {
    const steer = markCatalogue[name]?.steer ?? null;
    if (steer !== null && !steers.includes(steer)) steers.push(steer);
  }
  return steers;
}

/** The steer of run `runIndex` given its epoch's steers: odd runs take them in turn. */
export function steerOfRun(runIndex: number, epochSteers: readonly Steer[]): Steer | undefined {
  if (runIndex % 2 === 0 || epochSteers.length === 0) return undefined;
  return epochSteers[(runIndex >> 1) % epochSteers.length];
}

/**
 * A cross-check of a design's per-item views (`observeHolder`, `observeEntry`, `observeFolio`,
 * which campaign checks read between full checks) against its full observation, op after op:
 * every holder, entry and folio read through the views must equal its part of `observe()`, and
 * a value or folio that is not live must read as null. The tests of footprint checks and the
 * Stryker subset drive it; it returns mismatches instead of asserting, so it needs no test
 * framework.
 *
 * Not covered here: the checker's own use of the views (properties/checker.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Observation } from '../lib/observation.ts';
import type { SwapSystem } from '../lib/system.ts';

/** Every part of `observation` read through the per-item views of `system`, as mismatches. */
export function itemViewMismatches(
  system: SwapSystem,
  observation: Observation,
  cpus: number,
): string[] {
  const mismatches: string[] = [];
  const differ = (what: string, view: unknown, expected: unknown) => {
    if (!isDeepStrictEqual(view, expected))
      mismatches.push(
        `${what}: view ${JSON.stringify(view)}, observe() ${JSON.stringify(expected)}`,
      );
  };
  // An entry is read on the CPU of its lowest holder, as the full observation reads it.
  const lowest = new Map<number, number>();
  observation.holders.forEach((view, index) => {
    differ(`holder ${index}`, system.observeHolder?.(index), view);
    if (view.kind === 'swap' && !lowest.has(view.entry)) lowest.set(view.entry, index);
  });
  for (const view of observation.entries) {
    differ(
      `entry ${view.entry}`,
      system.observeEntry?.(view.entry, (lowest.get(view.entry) ?? 0) % cpus),
      view,
    );
  }
  for (const view of observation.folios)
    differ(`folio ${view.id}`, system.observeFolio?.(view.id), view);
  return mismatches;
}

/** The per-op cross-check: call `afterOp()` after every op of a run. */
export class ItemViewAudit {
  /** Entry values seen freed (not live after an op that they were live before). */
  freed = 0;
  private previous = new Set<number>();
  private readonly system: SwapSystem;
  private readonly cpus: number;

  constructor(system: SwapSystem, cpus: number) {
    this.system = system;
    this.cpus = cpus;
  }

  /** The mismatches after the op just applied (empty when the views agree). */
  afterOp(): string[] {
    const observation = this.system.observe();
    const mismatches = itemViewMismatches(this.system, observation, this.cpus);
    const live = new Set(observation.entries.map((view) => view.entry));
    // A value freed by this op reads as no entry (unless the op handed it out again).
    for (const value of this.previous) {
      if (live.has(value)) continue;
      const view = this.system.observeEntry?.(value, 0);
      if (view !== null)
        mismatches.push(`freed entry ${value}: view ${JSON.stringify(view)}, expected null`);
      this.freed++;
    }
    this.previous = live;
    const beyond = (observation.folios.at(-1)?.id ?? 0) + 1000;
    const folio = this.system.observeFolio?.(beyond);
    if (folio !== null)
      mismatches.push(`folio ${beyond}: view ${JSON.stringify(folio)}, expected null`);
    return mismatches;
  }
}

/**
 * Test support for the allocator tests of impl/: what an allocation may hand out, by brute
 * force over the slots, so that a test states the property it pins (aligned, inside the
 * device, no bad or used slot, the set of runs a device has) instead of the offsets one
 * allocation order happens to produce.
 *
 * Not covered here: any test (impl/*.test.ts use these). Files named *-test-support.ts are
 * left out of the build, coverage and Stryker.
 */

/**
 * The first slots of every aligned run of 2^`order` slots of a device of `slots` slots that
 * holds no bad slot (slot 0, the swap header, is always bad) and no slot of `used`, ascending.
 */
export function alignedFreeRuns(
  slots: number,
  bad: readonly number[],
  order: number,
  used: ReadonlySet<number> = new Set(),
): number[] {
  const nr = 2 ** order;
  const unusable = new Set([0, ...bad]);
  const runs: number[] = [];
  for (let first = 0; first + nr <= slots; first += nr) {
    let free = true;
    for (let slot = first; slot < first + nr; slot++) {
      if (unusable.has(slot) || used.has(slot)) free = false;
    }
    if (free) runs.push(first);
  }
  return runs;
}

/** The cluster of `clusterSlots` slots that `offset` lies in. */
export function clusterOf(offset: number, clusterSlots: number): number {
  return Math.floor(offset / clusterSlots);
}

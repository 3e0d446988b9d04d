/**
 * The geometry of an xarray index (the virtual space's cluster index): how many levels a walk
 * from the root takes, and how many nodes hold a set of ids, at the fanout of the kernel
 * layout (lib/costs.ts kernelLayout.indexFanout).
 *
 * Not covered here: the index itself (impl/virtual-space.ts) and what its nodes cost
 * (impl/cost-metadata.ts).
 */
import { kernelLayout } from '../lib/costs.ts';

/** Levels of an xarray whose largest index is `count - 1` (one level at least). */
export function indexHeight(count: number): number {
  let height = 1;
  for (let span = kernelLayout.indexFanout; span < count; span *= kernelLayout.indexFanout)
    height++;
  return height;
}

/** The xarray nodes needed to hold `ids` (a single node at least while any id is held). */
export function indexNodeCount(ids: Iterable<number>): number {
  const sorted = [...ids];
  if (sorted.length === 0) return 0;
  let maxId = 0;
  for (const id of sorted) maxId = Math.max(maxId, id);
  let nodes = 0;
  let span = kernelLayout.indexFanout;
  // Level by level from the leaves: one node per distinct id / span, until one node is left.
  for (;;) {
    const level = new Set(sorted.map((id) => Math.floor(id / span)));
    nodes += level.size;
    if (maxId < span) return nodes;
    span *= kernelLayout.indexFanout;
  }
}

/**
 * Example tests of the cluster list transitions (impl/cluster-lists.ts): relocate_cluster()
 * after an allocation and partial_free_cluster() / free_cluster() after a free. They pin what
 * the model comparison cannot see: a cluster already on the right list is not moved (a move
 * would send it to the back of its FIFO list and bump its coverage mark), clusters on the
 * discard list or isolated by the allocator are left where they are, and an empty cluster
 * goes back to the free list. Added for survivors of mutation testing (docs/mutation-testing.md).
 *
 * Method: one ClusterLists over bare 4-slot clusters, counts set by hand. Not covered here: the
 * allocation scan that calls these transitions (impl/table-device.ts, impl/virtual-space.ts).
 */
import { describe, expect, it } from 'vitest';
import { SwapCluster } from './cluster.ts';
import { ClusterLists } from './cluster-lists.ts';
import { Marks } from './marks.ts';

function setup(): { lists: ClusterLists<SwapCluster>; marks: Marks; clusters: SwapCluster[] } {
  const marks = new Marks();
  const lists = new ClusterLists<SwapCluster>(1, marks, 'cluster');
  const clusters = [0, 1, 2].map((id) => new SwapCluster(id, 4));
  return { lists, marks, clusters };
}

function ids(list: Set<SwapCluster> | undefined): number[] {
  return [...(list ?? [])].map((ci) => ci.id);
}

describe('cluster lists', () => {
  it('leaves a partly used cluster in its place on frag after another allocation', () => {
    const {
      lists,
      marks,
      clusters: [a, b],
    } = setup();
    if (a === undefined || b === undefined) throw new Error('setup');
    a.count = 1;
    b.count = 1;
    lists.relocateAfterAlloc(a);
    lists.relocateAfterAlloc(b);
    expect(ids(lists.frag[0])).toEqual([0, 1]);
    expect(marks.get('cluster-list-frag')).toBe(2);
    a.count = 2;
    lists.relocateAfterAlloc(a);
    expect(ids(lists.frag[0]), 'not sent to the back of the list').toEqual([0, 1]);
    expect(marks.get('cluster-list-frag'), 'no move').toBe(2);
    for (const ci of [a, b]) {
      ci.count = 4;
      lists.relocateAfterAlloc(ci);
    }
    a.count = 4;
    lists.relocateAfterAlloc(a);
    expect(ids(lists.full), 'a full cluster stays in its place on full').toEqual([0, 1]);
    expect(marks.get('cluster-list-full')).toBe(2);
  });

  it('leaves a partly used cluster in its place on nonfull after another free', () => {
    const {
      lists,
      marks,
      clusters: [a, b],
    } = setup();
    if (a === undefined || b === undefined) throw new Error('setup');
    for (const ci of [a, b]) {
      ci.count = 4;
      lists.relocateAfterAlloc(ci);
      ci.count = 3;
      lists.relocateAfterFree(ci, false);
    }
    expect(ids(lists.nonfull[0])).toEqual([0, 1]);
    expect(marks.get('cluster-list-nonfull')).toBe(2);
    a.count = 2;
    lists.relocateAfterFree(a, false);
    expect(ids(lists.nonfull[0]), 'not sent to the back of the list').toEqual([0, 1]);
    expect(marks.get('cluster-list-nonfull'), 'no move').toBe(2);
  });

  it('sends an empty cluster to free, or to discard when the device discards', () => {
    const {
      lists,
      marks,
      clusters: [a, b, c],
    } = setup();
    if (a === undefined || b === undefined || c === undefined) throw new Error('setup');
    a.count = 1;
    lists.relocateAfterAlloc(a);
    a.count = 0;
    lists.relocateAfterAlloc(a);
    expect(a.flags).toBe('free');
    expect(ids(lists.free)).toEqual([0]);
    lists.relocateAfterAlloc(a);
    expect(marks.get('cluster-list-free'), 'already on free: no move').toBe(1);
    b.count = 1;
    lists.relocateAfterAlloc(b);
    b.count = 0;
    lists.relocateAfterFree(b, true);
    expect(b.flags).toBe('discard');
    c.count = 1;
    lists.relocateAfterAlloc(c);
    c.count = 0;
    lists.relocateAfterFree(c, false);
    expect(c.flags).toBe('free');
  });

  it('keeps a cluster on the discard list, and an isolated one off every list', () => {
    const {
      lists,
      clusters: [a, b],
    } = setup();
    if (a === undefined || b === undefined) throw new Error('setup');
    lists.move(a, 'discard');
    a.count = 1;
    lists.relocateAfterAlloc(a);
    expect(a.flags, 'after an allocation').toBe('discard');
    lists.relocateAfterFree(a, false);
    expect(a.flags, 'after a free').toBe('discard');
    b.count = 2;
    lists.relocateAfterAlloc(b);
    expect(lists.isolate(lists.frag[0] ?? new Set())).toBe(b);
    b.count = 1;
    lists.relocateAfterFree(b, false);
    expect(b.flags, 'the allocator owns an isolated cluster').toBe('none');
    expect([...lists.all()].map((ci) => ci.id)).toEqual([0]);
  });
});

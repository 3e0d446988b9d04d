/**
 * The per-device cluster lists (si->free_clusters, nonfull_clusters[order],
 * frag_clusters[order], full_clusters, discard_clusters) and the transitions between them.
 * Each list is an insertion-ordered Set, so removal is O(1) and iteration is FIFO, as a
 * list_head is. A cluster's flag always names the list it is on (or 'none' when off-list).
 *
 * Transitions (mm/swapfile.c): after an allocation, relocate_cluster() puts the cluster on
 * free (count 0), frag[order] (partly used) or full; after a free, a cluster whose count
 * reached 0 goes to free (or to discard on a write-ok discard device) and a partly used one to
 * nonfull[order]. A cluster on the discard list stays there until the discard is flushed.
 *
 * Not covered here: the allocation scan (impl/table-device.ts, impl/virtual-space.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import type { ClusterFlag, SwapCluster } from './cluster.ts';
import { mark, type MarkId, type Marks } from './marks.ts';

/** The flags that name a list. */
type ListFlag = Exclude<ClusterFlag, 'none' | 'dead'>;

/** The mark of a move onto each list, for the clusters of a device or of the virtual space. */
const moveMarks = {
  cluster: {
    free: mark['cluster-list-free'],
    nonfull: mark['cluster-list-nonfull'],
    frag: mark['cluster-list-frag'],
    full: mark['cluster-list-full'],
    discard: mark['cluster-list-discard'],
  },
  vcluster: {
    free: mark['vcluster-list-free'],
    nonfull: mark['vcluster-list-nonfull'],
    frag: mark['vcluster-list-frag'],
    full: mark['vcluster-list-full'],
    discard: mark['vcluster-list-discard'],
  },
} as const satisfies Record<string, Readonly<Record<ListFlag, MarkId>>>;

export class ClusterLists<C extends SwapCluster> {
  readonly free = new Set<C>();
  readonly nonfull: Set<C>[] = [];
  readonly frag: Set<C>[] = [];
  readonly full = new Set<C>();
  readonly discard = new Set<C>();
  private readonly marks: Marks;
  private readonly moveMarks: Readonly<Record<ListFlag, MarkId>>;

  constructor(orders: number, marks: Marks, prefix: keyof typeof moveMarks) {
    assertThat(Number.isInteger(orders) && orders >= 1, 'orders ', orders);
    for (let order = 0; order < orders; order++) {
      this.nonfull.push(new Set());
      this.frag.push(new Set());
    }
    this.marks = marks;
    this.moveMarks = moveMarks[prefix];
  }

  /** The list a flag names; `none` and `dead` are off-list. */
  listOf(flag: ClusterFlag, order: number): Set<C> | null {
    switch (flag) {
      case 'free':
        return this.free;
      case 'nonfull':
        return this.at(this.nonfull, order);
      case 'frag':
        return this.at(this.frag, order);
      case 'full':
        return this.full;
      case 'discard':
        return this.discard;
      case 'none':
      case 'dead':
        return null;
    }
  }

  /** Moves `ci` to the list named by `flag` (move_cluster()). */
  move(ci: C, flag: ClusterFlag): void {
    const before = this.listOf(ci.flags, ci.order);
    if (before !== null) {
      assertThat(before.delete(ci), 'cluster ', ci.id, ' missing from its ', ci.flags, ' list');
    }
    ci.flags = flag;
    const after = this.listOf(flag, ci.order);
    if (after !== null) {
      assert(!after.has(ci));
      after.add(ci);
      // listOf() found a list, so `flag` names one.
      this.marks.hit(this.moveMarks[flag as ListFlag]);
    }
  }

  /** Takes the first cluster off `list` and marks it isolated (isolate_lock_cluster()). */
  isolate(list: Set<C>): C | null {
    assert(
      list === this.free ||
        list === this.full ||
        list === this.discard ||
        this.nonfull.includes(list) ||
        this.frag.includes(list),
      'isolate from a foreign list',
    );
    for (const ci of list) {
      assertThat(this.listOf(ci.flags, ci.order) === list, 'cluster ', ci.id, ' on the wrong list');
      this.move(ci, 'none');
      return ci;
    }
    return null;
  }

  /** After an allocation into `ci` (relocate_cluster()). */
  relocateAfterAlloc(ci: C): void {
    assert(ci.count <= ci.slots);
    if (ci.flags === 'discard') return;
    if (ci.count === 0) {
      if (ci.flags !== 'free') this.move(ci, 'free');
    } else if (ci.count < ci.slots) {
      if (ci.flags !== 'frag') this.move(ci, 'frag');
    } else if (ci.flags !== 'full') {
      this.move(ci, 'full');
    }
    assert(ci.flags !== 'none');
  }

  /** After freeing slots of `ci` (partial_free_cluster() / free_cluster()). */
  relocateAfterFree(ci: C, discard: boolean): void {
    assertThat(ci.count < ci.slots, 'cluster ', ci.id, ' full after a free');
    if (ci.flags === 'discard' || ci.flags === 'none') return;
    if (ci.count === 0) {
      this.move(ci, discard ? 'discard' : 'free');
    } else if (ci.flags !== 'nonfull') {
      this.move(ci, 'nonfull');
    }
  }

  /** Every cluster on any list, for audits. */
  *all(): Generator<C> {
    yield* this.free;
    for (const list of this.nonfull) yield* list;
    for (const list of this.frag) yield* list;
    yield* this.full;
    yield* this.discard;
  }

  private at(lists: Set<C>[], order: number): Set<C> {
    const list = lists[order];
    assertThat(list !== undefined, 'no list for order ', order);
    return list;
  }
}

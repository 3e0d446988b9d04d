/**
 * Tests of the virtual swap space allocator (impl/virtual-space.ts) against its documented
 * contract: vswap_alloc() tries the CPU's next offset, then nonfull[order], the free list, a
 * new cluster at the lowest free id (xa_alloc()) and frag[order], and order 0 alone steals
 * from the frag and nonfull lists of higher orders; a used cluster of order k hands out only
 * order-k runs (order 0 excepted, as in cluster_is_usable()); an emptied cluster is freed at
 * the end of the operation, its id reused and the per-CPU offsets into it dropped; slot 0 and
 * the slots at or beyond vswapSlots are bad and never handed out; hasFreeRun() is exact
 * against a brute-force scan, and an allocation fails only when it is false. Cost counters
 * are pinned on short scripted sequences. Added for survivors of mutation testing
 * (docs/mutation-testing.md).
 *
 * Method: a VirtualSpace driven directly with small geometries (8 to 32 slots, clusters of 4
 * or 8, two CPUs), the examples by hand and a fast-check property over random
 * alloc / free / end-of-operation sequences checked against the test's own bookkeeping.
 * Not covered here: the lookup cache (impl/lookup-cache.test.ts), what a slot's word and
 * backend mean (impl/swap-state.ts), and the buggy per-CPU step of
 * impl/mutants/vswap-percpu-trust.ts.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activateCosts, CostCounters } from './cost-counters.ts';
import { Marks } from './marks.ts';
import { BAD_WORD, NULL_WORD, pfnToWord } from './swap-table-word.ts';
import { VirtualSpace } from './virtual-space.ts';

let sink = new CostCounters();
beforeEach(() => {
  sink = new CostCounters();
  activateCosts(sink);
});
afterEach(() => activateCosts(null));

/** The word installed at page `i` of a run: a PFN word, distinct per page. */
const written = (i: number) => pfnToWord(7 + i, 1, false);

function space(slots: number, clusterSlots: number, orders: number, cpus = 2) {
  const marks = new Marks();
  const vs = new VirtualSpace(slots, clusterSlots, orders, cpus, 'off', marks);
  return { vs, marks };
}

/** Frees `nr` slots from virtual offset `offset` (their backends are NONE: never set here). */
function release(vs: VirtualSpace, offset: number, nr = 1): void {
  const ci = vs.index.get(Math.floor(offset / vs.clusterSlots));
  if (ci === undefined) throw new Error(`no cluster holds offset ${offset}`);
  vs.freeSlots(ci, offset % vs.clusterSlots, nr);
}

/** `count` order-`order` allocations on `cpu`, their offsets in order. */
function takeMany(vs: VirtualSpace, order: number, cpu: number, count: number): number[] {
  return Array.from({ length: count }, () => vs.alloc(order, cpu, written));
}

describe('virtual space: geometry and bad slots', () => {
  it('starts with cluster 0 alone, slot 0 bad, on nonfull[0]', () => {
    const { vs } = space(16, 4, 3);
    // vswap_init(): only cluster 0 exists, its slot 0 reserved bad, so it is partly used.
    expect([...vs.index.keys()]).toEqual([0]);
    const first = vs.index.get(0);
    expect(first?.word(0)).toBe(BAD_WORD);
    expect(first?.count).toBe(1);
    expect(first?.badCount).toBe(1);
    expect(first?.flags).toBe('nonfull');
    expect(first !== undefined && vs.lists.nonfull[0]?.has(first)).toBe(true);
    expect(first !== undefined && vs.isPermanent(first)).toBe(true);
    expect(vs.inuse).toBe(0);
    expect(vs.clusterCountMax).toBe(4);
  });

  it('refuses an allocation for a CPU it has no per-CPU offsets for', () => {
    const { vs } = space(16, 4, 3, 2);
    // CPUs are 0 and 1; percpu_vswap_cluster exists only for those.
    expect(() => vs.alloc(0, 2, written)).toThrow();
    expect(vs.alloc(0, 1, written)).toBe(1);
  });

  it('hands out every good slot once, and none at or beyond vswapSlots, before failing', () => {
    // 14 slots in clusters of 4: cluster 3 holds offsets 12..15, of which 14 and 15 are bad.
    const { vs } = space(14, 4, 3, 2);
    const got = takeMany(vs, 0, 0, 14);
    // One CPU taking order 0 fills clusters in id order, each from its lowest slot: 1..13,
    // then nothing is left (13 good slots: 14 minus the reserved slot 0).
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, -1]);
    expect(vs.inuse).toBe(13);
    const last = vs.index.get(3);
    expect(last?.word(2)).toBe(BAD_WORD);
    expect(last?.word(3)).toBe(BAD_WORD);
    expect(last?.badCount).toBe(2);
    for (let order = 0; order < 3; order++) expect(vs.hasFreeRun(order)).toBe(false);
    // The last cluster holds bad slots, so it is permanent: emptied, it stays indexed.
    release(vs, 12);
    release(vs, 13);
    vs.endOp();
    expect(vs.index.has(3)).toBe(true);
    expect(last?.count).toBe(2);
  });
});

describe('virtual space: per-CPU offsets', () => {
  it("continues from the CPU's next offset, not from the lowest free slot", () => {
    const { vs } = space(16, 4, 3);
    expect(takeMany(vs, 0, 0, 2)).toEqual([1, 2]);
    release(vs, 1);
    // CPU 0's next offset is 3; the scan starts there (alloc_swap_scan_cluster() from the
    // per-CPU offset), so slot 1, though free and lower, is not taken.
    expect(vs.alloc(0, 0, written)).toBe(3);
    // The run ended the cluster, so the CPU has no next offset and goes to the lists. The
    // allocation at 3 put cluster 0 back on frag[0] (relocate_cluster()), which comes after a
    // new cluster: id 1 is opened although slot 1 is free.
    expect(vs.index.get(0)?.flags).toBe('frag');
    expect(vs.alloc(0, 0, written)).toBe(4);
  });

  it("keeps an order-k cluster for the CPU's next order-k run", () => {
    const { vs } = space(16, 4, 3);
    // Cluster 0 holds a bad slot, so it is never empty and never takes order 1: the first
    // order-1 run opens cluster 1 (the lowest free id), the second continues there.
    expect(vs.alloc(1, 0, written)).toBe(4);
    expect(vs.index.get(1)?.order).toBe(1);
    expect(vs.alloc(1, 0, written)).toBe(6);
    expect(vs.index.get(1)?.flags).toBe('full');
    expect(vs.index.size).toBe(2);
  });

  it("each CPU keeps its own offset when another CPU's cluster is freed", () => {
    const { vs } = space(16, 4, 3);
    expect(vs.alloc(0, 1, written)).toBe(1);
    // CPU 0 finds cluster 0 on frag[0] (after CPU 1's allocation), which comes after a new
    // cluster: it opens cluster 1.
    expect(vs.alloc(0, 0, written)).toBe(4);
    release(vs, 4);
    vs.endOp();
    expect(vs.index.has(1)).toBe(false);
    // Only offsets into the freed cluster are dropped: CPU 1 continues in cluster 0.
    expect(vs.alloc(0, 1, written)).toBe(2);
  });

  it('drops the offsets into a freed cluster, so a reused id is not entered mid-cluster', () => {
    const { vs, marks } = space(16, 4, 3);
    expect(vs.alloc(0, 0, written)).toBe(1); // CPU 0 next: 2
    expect(vs.alloc(0, 1, written)).toBe(4); // new cluster 1 (cluster 0 is on frag); CPU 1 next: 5
    release(vs, 4);
    vs.endOp();
    expect(marks.get('vcluster-freed')).toBe(1);
    // CPU 1's offset went with cluster 1: it goes to the lists, where nonfull[0] and free are
    // empty, so xa_alloc() reuses id 1 before frag[0] (cluster 0) is tried.
    expect(vs.alloc(0, 1, written)).toBe(4);
    expect(marks.get('vcluster-id-reused')).toBe(1);
    expect(vs.alloc(0, 0, written)).toBe(2);
    expect(vs.alloc(0, 0, written)).toBe(3); // cluster 0 now full; CPU 0 has no next offset
    release(vs, 4);
    vs.endOp();
    // CPU 0 reopens id 1; CPU 1's old offset 5 points into that new cluster and must have
    // been dropped with the old one: CPU 1 goes to the lists and opens id 2.
    expect(vs.alloc(0, 0, written)).toBe(4);
    expect(vs.alloc(0, 1, written)).toBe(8);
    expect(marks.get('vcluster-id-reused')).toBe(2);
  });

  it('a CPU whose cluster another CPU filled gives up its offset: one lookup, no lock on it', () => {
    const { vs } = space(16, 4, 3);
    expect(takeMany(vs, 0, 1, 2)).toEqual([1, 2]); // CPU 1 next: 3
    release(vs, 1); // cluster 0 back on nonfull[0]
    expect(vs.alloc(0, 0, written)).toBe(1); // CPU 0 from nonfull[0]; next: 2
    expect(vs.alloc(0, 1, written)).toBe(3); // CPU 1 fills cluster 0
    expect(vs.index.get(0)?.flags).toBe('full');
    const before = sink.snapshot();
    // CPU 0's next offset 2 is in a full cluster: one index lookup finds it unusable (not on a
    // free, nonfull or frag list), so it is not locked; the lists then have nothing and a new
    // cluster (id 1) is opened: one fallback, one lock, one table write.
    expect(vs.alloc(0, 0, written)).toBe(4);
    expect(sink.indexLookups - before.indexLookups).toBe(1);
    expect(sink.allocFallbacks - before.allocFallbacks).toBe(1);
    expect(sink.clusterLocks - before.clusterLocks).toBe(1);
    expect(sink.tableWrites - before.tableWrites).toBe(1);
  });

  it("a run that ends its cluster leaves no offset, not one into the next id's cluster", () => {
    const { vs } = space(16, 4, 3);
    expect(vs.alloc(0, 1, written)).toBe(1); // CPU 1 next: 2
    expect(vs.alloc(0, 0, written)).toBe(4); // cluster 0 is on frag[0]: CPU 0 opens cluster 1
    expect(takeMany(vs, 0, 1, 2)).toEqual([2, 3]); // CPU 1 ends cluster 0
    // CPU 1 has no next offset: nonfull[0] and free are empty, so a new cluster (id 2) comes
    // before frag[0], which holds cluster 1. Slot 4's cluster is not entered from its start.
    expect(vs.alloc(0, 1, written)).toBe(8);
  });

  it('a new last cluster with bad slots: an order-1 request succeeds only if hasFreeRun(1)', () => {
    // 14 slots in clusters of 8: cluster 1 holds 8..15 with 14 and 15 bad; both ids exist
    // after the first order-1 allocation creates cluster 1.
    const { vs } = space(14, 8, 2);
    expect(vs.alloc(1, 0, written)).toBeGreaterThan(0);
    expect(vs.index.size).toBe(2);
    // Whatever order the permanent cluster 1 serves from now on, the allocator and
    // hasFreeRun() (what the audit's allowance relies on) must agree about it, on either CPU.
    for (const cpu of [0, 1]) {
      const can = vs.hasFreeRun(1);
      expect(vs.alloc(1, cpu, written) >= 0, `cpu ${cpu}`).toBe(can);
    }
  });

  it('a failed allocation leaves the CPU without an offset: the next one goes to the lists', () => {
    const { vs } = space(16, 4, 3);
    expect(vs.alloc(0, 0, written)).toBe(1); // CPU 0 next: 2
    // CPU 1 opens clusters 1..3 (cluster 0 is on frag[0], after new clusters), then takes
    // the rest of cluster 0 from frag[0]: the space is full and CPU 0's offset 2 is stale.
    expect(takeMany(vs, 0, 1, 14)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 2, 3]);
    expect(vs.alloc(0, 0, written)).toBe(-1);
    expect(vs.hasFreeRun(0)).toBe(false);
    release(vs, 5); // cluster 1 -> nonfull[0]
    release(vs, 1); // cluster 0 -> nonfull[0], behind cluster 1
    // CPU 0's offset went with the failed allocation: the head of nonfull[0] (cluster 1) is
    // taken, not the slot after CPU 0's old offset in cluster 0.
    expect(vs.alloc(0, 0, written)).toBe(5);
  });
});

describe('virtual space: lists and order exclusivity', () => {
  it('takes nonfull[order] in FIFO order; a cluster freed into again keeps its place', () => {
    const { vs } = space(16, 4, 3);
    expect(takeMany(vs, 0, 0, 11)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    release(vs, 5); // cluster 1 -> nonfull[0]
    release(vs, 9); // cluster 2 -> nonfull[0], behind cluster 1
    release(vs, 6); // cluster 1 is already on nonfull[0]: partial_free_cluster() leaves it
    expect([...(vs.lists.nonfull[0] ?? [])].map((ci) => ci.id)).toEqual([1, 2]);
    // CPU 1 has no next offset: the head of nonfull[0] (cluster 1), from its lowest slot.
    expect(vs.alloc(0, 1, written)).toBe(5);
  });

  it('tries every cluster of nonfull[order] before opening a new one', () => {
    const { vs } = space(16, 4, 2);
    expect(takeMany(vs, 0, 0, 3)).toEqual([1, 2, 3]);
    expect(takeMany(vs, 1, 0, 4)).toEqual([4, 6, 8, 10]); // clusters 1 and 2, order 1, full
    release(vs, 4); // cluster 1 on nonfull[1] with one free slot but no free aligned pair
    release(vs, 8, 2); // cluster 2 on nonfull[1] behind it, with the pair 8-9 free
    expect(vs.alloc(1, 1, written)).toBe(8);
    expect(vs.index.size).toBe(3);
  });

  it("goes on to frag[order] when a new cluster's bad slots leave no aligned run", () => {
    // 26 slots in clusters of 8: cluster 3 holds 24..31 with 26..31 bad, so no order-2 run.
    const { vs } = space(26, 8, 3);
    expect(vs.alloc(2, 0, written)).toBe(8); // cluster 1 (lowest free id), CPU 0 next 12
    expect(takeMany(vs, 2, 1, 2)).toEqual([16, 20]); // cluster 2, full; CPU 1 has no next
    // CPU 1: nonfull[2] and free are empty, the new cluster 3 has no order-2 run, frag[2]
    // holds cluster 1 with 12..15 free.
    expect(vs.alloc(2, 1, written)).toBe(12);
    expect(vs.index.has(3)).toBe(true); // created, permanent (bad slots), kept
    expect(vs.hasFreeRun(2)).toBe(false);
    expect(vs.alloc(2, 0, written)).toBe(-1);
  });

  it('refuses order 1 in clusters of another order; order 0 steals and keeps their order', () => {
    const { vs } = space(8, 4, 2);
    expect(takeMany(vs, 0, 0, 3)).toEqual([1, 2, 3]); // cluster 0 full (order 0)
    expect(takeMany(vs, 1, 0, 2)).toEqual([4, 6]); // cluster 1, order 1, full
    release(vs, 4);
    vs.endOp();
    // Every id is used; the one free slot 4 is in an order-1 cluster with 5 still used: no
    // aligned pair exists, and only order 0 may take the single slot.
    expect(vs.hasFreeRun(1)).toBe(false);
    expect(vs.alloc(1, 1, written)).toBe(-1);
    expect(vs.hasFreeRun(0)).toBe(true);
    // Order 0's own lists, the free list and new ids have nothing: it steals from frag[1].
    expect(vs.alloc(0, 1, written)).toBe(4);
    const ci = vs.index.get(1);
    expect(ci?.order).toBe(1); // a steal does not change the order of the cluster
    release(vs, 6);
    release(vs, 7);
    expect(vs.hasFreeRun(1)).toBe(true);
    expect(vs.alloc(1, 1, written)).toBe(6); // nonfull[1]: cluster 1, still order 1
  });

  it('order 0 steals from every higher order, after frag and nonfull of order 1', () => {
    const { vs } = space(8, 4, 3);
    expect(takeMany(vs, 0, 0, 3)).toEqual([1, 2, 3]);
    expect(vs.alloc(2, 0, written)).toBe(4); // cluster 1, order 2, full
    release(vs, 5); // cluster 1 on nonfull[2]
    expect(vs.alloc(0, 1, written)).toBe(5);
    expect(vs.alloc(0, 1, written)).toBe(-1);
  });

  it('order 0 continues from its next offset inside a cluster it stole from', () => {
    const { vs } = space(8, 4, 2);
    expect(takeMany(vs, 0, 0, 3)).toEqual([1, 2, 3]);
    expect(takeMany(vs, 1, 0, 2)).toEqual([4, 6]);
    release(vs, 4);
    release(vs, 6); // cluster 1 (order 1) on nonfull[1], 4 and 6 free
    expect(vs.alloc(0, 1, written)).toBe(4); // stolen; CPU 1's order-0 next offset: 5
    release(vs, 4);
    // Order 0 may use any cluster (cluster_is_usable()), so CPU 1 continues at its offset 5:
    // 5 is used, 6 is free. Slot 4, lower, is not revisited.
    expect(vs.alloc(0, 1, written)).toBe(6);
  });
});

describe('virtual space: end of operation', () => {
  it('keeps an emptied cluster usable until the end of the operation, then frees it', () => {
    const { vs, marks } = space(8, 4, 3);
    expect(takeMany(vs, 0, 1, 3)).toEqual([1, 2, 3]); // cluster 0 full
    expect(vs.alloc(1, 0, written)).toBe(4); // cluster 1, order 1; CPU 0 order-1 next: 6
    release(vs, 4, 2);
    const ci = vs.index.get(1);
    // Emptied: on the free list, order reset, still indexed until endOp().
    expect(ci?.flags).toBe('free');
    expect(ci?.order).toBe(0);
    expect(vs.index.size).toBe(2);
    // Every id is used; the empty cluster takes any order (cluster_is_empty()).
    expect(vs.hasFreeRun(1)).toBe(true);
    expect(vs.hasFreeRun(2)).toBe(true);
    // CPU 0's offset into the cluster is still valid: the scan starts at it.
    expect(vs.alloc(1, 0, written)).toBe(6);
    expect(ci?.order).toBe(1);
    release(vs, 6, 2);
    // CPU 1 has no order-2 offset: nonfull[2] is empty, the free list holds cluster 1.
    expect(vs.alloc(2, 1, written)).toBe(4);
    expect(vs.inuse).toBe(7);
    // Refilled before the end of the operation: endOp() keeps it.
    vs.endOp();
    expect(vs.index.get(1)).toBe(ci);
    expect(marks.get('vcluster-freed')).toBe(0);
    release(vs, 4, 4);
    vs.endOp();
    expect(vs.index.has(1)).toBe(false);
    expect(ci?.flags).toBe('dead');
    expect(marks.get('vcluster-freed')).toBe(1);
    expect(vs.hasFreeRun(2)).toBe(true); // a free id
  });
});

describe('virtual space: hasFreeRun', () => {
  it('a free id is a free run of every order', () => {
    const { vs } = space(16, 4, 3);
    expect(takeMany(vs, 0, 0, 3)).toEqual([1, 2, 3]); // cluster 0 full, ids 1..3 free
    for (let order = 0; order < 3; order++) expect(vs.hasFreeRun(order)).toBe(true);
    expect(vs.alloc(2, 1, written)).toBe(4);
  });

  it('sees the last aligned run of a cluster and a single slot in cluster 0', () => {
    const { vs } = space(8, 4, 2);
    expect(takeMany(vs, 0, 0, 3)).toEqual([1, 2, 3]);
    expect(takeMany(vs, 1, 0, 2)).toEqual([4, 6]);
    release(vs, 6, 2); // the pair 6-7 ends cluster 1
    release(vs, 2); // a single slot of cluster 0, between used 1 and 3
    expect(vs.hasFreeRun(1)).toBe(true);
    expect(vs.hasFreeRun(0)).toBe(true);
    expect(vs.alloc(1, 1, written)).toBe(6);
    expect(vs.hasFreeRun(1)).toBe(false); // 2-3: 3 is used; cluster 1 is full
    expect(vs.hasFreeRun(0)).toBe(true);
    expect(vs.alloc(0, 1, written)).toBe(2);
    expect(vs.hasFreeRun(0)).toBe(false);
  });

  it('a used order-0 cluster offers no order-1 run', () => {
    const { vs } = space(8, 4, 2);
    expect(takeMany(vs, 0, 0, 5)).toEqual([1, 2, 3, 4, 5]); // cluster 1 order 0, 6-7 free
    expect(vs.hasFreeRun(1)).toBe(false);
    expect(vs.alloc(1, 1, written)).toBe(-1);
    expect(vs.hasFreeRun(0)).toBe(true);
  });
});

describe('virtual space: cost counters', () => {
  it('counts locks, fallbacks, table writes and index lookups exactly', () => {
    const { vs } = space(16, 4, 3);
    // Each scan of a cluster takes its lock once and writes 2^order table words; each free
    // takes the lock once and writes one word per slot; the per-CPU path costs one index
    // lookup, the list path one fallback.
    expect(vs.alloc(0, 0, written)).toBe(1); // lists: nonfull[0] (cluster 0)
    expect(vs.alloc(1, 0, written)).toBe(4); // lists: a new cluster 1
    expect(vs.alloc(1, 0, written)).toBe(6); // per-CPU offset 6; the run ends cluster 1
    expect(vs.alloc(1, 0, written)).toBe(8); // no offset left: lists, a new cluster 2
    release(vs, 4, 2);
    expect(vs.alloc(0, 0, written)).toBe(2); // per-CPU offset 2 in cluster 0
    expect(sink.allocFallbacks).toBe(3);
    expect(sink.clusterLocks).toBe(6);
    expect(sink.tableWrites).toBe(1 + 2 + 2 + 2 + 2 + 1);
    expect(sink.indexLookups).toBe(2);
    expect(sink.indexNodesWalked).toBe(2 * vs.indexHeight);
  });
});

/** One step of a random sequence: an allocation, a free of held slots, or an end of op. */
type Step =
  | { kind: 'alloc'; order: number; cpu: number }
  | { kind: 'free'; pick: number; whole: boolean }
  | { kind: 'end' };

/** (vswapSlots, clusterSlots, orders): multiples of the cluster size and not. */
const geometries: readonly (readonly [number, number, number])[] = [
  [16, 4, 3],
  [14, 4, 3],
  [26, 8, 3],
  [32, 8, 4],
];

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('alloc' as const), order: fc.nat(3), cpu: fc.nat(1) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('free' as const),
      pick: fc.nat(),
      whole: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('end' as const) }) },
);

/**
 * Runs `steps` on a fresh space, checking it after each against the test's own bookkeeping:
 * the runs it holds (offset -> first offset and order of its run), the order of each
 * non-permanent used cluster, and the ids that must be indexed.
 */
function checkSequence(geometry: readonly [number, number, number], steps: readonly Step[]) {
  const [slots, cs, orders] = geometry;
  const { vs } = space(slots, cs, orders);
  const countMax = Math.ceil(slots / cs);
  const held = new Map<number, { start: number; order: number }>();
  const orderOf = new Map<number, number>();
  const live = new Set([0]);
  const clusterOf = (offset: number) => Math.floor(offset / cs);
  // Cluster 0 holds slot 0; the last cluster holds the offsets at or beyond vswapSlots.
  const permanent = (id: number) => id === 0 || (id + 1) * cs > slots;
  const isBad = (offset: number) => offset === 0 || offset >= slots;
  const heldIn = (id: number) =>
    [...held.keys()].filter((offset) => clusterOf(offset) === id).length;

  /** hasFreeRun() by brute force over the bookkeeping: a free id, or a usable free run. */
  function bruteHasFreeRun(order: number): boolean {
    if (live.size < countMax) return true;
    const nr = 2 ** order;
    for (const id of live) {
      // Order 0 may use any cluster; order k an empty one or one of order k. A permanent
      // cluster is never empty, and its order is 0 (it only takes order 0 once it exists).
      const usable =
        order === 0 || (!permanent(id) && (heldIn(id) === 0 || orderOf.get(id) === order));
      if (!usable) continue;
      for (let slot = 0; slot + nr <= cs; slot += nr) {
        let free = true;
        for (let i = 0; i < nr; i++) {
          const offset = id * cs + slot + i;
          if (isBad(offset) || held.has(offset)) free = false;
        }
        if (free) return true;
      }
    }
    return false;
  }

  function checkState(): void {
    expect([...vs.index.keys()].sort((a, b) => a - b)).toEqual([...live].sort((a, b) => a - b));
    expect(vs.inuse).toBe(held.size);
    for (let order = 0; order < orders; order++) {
      expect(vs.hasFreeRun(order), `hasFreeRun(${order})`).toBe(bruteHasFreeRun(order));
    }
    for (const id of live) {
      const ci = vs.index.get(id);
      for (let slot = 0; slot < cs; slot++) {
        const offset = id * cs + slot;
        const run = held.get(offset);
        const expected = isBad(offset)
          ? BAD_WORD
          : run === undefined
            ? NULL_WORD
            : written(offset - run.start);
        expect(ci?.word(slot), `word of offset ${offset}`).toBe(expected);
      }
    }
  }

  for (const step of steps) {
    if (step.kind === 'alloc') {
      const order = step.order % orders;
      const nr = 2 ** order;
      const before = vs.hasFreeRun(order);
      const liveBefore = new Set(live);
      const got = vs.alloc(order, step.cpu, written);
      // A new cluster takes the lowest id not indexed (xa_alloc()); at most one per alloc.
      const created = [...vs.index.keys()].filter((id) => !liveBefore.has(id));
      expect(created.length).toBeLessThanOrEqual(1);
      let lowest = 0;
      while (liveBefore.has(lowest)) lowest++;
      for (const id of created) {
        expect(id).toBe(lowest);
        live.add(id);
      }
      if (got < 0) {
        // -1 only when no aligned free run is left (the audit's 'allowance').
        expect(got).toBe(-1);
        expect(vs.hasFreeRun(order)).toBe(false);
      } else {
        // A run is handed out only where hasFreeRun() saw one, aligned, of good free slots,
        // within one cluster.
        expect(before).toBe(true);
        expect(got % nr).toBe(0);
        const id = clusterOf(got);
        expect(clusterOf(got + nr - 1)).toBe(id);
        for (let i = 0; i < nr; i++) {
          expect(isBad(got + i) || held.has(got + i), `offset ${got + i} handed out`).toBe(false);
        }
        if (permanent(id)) {
          // A permanent cluster serves order 0. The one exception is the scan of the last
          // cluster when alloc() creates it (see the triage notes): tolerated, not endorsed.
          if (order > 0) expect(created).toEqual([id]);
        } else if (heldIn(id) === 0) {
          orderOf.set(id, order);
        } else if (order > 0) {
          expect(orderOf.get(id), `order-${order} run in cluster ${id}`).toBe(order);
        }
        for (let i = 0; i < nr; i++) held.set(got + i, { start: got, order });
      }
    } else if (step.kind === 'free') {
      const offsets = [...held.keys()].sort((a, b) => a - b);
      if (offsets.length === 0) continue;
      const offset = offsets[step.pick % offsets.length] ?? 0;
      const run = held.get(offset);
      if (run === undefined) continue;
      const nr = 2 ** run.order;
      const whole =
        step.whole &&
        Array.from({ length: nr }, (_, i) => held.get(run.start + i)?.start === run.start).every(
          Boolean,
        );
      const from = whole ? run.start : offset;
      const count = whole ? nr : 1;
      release(vs, from, count);
      for (let i = from; i < from + count; i++) held.delete(i);
      const id = clusterOf(from);
      if (heldIn(id) === 0) orderOf.delete(id);
    } else {
      vs.endOp();
      // Emptied non-permanent clusters are erased at the end of the operation, not before.
      for (const id of [...live]) if (!permanent(id) && heldIn(id) === 0) live.delete(id);
    }
    checkState();
  }
}

describe('virtual space: random sequences', () => {
  it('match the bookkeeping: runs, orders, indexed ids, inuse, words and hasFreeRun', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...geometries),
        fc.array(stepArb, { maxLength: 80 }),
        (geometry, steps) => checkSequence(geometry, steps),
      ),
      { numRuns: 300, seed: 20261126 },
    ); // seeded: the mutation kills it pins must be repeatable
  });
});

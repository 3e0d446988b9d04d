/**
 * Example tests of a table device and the physical allocator: bad slots at swapon, the list
 * transitions of mm/swapfile.c (free -> frag -> full on allocation, -> nonfull or free or
 * discard on free), order exclusivity and order-0 stealing, the discard flush and retry (order
 * 0 only),
 * priorities with round-robin, and the bitmap device of the direct design. Then the contract
 * of the per-device allocator, cluster_alloc_swap_entry(): the list order it scans (free first
 * on a discard device, frag[order] before order-0 stealing, frag[k] before nonfull[k] while
 * stealing), cluster_is_usable(), the reclaim of cache-only slots only while vm_swap_full(),
 * full clusters of other orders left alone, hasFreeRun() against an independent bookkeeping of
 * random allocations and frees, and the cost counters of one scan and one free.
 *
 * Method: devices driven directly, with hooks that never reclaim or with test hooks that
 * reclaim a run by freeing its slots (what __try_to_reclaim_swap() does to a cache-only folio).
 * Not covered here: the real reclaim planning (impl/reclaim.ts, impl/costs.test.ts) and the
 * allocator's per-CPU cache and fallbacks (impl/physical-allocator.test.ts).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceConfig } from '../lib/config.ts';
import { alignedFreeRuns } from './allocator-test-support.ts';
import { BitmapDevice } from './bitmap-device.ts';
import { Marks } from './marks.ts';
import { PhysicalAllocator } from './physical-allocator.ts';
import { SwapCounters } from './swap-counters.ts';
import { activateCosts, CostCounters } from './cost-counters.ts';
import { BAD_WORD, NULL_WORD, pfnToWord, pointerToWord, shadowToWord } from './swap-table-word.ts';
import { TableDevice, type AllocHooks } from './table-device.ts';

const noReclaim: AllocHooks = { vmSwapFull: () => false, planReclaim: () => null };
const word = () => pfnToWord(9, 0, false);

function device(config: Partial<DeviceConfig> = {}, type = 0, counters = new SwapCounters()) {
  const full: DeviceConfig = {
    slots: 16,
    bad: [6],
    priority: 0,
    synchronousIo: false,
    discard: false,
    ...config,
  };
  const marks = new Marks();
  const dev = new TableDevice(type, full, 4, 3, counters, marks);
  dev.swapon();
  return { dev, marks, counters };
}

describe('table device', () => {
  it('counts the header, listed and tail bad slots and starts such clusters on nonfull[0]', () => {
    const { dev, counters } = device({ slots: 14 });
    expect(dev.pages).toBe(12);
    expect(counters.totalSwapPages).toBe(12);
    expect(dev.clusters.map((ci) => ci.count)).toEqual([1, 1, 0, 2]);
    expect(dev.clusters[3]?.word(3)).toBe(BAD_WORD);
    expect(dev.clusters.map((ci) => ci.flags)).toEqual(['nonfull', 'nonfull', 'free', 'nonfull']);
    expect(dev.clusters[2]?.table).toBeNull();
  });

  it('moves clusters free -> frag -> full on allocation and back on free', () => {
    const { dev } = device({ bad: [] });
    const ci = dev.clusters[1];
    expect(ci?.flags).toBe('free');
    const first = dev.scanCluster(ci!, 0, 1, noReclaim, word);
    expect(first).toBe(4);
    expect(ci?.flags).toBe('frag');
    expect(ci?.order).toBe(1);
    expect(dev.scanCluster(ci!, 2, 1, noReclaim, word)).toBe(6);
    expect(ci?.flags).toBe('full');
    dev.freeSlots(ci!, 0, 2);
    expect(ci?.flags).toBe('nonfull');
    expect(dev.lists.nonfull[1]?.has(ci!)).toBe(true);
    dev.freeSlots(ci!, 2, 2);
    expect(ci?.flags).toBe('free');
    expect(ci?.order).toBe(0);
    expect(ci?.table).toBeNull();
    expect(dev.inuse).toBe(0);
  });

  it('keeps higher orders out of clusters of another order, while order 0 steals', () => {
    const { dev, marks } = device({ slots: 8, bad: [] });
    // Cluster 0 holds the header, so only the empty cluster 1 can take order 1.
    expect(dev.allocFromLists(1, noReclaim, word)).toBe(4);
    expect(dev.clusters[1]?.order).toBe(1);
    expect(dev.allocFromLists(1, noReclaim, word)).toBe(6);
    expect(dev.allocFromLists(1, noReclaim, word)).toBe(-1);
    expect(dev.hasFreeRun(1)).toBe(false);
    expect(dev.allocFromLists(0, noReclaim, word)).toBe(1);
    expect(dev.allocFromLists(0, noReclaim, word)).toBe(2);
    expect(dev.allocFromLists(0, noReclaim, word)).toBe(3);
    dev.freeSlots(dev.clusters[1]!, 0, 1);
    expect(dev.allocFromLists(0, noReclaim, word)).toBe(4);
    expect(marks.get('alloc-order0-steal')).toBe(1);
  });

  it('sends a freed cluster of a discard device to the discard list until an order-0 flush', () => {
    const counters = new SwapCounters();
    const { dev, marks } = device({ slots: 8, bad: [], discard: true }, 0, counters);
    const allocator = new PhysicalAllocator([dev], 1, 3, marks);
    allocator.addDevice(0);
    const run = allocator.alloc(2, 0, noReclaim, word);
    expect(run?.offset).toBe(4);
    for (const slot of [1, 2, 3]) expect(allocator.alloc(0, 0, noReclaim, word)?.offset).toBe(slot);
    dev.freeSlots(dev.clusters[1]!, 0, 4);
    expect(dev.clusters[1]?.flags).toBe('discard');
    expect(dev.hasFreeRun(2)).toBe(true);
    expect(dev.hasFreeRun(2, false)).toBe(false);
    // A large allocation does not wait for discards (swap_sync_discard() is for order 0 only).
    expect(allocator.alloc(2, 0, noReclaim, word)).toBeNull();
    expect(allocator.lastTried).toBe(0);
    expect(marks.get('discard-flushed')).toBe(0);
    // An order-0 allocation that finds nothing flushes them and retries.
    expect(allocator.alloc(0, 0, noReclaim, word)?.offset).toBe(4);
    expect(marks.get('discard-flushed')).toBe(1);
    expect(allocator.lastTried).toBeNull();
    expect(allocator.alloc(2, 0, noReclaim, word)).toBeNull();
  });

  it('tries devices by priority, round-robin among equal priorities', () => {
    const counters = new SwapCounters();
    const marks = new Marks();
    const devices = [0, 1, 2].map(
      (type) =>
        new TableDevice(
          type,
          {
            slots: 8,
            bad: [],
            priority: type === 2 ? 1 : 5,
            synchronousIo: false,
            discard: false,
          },
          4,
          1,
          counters,
          marks,
        ),
    );
    for (const dev of devices) dev.swapon();
    const allocator = new PhysicalAllocator(devices, 2, 1, marks);
    for (const type of [2, 0, 1]) allocator.addDevice(type);
    const picks = [0, 1, 2, 3].map(() => allocator.alloc(0, 1, noReclaim, word)?.device.type);
    // cpu 1's per-CPU cluster keeps device 0 to the end of cluster 0, then the slow path
    // finds device 0 requeued behind device 1; device 2 has the lowest priority.
    expect(picks).toEqual([0, 0, 0, 1]);
    const other = allocator.alloc(0, 0, noReclaim, word);
    expect(other?.device.type).toBe(0);
    expect(allocator.percpuOf(1, 0)?.type).toBe(1);
    devices[1]!.writeOk = false;
    allocator.removeDevice(1);
    expect(allocator.percpuOf(1, 0)).toBeNull();
    expect(allocator.hasFreeRun(0)).toBe(true);
  });
});

describe('bitmap device', () => {
  it('allocates aligned runs around bad slots and frees them', () => {
    const counters = new SwapCounters();
    const dev = new BitmapDevice(
      0,
      {
        slots: 10,
        bad: [3],
        priority: 0,
        synchronousIo: false,
        discard: false,
      },
      counters,
    );
    dev.swapon();
    // Order 1 hands out exactly the aligned pairs that hold neither the header nor slot 3 (in
    // whatever order its next-fit cursor takes them), then fails.
    const pairs = [dev.alloc(1), dev.alloc(1), dev.alloc(1)];
    expect(pairs.sort((a, b) => a - b)).toEqual(alignedFreeRuns(10, [3], 1));
    expect(dev.alloc(1)).toBe(-1);
    expect(dev.hasFreeRun(1)).toBe(false);
    // Order 0 takes one of the two single slots left (1 and 2).
    const used = new Set(pairs.flatMap((first) => [first, first + 1]));
    const single = dev.alloc(0);
    expect(alignedFreeRuns(10, [3], 0, used)).toContain(single);
    expect(dev.inuse).toBe(7);
    expect(counters.nrSwapPages).toBe(1);
    dev.free(4, 2);
    expect(dev.slotIsFree(4) && !dev.slotIsFree(3)).toBe(true);
    dev.allocAt(4, 2);
    expect(() => dev.allocAt(4, 1)).toThrow();
    dev.free(4, 2);
    dev.free(6, 2);
    dev.free(8, 2);
    dev.free(single, 1);
    dev.writeOk = false;
    dev.swapoffFinish();
    expect(counters.totalSwapPages).toBe(0);
  });
});

/** A swap-cache slot whose folio is referenced by nothing else (count 0): reclaimable. */
const cacheOnly = () => pfnToWord(9, 0, false);
/** A swap-cache slot still mapped once (count 1): never reclaimable. */
const referenced = () => pfnToWord(9, 1, false);

/**
 * Hooks that say swap is full (or not) and reclaim a planned run by freeing its used slots, as
 * __try_to_reclaim_swap() frees a cache-only folio's entries; every planned run is recorded as
 * [cluster id, first slot, slots].
 */
function reclaimHooks(full: boolean, reclaims = true) {
  const planned: [number, number, number][] = [];
  const hooks: AllocHooks = {
    vmSwapFull: () => full,
    planReclaim: (dev, ci, slot, nr) => {
      planned.push([ci.id, slot, nr]);
      if (!reclaims) return () => undefined;
      return () => {
        for (let i = slot; i < slot + nr; i++)
          if (ci.word(i) !== NULL_WORD) dev.freeSlots(ci, i, 1);
      };
    },
  };
  return { hooks, planned };
}

/**
 * Allocates order-`order` runs with `wordAt` until the device refuses; returns the offsets.
 * A device has fewer runs than slots, so more allocations than that is a failure, not a loop.
 */
function fill(dev: TableDevice, order: number, wordAt = word): number[] {
  const offsets: number[] = [];
  for (let k = 0; k <= dev.config.slots; k++) {
    const offset = dev.allocFromLists(order, noReclaim, wordAt);
    if (offset < 0) return offsets;
    offsets.push(offset);
  }
  throw new Error(`device ${dev.type} handed out more runs than it has slots`);
}

describe('table device: the allocation contract of cluster_alloc_swap_entry()', () => {
  afterEach(() => activateCosts(null));

  it('starts a wholly bad cluster on the full list, where no scan looks for room', () => {
    // Cluster 1 (slots 4..7) is all bad: its count equals its size, so by the rule every list
    // move follows (and the audit checks) it is full, not nonfull.
    const { dev } = device({ slots: 12, bad: [4, 5, 6, 7] });
    expect(dev.pages).toBe(12 - 1 - 4);
    expect(dev.clusters.map((ci) => ci.count)).toEqual([1, 4, 0]);
    expect(dev.clusters.map((ci) => ci.flags)).toEqual(['nonfull', 'full', 'free']);
    // Every usable slot is handed out once and no bad one: 1..3 and 8..11.
    expect(fill(dev, 0).sort((a, b) => a - b)).toEqual([1, 2, 3, 8, 9, 10, 11]);
  });

  it('hands out every usable slot once, never a bad one, then fails with -1', () => {
    const { dev, counters } = device({ slots: 8, bad: [6] });
    // Slot 0 (the header) and slot 6 are bad; the other six are usable (dev.pages).
    const offsets = fill(dev, 0);
    expect(offsets.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 7]);
    expect(dev.inuse).toBe(dev.pages);
    expect(counters.nrSwapPages).toBe(0);
    expect(dev.hasFreeRun(0)).toBe(false);
    // A further order-0 allocation tries every list, steals from none and reports -1.
    expect(dev.allocFromLists(0, noReclaim, word)).toBe(-1);
    expect(dev.inuse).toBe(dev.pages);
  });

  it('takes a free cluster first on a discard device, a nonfull one first otherwise', () => {
    // Cluster 0 holds the header and sits on nonfull[0]; cluster 1 is free. Upstream
    // cluster_alloc_swap_entry() isolates a free cluster first when SWP_PAGE_DISCARD is set,
    // so that discards are issued for whole clusters; without discard nonfull[0] comes first.
    const discard = device({ slots: 8, bad: [], discard: true }).dev;
    expect(discard.allocFromLists(0, noReclaim, word)).toBe(4);
    const plain = device({ slots: 8, bad: [], discard: false }).dev;
    expect(plain.allocFromLists(0, noReclaim, word)).toBe(1);
  });

  it('refuses an order-1 run when only single slots are free, with no order-0 stealing', () => {
    const { dev } = device({ slots: 8, bad: [] });
    expect(dev.allocFromLists(1, noReclaim, word)).toBe(4);
    expect(dev.allocFromLists(1, noReclaim, word)).toBe(6);
    // Slot 4 is freed: cluster 1 (order 1) has one free slot but no free aligned pair, and
    // cluster 0 is of order 0, so no aligned run of two exists for order 1.
    dev.freeSlots(dev.clusters[1]!, 0, 1);
    expect(dev.clusters[1]?.flags).toBe('nonfull');
    expect(dev.hasFreeRun(1)).toBe(false);
    const inuse = dev.inuse;
    expect(dev.allocFromLists(1, noReclaim, word)).toBe(-1);
    expect(dev.inuse).toBe(inuse);
    // The single slot is still there for order 0.
    expect(dev.hasFreeRun(0)).toBe(true);
  });

  it('steals for order 0 from frag[k] before nonfull[k], one slot, keeping the cluster order', () => {
    const { dev, marks } = device({ slots: 12, bad: [] });
    // Clusters 1 and 2 serve order 1 (cluster 0 holds the header and is of order 0).
    expect([1, 1, 1].map(() => dev.allocFromLists(1, noReclaim, word))).toEqual([4, 8, 6]);
    // Cluster 1 is full; freeing its first pair puts it on nonfull[1]; cluster 2 is on frag[1].
    dev.freeSlots(dev.clusters[1]!, 0, 2);
    expect(dev.lists.nonfull[1]?.has(dev.clusters[1]!)).toBe(true);
    expect(dev.lists.frag[1]?.has(dev.clusters[2]!)).toBe(true);
    // Slots 1..3 of cluster 0 use up nonfull[0] and frag[0].
    expect([0, 0, 0].map(() => dev.allocFromLists(0, noReclaim, word))).toEqual([1, 2, 3]);
    const inuse = dev.inuse;
    // Nothing of order 0 is left: the steal scans frag[1] first (upstream order), takes one
    // slot of cluster 2 and stops.
    expect(dev.allocFromLists(0, noReclaim, word)).toBe(10);
    expect(dev.inuse).toBe(inuse + 1);
    expect(marks.get('alloc-order0-steal')).toBe(1);
    // An order-0 slot in an order-1 cluster does not change the cluster's order: ci->order is
    // set only when an empty cluster is first used.
    expect(dev.clusters[2]?.order).toBe(1);
    // Freeing cluster 2's order-1 run puts it back on nonfull[1], where order 1 finds it.
    dev.freeSlots(dev.clusters[2]!, 0, 2);
    expect(dev.lists.nonfull[1]?.has(dev.clusters[2]!)).toBe(true);
  });

  it('steals for order 0 from the highest orders too, not only order 1', () => {
    const { dev, marks } = device({ slots: 8, bad: [] });
    // Cluster 1 serves one order-2 run (all four slots), then cluster 0 is filled.
    expect(dev.allocFromLists(2, noReclaim, word)).toBe(4);
    expect(fill(dev, 0)).toEqual([1, 2, 3]);
    dev.freeSlots(dev.clusters[1]!, 1, 1);
    expect(dev.lists.nonfull[2]?.has(dev.clusters[1]!)).toBe(true);
    // Orders 0 and 1 have nothing; nonfull[2] has slot 5.
    expect(dev.allocFromLists(0, noReclaim, word)).toBe(5);
    expect(marks.get('alloc-order0-steal')).toBe(1);
  });

  it('cluster_is_usable(): free always; nonfull and frag for order 0 and their own order', () => {
    const { dev } = device({ slots: 16, bad: [], discard: true });
    const [c0, c1, c2, c3] = dev.clusters;
    // c0 holds the header: nonfull[0], order 0. c1 gets one order-1 run: frag[1]. c2 gets two:
    // full. c3 stays free.
    expect(dev.scanCluster(c1!, 0, 1, noReclaim, word)).toBe(4);
    expect(dev.scanCluster(c2!, 0, 1, noReclaim, word)).toBe(8);
    expect(dev.scanCluster(c2!, 2, 1, noReclaim, word)).toBe(10);
    expect([c0, c1, c2, c3].map((ci) => ci?.flags)).toEqual(['nonfull', 'frag', 'full', 'free']);
    const usable = (order: number) => [c0, c1, c2, c3].map((ci) => dev.isUsable(ci!, order));
    expect(usable(0)).toEqual([true, true, false, true]);
    expect(usable(1)).toEqual([false, true, false, true]);
    expect(usable(2)).toEqual([false, false, false, true]);
    // A cluster waiting for its discard is on no usable list.
    dev.freeSlots(c1!, 0, 2);
    expect(c1?.flags).toBe('discard');
    expect([0, 1, 2].map((order) => dev.isUsable(c1!, order))).toEqual([false, false, false]);
  });

  it('scans from the aligned run holding an unaligned start', () => {
    const { dev } = device({ slots: 8, bad: [] });
    // Start 3 lies in the order-1 run [2, 4) of cluster 1, which is free: the scan takes it.
    expect(dev.scanCluster(dev.clusters[1]!, 3, 1, noReclaim, word)).toBe(6);
  });

  it('a failed free-list flush reports false, a real one true', () => {
    const { dev, marks } = device({ slots: 8, bad: [], discard: true });
    // Nothing was freed yet, so there is nothing to discard (swap_do_scheduled_discard()
    // did no work and the caller must not retry).
    expect(dev.flushDiscard()).toBe(false);
    expect(dev.allocFromLists(1, noReclaim, word)).toBe(4);
    dev.freeSlots(dev.clusters[1]!, 0, 2);
    expect(dev.clusters[1]?.flags).toBe('discard');
    expect(dev.flushDiscard()).toBe(true);
    expect(dev.clusters[1]?.flags).toBe('free');
    expect(marks.get('discard-flushed')).toBe(1);
    expect(dev.flushDiscard()).toBe(false);
  });

  it('isCacheOnly(): a PFN word of count 0 or a Pointer word with C, nothing else', () => {
    const { dev } = device();
    expect(dev.isCacheOnly(pfnToWord(3, 0, false))).toBe(true);
    expect(dev.isCacheOnly(pfnToWord(3, 1, false))).toBe(false);
    expect(dev.isCacheOnly(pointerToWord(5, true))).toBe(true);
    expect(dev.isCacheOnly(pointerToWord(5, false))).toBe(false);
    expect(dev.isCacheOnly(shadowToWord(7, 0, false))).toBe(false);
    expect(dev.isCacheOnly(BAD_WORD)).toBe(false);
  });
});

describe('table device: reclaim of cache-only slots during the scan', () => {
  /** Cluster 1 of an 8-slot device holds order-1 runs at 4 and 6 of `wordAt`; slot 6 freed. */
  function oneUsedPair(wordAt: () => number) {
    const made = device({ slots: 8, bad: [] });
    const { dev } = made;
    expect(dev.allocFromLists(1, noReclaim, wordAt)).toBe(4);
    expect(dev.allocFromLists(1, noReclaim, wordAt)).toBe(6);
    dev.freeSlots(dev.clusters[1]!, 2, 1);
    expect(dev.clusters[1]?.flags).toBe('nonfull');
    return made;
  }

  it('reclaims a run of cache-only slots only while swap is full', () => {
    // The only order-1 candidates are [4, 6) (two cache-only slots) and [6, 8) (slot 7 used).
    const { dev } = oneUsedPair(cacheOnly);
    const notFull = reclaimHooks(false);
    expect(dev.allocFromLists(1, notFull.hooks, word)).toBe(-1);
    // vm_swap_full() is false: the kernel's cluster_scan_range() does not even try a reclaim.
    expect(notFull.planned).toEqual([]);
    const full = reclaimHooks(true);
    expect(dev.allocFromLists(1, full.hooks, word)).toBe(4);
    // Slot 7 is cache-only too, but the scan takes the first run that can be made free.
    expect(full.planned).toEqual([[1, 0, 2]]);
    expect(dev.inuse).toBe(3);
  });

  it('never plans a reclaim of a slot whose count is not 0', () => {
    const { dev } = oneUsedPair(referenced);
    const full = reclaimHooks(true);
    expect(dev.allocFromLists(1, full.hooks, word)).toBe(-1);
    // The runs hold referenced words (count 1), which no reclaim can free.
    expect(full.planned).toEqual([]);
  });

  it('names the reclaim when a planned reclaim leaves a slot in use', () => {
    const { dev } = oneUsedPair(cacheOnly);
    const broken = reclaimHooks(true, false);
    expect(() => dev.allocFromLists(1, broken.hooks, word)).toThrow(/survived its reclaim/);
  });

  it('reclaims in full clusters of the allocation order only, trying each of them', () => {
    const { dev, marks } = device({ slots: 16, bad: [] });
    // Clusters 1 and 2 serve order 1 (referenced, then cache-only); both end full, in that
    // order on the full list. Cluster 3 serves order 0 with cache-only slots and cluster 0
    // holds the header, both filled up.
    const [, c1, c2] = dev.clusters;
    expect([0, 2].map((at) => dev.scanCluster(c1!, at, 1, noReclaim, referenced))).toEqual([4, 6]);
    expect([0, 2].map((at) => dev.scanCluster(c2!, at, 1, noReclaim, cacheOnly))).toEqual([8, 10]);
    expect(fill(dev, 0, cacheOnly).sort((a, b) => a - b)).toEqual([1, 2, 3, 12, 13, 14, 15]);
    expect(dev.clusters.map((ci) => [ci.flags, ci.order])).toEqual([
      ['full', 0],
      ['full', 1],
      ['full', 1],
      ['full', 0],
    ]);
    const full = reclaimHooks(true);
    // Order 1: cluster 1 has nothing reclaimable, cluster 2 has [8, 10); clusters 0 and 3 are
    // of order 0 and an order-1 run there would break order exclusivity.
    expect(dev.allocFromLists(1, full.hooks, word)).toBe(8);
    expect(full.planned).toEqual([[2, 0, 2]]);
    expect(marks.get('alloc-reclaim-full-cluster')).toBe(1);
  });

  it('leaves full clusters of another order alone even when they hold cache-only runs', () => {
    const { dev } = device({ slots: 12, bad: [] });
    // Cluster 1 serves order 1 (referenced, full); clusters 0 and 2 are order-0 and full of
    // cache-only slots, so pairs [2, 4) and [8, 10) could be reclaimed but not used for order 1.
    const c1 = dev.clusters[1]!;
    expect([0, 2].map((at) => dev.scanCluster(c1, at, 1, noReclaim, referenced))).toEqual([4, 6]);
    expect(fill(dev, 0, cacheOnly)).toHaveLength(7);
    const full = reclaimHooks(true);
    expect(dev.allocFromLists(1, full.hooks, word)).toBe(-1);
    expect(full.planned).toEqual([]);
    expect(dev.inuse).toBe(11);
  });

  it('goes on to frag[order] when the full clusters yield nothing', () => {
    const { dev } = device({ slots: 8, bad: [] });
    // Cluster 1 is full of referenced order-1 runs; cluster 0 (on frag[0]) still has room.
    expect([1, 1].map(() => dev.allocFromLists(1, noReclaim, referenced))).toEqual([4, 6]);
    expect(dev.allocFromLists(0, noReclaim, referenced)).toBe(1);
    expect(dev.clusters[0]?.flags).toBe('frag');
    expect(dev.allocFromLists(0, reclaimHooks(true).hooks, word)).toBe(2);
  });

  it('reads no word of a full cluster while swap is not full', () => {
    const { dev } = device({ slots: 8, bad: [] });
    fill(dev, 0, cacheOnly);
    expect(dev.clusters.map((ci) => ci.flags)).toEqual(['full', 'full']);
    const sink = new CostCounters();
    activateCosts(sink);
    // Every list the scan may use is empty and vm_swap_full() is false, so the full
    // clusters are not scanned (swap_reclaim_full_clusters() runs only when swap is full).
    expect(dev.allocFromLists(0, reclaimHooks(false).hooks, word)).toBe(-1);
    expect(sink.tableReads).toBe(0);
  });
});

describe('table device: cost counters of one scan and one free', () => {
  afterEach(() => activateCosts(null));

  it('a cluster scan takes one cluster lock and writes one word per slot allocated', () => {
    const { dev } = device({ slots: 8, bad: [] });
    const sink = new CostCounters();
    activateCosts(sink);
    expect(dev.scanCluster(dev.clusters[1]!, 0, 1, noReclaim, word)).toBe(4);
    // One ci->lock for the scan, two table words installed for the order-1 run.
    expect(sink.clusterLocks).toBe(1);
    expect(sink.tableWrites).toBe(2);
    // swap_range_free() of the run: one more lock, two more words (set to NULL).
    dev.freeSlots(dev.clusters[1]!, 0, 2);
    expect(sink.clusterLocks).toBe(2);
    expect(sink.tableWrites).toBe(4);
  });

  it('the slow path takes one cluster lock per cluster it tries, the failed ones too', () => {
    const { dev } = device({ bad: [] });
    // Six order-1 runs fill clusters 1 to 3 (a free cluster first, then the frag ones); then
    // the second page of the first run of clusters 1 and 2 is freed alone (a split folio's
    // page): both sit on nonfull[1] with no aligned free pair.
    for (const expected of [4, 8, 12, 6, 10, 14])
      expect(dev.allocFromLists(1, noReclaim, word)).toBe(expected);
    dev.freeSlots(dev.clusters[1]!, 1, 1);
    dev.freeSlots(dev.clusters[2]!, 1, 1);
    expect(dev.clusters.map((ci) => ci.flags)).toEqual(['nonfull', 'nonfull', 'nonfull', 'full']);
    const sink = new CostCounters();
    activateCosts(sink);
    // isolate_lock_cluster() takes ci->lock of clusters 1 and 2 on nonfull[1]; both scans
    // fail and move their cluster to frag[1], whose pass locks and scans each once more.
    expect(dev.allocFromLists(1, noReclaim, word)).toBe(-1);
    expect(dev.clusters.map((ci) => ci.flags)).toEqual(['nonfull', 'frag', 'frag', 'full']);
    expect(sink.clusterLocks).toBe(4);
  });
});

describe('table device: hasFreeRun() against independent bookkeeping', () => {
  /**
   * Random allocations and frees on a small device, with an oracle kept apart from the
   * device: the slots it handed out, the bad slots from the config, and each cluster's order
   * (the order of the first run placed in it while it had no used slot; 0 for good in a
   * cluster with a bad slot, which is never empty). A run of order k is usable in a cluster
   * with no used slot, or in a cluster of order k (any cluster for k = 0).
   */
  it('matches a brute-force scan, and an allocation fails exactly when no run exists', () => {
    const clusterSlots = 4;
    fc.assert(
      fc.property(
        fc.constantFrom(8, 12, 14, 16),
        fc.uniqueArray(fc.integer({ min: 1, max: 15 }), { maxLength: 3 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 2 }), fc.nat(), fc.boolean()), {
          minLength: 1,
          maxLength: 40,
        }),
        (slots, badList, script) => {
          const bad = new Set([0, ...badList.filter((slot) => slot < slots)]);
          for (let slot = slots; slot < 16; slot++) bad.add(slot);
          const { dev } = device({ slots, bad: badList.filter((slot) => slot < slots) });
          const used = new Set<number>();
          const runs: number[][] = [];
          const orderOf = new Map<number, number>();
          const clusterOf = (slot: number) => Math.floor(slot / clusterSlots);
          const hasBad = (c: number) => [0, 1, 2, 3].some((i) => bad.has(c * clusterSlots + i));
          const live = (c: number) => [0, 1, 2, 3].some((i) => used.has(c * clusterSlots + i));
          const oracle = (order: number): boolean => {
            const nr = 2 ** order;
            for (let c = 0; c < Math.ceil(slots / clusterSlots); c++) {
              if (!hasBad(c) && !live(c)) return true;
              const clusterOrder = hasBad(c) ? 0 : (orderOf.get(c) ?? 0);
              if (order > 0 && clusterOrder !== order) continue;
              for (let first = c * clusterSlots; first < (c + 1) * clusterSlots; first += nr) {
                let free = true;
                for (let i = first; i < first + nr; i++) free &&= !used.has(i) && !bad.has(i);
                if (free) return true;
              }
            }
            return false;
          };
          for (const [alloc, order, pick, whole] of script) {
            for (const k of [0, 1, 2]) expect(dev.hasFreeRun(k), `order ${k}`).toBe(oracle(k));
            if (alloc) {
              const expected = oracle(order);
              const offset = dev.allocFromLists(order, noReclaim, word);
              expect(offset >= 0, `alloc order ${order}`).toBe(expected);
              if (offset < 0) continue;
              const run = [0, 1, 2, 3].slice(0, 2 ** order).map((i) => offset + i);
              expect(offset % 2 ** order).toBe(0);
              for (const slot of run) expect(used.has(slot) || bad.has(slot)).toBe(false);
              const c = clusterOf(offset);
              if (!hasBad(c) && !live(c)) orderOf.set(c, order);
              for (const slot of run) used.add(slot);
              runs.push(run);
            } else if (runs.length > 0) {
              const index = pick % runs.length;
              const run = runs[index]!;
              // Free the whole run, or only its last slot (a partial free of a large folio).
              const freed = whole ? run : run.slice(-1);
              const first = freed[0]!;
              dev.freeSlots(dev.clusterOf(first), first % clusterSlots, freed.length);
              for (const slot of freed) used.delete(slot);
              if (whole || run.length === 1) runs.splice(index, 1);
              else runs[index] = run.slice(0, -1);
              const c = clusterOf(first);
              if (!live(c)) orderOf.delete(c);
            }
            expect(dev.inuse).toBe(used.size);
          }
        },
      ),
      { seed: 20261126, numRuns: 300 },
    );
  });
});

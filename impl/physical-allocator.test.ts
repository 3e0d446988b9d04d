/**
 * Tests of the physical allocator: the per-CPU cluster cache (restart of an emptied cluster at
 * its first slot, fallback to the slow path when the cached cluster has no room, no cache past
 * the device's last slot or on a bitmap device, cleared by a failed allocation and, per device,
 * by removeDevice()), write-ok devices only on both paths, hasFreeRun() over online write-ok
 * devices only, a large allocation that fails on the first device it tries (swap_alloc_slow())
 * and passes over a full one (off the avail list), no discard retry when nothing was
 * discarded, the allocFallbacks counter, and the contract the allowance audit checks (A3): an
 * order-0 allocation fails exactly when no device has a free slot, a large one only when the
 * device it tried had no usable aligned run.
 *
 * Not covered here: the scan inside one device (impl/table-device.test.ts,
 * impl/bitmap-device.test.ts); priorities and round-robin are in impl/table-device.test.ts.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceConfig } from '../lib/config.ts';
import { clusterOf } from './allocator-test-support.ts';
import { BitmapDevice } from './bitmap-device.ts';
import { activateCosts, CostCounters } from './cost-counters.ts';
import { Marks } from './marks.ts';
import { PhysicalAllocator } from './physical-allocator.ts';
import { SwapCounters } from './swap-counters.ts';
import { pfnToWord } from './swap-table-word.ts';
import { TableDevice, type AllocHooks } from './table-device.ts';

const noReclaim: AllocHooks = { vmSwapFull: () => false, planReclaim: () => null };
const word = () => pfnToWord(9, 1, false);
const clusterSlots = 4;

/** Online table devices of 4-slot clusters and orders 0..2, one per config, and an allocator. */
function setup(configs: Partial<DeviceConfig>[], cpus = 2) {
  const counters = new SwapCounters();
  const marks = new Marks();
  const devices = configs.map(
    (config, type) =>
      new TableDevice(
        type,
        {
          slots: 8,
          bad: [],
          priority: 0,
          synchronousIo: false,
          discard: false,
          ...config,
        },
        clusterSlots,
        3,
        counters,
        marks,
      ),
  );
  for (const dev of devices) dev.swapon();
  const allocator = new PhysicalAllocator(devices, cpus, 3, marks);
  for (const dev of devices) allocator.addDevice(dev.type);
  const alloc = (order: number, cpu = 0) => allocator.alloc(order, cpu, noReclaim, word);
  return { devices, allocator, marks, counters, alloc };
}

/** Allocates single slots on `dev` directly until it refuses (at most one per slot). */
function fillDevice(dev: TableDevice): void {
  for (let k = 0; k <= dev.config.slots; k++) {
    if (dev.allocFromLists(0, noReclaim, word) < 0) return;
  }
  throw new Error(`device ${dev.type} handed out more slots than it has`);
}

describe('physical allocator: the per-CPU cluster cache', () => {
  afterEach(() => activateCosts(null));

  it('takes the slow path once, then the cached cluster (allocFallbacks counts the first)', () => {
    const { alloc, allocator, marks } = setup([{}]);
    const sink = new CostCounters();
    activateCosts(sink);
    const first = alloc(0)?.offset ?? -1;
    expect(first).toBeGreaterThan(0);
    expect(allocator.percpuOf(0, 0)).toEqual({ type: 0, offset: first + 1 });
    expect(sink.allocFallbacks).toBe(1);
    // The next slot of the same cluster comes from the per-CPU cluster: no fallback.
    expect(alloc(0)?.offset).toBe(first + 1);
    expect(clusterOf(first + 1, clusterSlots)).toBe(clusterOf(first, clusterSlots));
    expect(sink.allocFallbacks).toBe(1);
    expect(marks.get('alloc-percpu-hit')).toBe(1);
  });

  it('restarts an emptied cached cluster at its first slot', () => {
    const { alloc, allocator, devices } = setup([{ slots: 12 }]);
    // Cluster 0 (slots 1..3) fills up and the cache drops at its end; cluster 1 comes off the
    // free list and the cache points at slot 5.
    const start = clusterSlots; // cluster 1's first slot
    expect([0, 0, 0, 0].map(() => alloc(0)?.offset)).toEqual([1, 2, 3, start]);
    expect(allocator.percpuOf(0, 0)).toEqual({ type: 0, offset: start + 1 });
    devices[0]!.freeSlots(devices[0]!.clusters[1]!, 0, 1);
    expect(devices[0]!.clusters[1]?.flags).toBe('free');
    // The cluster is empty again: as upstream, the scan restarts at the cluster's start, not
    // at the cached offset.
    expect(alloc(0)?.offset).toBe(start);
  });

  it('falls back to the slow path when the cached cluster has no room after the cached offset', () => {
    const { alloc, allocator, devices } = setup([{}]);
    const dev = devices[0]!;
    const c0 = dev.clusters[0]!;
    expect(alloc(0, 0)?.offset).toBe(1);
    dev.freeSlots(c0, 1, 1);
    // CPU 1 takes slots 1..3 of cluster 0; CPU 0 still caches offset 2 of it.
    expect([0, 0, 0].map(() => alloc(0, 1)?.offset)).toEqual([1, 2, 3]);
    dev.freeSlots(c0, 1, 1);
    expect(c0.flags).toBe('nonfull');
    expect(allocator.percpuOf(0, 0)).toEqual({ type: 0, offset: 2 });
    // Slots 2 and 3 are used, so CPU 0's cached scan finds nothing; the slow path scans
    // nonfull[0] (empty: the failed scan moved cluster 0 to frag[0]) and then the free list.
    const run = alloc(0, 0);
    expect(run?.device.type).toBe(0);
    expect(run?.offset).toBe(4);
    expect(allocator.percpuOf(0, 0)).toEqual({ type: 0, offset: 5 });
  });

  it('keeps no cache past the last slot of a device whose size is not a cluster multiple', () => {
    const { alloc, allocator } = setup([{ slots: 14 }]);
    // Cluster 3 has slots 12 and 13; 14 and 15 lie past the end (bad). Cluster 0 and
    // cluster 3 start on nonfull[0], in that order.
    expect([0, 0, 0, 0, 0].map(() => alloc(0)?.offset)).toEqual([1, 2, 3, 12, 13]);
    // Offset 14 is past si->max: the cached cluster ends there (upstream end = min(cluster
    // end, si->max)).
    expect(allocator.percpuOf(0, 0)).toBeNull();
  });

  it('keeps no cache for a bitmap device, which has no clusters', () => {
    const counters = new SwapCounters();
    const marks = new Marks();
    const dev = new BitmapDevice(
      0,
      {
        slots: 8,
        bad: [],
        priority: 0,
        synchronousIo: false,
        discard: false,
      },
      counters,
    );
    dev.swapon();
    const allocator = new PhysicalAllocator([dev], 1, 3, marks);
    allocator.addDevice(0);
    expect(allocator.alloc(0, 0, noReclaim, word)?.offset).toBe(1);
    expect(allocator.percpuOf(0, 0)).toBeNull();
  });

  it('drops the cache after a failed allocation, without a discard retry', () => {
    const { alloc, allocator, devices, marks } = setup([{}]);
    expect(alloc(0)?.offset).toBe(1);
    fillDevice(devices[0]!);
    expect(devices[0]!.inuse).toBe(devices[0]!.pages);
    expect(alloc(0)).toBeNull();
    // The cached cluster is full; the per-CPU entry is cleared (this_cpu_write(...,
    // SWAP_ENTRY_INVALID)) rather than kept for the next allocation.
    expect(allocator.percpuOf(0, 0)).toBeNull();
    // No cluster was waiting for a discard, so there was nothing to flush and no retry.
    expect(marks.get('alloc-retry-after-discard')).toBe(0);
  });

  it('removeDevice() clears only the per-CPU entries of that device', () => {
    const { alloc, allocator, devices } = setup([{ priority: 5 }, { priority: 5 }]);
    // Equal priorities round-robin: CPU 0 lands on device 0, CPU 1 on device 1.
    expect(alloc(0, 0)?.device.type).toBe(0);
    expect(alloc(0, 1)?.device.type).toBe(1);
    devices[1]!.writeOk = false;
    allocator.removeDevice(1);
    expect(allocator.percpuOf(1, 0)).toBeNull();
    expect(allocator.percpuOf(0, 0)).toEqual({ type: 0, offset: 2 });
  });

  it('refuses a CPU it does not have; percpuOf() reads null for one', () => {
    const { allocator } = setup([{}], 2);
    expect(() => allocator.alloc(0, 2, noReclaim, word)).toThrow();
    expect(allocator.percpuOf(5, 0)).toBeNull();
  });
});

describe('physical allocator: devices', () => {
  afterEach(() => activateCosts(null));

  it('allocates only on write-ok devices, on the cached and the slow path alike', () => {
    const { alloc, devices } = setup([{ priority: 5 }, { priority: 1 }]);
    expect(alloc(0)?.device.type).toBe(0);
    // Swapoff has cleared SWP_WRITEOK on device 0 but not yet taken it off the avail list.
    devices[0]!.writeOk = false;
    const sink = new CostCounters();
    activateCosts(sink);
    const run = alloc(0);
    expect(run?.device.type).toBe(1);
    expect(run?.offset).toBe(1);
    expect(devices[0]!.inuse).toBe(1);
    // The cached cluster of device 0 is not even locked: the fast path checks SWP_WRITEOK
    // first. The one lock is that of the free cluster of device 1 the slow path takes.
    expect(sink.clusterLocks).toBe(1);
    expect(sink.allocFallbacks).toBe(1);
  });

  it('fails a large allocation on the first device it tries, and passes over a full device', () => {
    const { alloc, allocator, devices } = setup([{ priority: 5 }, { priority: 1 }]);
    fillDevice(devices[0]!);
    devices[0]!.freeSlots(devices[0]!.clusters[1]!, 1, 1);
    // Device 0 has one free slot but no free aligned pair; device 1 is empty. The large
    // allocation tries device 0 only (swap_alloc_slow() returns on a large folio's failure).
    expect(devices[0]!.hasFreeRun(1)).toBe(false);
    expect(alloc(1)).toBeNull();
    expect(allocator.lastTried).toBe(0);
    // Full again, device 0 is off the avail list: device 1 is the first one tried.
    expect(alloc(0)?.device.type).toBe(0);
    expect(devices[0]!.inuse).toBe(devices[0]!.pages);
    const run = alloc(1);
    expect(run?.device.type).toBe(1);
    expect(run?.offset).toBe(4);
    expect(allocator.lastTried).toBeNull();
  });

  it('hasFreeRun() counts online write-ok devices only', () => {
    const counters = new SwapCounters();
    const marks = new Marks();
    const config = { slots: 8, bad: [], priority: 0, synchronousIo: false, discard: false };
    const full = new TableDevice(0, config, clusterSlots, 3, counters, marks);
    const offline = new BitmapDevice(1, config, counters);
    const leaving = new TableDevice(2, config, clusterSlots, 3, counters, marks);
    full.swapon();
    leaving.swapon();
    fillDevice(full);
    leaving.writeOk = false;
    const allocator = new PhysicalAllocator([full, offline, leaving], 1, 3, marks);
    // Device 0 is full, device 1 was never swapped on, device 2 (all free) is being
    // swapped off: no device may serve an allocation, so none counts.
    expect(allocator.hasFreeRun(0)).toBe(false);
    leaving.writeOk = true;
    expect(allocator.hasFreeRun(0)).toBe(true);
  });

  /**
   * Random allocations and frees over two devices (one with discard) and two CPUs: an
   * order-0 allocation returns null exactly when no write-ok device had a free slot before it
   * (hasFreeRun); a large one that returns null names the device it tried, which had no usable
   * aligned run (empty clusters waiting for discard do not count), or tried none, when no
   * device had a run at all; and a run is aligned and inside its device.
   */
  it('fails an allocation only when the devices it may try have no aligned free run', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.boolean(),
            fc.integer({ min: 0, max: 2 }),
            fc.integer({ min: 0, max: 1 }),
            fc.nat(),
          ),
          { minLength: 1, maxLength: 50 },
        ),
        (script) => {
          const { allocator, devices } = setup([
            { slots: 12, bad: [5], priority: 5 },
            { slots: 10, bad: [], priority: 5, discard: true },
          ]);
          const runs: { type: number; offset: number; nr: number }[] = [];
          for (const [isAlloc, order, cpu, pick] of script) {
            if (isAlloc) {
              const expected = allocator.hasFreeRun(order);
              const run = allocator.alloc(order, cpu, noReclaim, word);
              if (order === 0) expect(run !== null, 'order 0').toBe(expected);
              if (run === null && order > 0) {
                const tried = allocator.lastTried;
                if (tried === null) expect(allocator.hasFreeRun(order)).toBe(false);
                else
                  expect(devices[tried]!.hasFreeRun(order, false), `device ${tried}`).toBe(false);
              }
              if (run === null) continue;
              expect(allocator.lastTried).toBeNull();
              const nr = 2 ** order;
              expect(run.offset % nr).toBe(0);
              expect(run.offset + nr).toBeLessThanOrEqual(run.device.config.slots);
              runs.push({ type: run.device.type, offset: run.offset, nr });
            } else if (runs.length > 0) {
              const { type, offset, nr } = runs.splice(pick % runs.length, 1)[0]!;
              const dev = devices[type]!;
              dev.freeSlots(dev.clusterOf(offset), offset % clusterSlots, nr);
            }
          }
        },
      ),
      { seed: 20261126, numRuns: 300 },
    );
  });
});

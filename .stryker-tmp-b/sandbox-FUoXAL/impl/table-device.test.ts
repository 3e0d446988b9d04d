/**
 * Example tests of a table device and the physical allocator: bad slots at swapon, the list
 * transitions of mm/swapfile.c (free -> frag -> full on allocation, -> nonfull or free or
 * discard on free), order exclusivity and order-0 stealing, the discard flush and retry,
 * priorities with round-robin, and the bitmap device of the direct design.
 *
 * Method: devices driven directly with hooks that never reclaim.
 */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import type { DeviceConfig } from '../lib/config.ts';
import { BitmapDevice } from './bitmap-device.ts';
import { Marks } from './marks.ts';
import { PhysicalAllocator } from './physical-allocator.ts';
import { SwapCounters } from './swap-counters.ts';
import { BAD_WORD, pfnToWord } from './swap-table-word.ts';
import { TableDevice, type AllocHooks } from './table-device.ts';

const noReclaim: AllocHooks = { vmSwapFull: () => false, planReclaim: () => null };
const word = () => pfnToWord(9, 0, false);

function device(config: Partial<DeviceConfig> = {}, type = 0, counters = new SwapCounters()) {
  const full: DeviceConfig = {
    slots: 16, bad: [6], priority: 0, synchronousIo: false, discard: false, ...config,
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

  it('sends a freed cluster of a discard device to the discard list until a flush', () => {
    const counters = new SwapCounters();
    const { dev, marks } = device({ slots: 8, bad: [], discard: true }, 0, counters);
    const allocator = new PhysicalAllocator([dev], 1, 3, marks);
    allocator.addDevice(0);
    const run = allocator.alloc(2, 0, noReclaim, word);
    expect(run?.offset).toBe(4);
    dev.freeSlots(dev.clusters[1]!, 0, 4);
    expect(dev.clusters[1]?.flags).toBe('discard');
    expect(dev.hasFreeRun(2)).toBe(true);
    const again = allocator.alloc(2, 0, noReclaim, word);
    expect(again?.offset).toBe(4);
    expect(marks.get('discard-flushed')).toBe(1);
    expect(allocator.alloc(2, 0, noReclaim, word)).toBeNull();
  });

  it('tries devices by priority, round-robin among equal priorities', () => {
    const counters = new SwapCounters();
    const marks = new Marks();
    const devices = [0, 1, 2].map((type) => new TableDevice(type, {
      slots: 8, bad: [], priority: type === 2 ? 1 : 5, synchronousIo: false, discard: false,
    }, 4, 1, counters, marks));
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
    const dev = new BitmapDevice(0, {
      slots: 10, bad: [3], priority: 0, synchronousIo: false, discard: false,
    }, counters);
    dev.swapon();
    expect(dev.alloc(1)).toBe(4);
    expect(dev.alloc(1)).toBe(6);
    expect(dev.alloc(1)).toBe(8);
    expect(dev.alloc(1)).toBe(-1);
    expect(dev.hasFreeRun(1)).toBe(false);
    expect(dev.alloc(0)).toBe(1);
    expect(dev.inuse).toBe(7);
    expect(counters.nrSwapPages).toBe(1);
    dev.free(4, 2);
    expect(dev.slotIsFree(4) && !dev.slotIsFree(3)).toBe(true);
    dev.allocAt(4, 2);
    expect(() => dev.allocAt(4, 1)).toThrow();
    dev.free(4, 2);
    dev.free(6, 2);
    dev.free(8, 2);
    dev.free(1, 1);
    dev.writeOk = false;
    dev.swapoffFinish();
    expect(counters.totalSwapPages).toBe(0);
  });
});

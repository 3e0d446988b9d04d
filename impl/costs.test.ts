/**
 * Cost counters and metadata bytes on hand-made op sequences: the reverse map costs a word per
 * backing slot when kept and nothing when elided, the lookup cache replaces index lookups with
 * hits, and the classic design has no virtual-space costs at all; the metadata bytes of
 * bitmaps, virtual clusters and extend tables follow the structures exactly, and the peaks keep
 * what has been freed. Reclaims count the slots their planning scans and the backing they
 * redirect; the virtual designs count each write of a virtual table word and each change of a
 * backing slot's Pointer word, op by op.
 *
 * Not covered here: the workloads and the comparison report (properties/compare.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { configTiny, configTinyDisk, type Config } from '../lib/config.ts';
import { kernelLayout, totalBytes, type CostReport } from '../lib/costs.ts';
import type { Op } from '../lib/ops.ts';
import type { SwapSystem } from '../lib/system.ts';
import { activateCosts } from './cost-counters.ts';
import { indexHeight, indexNodeCount } from './xarray-geometry.ts';
import { designs } from '../lib/designs.ts';
import { createSystem } from './designs.ts';
import { KernelSwapSystem } from './swap-system.ts';

function system(design: string, config: Config = configTinyDisk): SwapSystem {
  const preset = designs[design];
  if (preset === undefined) throw new Error(design);
  const sys = createSystem(config, preset.knobs);
  sys.costs?.();
  return sys;
}

function ok(sys: SwapSystem, ...ops: Op[]): void {
  for (const op of ops) {
    expect(sys.apply(op).errno, JSON.stringify(op)).toBe('OK');
    sys.audit();
  }
}

function costs(sys: SwapSystem): CostReport {
  const report = sys.costs?.();
  if (report === undefined) throw new Error('no costs');
  return report;
}

/** Swaps holder `holder` out to disk: fault, write, allocSwap, unmap, writeout, evict. */
function swapOutToDisk(sys: SwapSystem, holder: number, cpu = 0): void {
  ok(
    sys,
    { op: 'fault', holder, order: 0, cpu },
    { op: 'write', holder, value: 100 + holder, cpu },
  );
  const before = new Set(sys.observe().folios.map((folio) => folio.id));
  ok(sys, { op: 'allocSwap', holder, cpu }, { op: 'unmap', holder, cpu });
  const folio =
    sys.observe().folios.find((view) => view.cached && !before.has(view.id)) ??
    sys.observe().folios.find((view) => view.cached);
  expect(folio).toBeDefined();
  ok(
    sys,
    { op: 'writeout', folio: folio?.id ?? 0, cpu },
    { op: 'evict', folio: folio?.id ?? 0, cpu },
  );
}

function diskBacked(sys: SwapSystem): number {
  return sys.observe().entries.filter((entry) => entry.backend === 'disk').length;
}

describe('cost counters', () => {
  it('vswap-direct keeps no reverse map, vswap-all one word per backing slot', () => {
    const direct = system('vswap-direct');
    const all = system('vswap-all');
    for (const sys of [direct, all]) {
      ok(sys, { op: 'swapon', device: 0, cpu: 0 }, { op: 'swapon', device: 1, cpu: 0 });
      for (const holder of [0, 1, 2]) swapOutToDisk(sys, holder);
      expect(diskBacked(sys)).toBe(3);
    }
    expect(costs(direct).peakBytes.reverseMap).toBe(0);
    expect(costs(direct).counts.rmapUpdates).toBe(0);
    expect(costs(direct).bytes.bitmaps).toBeGreaterThan(0);
    expect(costs(all).bytes.reverseMap).toBe(kernelLayout.reverseMapWord * diskBacked(all));
    expect(costs(all).counts.rmapUpdates).toBeGreaterThanOrEqual(3);
    expect(costs(all).bytes.bitmaps).toBe(0);
    // Both keep one virtual cluster's tables: the same virtual table bytes.
    expect(costs(all).bytes.virtualTable).toBe(costs(direct).bytes.virtualTable);
    expect(costs(all).bytes.virtualTable).toBeGreaterThan(0);
  });

  it('the lookup cache turns repeated index lookups into hits', () => {
    const plain = system('vswap-direct');
    const cached = system('vswap-direct-cached');
    const deltas = [plain, cached].map((sys) => {
      ok(sys, { op: 'swapon', device: 0, cpu: 0 });
      swapOutToDisk(sys, 0);
      swapOutToDisk(sys, 1);
      const before = costs(sys).counts;
      ok(
        sys,
        { op: 'swapin', holder: 0, order: 0, cpu: 0 },
        { op: 'swapin', holder: 1, order: 0, cpu: 0 },
      );
      const after = costs(sys).counts;
      return {
        lookups: after.indexLookups - before.indexLookups,
        hits: after.lookupCacheHits - before.lookupCacheHits,
        nodes: after.indexNodesWalked - before.indexNodesWalked,
      };
    });
    const [off, on] = deltas;
    expect(off?.lookups).toBeGreaterThan(0);
    expect(off?.hits).toBe(0);
    expect(off?.nodes).toBe((off?.lookups ?? 0) * indexHeight(1));
    expect(on?.hits).toBeGreaterThan(0);
    expect(on?.lookups).toBe((off?.lookups ?? 0) - (on?.hits ?? 0));
    expect(costs(cached).bytes.lookupCaches).toBe(configTinyDisk.cpus * kernelLayout.pointer);
    expect(costs(plain).bytes.lookupCaches).toBe(0);
  });

  it('classic has no virtual-space costs and its tables follow the clusters in use', () => {
    const sys = system('classic');
    ok(sys, { op: 'swapon', device: 0, cpu: 0 });
    const idle = costs(sys).bytes;
    // Device 0 of the tiny config: 16 slots in 4 clusters, bad slots 0 and 6 allocate the
    // tables of clusters 0 and 1.
    expect(idle.clusterStructs).toBe(4 * kernelLayout.cluster);
    expect(idle.swapTable).toBe(2 * 4 * kernelLayout.swapTableWord);
    swapOutToDisk(sys, 0);
    const report = costs(sys);
    expect(report.counts.indexLookups).toBe(0);
    expect(report.bytes.virtualTable + report.bytes.indexNodes + report.bytes.reverseMap).toBe(0);
    expect(report.counts.clusterLocks).toBeGreaterThan(0);
    expect(report.counts.tableWrites).toBeGreaterThan(0);
    expect(report.counts.tableReads).toBeGreaterThan(0);
    expect(report.peakTotalBytes).toBeGreaterThanOrEqual(totalBytes(report.bytes));
    expect(report.counts.ops).toBe(7);
  });

  it('classic counts one table write per swap table word written, op by op', () => {
    const sys = system('classic');
    const writes = () => costs(sys).counts.tableWrites;
    ok(
      sys,
      { op: 'swapon', device: 0, cpu: 0 },
      { op: 'fault', holder: 0, order: 0, cpu: 0 },
      { op: 'write', holder: 0, value: 5, cpu: 0 },
    );
    const delta = (op: Op): number => {
      const before = writes();
      ok(sys, op);
      return writes() - before;
    };
    // allocSwap installs the PFN word; unmap raises its count in the word; writeout writes the
    // slot's data, not its word; evict turns the PFN word into a Shadow word (setWord()).
    expect(delta({ op: 'allocSwap', holder: 0, cpu: 0 })).toBe(1);
    expect(delta({ op: 'unmap', holder: 0, cpu: 0 })).toBe(1);
    const folio = sys.observe().folios.find((view) => view.cached)?.id ?? -1;
    expect(delta({ op: 'writeout', folio, cpu: 0 })).toBe(0);
    expect(delta({ op: 'evict', folio, cpu: 0 })).toBe(1);
    // swapin: the Shadow word becomes a PFN word again, then the mapping drops the count to 0.
    expect(delta({ op: 'swapin', holder: 0, order: 0, cpu: 0 })).toBe(2);
  });

  it('observe and audit are not charged', () => {
    const sys = system('vswap-all');
    ok(sys, { op: 'swapon', device: 0, cpu: 0 });
    swapOutToDisk(sys, 0);
    const before = costs(sys).counts;
    sys.observe();
    sys.audit();
    expect(costs(sys).counts).toEqual(before);
  });

  it('counts xarray nodes level by level', () => {
    expect(indexNodeCount([])).toBe(0);
    expect(indexNodeCount([0, 5, 63])).toBe(1);
    expect(indexNodeCount([0, 64])).toBe(3);
    expect(indexHeight(1)).toBe(1);
    expect(indexHeight(64)).toBe(1);
    expect(indexHeight(65)).toBe(2);
  });
});

describe('metadata bytes', () => {
  /** Forks holder 0's swap entry to holders 1, 2, ... until its count overflows into the
   * extend table (2-bit counts: the sentinel is 3); returns the holders it forked to. */
  function overflow(sys: SwapSystem): number[] {
    const targets: number[] = [];
    for (let target = 1; sys.marks()['count-overflow-extend'] === undefined; target++) {
      expect(target, 'no overflow after 8 forks').toBeLessThan(9);
      ok(sys, { op: 'fork', holder: 0, target, cpu: 0 });
      targets.push(target);
    }
    return targets;
  }

  it('bitmaps: two 64-bit words per 64 slots of each online bitmap device, none once it is off', () => {
    const device80 = { slots: 80, bad: [], priority: 10, synchronousIo: false, discard: false };
    const config: Config = {
      ...configTinyDisk,
      devices: [device80, ...configTinyDisk.devices.slice(1)],
    };
    const sys = system('vswap-direct', config);
    ok(sys, { op: 'swapon', device: 0, cpu: 0 }, { op: 'swapon', device: 1, cpu: 0 });
    // 80 slots take two unsigned longs per bitmap (two bitmaps), 10 slots one.
    expect(costs(sys).bytes.bitmaps).toBe((2 * 2 + 2 * 1) * kernelLayout.bitmapWord);
    ok(sys, { op: 'swapoff', device: 1, cpu: 0 });
    expect(costs(sys).bytes.bitmaps).toBe(2 * 2 * kernelLayout.bitmapWord);
  });

  it('a virtual cluster costs its struct, its swap and virtual tables and an index node', () => {
    const sys = system('vswap-direct');
    ok(sys, { op: 'swapon', device: 0, cpu: 0 });
    const slots = configTinyDisk.clusterSlots;
    // Virtual cluster 0 lives from the start (it holds the reserved slot 0); the elided design
    // keeps no device tables, only the two bitmaps of device 0 (16 slots, a word each).
    expect(costs(sys).bytes).toEqual({
      clusterStructs: kernelLayout.virtualCluster,
      swapTable: slots * kernelLayout.swapTableWord,
      virtualTable: slots * kernelLayout.virtualTableWord,
      memcgTables: kernelLayout.memcgTablePointer + slots * kernelLayout.memcgTableEntry,
      indexNodes: kernelLayout.indexNode,
      extendTables: 0,
      reverseMap: 0,
      lookupCaches: 0,
      bitmaps: 2 * kernelLayout.bitmapWord,
    });
  });

  it.each(['classic', 'vswap-direct'])(
    '%s: an extend table costs a word per cluster slot while it lives, and stays in the peak',
    (design) => {
      const sys = system(design);
      ok(sys, { op: 'swapon', device: 0, cpu: 0 });
      swapOutToDisk(sys, 0);
      const targets = overflow(sys);
      const slots = configTinyDisk.clusterSlots;
      expect(costs(sys).bytes.extendTables).toBe(slots * kernelLayout.extendTableCount);
      for (const holder of [0, ...targets]) ok(sys, { op: 'zap', holder, cpu: 0 });
      const report = costs(sys);
      expect(report.bytes.extendTables).toBe(0);
      expect(report.peakBytes.extendTables).toBe(slots * kernelLayout.extendTableCount);
      expect(sys.marks()['extend-table-freed']).toBe(1);
    },
  );
});

describe('table writes', () => {
  it('a split of a large swap-cache folio rewrites the word of each tail page', () => {
    const config: Config = { ...configTinyDisk, orderMax: 1 };
    const sys = system('classic', config);
    ok(sys, { op: 'swapon', device: 0, cpu: 0 }, { op: 'fault', holder: 0, order: 1, cpu: 0 });
    ok(sys, { op: 'allocSwap', holder: 0, cpu: 0 });
    const folio = sys.observe().folios.find((view) => view.order === 1 && view.cached);
    expect(folio).toBeDefined();
    const before = costs(sys).counts.tableWrites;
    ok(sys, { op: 'split', folio: folio?.id ?? 0, cpu: 0 });
    // An order-1 folio has one tail page: one swap table word moves to the tail folio.
    expect(costs(sys).counts.tableWrites - before).toBe(1);
  });
});

describe('swapoff scans', () => {
  /** scanSlots of a swapoff of device 0 holding one swapped-out page, and the bytes before. */
  function swapoffScan(design: string): { scanned: number; bytes: CostReport['bytes'] } {
    const sys = system(design);
    ok(sys, { op: 'swapon', device: 0, cpu: 0 });
    swapOutToDisk(sys, 0);
    const before = costs(sys);
    ok(sys, { op: 'swapoff', device: 0, cpu: 0 });
    return { scanned: costs(sys).counts.scanSlots - before.counts.scanSlots, bytes: before.bytes };
  }
  const slots = configTinyDisk.clusterSlots;

  it('classic: a swapoff with nothing swapped out reads only the clusters that have a table', () => {
    // Swap tables are allocated with a cluster's first entry or bad slot, so device 0 switched
    // on and off with nothing swapped out has two: the header's cluster (slot 0) and the bad
    // slot's (slot 6). Swapoff's look for cache-only folios reads every word of those two and
    // skips the clusters without a table instead of reading their words as empty.
    const sys = system('classic');
    ok(sys, { op: 'swapon', device: 0, cpu: 0 });
    const { counts, bytes } = costs(sys);
    const tables = bytes.swapTable / (slots * kernelLayout.swapTableWord);
    expect(tables).toBe(2);
    ok(sys, { op: 'swapoff', device: 0, cpu: 0 });
    expect(costs(sys).counts.tableReads - counts.tableReads).toBe(tables * slots);
  });

  it('classic walks page tables only: no reverse map to scan', () => {
    expect(swapoffScan('classic').scanned).toBe(0);
  });

  it('a kept reverse map is read from the device clusters that have a table', () => {
    const { scanned, bytes } = swapoffScan('vswap-all');
    // One virtual cluster's swap table (slots words) is in swapTable too; the rest are the
    // device tables, a word per slot, their Pointer words counted as reverse map.
    const deviceTables =
      (bytes.swapTable - slots * kernelLayout.swapTableWord + bytes.reverseMap) /
      (slots * kernelLayout.swapTableWord);
    expect(deviceTables).toBeGreaterThan(0);
    expect(scanned).toBe(deviceTables * slots);
  });

  it('an elided reverse map is stood in for by a scan of every virtual cluster', () => {
    const { scanned, bytes } = swapoffScan('vswap-direct');
    const virtualClusters = bytes.virtualTable / (slots * kernelLayout.virtualTableWord);
    expect(virtualClusters).toBeGreaterThan(0);
    expect(scanned).toBe(virtualClusters * slots);
  });
});

describe('reclaim costs', () => {
  /** The counter deltas and outcome of `op` on `sys`. */
  function measure(sys: SwapSystem, op: Op) {
    const before = costs(sys).counts;
    const mark = sys.marks()['vswap-scan-slots-reclaim'] ?? 0;
    const outcome = sys.apply(op);
    sys.audit();
    const after = costs(sys).counts;
    return {
      outcome,
      scanSlots: after.scanSlots - before.scanSlots,
      redirections: after.redirections - before.redirections,
      scanMark: (sys.marks()['vswap-scan-slots-reclaim'] ?? 0) - mark,
    };
  }

  /** Swaps holders 0..count-1 out and writes each folio out to disk on device 0 (zswap off);
   * the first `swappedIn` are swapped back in, which leaves their entries cache-only. */
  function fillWithDiskBacking(sys: SwapSystem, count: number, swappedIn: number): void {
    for (let holder = 0; holder < count; holder++) {
      ok(
        sys,
        { op: 'fault', holder, order: 0, cpu: 0 },
        { op: 'write', holder, value: 100 + holder, cpu: 0 },
        { op: 'allocSwap', holder, cpu: 0 },
        { op: 'unmap', holder, cpu: 0 },
      );
      expect(sys.apply({ op: 'writeout', folio: holder + 1, cpu: 0 })).toEqual({
        errno: 'OK',
        how: 'disk',
        device: 0,
      });
      if (holder < swappedIn) ok(sys, { op: 'swapin', holder, order: 0, cpu: 0 });
    }
  }
  const oneDevice: Config = { ...configTiny, devices: configTiny.devices.slice(0, 1) };
  /** fillWithDiskBacking() over holders 0..count-1 (14: device 0 full), then holder count's
   * page left in the swap cache and unmapped: its writeout (folio count+1) needs a backing slot. */
  function fillThenPendWriteout(sys: SwapSystem, swappedIn: number, count = 14): void {
    fillWithDiskBacking(sys, count, swappedIn);
    ok(
      sys,
      { op: 'fault', holder: count, order: 0, cpu: 0 },
      { op: 'write', holder: count, value: 100 + count, cpu: 0 },
      { op: 'allocSwap', holder: count, cpu: 0 },
      { op: 'unmap', holder: count, cpu: 0 },
    );
  }

  it('classic: a reclaiming allocation scans the slots of the run it plans to reclaim', () => {
    // As swap-system.test.ts "reclaims a cache-only folio ...": device 0 alone, four order-1
    // and five order-0 cache-only folios take 13 of its 14 usable slots, so vm_swap_full()
    // holds and an order-1 allocation reclaims the first pair of a full order-1 cluster.
    const sys = system('classic', configTiny);
    ok(sys, { op: 'swapon', device: 0, cpu: 0 });
    for (const [holder, order] of [
      [0, 1],
      [2, 1],
      [4, 1],
      [6, 1],
      [8, 0],
      [9, 0],
      [10, 0],
      [11, 0],
      [12, 0],
    ] as const) {
      ok(sys, { op: 'fault', holder, order, cpu: 0 }, { op: 'allocSwap', holder, cpu: 0 });
    }
    ok(sys, { op: 'fault', holder: 14, order: 1, cpu: 0 });
    const { outcome, scanSlots, redirections } = measure(sys, {
      op: 'allocSwap',
      holder: 14,
      cpu: 0,
    });
    expect(outcome.reclaimed).toEqual([{ folio: 1, kind: 'cache' }]);
    // One order-1 run planned (slots 8-9, folio 1's entries): two slots scanned; a cache
    // reclaim frees entries, it redirects nothing.
    expect(scanSlots).toBe(2);
    expect(redirections).toBe(0);
  });

  it("vswap-all: a backing reclaim redirects the folio's entry and scans only the planned run", () => {
    // Device 0 alone: 13 backing slots of 14 taken (the first six cache-only), and the last
    // writeout from CPU 1, whose per-CPU cluster cache is empty: the slow path reclaims a full
    // cluster's cache-only backing before it looks at the fragmented cluster with the free slot.
    const sys = system('vswap-all', { ...oneDevice, zswapEnabled: false });
    ok(sys, { op: 'swapon', device: 0, cpu: 0 });
    fillThenPendWriteout(sys, 6, 13);
    const { outcome, scanSlots, redirections, scanMark } = measure(sys, {
      op: 'writeout',
      folio: 14,
      cpu: 1,
    });
    expect(outcome.reclaimed).toEqual([{ folio: 1, kind: 'backing' }]);
    // The kept reverse map names the owner of the one slot planned: no virtual-cluster scan.
    expect(scanSlots).toBe(1);
    expect(scanMark).toBe(0);
    // Folio 1 (order 0) loses its backing: one redirection.
    expect(redirections).toBe(1);
  });

  it('vswap-direct: a backing reclaim scans every slot of every virtual cluster', () => {
    const sys = system('vswap-direct', oneDevice);
    ok(sys, { op: 'swapon', device: 0, cpu: 0 }, { op: 'setZswap', enabled: false, cpu: 0 });
    fillThenPendWriteout(sys, 6);
    const clusters =
      costs(sys).bytes.virtualTable / (configTiny.clusterSlots * kernelLayout.virtualTableWord);
    const { outcome, scanSlots, redirections, scanMark } = measure(sys, {
      op: 'writeout',
      folio: 15,
      cpu: 0,
    });
    expect(outcome.reclaimed).toEqual([{ folio: 1, kind: 'backing' }]);
    // 15 entries live in 4 virtual clusters of 4 slots (slot 0 is reserved): 16 slots scanned.
    expect(clusters).toBe(4);
    expect(scanSlots).toBe(clusters * configTiny.clusterSlots);
    expect(scanMark).toBe(scanSlots);
    expect(redirections).toBe(1);
  });

  it('vswap-all: a failed backing allocation with a kept reverse map scans nothing', () => {
    // Every backing slot of device 0 holds a referenced entry: nothing is cache-only, so the
    // writeout fails with ENOSPC while swap is full, and the kept reverse map (whose Pointer
    // words the allocator already read) is not stood in for by a virtual-cluster scan.
    const sys = system('vswap-all', oneDevice);
    ok(sys, { op: 'swapon', device: 0, cpu: 0 }, { op: 'setZswap', enabled: false, cpu: 0 });
    fillThenPendWriteout(sys, 0);
    const { outcome, scanSlots, scanMark } = measure(sys, { op: 'writeout', folio: 15, cpu: 0 });
    expect(outcome.errno).toBe('ENOSPC');
    expect(scanSlots).toBe(0);
    expect(scanMark).toBe(0);
  });
});

describe('virtual table and reverse map counts', () => {
  /** vswap-all with holder 0's page swapped out to a virtual entry (folio 1, count 1). */
  function swappedOut(config: Config): KernelSwapSystem {
    const sys = system('vswap-all', config);
    expect(sys).toBeInstanceOf(KernelSwapSystem);
    ok(
      sys,
      { op: 'swapon', device: 0, cpu: 0 },
      { op: 'fault', holder: 0, order: 0, cpu: 0 },
      { op: 'write', holder: 0, value: 5, cpu: 0 },
      { op: 'allocSwap', holder: 0, cpu: 0 },
      { op: 'unmap', holder: 0, cpu: 0 },
    );
    return sys as KernelSwapSystem;
  }

  /** The table writes and reverse-map updates of `op`, and the rmap-cache-only-set marks. */
  function delta(sys: SwapSystem, op: Op) {
    const before = costs(sys).counts;
    const marks = sys.marks()['rmap-cache-only-set'] ?? 0;
    ok(sys, op);
    const after = costs(sys).counts;
    return {
      tableWrites: after.tableWrites - before.tableWrites,
      rmapUpdates: after.rmapUpdates - before.rmapUpdates,
      cacheOnlySet: (sys.marks()['rmap-cache-only-set'] ?? 0) - marks,
    };
  }

  it('vswap-all counts the virtual table word and the Pointer word of each backing change, op by op', () => {
    const sys = swappedOut(configTinyDisk);
    // writeout: the Pointer word installed on the new backing slot (one reverse-map update),
    // the virtual table word cleared (releaseBackend) and set to PHYS (setPhys); the entry is
    // referenced, so its C bit stays clear and is not rewritten.
    expect(delta(sys, { op: 'writeout', folio: 1, cpu: 0 })).toEqual({
      tableWrites: 3,
      rmapUpdates: 1,
      cacheOnlySet: 0,
    });
    // swapin (a cache hit): the count in the virtual swap table word drops to 0, and the C bit
    // of the Pointer word is set (a write and a reverse-map update).
    expect(delta(sys, { op: 'swapin', holder: 0, order: 0, cpu: 0 })).toEqual({
      tableWrites: 2,
      rmapUpdates: 1,
      cacheOnlySet: 1,
    });
    // unmap: the count goes back to 1 and C is cleared (no "set" mark).
    expect(delta(sys, { op: 'unmap', holder: 0, cpu: 0 })).toEqual({
      tableWrites: 2,
      rmapUpdates: 1,
      cacheOnlySet: 0,
    });
    // zap: the count drops to 0 again and C is set again (two writes, one reverse-map
    // update); the folio is unmapped, so __try_to_reclaim_swap() frees its swap cache: the PFN
    // word becomes a Shadow word, the free clears the virtual table word, the backing slot's
    // Pointer word (a reverse-map update) and the virtual slot (four writes).
    expect(delta(sys, { op: 'zap', holder: 0, cpu: 0 })).toEqual({
      tableWrites: 6,
      rmapUpdates: 2,
      cacheOnlySet: 1,
    });
    expect(sys.observe().entries).toEqual([]);
  });

  it('vswap-all counts a zswap store in the virtual table word', () => {
    const sys = swappedOut(configTiny);
    // The virtual table word is cleared (releaseBackend) and set to the zswap handle; no
    // backing, so no reverse map.
    expect(delta(sys, { op: 'writeout', folio: 1, cpu: 0 })).toEqual({
      tableWrites: 2,
      rmapUpdates: 0,
      cacheOnlySet: 0,
    });
    expect(sys.observe().entries[0]?.backend).toBe('zswap');
  });

  it('vswap-all counts a zswap writeback of a virtual entry as one redirection', () => {
    const sys = swappedOut(configTiny);
    ok(sys, { op: 'writeout', folio: 1, cpu: 0 }, { op: 'evict', folio: 1, cpu: 0 });
    const before = costs(sys).counts.redirections;
    // The entry's data moves from zswap to a new slot on device 0; its holder keeps the
    // virtual entry: one redirection.
    expect(sys.apply({ op: 'zswapWriteback', holder: 0, cpu: 0 })).toEqual({
      errno: 'OK',
      device: 0,
    });
    expect(costs(sys).counts.redirections - before).toBe(1);
  });

  it('a virtual table word read counts one table read', () => {
    const sys = swappedOut(configTinyDisk);
    const entry = sys.observe().entries[0]?.entry ?? -1;
    const { state } = sys;
    const loc = state.resolve(entry);
    activateCosts(state.costs);
    try {
      const before = state.costs.tableReads;
      state.vtWord(loc);
      expect(state.costs.tableReads - before).toBe(1);
    } finally {
      activateCosts(null);
    }
  });
});

describe('memcg tables', () => {
  const slots = configTinyDisk.clusterSlots;
  const tableMemcg = slots * kernelLayout.memcgTableEntry;

  it('classic allocates a memcg_table with every swap table: eager and deferred agree', () => {
    const sys = system('classic');
    ok(sys, { op: 'swapon', device: 0, cpu: 0 });
    swapOutToDisk(sys, 0);
    const report = costs(sys);
    // Device 0: 4 clusters (a memcg pointer each); tables of clusters 0 and 1 (bad slots 0 and
    // 6) and maybe the one holding the swapped-out page.
    const tables =
      (report.bytes.swapTable + report.bytes.reverseMap) / (slots * kernelLayout.swapTableWord);
    expect(report.bytes.memcgTables).toBe(4 * kernelLayout.memcgTablePointer + tables * tableMemcg);
    expect(report.memcg?.peakMemcgTablesEager).toBe(report.peakBytes.memcgTables);
    expect(report.memcg?.peakTotalEager).toBe(report.peakTotalBytes);
    expect(report.memcg?.peakTotalNoMemcg).toBe(
      report.peakTotalBytes - report.peakBytes.memcgTables,
    );
  });

  it('RFC v2: a physical table gets its memcg_table with its first direct slot, not with Pointer words', () => {
    // The mm-tree variant of vswap-rfc (virtualEntries=when-zswap): an allocation while zswap
    // is off makes physical entries, so both kinds of physical slots are reached in a few ops.
    const preset = designs['vswap-rfc'];
    if (preset === undefined) throw new Error('vswap-rfc');
    const sys = createSystem(configTinyDisk, { ...preset.knobs, virtualEntries: 'when-zswap' });
    sys.costs?.();
    const memcg = () => costs(sys).bytes.memcgTables;
    ok(sys, { op: 'swapon', device: 0, cpu: 0 });
    // Virtual cluster 0 (pointer and table) and 4 physical cluster pointers; the two physical
    // tables hold only bad slots, so they have no memcg_table yet (eagerly they would).
    const virtualCluster = kernelLayout.memcgTablePointer + tableMemcg;
    expect(memcg()).toBe(virtualCluster + 4 * kernelLayout.memcgTablePointer);
    expect(costs(sys).memcg?.peakMemcgTablesEager).toBe(memcg() + 2 * tableMemcg);
    // A virtual entry written to disk (zswap off at writeout) installs a Pointer word: no change.
    ok(
      sys,
      { op: 'setZswap', enabled: true, cpu: 0 },
      { op: 'fault', holder: 0, order: 0, cpu: 0 },
      { op: 'write', holder: 0, value: 7, cpu: 0 },
      { op: 'allocSwap', holder: 0, cpu: 0 },
      { op: 'unmap', holder: 0, cpu: 0 },
      { op: 'setZswap', enabled: false, cpu: 0 },
      { op: 'writeout', folio: 1, cpu: 0 },
      { op: 'evict', folio: 1, cpu: 0 },
    );
    expect(costs(sys).bytes.reverseMap).toBe(kernelLayout.reverseMapWord);
    const withPointer = memcg();
    expect(withPointer).toBe(virtualCluster + 4 * kernelLayout.memcgTablePointer);
    // A physical entry (zswap off at allocation) is a direct slot: its table gets a memcg_table,
    // and keeps it after the direct slot is freed while the table lives.
    ok(
      sys,
      { op: 'fault', holder: 1, order: 0, cpu: 0 },
      { op: 'write', holder: 1, value: 8, cpu: 0 },
      { op: 'allocSwap', holder: 1, cpu: 0 },
      { op: 'unmap', holder: 1, cpu: 0 },
    );
    expect(memcg()).toBe(withPointer + tableMemcg);
    ok(sys, { op: 'zap', holder: 1, cpu: 0 }, { op: 'zap', holder: 0, cpu: 0 });
    expect(memcg()).toBe(withPointer + tableMemcg);
  });

  it('vswap-direct: bitmap devices have no memcg tables; virtual clusters always do', () => {
    const sys = system('vswap-direct');
    ok(sys, { op: 'swapon', device: 0, cpu: 0 });
    swapOutToDisk(sys, 0);
    const report = costs(sys);
    const clusters = report.bytes.virtualTable / (slots * kernelLayout.virtualTableWord);
    expect(report.bytes.memcgTables).toBe(clusters * (kernelLayout.memcgTablePointer + tableMemcg));
    expect(report.memcg?.peakMemcgTablesEager).toBe(report.peakBytes.memcgTables);
  });

  it('samples every N-th op when asked, and at every costs() call', () => {
    const preset = designs['classic'];
    if (preset === undefined) throw new Error('classic');
    const sys = createSystem(configTinyDisk, preset.knobs);
    sys.costs?.({ sampleEvery: 1000 });
    ok(sys, { op: 'swapon', device: 0, cpu: 0 });
    swapOutToDisk(sys, 0);
    ok(sys, { op: 'zap', holder: 0, cpu: 0 }, { op: 'swapoff', device: 0, cpu: 0 });
    // No op sampled the swapped-out state: the peak is the first call's empty machine and
    // this call's state (device 0 off).
    expect(costs(sys).peakTotalBytes).toBe(0);
  });
});

/**
 * Memcg swap accounting in the designs, with outcomes and observations derived by hand from
 * docs/semantics.md ("Memory cgroups", "Swap charge", allocSwap "Charge", writeout case 5,
 * zswapWriteback) and an audit after every op: the ids of impl/memcg.ts, physical entries
 * charged at allocation and uncharged when freed, virtual entries charged only while they
 * have disk backing, -ENOMEM at swap.max on each of the three paths, both arms of
 * mem_cgroup_swap_full() that the memcg alone decides, the memcg tables (eager and the RFC v2
 * deferral), large reads refused for two memcgs or a stale zswap object, and the audit's
 * recount catching a leaked charge.
 *
 * Method: configTinyMemcg (holders 0-7 in memcg 0 with swap.max 3, holders 8-15 in memcg 1
 * without a limit, the rest in the root) or variants; each step applies one op and audits.
 */
import { describe, expect, it } from 'vitest';
import { configTinyMemcg, type Config } from '../lib/config.ts';
import { InvariantViolation } from '../lib/invariant.ts';
import type { Op } from '../lib/ops.ts';
import type { Knobs } from '../lib/system.ts';
import { designs } from '../lib/designs.ts';
import { Driver } from './driver-test-support.ts';
import {
  MEMCG_ID_FIRST,
  MEMCG_ID_NONE,
  MEMCG_ID_ROOT,
  memcgIdToIndex,
  MemcgSwapCounters,
  memcgToId,
} from './memcg.ts';
import { swpOffset } from './entry-value.ts';

/** A driver on tiny-memcg unless a test names another config. */
const driver = (knobs: Knobs, config: Config = configTinyMemcg) => new Driver(knobs, config);

const knobsOf = (name: string): Knobs => {
  const preset = designs[name];
  if (preset === undefined) throw new Error(name);
  return preset.knobs;
};
const swapon = (device: number): Op => ({ op: 'swapon', device, cpu: 0 });
const memcgDisk: Config = { ...configTinyMemcg, zswapEnabled: false };

describe('memcg ids and swap counters', () => {
  it('name none, the root and each memcg apart, and fit the memcg table entry', () => {
    expect([MEMCG_ID_NONE, MEMCG_ID_ROOT, MEMCG_ID_FIRST]).toEqual([0, 1, 2]);
    expect(memcgToId(null)).toBe(MEMCG_ID_ROOT);
    expect(memcgToId(3)).toBe(5);
    expect(memcgIdToIndex(5)).toBe(3);
    expect(memcgIdToIndex(MEMCG_ID_ROOT)).toBeNull();
    expect(() => memcgIdToIndex(MEMCG_ID_NONE)).toThrow();
  });

  it('charge up to swap.max, never the root, and see a memcg half full', () => {
    const counters = new MemcgSwapCounters(configTinyMemcg);
    expect(counters.count).toBe(2);
    expect(counters.tryCharge(MEMCG_ID_ROOT, 100)).toBe(true);
    expect(counters.swapFull(MEMCG_ID_ROOT)).toBe(false);
    const limited = memcgToId(0);
    expect(counters.tryCharge(limited, 1)).toBe(true);
    expect(counters.swapFull(limited)).toBe(false); // 1 * 2 < 3
    expect(counters.tryCharge(limited, 1)).toBe(true);
    expect(counters.swapFull(limited)).toBe(true); // 2 * 2 >= 3
    expect(counters.tryCharge(limited, 2)).toBe(false); // 2 + 2 > 3: nothing charged
    expect(counters.tryCharge(limited, 1)).toBe(true);
    expect(counters.snapshot()).toEqual([3, 0]);
    expect(counters.tryCharge(memcgToId(1), 1000)).toBe(true);
    expect(counters.swapFull(memcgToId(1))).toBe(false);
    counters.uncharge(limited, 3);
    expect(() => counters.uncharge(limited, 1)).toThrow();
    expect(counters.isValid(memcgToId(2))).toBe(false);
  });
});

describe('physical entries (classic)', () => {
  it('are charged at allocSwap, refused at swap.max with the device, and uncharged when freed', () => {
    const d = driver(knobsOf('classic'));
    d.ok(swapon(0));
    for (const holder of [0, 1, 2]) d.swapOut(holder);
    expect(d.current()).toEqual([3, 0]);
    d.ok({ op: 'fault', holder: 3, order: 0, cpu: 0 });
    // The slot was allocated, then the charge failed: rolled back, the device reported.
    expect(d.apply({ op: 'allocSwap', holder: 3, cpu: 0 })).toEqual({
      errno: 'ENOMEM',
      virtual: false,
      device: 0,
    });
    expect(d.mark('memcg-charge-fail-alloc')).toBe(1);
    let seen = d.system.observe();
    expect(seen.devices[0]?.inuse).toBe(3);
    expect(seen.folios.find((folio) => folio.id === 4)).toMatchObject({
      cached: false,
      dirty: true,
    });
    // The root is never charged; memcg 1 has no limit.
    d.swapOut(16);
    d.swapOut(8);
    seen = d.system.observe();
    expect(seen.memcgSwapCurrent).toEqual([3, 1]);
    expect(seen.entries.map((entry) => entry.memcg)).toEqual([0, 0, 0, null, 1]);
    // The zap of the last reference frees the unmapped swap-cache folio and its entry.
    expect(d.apply({ op: 'zap', holder: 0, cpu: 0 })).toEqual({ errno: 'OK', freedCache: true });
    expect(d.current()).toEqual([2, 1]);
    // An injected failure is the same rollback.
    d.ok({ op: 'zap', holder: 3, cpu: 0 }, { op: 'fault', holder: 3, order: 0, cpu: 0 });
    expect(d.apply({ op: 'allocSwap', holder: 3, cpu: 0, failAlloc: true })).toMatchObject({
      errno: 'ENOMEM',
    });
    expect(d.mark('enomem-charge')).toBe(1);
    expect(d.current()).toEqual([2, 1]);
  });

  it('keep their memcg table with the swap table (classic allocates it eagerly)', () => {
    const d = driver(knobsOf('classic'));
    d.ok(swapon(0));
    const device = d.system.state.devices[0];
    if (device?.kind !== 'table') throw new Error('classic has table devices');
    // Cluster 0 holds the header slot from swapon: its tables exist, recording nothing.
    expect(device.clusters[0]?.memcgTable?.every((id) => id === MEMCG_ID_NONE)).toBe(true);
    expect(device.clusters[2]?.memcgTable).toBeNull();
    const entry = d.swapOut(8).entry ?? 0;
    const ci = device.clusterOf(swpOffset(entry));
    expect(ci.memcgId(swpOffset(entry) % ci.slots)).toBe(memcgToId(1));
  });
});

describe('virtual entries', () => {
  it('are charged while they have disk backing: writeout, swap.max, zswap writeback, free', () => {
    const d = driver(knobsOf('vswap-all'), memcgDisk);
    d.ok(swapon(0));
    for (const holder of [0, 1, 2, 3, 8]) d.swapOut(holder);
    // vswap_alloc() only records the memcg.
    expect(d.current()).toEqual([0, 0]);
    expect(d.system.observe().entries.map((entry) => entry.memcg)).toEqual([0, 0, 0, 0, 1]);
    for (const folio of [1, 2, 3, 5])
      expect(d.apply({ op: 'writeout', folio, cpu: 0 })).toMatchObject({ how: 'disk' });
    expect(d.current()).toEqual([3, 1]);
    // folio_realloc_swap() of the fourth page fails its charge: the slot goes back, the folio
    // stays dirty in the swap cache with no backend.
    expect(d.apply({ op: 'writeout', folio: 4, cpu: 0 })).toEqual({ errno: 'ENOMEM', device: 0 });
    expect(d.mark('memcg-charge-fail-writeout')).toBe(1);
    let seen = d.system.observe();
    expect(seen.devices[0]?.inuse).toBe(4);
    expect(seen.entries[3]).toMatchObject({ backend: 'none', device: null, memcg: 0 });
    expect(seen.folios[3]).toMatchObject({ id: 4, dirty: true, cached: true });
    // In zswap the entry is not charged; its writeback to a new slot is, and fails at swap.max.
    d.ok({ op: 'setZswap', enabled: true, cpu: 0 });
    expect(d.apply({ op: 'writeout', folio: 4, cpu: 0 })).toEqual({ errno: 'OK', how: 'zswap' });
    d.ok({ op: 'evict', folio: 4, cpu: 0 });
    expect(d.apply({ op: 'zswapWriteback', holder: 3, cpu: 0 })).toEqual({
      errno: 'ENOMEM',
      device: 0,
    });
    expect(d.mark('memcg-charge-fail-writeback')).toBe(1);
    seen = d.system.observe();
    expect(seen.entries[3]).toMatchObject({ backend: 'zswap', device: null });
    expect(seen.zswapStored).toBe(1);
    expect(seen.devices[0]?.inuse).toBe(4);
    // Freeing a disk-backed entry uncharges its backing; then the writeback fits.
    d.ok({ op: 'evict', folio: 1, cpu: 0 }, { op: 'zap', holder: 0, cpu: 0 });
    expect(d.current()).toEqual([2, 1]);
    expect(d.apply({ op: 'zswapWriteback', holder: 3, cpu: 0 })).toEqual({
      errno: 'OK',
      device: 0,
    });
    expect(d.current()).toEqual([3, 1]);
    // A zswap store of a redirtied disk-backed entry releases (and uncharges) the backing.
    expect(d.apply({ op: 'swapin', holder: 8, order: 0, cpu: 0 })).toEqual({
      errno: 'OK',
      how: 'cache-hit',
      freedCache: false,
    });
    d.ok({ op: 'write', holder: 8, value: 7, cpu: 0 }, { op: 'unmap', holder: 8, cpu: 0 });
    expect(d.apply({ op: 'writeout', folio: 5, cpu: 0 })).toEqual({ errno: 'OK', how: 'zswap' });
    expect(d.current()).toEqual([3, 0]);
  });

  it('record their memcg in the virtual cluster, and a Pointer-only physical cluster has no memcg table (RFC v2)', () => {
    // vswap-rfc as the mm tree has it (virtual only while zswap is enabled): both kinds.
    const d = driver({ ...knobsOf('vswap-rfc'), virtualEntries: 'when-zswap' }, configTinyMemcg);
    d.ok(swapon(0));
    const device = d.system.state.devices[0];
    if (device?.kind !== 'table') throw new Error('vswap-rfc has table devices');
    // Cluster 0's table holds the header slot only: deferred, no memcg table.
    expect(device.clusters[0]?.memcgTable).toBeNull();
    const virtual = d.swapOut(0).entry ?? 0;
    const loc = d.system.state.peek(virtual, 0);
    expect(loc.cluster.memcgId(loc.slot)).toBe(memcgToId(0));
    d.ok({ op: 'setZswap', enabled: false, cpu: 0 });
    expect(d.apply({ op: 'writeout', folio: 1, cpu: 0 })).toMatchObject({ how: 'disk', device: 0 });
    expect(device.clusters.every((ci) => ci.memcgTable === null)).toBe(true);
    expect(d.mark('memcg-table-deferred-alloc')).toBe(0);
    // A physical entry is a direct slot: its cluster gets the memcg table now.
    const physical = d.swapOut(1).entry ?? 0;
    expect(d.mark('memcg-table-deferred-alloc')).toBe(1);
    const ci = device.clusterOf(swpOffset(physical));
    expect(ci.memcgId(swpOffset(physical) % ci.slots)).toBe(memcgToId(0));
    expect(d.current()).toEqual([2, 0]);
  });
});

describe('mem_cgroup_swap_full()', () => {
  it('frees the swap cache after a swapin on a device without synchronous I/O when the memcg is half full', () => {
    const d = driver(knobsOf('classic'));
    d.ok(swapon(0));
    for (const holder of [0, 1, 8]) {
      d.swapOut(holder);
      d.ok({ op: 'writeout', folio: d.system.observe().folios.at(-1)?.id ?? 0, cpu: 0 });
    }
    d.ok({ op: 'evict', folio: 1, cpu: 0 }, { op: 'evict', folio: 3, cpu: 0 });
    // memcg 0 uses 2 of 3 pages (2 * 2 >= 3); swap itself is far from half full.
    expect(d.system.state.vmSwapFull()).toBe(false);
    expect(d.apply({ op: 'swapin', holder: 0, order: 0, cpu: 0 })).toEqual({
      errno: 'OK',
      how: 'read-zswap',
      order: 0,
      freedCache: true,
    });
    expect(d.mark('memcg-swap-full-free-swapin')).toBe(1);
    // memcg 1 has no swap.max: its cache stays.
    expect(d.apply({ op: 'swapin', holder: 8, order: 0, cpu: 0 })).toEqual({
      errno: 'OK',
      how: 'read-zswap',
      order: 0,
      freedCache: false,
    });
  });

  it('reclaims a mapped swap-cache folio when the last swap reference goes and the memcg is half full', () => {
    const d = driver(knobsOf('classic'));
    d.ok(swapon(0));
    d.swapOut(0);
    // Holder 20 (the root) maps folio 2 too; folio 2 is charged to memcg 0, its faulter's.
    d.ok(
      { op: 'fault', holder: 2, order: 0, cpu: 0 },
      { op: 'fork', holder: 2, target: 20, cpu: 0 },
    );
    d.ok({ op: 'allocSwap', holder: 2, cpu: 0 }, { op: 'unmap', holder: 2, cpu: 0 });
    expect(d.current()).toEqual([2, 0]);
    expect(d.apply({ op: 'zap', holder: 2, cpu: 0 })).toEqual({ errno: 'OK', freedCache: true });
    expect(d.mark('memcg-swap-full-zap-reclaim')).toBe(1);
    expect(d.system.observe().holders[20]).toMatchObject({ kind: 'present', folio: 2 });
    expect(d.current()).toEqual([1, 0]);
  });
});

describe('large reads', () => {
  it('need one memcg id over the range (__swap_cache_add_check())', () => {
    const d = driver(knobsOf('classic'), memcgDisk);
    d.ok(swapon(1));
    // Holders 6 (memcg 0) and 8 (memcg 1) get the two slots of one aligned pair of the
    // synchronous device, the range an order-1 swapin reads.
    const first = swpOffset(d.swapOut(6).entry ?? 0);
    expect(first % 2).toBe(0);
    expect(swpOffset(d.swapOut(8).entry ?? 0)).toBe(first + 1);
    for (const folio of [1, 2])
      d.ok({ op: 'writeout', folio, cpu: 0 }, { op: 'evict', folio, cpu: 0 });
    // Forked into the root's aligned holders 20 and 21 (both swap PTEs non-exclusive).
    d.ok(
      { op: 'fork', holder: 6, target: 20, cpu: 0 },
      { op: 'fork', holder: 8, target: 21, cpu: 0 },
    );
    expect(d.apply({ op: 'swapin', holder: 20, order: 1, cpu: 0 })).toMatchObject({
      how: 'read-disk',
      order: 0,
    });
    expect(d.mark('swapin-large-mixed-memcg')).toBe(1);
    expect(d.mark('swapin-large')).toBe(0);
  });

  it('are refused where an entry has a stale zswap object (zswap_is_present())', () => {
    // Device 0 synchronous: an order-1 folio stored in zswap, then zeroed while an entry is
    // still held elsewhere (its swap cache stays), written out zero: both objects stale.
    const sync: Config = {
      ...configTinyMemcg,
      devices: configTinyMemcg.devices.map((device, type) => ({
        ...device,
        synchronousIo: type === 0,
      })),
    };
    const d = driver(knobsOf('classic'), sync);
    d.ok(
      swapon(0),
      { op: 'fault', holder: 0, order: 1, cpu: 0 },
      { op: 'write', holder: 0, value: 5, cpu: 0 },
    );
    d.ok({ op: 'fork', holder: 1, target: 7, cpu: 0 }, { op: 'allocSwap', holder: 0, cpu: 0 });
    d.ok(
      { op: 'unmap', holder: 0, cpu: 0 },
      { op: 'unmap', holder: 1, cpu: 0 },
      { op: 'unmap', holder: 7, cpu: 0 },
    );
    expect(d.apply({ op: 'writeout', folio: 1, cpu: 0 })).toEqual({ errno: 'OK', how: 'zswap' });
    // Holder 0's swap PTE is exclusive, holder 1's is not: only holder 0 maps, and page 1's
    // entry (held by 1 and 7) keeps the swap cache.
    expect(d.apply({ op: 'swapin', holder: 0, order: 0, cpu: 0 })).toEqual({
      errno: 'OK',
      how: 'cache-hit',
      freedCache: false,
    });
    d.ok({ op: 'write', holder: 0, value: 0, cpu: 0 }, { op: 'unmap', holder: 0, cpu: 0 });
    expect(d.apply({ op: 'writeout', folio: 1, cpu: 0 })).toEqual({ errno: 'OK', how: 'zero' });
    d.ok({ op: 'evict', folio: 1, cpu: 0 });
    // Both swap PTEs non-exclusive (a fork and a zap of its child), each entry held once.
    d.ok(
      { op: 'zap', holder: 7, cpu: 0 },
      { op: 'fork', holder: 0, target: 6, cpu: 0 },
      { op: 'zap', holder: 6, cpu: 0 },
    );
    expect(
      d.system.observe().entries.map((entry) => [entry.backend, entry.staleZswap, entry.count]),
    ).toEqual([
      ['zero', true, 1],
      ['zero', true, 1],
    ]);
    expect(d.apply({ op: 'swapin', holder: 0, order: 1, cpu: 0 })).toMatchObject({
      how: 'read-zero',
      order: 0,
    });
    expect(d.mark('swapin-large-stale-zswap')).toBe(1);
  });
});

describe('the audit', () => {
  it("recounts every memcg's charge from the memcg tables", () => {
    const d = driver(knobsOf('vswap-direct'), memcgDisk);
    d.ok(swapon(0));
    d.swapOut(0);
    d.ok({ op: 'writeout', folio: 1, cpu: 0 });
    expect(d.current()).toEqual([1, 0]);
    d.system.state.memcg.uncharge(memcgToId(0), 1);
    let reported: string | null = null;
    try {
      d.system.audit();
    } catch (error) {
      if (!(error instanceof InvariantViolation)) throw error;
      reported = error.invariant;
    }
    expect(reported).toBe('memcg-accounting');
  });
});

/**
 * Hand-made op sequences through whole systems, with outcomes and observations derived by
 * hand from docs/semantics.md, and an audit after every op. They pin the paths random runs
 * reach rarely: reclaim of cache-only entries and of cache-only backing (kept and elided
 * reverse map), swapoff of physical and virtual entries, large swapin (and the batches it must
 * read as order 0), a zap's swap-cache free, a disk writeout over a stale zswap copy, count
 * overflow into the extend table, lookup-cache staleness caught by validation, and audits
 * catching corruption.
 *
 * Method: configTiny (4-slot clusters, 2-bit counts, devices of 16 and 10 slots) or small
 * variants of it; each step applies one op, audits, and the test compares selected fields.
 */
import { describe, expect, it } from 'vitest';
import { configTiny, type Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { designs, knobDocs } from '../lib/designs.ts';
import { createSystem } from './designs.ts';
import { Driver } from './driver-test-support.ts';
import { clusterOf } from './allocator-test-support.ts';
import { entryIsVirtual, swpEntry, swpOffset, VSWAP_TYPE } from './entry-value.ts';
import { HOLDER_SWP_EXCLUSIVE, holderWithExclusive } from './holder-word.ts';
import { vtWordToPhysOffset, vtWordToPhysType } from './virtual-table-word.ts';

const vswap = (offset: number) => swpEntry(VSWAP_TYPE, offset);

const swapon = (device: number): Op => ({ op: 'swapon', device, cpu: 0 });

describe('designs', () => {
  it('exports the five presets and documents every knob', () => {
    expect(Object.keys(designs)).toEqual([
      'classic',
      'vswap-rfc',
      'vswap-all',
      'vswap-direct',
      'vswap-direct-cached',
    ]);
    expect(Object.keys(knobDocs).sort()).toEqual(['lookupCache', 'reverseMap', 'virtualEntries']);
    expect(() =>
      createSystem(configTiny, {
        virtualEntries: 'never',
        reverseMap: 'elided',
        lookupCache: 'off',
      }),
    ).toThrow();
  });
});

describe('classic', () => {
  it('swaps a page out to zswap and back, then frees the cache when the page is unmapped', () => {
    const d = new Driver(designs.classic!.knobs);
    d.ok(swapon(0), swapon(1));
    expect(d.swapOut(0, 42)).toEqual({ errno: 'OK', virtual: false, device: 0, entry: 1 });
    expect(d.apply({ op: 'writeout', folio: 1, cpu: 0 })).toEqual({ errno: 'OK', how: 'zswap' });
    d.ok({ op: 'evict', folio: 1, cpu: 1 });
    let seen = d.system.observe();
    expect(seen.holders[0]).toEqual({ kind: 'swap', entry: 1, content: 42, exclusive: true });
    expect(seen.entries).toEqual([
      {
        entry: 1,
        count: 1,
        cache: null,
        shadow: true,
        backend: 'zswap',
        device: 0,
        virtual: false,
        content: 42,
        staleZswap: false,
        memcg: null,
      },
    ]);
    expect(seen.zswapStored).toBe(1);
    expect(seen.devices[0]?.inuse).toBe(1);
    expect(seen.swapFreePages).toBe(22);
    expect(d.apply({ op: 'swapin', holder: 0, order: 0, cpu: 0 })).toEqual({
      errno: 'OK',
      how: 'read-zswap',
      order: 0,
      freedCache: false,
    });
    seen = d.system.observe();
    expect(seen.entries[0]).toMatchObject({
      count: 0,
      cache: { folio: 2, page: 0 },
      shadow: false,
      backend: 'none',
      content: 42,
    });
    expect(seen.folios).toEqual([{ id: 2, order: 0, dirty: true, cached: true, pages: [42] }]);
    expect(d.apply({ op: 'writeout', folio: 2, cpu: 0 }).errno).toBe('EBUSY');
    // The zap unmaps the last mapping of a cache-only folio: free_swap_cache() frees it.
    expect(d.apply({ op: 'zap', holder: 0, cpu: 0 })).toEqual({ errno: 'OK', freedCache: true });
    expect(d.mark('zap-free-swap-cache')).toBe(1);
    expect(d.apply({ op: 'writeout', folio: 2, cpu: 0 })).toEqual({ errno: 'EINVAL' });
    expect(d.system.observe().entries).toEqual([]);
    expect(d.system.observe().folios).toEqual([]);
    d.ok({ op: 'swapoff', device: 0, cpu: 0 }, { op: 'swapoff', device: 1, cpu: 0 });
    d.system.auditEmpty();
    expect(d.system.formatEntry(1)).toBe('swp(0:1)');
    expect(d.system.entryOffset(swpEntry(1, 9))).toBe(9);
  });

  it('rejects bad arguments with EINVAL and changes nothing', () => {
    const d = new Driver(designs.classic!.knobs);
    const before = d.system.observe();
    expect(d.apply({ op: 'swapon', device: 7, cpu: 0 }).errno).toBe('EINVAL');
    expect(d.apply({ op: 'fault', holder: 1, order: 1, cpu: 0 }).errno).toBe('EINVAL');
    expect(d.apply({ op: 'fault', holder: 0, order: 0, cpu: 9 }).errno).toBe('EINVAL');
    expect(d.apply({ op: 'zap', holder: 0, cpu: 0 }).errno).toBe('EINVAL');
    expect(d.apply({ op: 'swapin', holder: 0, order: 5, cpu: 0 }).errno).toBe('EINVAL');
    expect(d.apply({ op: 'split', folio: 1, cpu: 0 }).errno).toBe('EINVAL');
    expect(d.apply({ op: 'swapoff', device: 0, cpu: 0 }).errno).toBe('EINVAL');
    expect(d.system.observe()).toEqual(before);
    d.ok(swapon(0));
    expect(d.apply(swapon(0)).errno).toBe('EBUSY');
  });

  it('reclaims a cache-only folio when swap is more than half full', () => {
    // Device 0 alone (14 usable slots: slot 0 is the header, slot 6 bad). Four order-1 folios
    // take the two clusters without a bad slot (slots 8-15), five order-0 folios five of the
    // six slots of the other two: 13 of 14 slots used, every one cache-only (allocated, not
    // unmapped), so swap is full but the device is still on the avail list. An order-1
    // allocation then finds no cluster of its order with a free pair and reclaims the first
    // cache-only pair of a full order-1 cluster: folio 1, which stays mapped.
    const d = new Driver(designs.classic!.knobs);
    d.ok(swapon(0));
    const entries = [];
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
    ]) {
      d.ok({ op: 'fault', holder: holder!, order: order!, cpu: 0 });
      entries.push(d.apply({ op: 'allocSwap', holder: holder!, cpu: 0 }).entry);
    }
    // Nine distinct entries, four of them pairs: 13 of the 14 usable slots.
    expect(new Set(entries).size).toBe(9);
    expect(d.system.observe().devices[0]?.inuse).toBe(13);
    expect(d.system.state.vmSwapFull()).toBe(true);
    d.ok({ op: 'fault', holder: 14, order: 1, cpu: 0 });
    expect(d.apply({ op: 'allocSwap', holder: 14, cpu: 0 })).toEqual({
      errno: 'OK',
      virtual: false,
      device: 0,
      reclaimed: [{ folio: 1, kind: 'cache' }],
      // The pair just reclaimed from folio 1 is the one handed out.
      entry: entries[0],
    });
    const seen = d.system.observe();
    expect(seen.folios[0]).toEqual({ id: 1, order: 1, dirty: true, cached: false, pages: [0, 0] });
    expect(seen.holders[0]).toMatchObject({ kind: 'present', folio: 1, exclusive: true });
    expect(d.mark('reclaim-cache')).toBe(1);
  });

  it('takes no slot from a full device: it is off the avail list, even with cache-only slots', () => {
    // Fourteen order-0 folios fill device 0 with cache-only slots; swap is full. The next
    // allocation does not reclaim there (del_from_avail_list() at inuse_pages == pages) and
    // goes to device 1; with device 1 off, it fails.
    const d = new Driver(designs.classic!.knobs);
    d.ok(swapon(0), swapon(1));
    for (let holder = 0; holder < 14; holder++) {
      d.ok({ op: 'fault', holder, order: 0, cpu: 0 }, { op: 'allocSwap', holder, cpu: 0 });
    }
    expect(d.system.observe().devices[0]?.inuse).toBe(14);
    d.ok({ op: 'fault', holder: 14, order: 0, cpu: 0 });
    expect(d.apply({ op: 'allocSwap', holder: 14, cpu: 0 })).toMatchObject({
      errno: 'OK',
      device: 1,
    });
    d.ok({ op: 'freeSwapCache', folio: 15, cpu: 0 }, { op: 'swapoff', device: 1, cpu: 0 });
    expect(d.system.state.vmSwapFull()).toBe(true);
    expect(d.apply({ op: 'allocSwap', holder: 14, cpu: 0 })).toEqual({ errno: 'ENOSPC' });
    expect(d.mark('reclaim-cache')).toBe(0);
  });

  it('swapoff maps every page back, reading in holder order', () => {
    const d = new Driver(designs.classic!.knobs);
    d.ok(swapon(0), swapon(1));
    d.swapOut(0, 10);
    d.swapOut(1, 11);
    d.swapOut(2, 12);
    d.ok({ op: 'fork', holder: 1, target: 5, cpu: 0 });
    d.ok({ op: 'writeout', folio: 1, cpu: 0 }, { op: 'writeout', folio: 2, cpu: 0 });
    d.ok({ op: 'evict', folio: 1, cpu: 0 }, { op: 'evict', folio: 2, cpu: 0 });
    expect(d.apply({ op: 'swapoff', device: 0, cpu: 1 })).toEqual({ errno: 'OK' });
    const seen = d.system.observe();
    const present = (h: number) => seen.holders[h];
    // Each mapping is exclusive as its swap PTE was: the forked pair shares its entry.
    expect(present(0)).toEqual({
      kind: 'present',
      folio: 4,
      page: 0,
      content: 10,
      exclusive: true,
    });
    expect(present(1)).toEqual({
      kind: 'present',
      folio: 5,
      page: 0,
      content: 11,
      exclusive: false,
    });
    expect(present(2)).toEqual({
      kind: 'present',
      folio: 3,
      page: 0,
      content: 12,
      exclusive: true,
    });
    expect(present(5)).toEqual({
      kind: 'present',
      folio: 5,
      page: 0,
      content: 11,
      exclusive: false,
    });
    expect(seen.folios.map((f) => [f.id, f.dirty, f.cached])).toEqual([
      [3, true, false],
      [4, true, false],
      [5, true, false],
    ]);
    expect(seen.devices[0]).toEqual({ online: false, writeOk: false, inuse: 0 });
    expect(seen.zswapStored).toBe(0);
    expect(d.swapOut(6, 1).device).toBe(1);
  });

  it.each([
    { device: 1, name: 'large on the synchronous-I/O device', forks: [0, 1], order: 1 },
    {
      device: 0,
      name: 'order 0 on the other device (swapin_readahead())',
      forks: [0, 1],
      order: 0,
    },
    {
      device: 1,
      name: 'order 0 when the swap PTEs differ in their exclusive bit (swap_pte_batch())',
      forks: [0],
      order: 0,
    },
  ])(
    'reads a uniform batch $name, zswap on but none of it in zswap',
    ({ device, forks, order }) => {
      // An order-1 folio (holders 0 and 1) goes to disk (the zswap store fails) and is evicted;
      // the entries of `forks` are shared with holders 5 and 6 (a fork, so neither swap PTE is
      // exclusive). A large read needs a SWP_SYNCHRONOUS_IO device (swapin_sync()) and one
      // exclusive bit over the range's swap PTEs; zswap being enabled does not matter, only
      // whether an entry of the range is in zswap.
      const d = new Driver(designs.classic!.knobs);
      d.ok(swapon(device), { op: 'fault', holder: 0, order: 1, cpu: 0 });
      d.ok({ op: 'write', holder: 0, value: 5, cpu: 0 });
      d.ok({ op: 'write', holder: 1, value: 6, cpu: 0 });
      const first = swpEntry(device, device === 1 ? 4 : 8);
      expect(d.apply({ op: 'allocSwap', holder: 1, cpu: 0 }).entry).toBe(first);
      d.ok({ op: 'unmap', holder: 0, cpu: 0 }, { op: 'unmap', holder: 1, cpu: 0 });
      expect(d.apply({ op: 'writeout', folio: 1, cpu: 0, failZswap: true })).toEqual({
        errno: 'OK',
        how: 'disk',
      });
      d.ok({ op: 'evict', folio: 1, cpu: 0 });
      for (const holder of forks) d.ok({ op: 'fork', holder, target: 5 + holder, cpu: 0 });
      // Read alone, holder 1's entry is held by nobody else: the synchronous device frees it.
      const freedCache = forks.length === 1;
      expect(d.apply({ op: 'swapin', holder: 1, order: 1, cpu: 0 })).toEqual({
        errno: 'OK',
        how: 'read-disk',
        order,
        freedCache,
      });
      expect(d.mark('swapin-large')).toBe(order);
      expect(d.mark('swapin-large-mixed-exclusive')).toBe(forks.length === 1 ? 1 : 0);
      if (order === 0) return;
      const seen = d.system.observe();
      expect(seen.holders.slice(0, 2)).toEqual([
        { kind: 'present', folio: 2, page: 0, content: 5, exclusive: false },
        { kind: 'present', folio: 2, page: 1, content: 6, exclusive: false },
      ]);
      d.ok({ op: 'split', folio: 2, cpu: 0 });
      expect(d.system.observe().entries.map((e) => e.cache)).toEqual([
        { folio: 2, page: 0 },
        { folio: 3, page: 0 },
      ]);
    },
  );

  it('a write-fault swapin of a non-exclusive PTE whose entry is no longer shared reuses the page', () => {
    const d = new Driver(designs.classic!.knobs);
    d.ok(swapon(0));
    d.swapOut(0, 5);
    d.ok({ op: 'writeout', folio: 1, cpu: 0 }, { op: 'evict', folio: 1, cpu: 0 });
    d.ok({ op: 'fork', holder: 0, target: 1, cpu: 0 }, { op: 'zap', holder: 1, cpu: 0 });
    // The read frees the cache (a write, nothing else maps it); the mapping is not
    // exclusive (the swap PTE lost its bit at the fork), so do_wp_page() reuses the page.
    expect(d.apply({ op: 'swapin', holder: 0, order: 0, cpu: 0, write: true })).toEqual({
      errno: 'OK',
      how: 'read-zswap',
      order: 0,
      freedCache: true,
      wp: 'reuse',
    });
    expect(d.system.observe().holders[0]).toMatchObject({
      kind: 'present',
      content: 5,
      exclusive: true,
    });
  });

  it("a cache hit on a large folio maps every page whose PTE still holds the folio's entry", () => {
    const d = new Driver(designs.classic!.knobs);
    d.ok(
      swapon(0),
      { op: 'fault', holder: 0, order: 1, cpu: 0 },
      { op: 'write', holder: 1, value: 4, cpu: 0 },
    );
    d.ok(
      { op: 'allocSwap', holder: 0, cpu: 0 },
      { op: 'unmap', holder: 0, cpu: 0 },
      { op: 'unmap', holder: 1, cpu: 0 },
    );
    d.ok(
      { op: 'fork', holder: 0, target: 4, cpu: 0 },
      { op: 'fork', holder: 1, target: 7, cpu: 0 },
    );
    expect(d.apply({ op: 'swapin', holder: 1, order: 0, cpu: 0 })).toEqual({
      errno: 'OK',
      how: 'cache-hit',
      freedCache: false,
    });
    const seen = d.system.observe();
    expect(seen.holders.slice(0, 2)).toEqual([
      { kind: 'present', folio: 1, page: 0, content: 0, exclusive: false },
      { kind: 'present', folio: 1, page: 1, content: 4, exclusive: false },
    ]);
    expect(seen.holders[4]).toMatchObject({ kind: 'swap', exclusive: false });
    expect(d.mark('swapin-cache-hit-whole')).toBe(1);
    // Holder 4 holds entry 0 of the folio outside its range: only it maps.
    d.ok({ op: 'zap', holder: 0, cpu: 0 });
    expect(d.apply({ op: 'swapin', holder: 4, order: 0, cpu: 0 })).toMatchObject({
      how: 'cache-hit',
    });
    expect(d.mark('swapin-cache-hit-whole')).toBe(1);
  });

  it('a cache hit on a large folio maps only the faulting page when the swap PTEs differ in their exclusive bit', () => {
    // swap_pte_batch() compares whole PTEs, exclusive bit included: holder 0's swap PTE lost
    // its bit at the fork, holder 1's kept it.
    const d = new Driver(designs.classic!.knobs);
    d.ok(
      swapon(0),
      { op: 'fault', holder: 0, order: 1, cpu: 0 },
      { op: 'write', holder: 1, value: 4, cpu: 0 },
    );
    d.ok(
      { op: 'allocSwap', holder: 0, cpu: 0 },
      { op: 'unmap', holder: 0, cpu: 0 },
      { op: 'unmap', holder: 1, cpu: 0 },
    );
    d.ok({ op: 'fork', holder: 0, target: 4, cpu: 0 });
    expect(d.apply({ op: 'swapin', holder: 1, order: 0, cpu: 0 })).toEqual({
      errno: 'OK',
      how: 'cache-hit',
      freedCache: false,
    });
    const seen = d.system.observe();
    expect(seen.holders[0]).toMatchObject({ kind: 'swap', exclusive: false });
    expect(seen.holders[1]).toEqual({
      kind: 'present',
      folio: 1,
      page: 1,
      content: 4,
      exclusive: true,
    });
    expect(d.mark('swapin-cache-hit-whole')).toBe(0);
    expect(d.mark('swapin-cache-hit-mixed-exclusive')).toBe(1);
  });

  it.each([
    { name: 'classic', zswap: false, freed: true },
    { name: 'vswap-all', zswap: false, freed: true },
    { name: 'vswap-all', zswap: true, freed: false },
  ])(
    '$name: the last swap reference of a mapped folio frees its cache when swap is full (zswap $zswap): $freed',
    ({ name, zswap, freed }) => {
      // Device 0 alone, zswap off while eight pages fill it past half on disk. Holder 10's page
      // is swapped out, written out (to zswap or disk), forked to holder 11 and swapped in (a
      // cache hit that keeps the cache: the entry is still held). Zapping holder 11 drops the
      // last reference of a folio holder 10 maps: __try_to_reclaim_swap()'s FULL arm frees it,
      // except for a virtual entry without physical backing (RFC v2 patches 2 and 3).
      const d = new Driver(designs[name]!.knobs, {
        ...configTiny,
        devices: configTiny.devices.slice(0, 1),
      });
      d.ok(swapon(0), { op: 'setZswap', enabled: false, cpu: 0 });
      for (let holder = 0; holder < 8; holder++) {
        d.swapOut(holder, 100 + holder);
        expect(d.apply({ op: 'writeout', folio: holder + 1, cpu: 0 })).toMatchObject({
          errno: 'OK',
          how: 'disk',
        });
      }
      d.ok({ op: 'setZswap', enabled: zswap, cpu: 0 });
      d.swapOut(10, 110);
      expect(d.apply({ op: 'writeout', folio: 9, cpu: 0 })).toMatchObject({
        how: zswap ? 'zswap' : 'disk',
      });
      expect(d.system.state.vmSwapFull()).toBe(true);
      d.ok({ op: 'fork', holder: 10, target: 11, cpu: 0 });
      expect(d.apply({ op: 'swapin', holder: 10, order: 0, cpu: 0 })).toMatchObject({
        how: 'cache-hit',
        freedCache: false,
      });
      expect(d.apply({ op: 'zap', holder: 11, cpu: 0 })).toEqual({
        errno: 'OK',
        freedCache: freed,
      });
      expect(d.system.observe().folios.find((f) => f.id === 9)).toMatchObject({
        cached: !freed,
        dirty: freed,
      });
      expect(d.system.observe().holders[10]).toMatchObject({
        kind: 'present',
        folio: 9,
        content: 110,
      });
    },
  );

  it('audits an exclusive mapping of a shared page and an exclusive swap PTE of a shared entry', () => {
    const d = new Driver(designs.classic!.knobs);
    d.ok(swapon(0));
    d.swapOut(0, 5);
    d.ok({ op: 'fork', holder: 0, target: 1, cpu: 0 });
    const word = d.system.state.holders[0]!;
    d.system.state.holders[0] = word | HOLDER_SWP_EXCLUSIVE;
    expect(() => d.system.audit()).toThrow(/exclusive: holder 0 holds swp\(0:1\) exclusively/);
    d.system.state.holders[0] = word;
    d.ok(
      { op: 'fault', holder: 4, order: 0, cpu: 0 },
      { op: 'fork', holder: 4, target: 5, cpu: 0 },
    );
    d.system.state.holders[5] = holderWithExclusive(d.system.state.holders[5]!, true);
    expect(() => d.system.audit()).toThrow(
      /exclusive: holder 5 maps page 0 of folio 2 exclusively/,
    );
  });
});

describe('zswap objects and writeout failures', () => {
  /** Classic on device 0: holder 0's page 7 stored in zswap, swapped in again (the cache kept)
   * and overwritten with `value`, then unmapped: folio 1 is dirty and its entry keeps the zswap
   * object of the old content. */
  function redirtied(value: number, config: Config = configTiny): Driver {
    const d = new Driver(designs.classic!.knobs, config);
    d.ok(swapon(0));
    d.swapOut(0, 7);
    expect(d.apply({ op: 'writeout', folio: 1, cpu: 0 })).toEqual({ errno: 'OK', how: 'zswap' });
    d.ok({ op: 'swapin', holder: 0, order: 0, cpu: 0 }, { op: 'write', holder: 0, value, cpu: 0 });
    d.ok({ op: 'unmap', holder: 0, cpu: 0 });
    return d;
  }

  it('a zero writeout of a physical entry leaves its zswap object, stale, until the slot is freed', () => {
    const d = redirtied(0);
    expect(d.apply({ op: 'writeout', folio: 1, cpu: 0 })).toEqual({ errno: 'OK', how: 'zero' });
    let seen = d.system.observe();
    expect(seen.entries[0]).toMatchObject({ backend: 'zero', staleZswap: true, content: 0 });
    expect(seen.zswapStored).toBe(1);
    expect(d.mark('zero-writeout-stale-zswap')).toBe(1);
    // The zero flag is read first; the stale object stays through an eviction and a read.
    d.ok({ op: 'evict', folio: 1, cpu: 0 });
    expect(d.apply({ op: 'swapin', holder: 0, order: 0, cpu: 0 })).toMatchObject({
      how: 'read-zero',
    });
    seen = d.system.observe();
    expect(seen.entries[0]).toMatchObject({ backend: 'zero', staleZswap: true, count: 0 });
    // Unmapping the page frees the cache-only entry, and the stale object with it.
    expect(d.apply({ op: 'zap', holder: 0, cpu: 0 })).toEqual({ errno: 'OK', freedCache: true });
    expect(d.system.observe().zswapStored).toBe(0);
  });

  it.each([
    {
      name: 'a zswap store replaces it',
      capacity: 2,
      failZswap: false,
      how: 'zswap',
      stored: 1,
      full: 0,
    },
    {
      name: 'a full pool refuses the store, its own stale object counting',
      capacity: 1,
      failZswap: false,
      how: 'disk',
      stored: 0,
      full: 1,
    },
    {
      name: 'a disk writeout erases it',
      capacity: 1,
      failZswap: true,
      how: 'disk',
      stored: 0,
      full: 0,
    },
  ])(
    'the next non-zero writeout of an entry with a stale zswap object: $name',
    ({ capacity, failZswap, how, stored, full }) => {
      // The stale object is in the pool. zswap_store() checks the pool limit
      // (zswap_check_limits()) before zswap_store_page() replaces the folio's old tree entries,
      // so a pool of one object, the stale one, refuses the store; a pool of two takes it.
      const d = redirtied(0, { ...configTiny, zswapCapacity: capacity });
      d.ok({ op: 'writeout', folio: 1, cpu: 0 }, { op: 'swapin', holder: 0, order: 0, cpu: 0 });
      d.ok({ op: 'write', holder: 0, value: 9, cpu: 0 }, { op: 'unmap', holder: 0, cpu: 0 });
      expect(d.system.observe().zswapStored).toBe(1);
      expect(d.apply({ op: 'writeout', folio: 1, cpu: 0, failZswap })).toEqual({
        errno: 'OK',
        how,
      });
      const seen = d.system.observe();
      expect(seen.entries[0]).toMatchObject({ backend: how, staleZswap: false, content: 9 });
      expect(seen.zswapStored).toBe(stored);
      expect(d.mark('zswap-store-full-own-objects')).toBe(full);
    },
  );

  it('a zero writeout of a virtual entry releases its zswap object', () => {
    // An order-1 folio whose second entry stays held elsewhere keeps its swap cache across the
    // cache hit of holder 0, which then zeroes its page in place.
    const d = new Driver(designs['vswap-all']!.knobs);
    d.ok(
      { op: 'fault', holder: 0, order: 1, cpu: 0 },
      { op: 'write', holder: 0, value: 5, cpu: 0 },
    );
    d.ok(
      { op: 'allocSwap', holder: 0, cpu: 0 },
      { op: 'unmap', holder: 0, cpu: 0 },
      { op: 'unmap', holder: 1, cpu: 0 },
    );
    d.ok(
      { op: 'writeout', folio: 1, cpu: 0 },
      { op: 'fork', holder: 1, target: 5, cpu: 0 },
      { op: 'zap', holder: 1, cpu: 0 },
    );
    expect(d.system.observe().zswapStored).toBe(2);
    expect(d.apply({ op: 'swapin', holder: 0, order: 0, cpu: 0 })).toEqual({
      errno: 'OK',
      how: 'cache-hit',
      freedCache: false,
    });
    d.ok({ op: 'write', holder: 0, value: 0, cpu: 0 }, { op: 'unmap', holder: 0, cpu: 0 });
    expect(d.apply({ op: 'writeout', folio: 1, cpu: 0 })).toEqual({ errno: 'OK', how: 'zero' });
    expect(d.system.observe().entries.map((e) => [e.backend, e.staleZswap])).toEqual([
      ['zero', false],
      ['zero', false],
    ]);
    expect(d.system.observe().zswapStored).toBe(0);
  });

  it.each([
    {
      name: 'no device: ENOSPC',
      devices: [] as number[],
      failAlloc: false,
      outcome: { errno: 'ENOSPC' },
    },
    {
      name: 'a failed charge: ENOMEM',
      devices: [0],
      failAlloc: true,
      outcome: { errno: 'ENOMEM', device: 0 },
    },
  ])(
    'a virtual disk writeout that gets no backing ($name) leaves the folio dirty with its zswap objects released',
    ({ devices, failAlloc, outcome }) => {
      // As above up to the redirtying write (7 in holder 0's page), then a writeout that cannot
      // go to zswap: folio_release_vswap_backing() drops both zswap objects first, then
      // folio_realloc_swap() fails (review row 9).
      const d = new Driver(designs['vswap-all']!.knobs);
      for (const device of devices) d.ok(swapon(device));
      d.ok(
        { op: 'fault', holder: 0, order: 1, cpu: 0 },
        { op: 'write', holder: 0, value: 5, cpu: 0 },
      );
      d.ok(
        { op: 'allocSwap', holder: 0, cpu: 0 },
        { op: 'unmap', holder: 0, cpu: 0 },
        { op: 'unmap', holder: 1, cpu: 0 },
      );
      d.ok(
        { op: 'writeout', folio: 1, cpu: 0 },
        { op: 'fork', holder: 1, target: 5, cpu: 0 },
        { op: 'zap', holder: 1, cpu: 0 },
      );
      d.ok(
        { op: 'swapin', holder: 0, order: 0, cpu: 0 },
        { op: 'write', holder: 0, value: 7, cpu: 0 },
        { op: 'unmap', holder: 0, cpu: 0 },
      );
      expect(d.apply({ op: 'writeout', folio: 1, cpu: 0, failZswap: true, failAlloc })).toEqual(
        outcome,
      );
      const seen = d.system.observe();
      expect(seen.entries.map((e) => e.backend)).toEqual(['none', 'none']);
      expect(seen.zswapStored).toBe(0);
      expect(seen.folios[0]).toMatchObject({ id: 1, dirty: true, cached: true, pages: [7, 0] });
      expect(seen.devices[0]?.inuse ?? 0).toBe(0);
      if (devices.length === 0) d.ok(swapon(0));
      expect(d.apply({ op: 'writeout', folio: 1, cpu: 0, failZswap: true })).toEqual({
        errno: 'OK',
        how: 'disk',
        device: 0,
      });
    },
  );
});

describe('virtual designs', () => {
  it.each(['vswap-all', 'vswap-direct', 'vswap-direct-cached', 'vswap-rfc'])(
    '%s keeps virtual entries and frees a non-disk cache at swapin',
    (name) => {
      const d = new Driver(designs[name]!.knobs);
      d.ok(swapon(0), swapon(1));
      const out = d.swapOut(0, 42);
      expect(out).toMatchObject({ errno: 'OK', virtual: true });
      expect(entryIsVirtual(out.entry ?? 0), 'a virtual entry value').toBe(true);
      d.ok({ op: 'writeout', folio: 1, cpu: 0 }, { op: 'evict', folio: 1, cpu: 1 });
      expect(d.system.observe().entries[0]).toMatchObject({
        entry: out.entry,
        backend: 'zswap',
        device: null,
        virtual: true,
        content: 42,
      });
      expect(d.apply({ op: 'swapin', holder: 0, order: 0, cpu: 1 })).toEqual({
        errno: 'OK',
        how: 'read-zswap',
        order: 0,
        freedCache: true,
      });
      // With zswap off a swap-out still tries the virtual space first (vswap-rfc: 'first').
      d.ok({ op: 'setZswap', enabled: false, cpu: 0 });
      expect(d.swapOut(1, 7).virtual).toBe(true);
      expect(d.apply({ op: 'writeout', folio: 3, cpu: 0 })).toEqual({
        errno: 'OK',
        how: 'disk',
        device: 0,
      });
      expect(d.system.observe().devices[0]?.inuse).toBe(1);
      d.ok({ op: 'swapoff', device: 0, cpu: 0 });
      expect(d.system.observe().holders[1]).toMatchObject({ content: 7 });
      d.ok({ op: 'zap', holder: 0, cpu: 0 }, { op: 'zap', holder: 1, cpu: 1 });
      for (const folio of d.system.observe().folios) {
        if (folio.cached) d.ok({ op: 'freeSwapCache', folio: folio.id, cpu: 0 });
      }
      d.ok({ op: 'swapoff', device: 1, cpu: 0 });
      d.system.auditEmpty();
    },
  );

  it.each([
    { mode: 'first', zswap: true, fallback: true },
    { mode: 'when-zswap', zswap: true, fallback: true },
    { mode: 'always', zswap: true, fallback: false },
  ] as const)(
    'virtualEntries=$mode: an allocation the full virtual space cannot take falls back: $fallback',
    ({ mode, fallback }) => {
      // Seven usable virtual slots (slot 0 is reserved). The eighth order-0 allocation finds the
      // virtual space full: 'first' and 'when-zswap' (zswap on) fall back to device 0, whose
      // memcg charge can fail (ENOMEM, reported with the device); 'always' fails with ENOSPC. A
      // virtual allocation ignores failAlloc: its charge comes with backing.
      const d = new Driver(
        { virtualEntries: mode, reverseMap: 'kept', lookupCache: 'off' },
        { ...configTiny, vswapSlots: 8 },
      );
      d.ok(swapon(0));
      for (let holder = 0; holder < 7; holder++) {
        d.ok({ op: 'fault', holder, order: 0, cpu: 0 });
        expect(d.apply({ op: 'allocSwap', holder, cpu: 0, failAlloc: holder === 0 })).toMatchObject(
          { errno: 'OK', virtual: true },
        );
      }
      d.ok({ op: 'fault', holder: 7, order: 0, cpu: 0 });
      if (!fallback) {
        expect(d.apply({ op: 'allocSwap', holder: 7, cpu: 0 })).toEqual({ errno: 'ENOSPC' });
        expect(d.mark('alloc-vswap-fallback')).toBe(0);
        return;
      }
      chargeFailsThenAllocates(d, 7);
      expect(d.mark('alloc-vswap-fallback')).toBe(2);
    },
  );

  /** A physical allocSwap of `holder` on device 0 whose memcg charge fails (ENOMEM, reported
   * with the device), then one that succeeds: the failed charge gave slot 1 back, and the
   * per-CPU cluster cache moved on to slot 2. */
  function chargeFailsThenAllocates(d: Driver, holder: number): void {
    expect(d.apply({ op: 'allocSwap', holder, cpu: 0, failAlloc: true })).toEqual({
      errno: 'ENOMEM',
      virtual: false,
      device: 0,
    });
    expect(d.apply({ op: 'allocSwap', holder, cpu: 0 })).toEqual({
      errno: 'OK',
      virtual: false,
      device: 0,
      entry: swpEntry(0, 2),
    });
  }

  it('virtualEntries=when-zswap: physical entries while zswap is off, with their charge', () => {
    const d = new Driver({ virtualEntries: 'when-zswap', reverseMap: 'kept', lookupCache: 'off' });
    d.ok(
      swapon(0),
      { op: 'setZswap', enabled: false, cpu: 0 },
      { op: 'fault', holder: 0, order: 0, cpu: 0 },
    );
    chargeFailsThenAllocates(d, 0);
    expect(d.mark('alloc-vswap-fallback')).toBe(0);
  });

  it('an audit notices a fallback to physical while the virtual space had room', () => {
    const d = new Driver(designs['vswap-rfc']!.knobs);
    d.ok(swapon(0), { op: 'fault', holder: 0, order: 0, cpu: 0 });
    d.system.audit();
    d.system.state.vswapFallback = { opSeq: d.system.state.opSeq, order: 0 };
    expect(() => d.system.audit()).toThrow(/allowance: fallback to physical/);
  });

  it.each([
    { name: 'vswap-all', pages: 13, cpu: 1 },
    { name: 'vswap-direct', pages: 14, cpu: 0 },
  ])(
    '$name reclaims cache-only backing when swap is more than half full',
    ({ name, pages, cpu }) => {
      // Device 0 alone (14 usable slots), zswap off: holders are swapped out and written out to
      // disk in turn, the first six swapped back in (their backing becomes cache-only). vswap-all
      // leaves one slot free in a cluster its per-CPU cache points at and writes the last folio
      // out from the other CPU: the slow path reclaims a full cluster's cache-only backing
      // before it looks at fragmented clusters. vswap-direct fills the device: its allocator
      // fails (a full device is off the avail list) and the scan of the virtual clusters finds
      // the cache-only backing to reclaim.
      const d = new Driver(designs[name]!.knobs, {
        ...configTiny,
        devices: configTiny.devices.slice(0, 1),
      });
      d.ok(swapon(0), { op: 'setZswap', enabled: false, cpu: 0 });
      for (let holder = 0; holder < pages; holder++) {
        d.swapOut(holder, 100 + holder);
        expect(d.apply({ op: 'writeout', folio: holder + 1, cpu: 0 }).device).toBe(0);
        if (holder < 6) {
          expect(d.apply({ op: 'swapin', holder, order: 0, cpu: 0 }).freedCache).toBe(false);
        }
      }
      d.swapOut(pages, 100 + pages);
      expect(d.apply({ op: 'writeout', folio: pages + 1, cpu })).toEqual({
        errno: 'OK',
        how: 'disk',
        device: 0,
        reclaimed: [{ folio: 1, kind: 'backing' }],
      });
      const seen = d.system.observe();
      expect(seen.folios[0]).toEqual({ id: 1, order: 0, dirty: true, cached: true, pages: [100] });
      expect(seen.entries[0]).toMatchObject({ backend: 'none', device: null, count: 0 });
      expect(d.mark('reclaim-backing')).toBe(1);
      if (name === 'vswap-direct') expect(d.mark('vswap-scan-slots-reclaim')).toBeGreaterThan(0);
      else expect(d.mark('rmap-cache-only-set')).toBeGreaterThan(0);
    },
  );

  /** vswap-direct on device 0 alone, zswap off: holders 0..13 swapped out and written out to
   * disk, which fills device 0 (slot 0 is the header, slot 6 is bad); `swappedIn` of them are
   * swapped back in (cache-only), `evicted` of the others evicted (swapped out, uncached). */
  function directFull(swappedIn: number, evicted: number): Driver {
    const d = new Driver(designs['vswap-direct']!.knobs, {
      ...configTiny,
      devices: configTiny.devices.slice(0, 1),
    });
    d.ok(swapon(0), { op: 'setZswap', enabled: false, cpu: 0 });
    for (let holder = 0; holder < 14; holder++) {
      d.swapOut(holder, 100 + holder);
      expect(d.apply({ op: 'writeout', folio: holder + 1, cpu: 0 }).device).toBe(0);
      if (holder < swappedIn) d.ok({ op: 'swapin', holder, order: 0, cpu: 0 });
      else if (holder < swappedIn + evicted) d.ok({ op: 'evict', folio: holder + 1, cpu: 0 });
    }
    d.swapOut(14, 114);
    return d;
  }

  it('vswap-direct: the reclaim scan passes over swapped-out entries and reclaims a cache-only one', () => {
    // Holders 6..13 are evicted: their entries are Shadow words with disk backing, which the
    // materialized reverse map must leave out (they are not cache-only and have no folio).
    const d = directFull(6, 8);
    expect(d.apply({ op: 'writeout', folio: 15, cpu: 0 })).toEqual({
      errno: 'OK',
      how: 'disk',
      device: 0,
      reclaimed: [{ folio: 1, kind: 'backing' }],
    });
    expect(d.mark('alloc-run-reclaimed-by-scan')).toBe(1);
    expect(d.system.observe().holders[6]).toMatchObject({ kind: 'swap', content: 106 });
  });

  it('vswap-direct: a backing allocation with nothing cache-only to reclaim fails with ENOSPC', () => {
    // Every backing slot holds a referenced entry, some cached, some evicted: the scan finds
    // no owner for any slot of device 0 and the writeout changes nothing.
    const d = directFull(0, 7);
    const before = d.system.observe();
    expect(d.apply({ op: 'writeout', folio: 15, cpu: 0 })).toEqual({ errno: 'ENOSPC' });
    expect(d.mark('enospc-writeout')).toBe(1);
    expect(d.mark('vswap-scan-slots-reclaim')).toBeGreaterThan(0);
    expect(d.system.observe()).toEqual(before);
  });

  it.each([
    { name: 'one large folio', swappedIn: [0], reclaimed: [1] },
    { name: 'two order-0 folios', swappedIn: [2, 3], reclaimed: [2, 3] },
  ])(
    'vswap-direct: a large writeout reclaims by scan every folio of its run once ($name)',
    ({ swappedIn, reclaimed }) => {
      // Device 0 alone (slot 0 the header, slot 6 bad), zswap off. Folio 1 (order 1, holders 0
      // and 1) gets backing slots 2-3, folios 2..13 (order 0, holders 2..13) slots 4, 5, 7..15,
      // 1 (next fit), which fills the device. The holders in `swappedIn` are swapped back in
      // right after their writeout, while swap is not yet full, which leaves their entries
      // cache-only (a cache hit; on the large folio it maps the whole folio, holder 1 too, since
      // both holders still hold its entries). An order-1 writeout then finds no free pair and reclaims the
      // first aligned pair whose every slot is cache-only backing: 2-3 (one large folio, to be
      // planned once) or 4-5 (two order-0 folios, both to be planned).
      const d = new Driver(designs['vswap-direct']!.knobs, {
        ...configTiny,
        devices: configTiny.devices.slice(0, 1),
      });
      d.ok(swapon(0), { op: 'setZswap', enabled: false, cpu: 0 });
      d.ok(
        { op: 'fault', holder: 0, order: 1, cpu: 0 },
        { op: 'write', holder: 0, value: 7, cpu: 0 },
        { op: 'write', holder: 1, value: 8, cpu: 0 },
        { op: 'allocSwap', holder: 0, cpu: 0 },
        { op: 'unmap', holder: 0, cpu: 0 },
        { op: 'unmap', holder: 1, cpu: 0 },
      );
      const swapIn = (holder: number) => {
        if (swappedIn.includes(holder)) d.ok({ op: 'swapin', holder, order: 0, cpu: 0 });
      };
      expect(d.apply({ op: 'writeout', folio: 1, cpu: 0 })).toEqual({
        errno: 'OK',
        how: 'disk',
        device: 0,
      });
      swapIn(0);
      swapIn(1);
      if (swappedIn.includes(0))
        expect(d.system.observe().holders[1]).toMatchObject({ kind: 'present', folio: 1, page: 1 });
      for (let holder = 2; holder < 14; holder++) {
        d.swapOut(holder, 100 + holder);
        expect(d.apply({ op: 'writeout', folio: holder, cpu: 0 })).toEqual({
          errno: 'OK',
          how: 'disk',
          device: 0,
        });
        swapIn(holder);
      }
      d.ok(
        { op: 'fault', holder: 30, order: 1, cpu: 0 },
        { op: 'write', holder: 30, value: 9, cpu: 0 },
        { op: 'write', holder: 31, value: 10, cpu: 0 },
        { op: 'allocSwap', holder: 30, cpu: 0 },
        { op: 'unmap', holder: 30, cpu: 0 },
        { op: 'unmap', holder: 31, cpu: 0 },
      );
      expect(d.apply({ op: 'writeout', folio: 14, cpu: 0 })).toEqual({
        errno: 'OK',
        how: 'disk',
        device: 0,
        reclaimed: reclaimed.map((folio) => ({ folio, kind: 'backing' })),
      });
      expect(d.mark('alloc-run-reclaimed-by-scan')).toBe(1);
    },
  );

  it.each([
    { name: 'no other run', swappedIn: [1, 2], outcome: { errno: 'ENOSPC' } },
    {
      name: 'then a run with a free slot',
      swappedIn: [1, 2, 3],
      outcome: { errno: 'OK', how: 'disk', device: 0, reclaimed: [{ folio: 4, kind: 'backing' }] },
    },
  ])(
    'vswap-direct: a reclaim by scan stops planning when the folios before would end vm_swap_full() ($name)',
    ({ swappedIn, outcome }) => {
      // Device 0 alone (14 usable slots: slot 0 is the header, slot 6 bad), zswap off. Holders
      // 0..13 are written out to slots 1-5, 7-15 in turn (next fit); holders 1 and 2 (slots 2 and
      // 3) are swapped back in at once, cache-only (and holder 3 in the second case). Zapping holders 4, 5, 7, 9, 11 and 13 while
      // swap is full frees their cache and slots 5, 7, 9, 11, 13, 15: 8 slots used, 6 free, no
      // free aligned pair. An order-1 writeout then plans the pair 2-3, but freeing the first
      // folio leaves 7 of 14 free, so vm_swap_full() would no longer hold for the second: the run
      // is refused. With holder 3 (slot 4) cache-only too, the pair 4-5 (slot 5 free) is taken
      // after reclaiming folio 4 alone; otherwise no run is left and the writeout fails.
      const d = new Driver(designs['vswap-direct']!.knobs, {
        ...configTiny,
        devices: configTiny.devices.slice(0, 1),
      });
      d.ok(swapon(0), { op: 'setZswap', enabled: false, cpu: 0 });
      for (let holder = 0; holder < 14; holder++) {
        d.swapOut(holder, 100 + holder);
        expect(d.apply({ op: 'writeout', folio: holder + 1, cpu: 0 })).toEqual({
          errno: 'OK',
          how: 'disk',
          device: 0,
        });
        if (swappedIn.includes(holder)) d.ok({ op: 'swapin', holder, order: 0, cpu: 0 });
      }
      for (const holder of [4, 5, 7, 9, 11, 13]) {
        expect(d.apply({ op: 'zap', holder, cpu: 0 })).toEqual({ errno: 'OK', freedCache: true });
      }
      expect(d.system.observe().devices[0]?.inuse).toBe(8);
      d.ok(
        { op: 'fault', holder: 30, order: 1, cpu: 0 },
        { op: 'write', holder: 30, value: 9, cpu: 0 },
        { op: 'write', holder: 31, value: 10, cpu: 0 },
        { op: 'allocSwap', holder: 30, cpu: 0 },
        { op: 'unmap', holder: 30, cpu: 0 },
        { op: 'unmap', holder: 31, cpu: 0 },
      );
      const before = d.system.observe();
      const folio = before.folios.find((view) => view.order === 1)?.id ?? -1;
      expect(d.apply({ op: 'writeout', folio, cpu: 0 })).toEqual(outcome);
      if (outcome.errno === 'ENOSPC') expect(d.system.observe()).toEqual(before);
    },
  );

  it.each(['validated', 'pinned'] as const)(
    'the %s lookup cache never uses a freed cluster whose id was reused',
    (mode) => {
      const d = new Driver({ virtualEntries: 'always', reverseMap: 'elided', lookupCache: mode });
      const vspace = d.system.state.vspace!;
      for (let holder = 0; holder < 4; holder++) {
        d.ok({ op: 'fault', holder, order: 0, cpu: 0 }, { op: 'allocSwap', holder, cpu: 0 });
      }
      d.ok({ op: 'unmap', holder: 3, cpu: 1 });
      const stale = vspace.lookupCache.cachedOf(1);
      expect(stale?.id).toBe(1);
      expect(d.apply({ op: 'swapin', holder: 3, order: 0, cpu: 0 }).freedCache).toBe(true);
      expect(stale?.dead).toBe(true);
      expect(vspace.index.has(1)).toBe(false);
      if (mode === 'pinned') expect(vspace.lookupCache.cachedOf(1)).toBeNull();
      d.ok({ op: 'fault', holder: 4, order: 0, cpu: 0 });
      // The next allocation reuses id 1 (xa_alloc() takes the lowest free id): a new cluster.
      const entry = d.apply({ op: 'allocSwap', holder: 4, cpu: 0 }).entry ?? 0;
      expect(entryIsVirtual(entry)).toBe(true);
      expect(clusterOf(swpOffset(entry), configTiny.clusterSlots)).toBe(1);
      const fresh = vspace.index.get(1);
      expect(fresh).not.toBe(stale);
      expect(d.mark('vcluster-id-reused')).toBe(1);
      d.ok({ op: 'unmap', holder: 4, cpu: 1 });
      expect(vspace.lookupCache.cachedOf(1)).toBe(fresh);
      if (mode === 'validated') expect(d.mark('lookup-cache-stale-rejected')).toBeGreaterThan(0);
      else expect(d.mark('lookup-cache-invalidate-empty')).toBeGreaterThanOrEqual(1);
      expect(d.system.observe().holders[4]).toEqual({
        kind: 'swap',
        entry,
        content: 0,
        exclusive: true,
      });
    },
  );

  it('observe and audit change neither the lookup cache nor the marks', () => {
    const d = new Driver(designs['vswap-direct-cached']!.knobs);
    d.ok(swapon(0));
    d.swapOut(0, 9, 0);
    d.swapOut(5, 8, 1);
    d.ok({ op: 'writeout', folio: 1, cpu: 1 }, { op: 'evict', folio: 1, cpu: 1 });
    const vspace = d.system.state.vspace!;
    const cached = [0, 1].map((cpu) => vspace.lookupCache.cachedOf(cpu));
    const marks = d.system.marks();
    expect(d.system.observe().holders[0]).toMatchObject({ kind: 'swap', content: 9 });
    d.system.audit();
    expect([0, 1].map((cpu) => vspace.lookupCache.cachedOf(cpu))).toEqual(cached);
    expect(d.system.marks()).toEqual(marks);
  });

  it('an audit notices a lookup-cache pin that is not counted', () => {
    const d = new Driver(designs['vswap-direct-cached']!.knobs);
    d.ok({ op: 'fault', holder: 0, order: 0, cpu: 0 }, { op: 'allocSwap', holder: 0, cpu: 0 });
    d.ok({ op: 'unmap', holder: 0, cpu: 1 });
    const ci = d.system.state.vspace!.lookupCache.cachedOf(1)!;
    ci.pins++;
    expect(() => d.system.audit()).toThrow(/lookup-cache/);
    ci.pins--;
    d.system.audit();
  });

  it('vswap-all: reads order 0 when the backing of a large batch is on two devices', () => {
    // Zswap off, so virtual entries are written out to disk. Holders 5, 0, 1, 7, 8 and 9 are
    // swapped out in turn (virtual entries 1 to 6), so holders 0 and 1 hold the aligned,
    // contiguous pair 2 and 3. With only device 1 on, holder 0's page is written out first
    // (slot 4, the first slot of its second cluster); device 0 (higher priority) is then
    // switched on, and holders 5, 7, 8, 9 and 1 are written out, from CPU 1, to slots 1 to 5
    // of device 0. So the pair's backing is device 1 slot 4 and device 0 slot 5: the head's
    // slot is aligned and the second slot is the next offset, but on another device. A8
    // allows a large read only with all the backing on one device.
    const d = new Driver(designs['vswap-all']!.knobs, { ...configTiny, zswapEnabled: false });
    d.ok(swapon(1));
    const folioOf = new Map<number, number>();
    for (const holder of [5, 0, 1, 7, 8, 9]) {
      d.swapOut(holder, 100 + holder);
      const view = d.system.observe().folios.find((f) => f.cached && f.pages[0] === 100 + holder);
      folioOf.set(holder, view?.id ?? -1);
    }
    const writeout = (holder: number, cpu: number): void => {
      const folio = folioOf.get(holder) ?? -1;
      expect(d.apply({ op: 'writeout', folio, cpu })).toMatchObject({ errno: 'OK', how: 'disk' });
      d.ok({ op: 'evict', folio, cpu });
    };
    writeout(0, 0);
    d.ok(swapon(0));
    for (const holder of [5, 7, 8, 9, 1]) writeout(holder, 1);
    const state = d.system.state;
    const backing = [vswap(2), vswap(3)].map((value) => {
      const word = state.vtWord(state.resolve(value));
      return [vtWordToPhysType(word), vtWordToPhysOffset(word)];
    });
    expect(backing).toEqual([
      [1, 4],
      [0, 5],
    ]);
    expect(d.apply({ op: 'swapin', holder: 1, order: 1, cpu: 0 })).toEqual({
      errno: 'OK',
      how: 'read-disk',
      order: 0,
      freedCache: false,
    });
    expect(d.system.observe().holders[1]).toMatchObject({ kind: 'present', page: 0, content: 101 });
    expect(d.mark('swapin-large')).toBe(0);
  });

  it('ENOSPC from a full virtual space is audited as true', () => {
    const config = { ...configTiny, vswapSlots: 8 };
    const d = new Driver(designs['vswap-all']!.knobs, config);
    for (let holder = 0; holder < 7; holder++) {
      d.ok({ op: 'fault', holder, order: 0, cpu: holder % 2 });
      d.ok({ op: 'allocSwap', holder, cpu: holder % 2 });
    }
    d.ok({ op: 'fault', holder: 8, order: 1, cpu: 0 });
    expect(d.apply({ op: 'allocSwap', holder: 8, cpu: 0 })).toEqual({ errno: 'ENOSPC' });
    d.ok({ op: 'freeSwapCache', folio: 1, cpu: 0 });
    d.ok({ op: 'fault', holder: 10, order: 0, cpu: 1 }, { op: 'allocSwap', holder: 10, cpu: 1 });
    expect(d.mark('enospc')).toBe(1);
  });
});

describe('per-item views of values no live entry has', () => {
  it('are null: a virtual value without a virtual space, a device out of range, offline or without a table, an offset past the clusters', () => {
    const classic = new Driver(designs.classic!.knobs);
    classic.ok(swapon(0));
    classic.swapOut(0, 42);
    // Entry 1 of device 0 is live; device 1 is offline; 16 slots of device 0 make 4 clusters.
    expect(classic.system.observeEntry(swpEntry(0, 1), 0)).toMatchObject({ entry: 1, count: 1 });
    expect(classic.system.observeEntry(vswap(1), 0)).toBeNull();
    expect(classic.system.observeEntry(swpEntry(1, 1), 0)).toBeNull();
    expect(classic.system.observeEntry(swpEntry(7, 1), 0)).toBeNull();
    expect(classic.system.observeEntry(swpEntry(0, 16 * 4), 0)).toBeNull();
    expect(classic.system.observeEntry(swpEntry(0, 2), 0)).toBeNull();
    // The elided design's devices are bitmaps: a physical value names no table slot.
    const direct = new Driver(designs['vswap-direct']!.knobs);
    direct.ok(swapon(0));
    const outcome = direct.swapOut(0, 42);
    expect(outcome.virtual).toBe(true);
    expect(direct.system.observeEntry(outcome.entry ?? 0, 0)).toMatchObject({
      virtual: true,
      count: 1,
    });
    expect(direct.system.observeEntry(swpEntry(0, 1), 0)).toBeNull();
    // A virtual value in a virtual cluster that does not exist.
    expect(direct.system.observeEntry(vswap(4 * 7 + 1), 0)).toBeNull();
  });
});

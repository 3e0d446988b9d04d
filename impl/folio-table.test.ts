/**
 * Unit tests of impl/folio-table.ts: the shape of a new folio (sequential PFNs, one zero map
 * count per page, no mappers, not cached), freeIfUnused() refusing a mapped or swap-cached folio
 * and freeing an unused one, and all() listing live folios in PFN order after frees.
 *
 * Not covered here: mapping and unmapping holders (impl/swap-state.ts mapPage/unmapPage, driven
 * here only through the fields they set) and the swap table words of a cached folio.
 */
import { describe, expect, it } from 'vitest';
import { FolioTable } from './folio-table.ts';
import { MEMCG_ID_ROOT } from './memcg.ts';

describe('FolioTable', () => {
  it('a new folio has sequential PFNs and one zero map count per page', () => {
    const table = new FolioTable();
    const a = table.alloc(0, [5], true, MEMCG_ID_ROOT);
    const b = table.alloc(2, [1, 2, 3, 4], false, MEMCG_ID_ROOT);
    // PFNs are handed out from 1, in allocation order.
    expect(a.pfn).toBe(1);
    expect(b.pfn).toBe(2);
    // "not mapped and not cached": each of the 2^order pages has map count 0, the rmap is empty.
    expect(a.pageMaps).toEqual([0]);
    expect(b.pageMaps).toEqual([0, 0, 0, 0]);
    expect(b.mappers.size).toBe(0);
    expect(b.swapcache).toBe(false);
    expect(b.swap).toBe(0);
    expect(b.dirty).toBe(false);
    expect(b.pages).toEqual([1, 2, 3, 4]);
  });

  it('freeIfUnused keeps a mapped folio and a swap-cached folio', () => {
    const table = new FolioTable();
    const mapped = table.alloc(0, [1], true, MEMCG_ID_ROOT);
    // What mapPage() does for holder 3: one map on page 0, holder 3 in the rmap.
    mapped.pageMaps[0] = 1;
    mapped.mappers.add(3);
    // folio_put() of a reference that is not the last: the folio stays, and the call says so.
    expect(table.freeIfUnused(mapped)).toBe(false);
    expect(table.get(mapped.pfn)).toBe(mapped);

    const cached = table.alloc(0, [2], true, MEMCG_ID_ROOT);
    cached.swapcache = true;
    cached.swap = 9;
    // The swap cache holds a reference too.
    expect(table.freeIfUnused(cached)).toBe(false);
    expect(table.get(cached.pfn)).toBe(cached);
    expect(table.size).toBe(2);

    // Once unmapped and out of the swap cache, each is freed.
    mapped.pageMaps[0] = 0;
    mapped.mappers.delete(3);
    expect(table.freeIfUnused(mapped)).toBe(true);
    expect(table.get(mapped.pfn)).toBeUndefined();
    cached.swapcache = false;
    cached.swap = 0;
    expect(table.freeIfUnused(cached)).toBe(true);
    expect(table.size).toBe(0);
  });

  it('all() lists the live folios in PFN order, freed ones gone', () => {
    const table = new FolioTable();
    const folios = [0, 1, 0, 0, 1].map((order) =>
      table.alloc(order, new Array<number>(2 ** order).fill(7), false, MEMCG_ID_ROOT),
    );
    expect(table.freeIfUnused(folios[1]!)).toBe(true);
    expect(table.freeIfUnused(folios[3]!)).toBe(true);
    table.alloc(0, [8], false, MEMCG_ID_ROOT);
    // Live: 1, 3, 5 and the new 6 (a PFN is never reused).
    expect(table.all().map((f) => f.pfn)).toEqual([1, 3, 5, 6]);
  });
});

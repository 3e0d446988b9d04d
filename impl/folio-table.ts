/**
 * Folios: the in-memory pages. A folio's id is its PFN, handed out sequentially from 1 and
 * never reused, in exactly the order docs/semantics.md numbers them. A folio records its order,
 * one content number per page, the dirty flag, whether it is in the swap cache and, if so, its
 * first entry value (folio->swap), the memcg it is charged to (folio_memcg(), as a memcg id of
 * impl/memcg.ts), plus which holders map it (the anon rmap, used by split and by writeout's
 * "mapped" check) and a per-page map count (page->_mapcount, used by write's "shared" check).
 *
 * Not covered here: the swap table words that bind a folio to its entries
 * (impl/swap-state.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { HOLDER_PAGE_BITS, HOLDER_PFN_MAX } from './holder-word.ts';
import { memcgIdIsRecorded } from './memcg.ts';

export interface Folio {
  /** Folio id = head PFN. */
  readonly pfn: number;
  order: number;
  /** Content of each page; 0 is a zero-filled page. */
  pages: number[];
  dirty: boolean;
  /** PG_swapcache. */
  swapcache: boolean;
  /** folio->swap: first entry value while in the swap cache, else 0. */
  swap: number;
  /** folio_memcg(): the id of the memcg the folio is charged to (never MEMCG_ID_NONE). */
  readonly memcg: number;
  /** Holders mapping each page (the per-page map count). */
  pageMaps: number[];
  /** Holders mapping any page of the folio (the anon rmap). */
  readonly mappers: Set<number>;
}

export class FolioTable {
  /** The next PFN to hand out. */
  nextPfn = 1;
  /**
   * mem_map: the folio of each PFN handed out, undefined once freed (pfn_folio()). PFNs are
   * never reused, so the array only grows, one slot per folio ever allocated; slot 0 is no PFN.
   */
  private readonly byPfn: (Folio | undefined)[] = [undefined];
  /** Live folios. */
  private live = 0;

  /**
   * Allocates a folio of `pages.length` = 2^order pages, not mapped and not cached, charged to
   * memcg `memcg` (mem_cgroup_charge() of a fault or a copy, mem_cgroup_swapin_charge_folio()
   * of a read from swap: the id recorded for the entry).
   */
  alloc(order: number, pages: number[], dirty: boolean, memcg: number): Folio {
    // A page of the folio is named by a holder word's page field.
    assertThat(
      Number.isInteger(order) && order >= 0 && order <= HOLDER_PAGE_BITS,
      'folio order ',
      order,
    );
    assertThat(
      pages.length === 1 << order,
      'folio of order ',
      order,
      ' with ',
      pages.length,
      ' pages',
    );
    assert(this.nextPfn <= HOLDER_PFN_MAX, 'PFN space exhausted');
    assertThat(memcgIdIsRecorded(memcg), 'folio charged to no memcg (id ', memcg, ')');
    const folio: Folio = {
      pfn: this.nextPfn++, // the index of its slot in byPfn
      order,
      pages,
      dirty,
      swapcache: false,
      swap: 0,
      memcg,
      pageMaps: new Array<number>(pages.length).fill(0),
      mappers: new Set(),
    };
    this.byPfn.push(folio);
    this.live++;
    return folio;
  }

  /** The live folio `pfn`, or undefined. */
  get(pfn: number): Folio | undefined {
    const folio = Number.isInteger(pfn) ? this.byPfn[pfn] : undefined;
    assertThat(folio === undefined || folio.pfn === pfn, 'folio table slot ', pfn, ' corrupt');
    return folio;
  }

  /** The live folio `pfn`, asserting it exists. */
  of(pfn: number): Folio {
    const folio = this.byPfn[pfn];
    assertThat(folio !== undefined, 'folio ', pfn, ' is not live');
    assert(folio.pfn === pfn);
    return folio;
  }

  /** Frees `folio` when nothing holds it any more (folio_put() of the last reference). */
  freeIfUnused(folio: Folio): boolean {
    assertThat(this.byPfn[folio.pfn] === folio, 'folio ', folio.pfn, ' freed twice');
    if (folio.mappers.size > 0 || folio.swapcache) return false;
    assertThat(
      folio.pageMaps.every((n) => n === 0),
      'folio ',
      folio.pfn,
      ' has stray map counts',
    );
    this.byPfn[folio.pfn] = undefined;
    this.live--;
    return true;
  }

  get size(): number {
    return this.live;
  }

  /** Every live folio in PFN order. */
  all(): Folio[] {
    return this.byPfn.filter((folio) => folio !== undefined);
  }
}

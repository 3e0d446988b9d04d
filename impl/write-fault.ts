/**
 * The write fault on a present mapping that is not exclusive (mm/memory.c: do_wp_page()): the
 * page is reused when nothing else can see it (wp_can_reuse_anon_folio(), which first frees
 * an unused swap cache with folio_free_swap()), otherwise it is copied into a new order-0
 * folio (wp_page_copy()), after which the old folio goes if nothing holds it, or leaves the
 * swap cache if nothing maps it and no entry of it is held (free_swap_cache()). Either way the
 * mapping ends exclusive. free_swap_cache() is also what a zap of a present PTE runs on the
 * folio it unmapped (the mmu_gather batch: free_pages_and_swap_cache()).
 *
 * Not covered here: a store through an exclusive mapping (impl/ops-memory.ts write()) and the
 * swapin that ends in a write fault (impl/ops-swap-in.ts).
 */
import { assertThat } from '../lib/assert.ts';
import { mark } from './marks.ts';
import type { Folio } from './folio-table.ts';
import { holderMemcgId } from './memcg.ts';
import { presentAt } from './op-args.ts';
import type { SwapState } from './swap-state.ts';

/** How do_wp_page() resolved the fault, and whether it freed a swap cache. */
export interface WpResult {
  readonly how: 'reuse' | 'cow';
  readonly freedCache: boolean;
}

/**
 * do_wp_page() on the non-exclusive mapping at `holder`: stores `value` in the page it ends up
 * mapping, or keeps the page's content when `value` is null (a write-fault swapin).
 */
export function doWpPage(state: SwapState, holder: number, value: number | null): WpResult {
  const at = presentAt(state, holder);
  assertThat(
    at !== null && !state.isExclusive(holder),
    'holder ',
    holder,
    ' is not a shared mapping',
  );
  const { folio, page } = at;
  const content = value ?? folio.pages[page] ?? 0;
  if (wpCanReuseAnonFolio(state, folio, page)) {
    const freedCache = folio.swapcache;
    if (freedCache) assertThat(state.folioFreeSwap(folio), 'reuse of held folio ', folio.pfn);
    state.setExclusive(holder, true); // wp_page_reuse(): folio_move_anon_rmap(), maybe_mkwrite()
    folio.pages[page] = content;
    folio.dirty = true;
    state.marks.hit(mark['write-reuse']);
    return { how: 'reuse', freedCache };
  }
  state.unmapPage(holder);
  // wp_page_copy(): the copy is charged to the writing process's memcg.
  const copy = state.folios.alloc(0, [content], true, holderMemcgId(state.config, holder));
  state.mapPage(holder, copy, 0, true);
  state.marks.hit(mark['write-cow']);
  return { how: 'cow', freedCache: freeSwapCache(state, folio) };
}

/**
 * wp_can_reuse_anon_folio(): an order-0 folio no other holder maps, not in the swap cache or
 * in it with its entry unused (folio_free_swap() then succeeds). A large folio is always
 * copied (6.1 refuses it; the mm tree's __wp_can_reuse_large_anon_folio() is not modelled).
 */
function wpCanReuseAnonFolio(state: SwapState, folio: Folio, page: number): boolean {
  if (folio.order > 0 || folio.pageMaps[page] !== 1) return false;
  return !folio.swapcache || state.entriesUnused(state.entriesOf(folio));
}

/**
 * free_swap_cache() of a folio whose mapping just went: when nothing maps it any more it is
 * freed if it is not in the swap cache, or leaves the swap cache with its entries (and is
 * freed) when none of them is held. Returns whether a swap cache was freed.
 */
export function freeSwapCache(state: SwapState, folio: Folio): boolean {
  if (folio.mappers.size > 0) return false;
  if (!folio.swapcache) {
    assertThat(state.folios.freeIfUnused(folio), 'unmapped folio ', folio.pfn, ' still held');
    return false;
  }
  return state.folioFreeSwap(folio);
}

/**
 * Ops that work on memory without touching swap slots: fault (do_anonymous_page, an exclusive
 * mapping), write (in place through an exclusive mapping, else the write fault of
 * impl/write-fault.ts), fork of a present page (copy_present_pte: the page is no longer
 * exclusive) or a swap entry (copy_nonpresent_pte / swap_dup_entry_direct: neither swap PTE is
 * exclusive), split (split_folio, with __swap_cache_replace_folio for swap-cache folios) and
 * setZswap.
 *
 * Not covered here: ops that allocate, read or free swap (impl/ops-swap-out.ts,
 * impl/ops-swap-in.ts, impl/swapoff.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { mark } from './marks.ts';
import { costs } from './cost-counters.ts';
import type { FaultOp, ForkOp, SetZswapOp, SplitOp, WriteOp } from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import {
  HOLDER_EMPTY_WORD,
  holderIsExclusive,
  holderToPage,
  presentToHolderWord,
} from './holder-word.ts';
import { holderMemcgId } from './memcg.ts';
import { EINVAL, folioById, isIndex, isOrder, OK, presentAt, swapAt } from './op-args.ts';
import type { EntryLoc, KernelSteps, SwapState } from './swap-state.ts';
import { pfnToWord, wordIsPfn, wordToCount, wordToPfn, wordToZero } from './swap-table-word.ts';
import type { Folio } from './folio-table.ts';
import { doWpPage } from './write-fault.ts';

export function fault(state: SwapState, op: FaultOp): ImplOutcome {
  if (!isOrder(state, op.order) || !isIndex(op.holder, state.holders.length)) return EINVAL;
  const nr = 1 << op.order;
  if (op.holder % nr !== 0 || op.holder + nr > state.holders.length) return EINVAL;
  for (let h = op.holder; h < op.holder + nr; h++) {
    if (state.holders[h] !== HOLDER_EMPTY_WORD) return EINVAL;
  }
  // mem_cgroup_charge(): the new folio belongs to the faulting process's memcg.
  const memcg = holderMemcgId(state.config, op.holder);
  const folio = state.folios.alloc(op.order, new Array<number>(nr).fill(0), true, memcg);
  // folio_add_new_anon_rmap(..., RMAP_EXCLUSIVE)
  for (let i = 0; i < nr; i++) state.mapPage(op.holder + i, folio, i, true);
  assert(folio.mappers.size === nr);
  return OK;
}

export function write(state: SwapState, op: WriteOp): ImplOutcome {
  const at = presentAt(state, op.holder);
  if (at === null || typeof op.value !== 'number' || !Number.isFinite(op.value)) return EINVAL;
  const { folio, page } = at;
  assertThat((folio.pageMaps[page] ?? 0) >= 1, 'holder ', op.holder, ' maps an unmapped page');
  if (state.isExclusive(op.holder)) {
    // A writable PTE: no fault, and a swap-cache folio stays in the swap cache.
    assertThat(folio.pageMaps[page] === 1, 'exclusive holder ', op.holder, ' shares its page');
    folio.pages[page] = op.value;
    folio.dirty = true;
    return { errno: 'OK', how: 'in-place', freedCache: false };
  }
  const { how, freedCache } = doWpPage(state, op.holder, op.value); // handle_pte_fault()
  if (freedCache) state.marks.hit(mark['write-free-swap-cache']);
  return { errno: 'OK', how, freedCache };
}

export function fork(state: SwapState, op: ForkOp): ImplOutcome {
  const holders = state.holders.length;
  if (!isIndex(op.holder, holders) || !isIndex(op.target, holders)) return EINVAL;
  if (op.target === op.holder || state.holders[op.target] !== HOLDER_EMPTY_WORD) return EINVAL;
  const at = presentAt(state, op.holder);
  if (at !== null) {
    state.shareAnonPage(at.folio, at.page); // copy_present_pte(): folio_try_dup_anon_rmap_pte()
    state.mapPage(op.target, at.folio, at.page, false);
    return OK;
  }
  const entry = swapAt(state, op.holder);
  if (entry === null) return EINVAL;
  const loc = state.resolve(entry);
  if (!state.dup(loc, op.failAlloc === true)) {
    state.marks.hit(mark['enomem-dup']);
    return { errno: 'ENOMEM' };
  }
  state.swpClearExclusive(op.holder); // copy_nonpresent_pte(): pte_swp_clear_exclusive()
  state.setSwapHolder(op.target, entry, false);
  assert(state.count(loc) >= 2, () => `fork of ${entry} left count ${state.count(loc)}`);
  return OK;
}

export function split(state: SwapState, op: SplitOp): ImplOutcome {
  const folio = folioById(state, op.folio);
  if (folio === null || folio.order === 0) return EINVAL;
  const nr = 1 << folio.order;
  assert(folio.pages.length === nr && folio.pageMaps.length === nr, 'folio geometry');
  const tails = [];
  for (let page = 1; page < nr; page++) {
    tails.push(state.folios.alloc(0, [folio.pages[page] ?? 0], folio.dirty, folio.memcg));
  }
  if (folio.swapcache) {
    const locs = state.entriesOf(folio);
    for (let page = 1; page < nr; page++) {
      const loc = locs[page];
      const tail = tails[page - 1];
      assert(loc !== undefined && tail !== undefined);
      state.steps.swapCacheReplaceFolio(state, loc, folio, tail);
      tail.swapcache = true;
      tail.swap = folio.swap + page;
    }
    state.marks.hit(mark['split-swapcache']);
  }
  for (const holder of [...folio.mappers]) {
    const word = state.holders[holder] ?? 0;
    const page = holderToPage(word);
    if (page === 0) continue;
    const tail = tails[page - 1];
    assertThat(tail !== undefined, 'holder ', holder, ' maps page ', page);
    state.holders[holder] = presentToHolderWord(tail.pfn, 0, holderIsExclusive(word));
    state.steps.splitMoveRmap(folio, tail, holder);
  }
  folio.order = 0;
  folio.pages = [folio.pages[0] ?? 0];
  folio.pageMaps = [folio.pageMaps[0] ?? 0];
  for (const tail of tails) state.folios.freeIfUnused(tail);
  state.folios.freeIfUnused(folio);
  assertThat(folio.order === 0 && folio.pages.length === 1, 'folio ', folio.pfn, ' not split');
  return OK;
}

export function setZswap(state: SwapState, op: SetZswapOp): ImplOutcome {
  if (typeof op.enabled !== 'boolean') return EINVAL;
  state.zswapEnabled = op.enabled; // zswap_enabled_param_set()
  return OK;
}

/** __swap_cache_replace_folio(): the tail's slot names the tail, count and zero flag kept. */
function swapCacheReplaceFolio(state: SwapState, loc: EntryLoc, head: Folio, tail: Folio): void {
  const word = state.word(loc);
  assertThat(wordIsPfn(word) && wordToPfn(word) === head.pfn, loc.value, ' not bound');
  loc.cluster.tableOf()[loc.slot] = pfnToWord(tail.pfn, wordToCount(word), wordToZero(word));
  costs.tableWrites++;
}

/** The mapping moves from the head's anon rmap to the tail's, with the tail page's map count. */
function splitMoveRmap(head: Folio, tail: Folio, holder: number): void {
  head.mappers.delete(holder);
  tail.mappers.add(holder);
  tail.pageMaps[0] = (tail.pageMaps[0] ?? 0) + 1;
}

/** The steps of this file, correct. */
export const memorySteps = { swapCacheReplaceFolio, splitMoveRmap } satisfies Partial<KernelSteps>;

/**
 * Ops that work on memory without touching swap slots: fault (do_anonymous_page), write
 * (do_wp_page: copy-on-write or in place), fork of a present page or a swap entry
 * (copy_nonpresent_pte / swap_dup_entry_direct), split (split_folio, with
 * __swap_cache_replace_folio for swap-cache folios) and setZswap.
 *
 * Not covered here: ops that allocate, read or free swap (impl/ops-swap-out.ts,
 * impl/ops-swap-in.ts, impl/swapoff.ts).
 */
// @ts-nocheck

import { assert } from '../lib/assert.ts';
import { costs } from './cost-counters.ts';
import type { FaultOp, ForkOp, SetZswapOp, SplitOp, WriteOp } from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import { HOLDER_EMPTY_WORD, holderToPage, presentToHolderWord } from './holder-word.ts';
import { EINVAL, folioById, isIndex, isOrder, OK, presentAt, swapAt } from './op-args.ts';
import type { SwapState } from './swap-state.ts';
import { pfnToWord, wordIsPfn, wordToCount, wordToPfn, wordToZero } from './swap-table-word.ts';

export function fault(state: SwapState, op: FaultOp): ImplOutcome {
  if (!isOrder(state, op.order) || !isIndex(op.holder, state.holders.length)) return EINVAL;
  const nr = 2 ** op.order;
  if (op.holder % nr !== 0 || op.holder + nr > state.holders.length) return EINVAL;
  for (let h = op.holder; h < op.holder + nr; h++) {
    if (state.holders[h] !== HOLDER_EMPTY_WORD) return EINVAL;
  }
  const folio = state.folios.alloc(op.order, new Array<number>(nr).fill(0), true);
  for (let i = 0; i < nr; i++) state.mapPage(op.holder + i, folio, i);
  assert(folio.mappers.size === nr);
  return OK;
}

export function write(state: SwapState, op: WriteOp): ImplOutcome {
  const at = presentAt(state, op.holder);
  if (at === null || typeof op.value !== 'number' || !Number.isFinite(op.value)) return EINVAL;
  const { folio, page } = at;
  assert((folio.pageMaps[page] ?? 0) >= 1, () => `holder ${op.holder} maps an unmapped page`);
  let shared = (folio.pageMaps[page] ?? 0) > 1;
  if (!shared && folio.swapcache) {
    shared = state.count(state.resolve(folio.swap + page)) > 0;
  }
  if (!shared) {
    folio.pages[page] = op.value;
    folio.dirty = true;
    return { errno: 'OK', how: 'in-place' };
  }
  state.unmapPage(op.holder);
  const copy = state.folios.alloc(0, [op.value], true); // wp_page_copy()
  state.mapPage(op.holder, copy, 0);
  state.folios.freeIfUnused(folio);
  state.marks.hit('write-cow');
  return { errno: 'OK', how: 'cow' };
}

export function fork(state: SwapState, op: ForkOp): ImplOutcome {
  const holders = state.holders.length;
  if (!isIndex(op.holder, holders) || !isIndex(op.target, holders)) return EINVAL;
  if (op.target === op.holder || state.holders[op.target] !== HOLDER_EMPTY_WORD) return EINVAL;
  const at = presentAt(state, op.holder);
  if (at !== null) {
    state.mapPage(op.target, at.folio, at.page);
    return OK;
  }
  const entry = swapAt(state, op.holder);
  if (entry === null) return EINVAL;
  const loc = state.resolve(entry);
  if (!state.dup(loc, op.failAlloc === true)) {
    state.marks.hit('enomem-dup');
    return { errno: 'ENOMEM' };
  }
  state.setSwapHolder(op.target, entry);
  assert(state.count(loc) >= 2, () => `fork of ${entry} left count ${state.count(loc)}`);
  return OK;
}

export function split(state: SwapState, op: SplitOp): ImplOutcome {
  const folio = folioById(state, op.folio);
  if (folio === null || folio.order === 0) return EINVAL;
  const nr = 2 ** folio.order;
  assert(folio.pages.length === nr && folio.pageMaps.length === nr, 'folio geometry');
  const tails = [];
  for (let page = 1; page < nr; page++) {
    tails.push(state.folios.alloc(0, [folio.pages[page] ?? 0], folio.dirty));
  }
  if (folio.swapcache) {
    const locs = state.entriesOf(folio);
    for (let page = 1; page < nr; page++) {
      const loc = locs[page];
      const tail = tails[page - 1];
      assert(loc !== undefined && tail !== undefined);
      const word = state.word(loc);
      assert(wordIsPfn(word) && wordToPfn(word) === folio.pfn, () => `${loc.value} not bound`);
      // MUTANT split-wrong-folio: the tail's slot keeps the head's PFN after the split, so the
      // binding of page i points at the wrong folio (71e2d666ef85 / cfeed8ffe55b, brief §5 #13).
      const pfn = state.mutant === 'split-wrong-folio' ? folio.pfn : tail.pfn;
      loc.cluster.tableOf()[loc.slot] = pfnToWord(pfn, wordToCount(word), wordToZero(word));
      costs.tableWrites++;
      tail.swapcache = true; // __swap_cache_replace_folio()
      tail.swap = folio.swap + page;
    }
    state.marks.hit('split-swapcache');
  }
  for (const holder of [...folio.mappers]) {
    const page = holderToPage(state.holders[holder] ?? 0);
    if (page === 0) continue;
    const tail = tails[page - 1];
    assert(tail !== undefined, () => `holder ${holder} maps page ${page}`);
    state.holders[holder] = presentToHolderWord(tail.pfn, 0);
    // MUTANT split-rmap-stale: the PTE moves to the tail page but the holder stays in the
    // head's anon rmap (the folio-side metadata of a split is not carried over).
    if (state.mutant !== 'split-rmap-stale') folio.mappers.delete(holder);
    tail.mappers.add(holder);
    tail.pageMaps[0] = (tail.pageMaps[0] ?? 0) + 1;
  }
  folio.order = 0;
  folio.pages = [folio.pages[0] ?? 0];
  folio.pageMaps = [folio.pageMaps[0] ?? 0];
  for (const tail of tails) state.folios.freeIfUnused(tail);
  state.folios.freeIfUnused(folio);
  assert(folio.order === 0 && folio.pages.length === 1, () => `folio ${folio.pfn} not split`);
  return OK;
}

export function setZswap(state: SwapState, op: SetZswapOp): ImplOutcome {
  if (typeof op.enabled !== 'boolean') return EINVAL;
  state.zswapEnabled = op.enabled; // zswap_enabled_param_set()
  if (op.enabled) state.zswapEverEnabled = true;
  assert(!op.enabled || state.zswapEverEnabled);
  return OK;
}

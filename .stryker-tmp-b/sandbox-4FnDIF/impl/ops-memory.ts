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
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { assert } from '../lib/assert.ts';
import { costs } from './cost-counters.ts';
import type { FaultOp, ForkOp, SetZswapOp, SplitOp, WriteOp } from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import { HOLDER_EMPTY_WORD, holderToPage, presentToHolderWord } from './holder-word.ts';
import { EINVAL, folioById, isIndex, isOrder, OK, presentAt, swapAt } from './op-args.ts';
import type { SwapState } from './swap-state.ts';
import { pfnToWord, wordIsPfn, wordToCount, wordToPfn, wordToZero } from './swap-table-word.ts';
export function fault(state: SwapState, op: FaultOp): ImplOutcome {
  if (stryMutAct_9fa48("2") ? !isOrder(state, op.order) && !isIndex(op.holder, state.holders.length) : stryMutAct_9fa48("1") ? false : stryMutAct_9fa48("0") ? true : (stryCov_9fa48("0", "1", "2"), (stryMutAct_9fa48("3") ? isOrder(state, op.order) : (stryCov_9fa48("3"), !isOrder(state, op.order))) || (stryMutAct_9fa48("4") ? isIndex(op.holder, state.holders.length) : (stryCov_9fa48("4"), !isIndex(op.holder, state.holders.length))))) return EINVAL;
  const nr = 2 ** op.order;
  if (op.holder % nr !== 0 || (stryMutAct_9fa48("7") ? op.holder + nr <= state.holders.length : stryMutAct_9fa48("6") ? op.holder + nr >= state.holders.length : stryMutAct_9fa48("5") ? false : (stryCov_9fa48("5", "6", "7"), (stryMutAct_9fa48("8") ? op.holder - nr : (stryCov_9fa48("8"), op.holder + nr)) > state.holders.length))) return EINVAL;
  for (let h = op.holder; stryMutAct_9fa48("11") ? h >= op.holder + nr : stryMutAct_9fa48("10") ? h <= op.holder + nr : stryMutAct_9fa48("9") ? false : (stryCov_9fa48("9", "10", "11"), h < (stryMutAct_9fa48("12") ? op.holder - nr : (stryCov_9fa48("12"), op.holder + nr))); h++) {
    if (stryMutAct_9fa48("13")) {
      {}
    } else {
      stryCov_9fa48("13");
      if (stryMutAct_9fa48("16") ? state.holders[h] === HOLDER_EMPTY_WORD : stryMutAct_9fa48("15") ? false : stryMutAct_9fa48("14") ? true : (stryCov_9fa48("14", "15", "16"), state.holders[h] !== HOLDER_EMPTY_WORD)) return EINVAL;
    }
  }
  const folio = state.folios.alloc(op.order, new Array<number>(nr).fill(0), true);
  for (let i = 0; i < nr; i++) state.mapPage(op.holder + i, folio, i);
  assert(folio.mappers.size === nr);
  return OK;
}
export function write(state: SwapState, op: WriteOp): ImplOutcome {
  const at = presentAt(state, op.holder);
  if (stryMutAct_9fa48("19") ? (at === null || typeof op.value !== 'number') && !Number.isFinite(op.value) : stryMutAct_9fa48("18") ? false : stryMutAct_9fa48("17") ? true : (stryCov_9fa48("17", "18", "19"), (stryMutAct_9fa48("21") ? at === null && typeof op.value !== 'number' : stryMutAct_9fa48("20") ? false : (stryCov_9fa48("20", "21"), (stryMutAct_9fa48("23") ? at !== null : stryMutAct_9fa48("22") ? false : (stryCov_9fa48("22", "23"), at === null)) || (stryMutAct_9fa48("25") ? typeof op.value === 'number' : stryMutAct_9fa48("24") ? false : (stryCov_9fa48("24", "25"), typeof op.value !== (stryMutAct_9fa48("26") ? "" : (stryCov_9fa48("26"), 'number')))))) || (stryMutAct_9fa48("27") ? Number.isFinite(op.value) : (stryCov_9fa48("27"), !Number.isFinite(op.value))))) return EINVAL;
  const {
    folio,
    page
  } = at;
  assert((folio.pageMaps[page] ?? 0) >= 1, () => `holder ${op.holder} maps an unmapped page`);
  let shared = (folio.pageMaps[page] ?? 0) > 1;
  if (!shared && folio.swapcache) {
    shared = state.count(state.resolve(folio.swap + page)) > 0;
  }
  if (!shared) {
    folio.pages[page] = op.value;
    folio.dirty = true;
    return {
      errno: 'OK',
      how: 'in-place'
    };
  }
  state.unmapPage(op.holder);
  const copy = state.folios.alloc(0, [op.value], true); // wp_page_copy()
  state.mapPage(op.holder, copy, 0);
  state.folios.freeIfUnused(folio);
  state.marks.hit('write-cow');
  return {
    errno: 'OK',
    how: 'cow'
  };
}
export function fork(state: SwapState, op: ForkOp): ImplOutcome {
  const holders = state.holders.length;
  if (stryMutAct_9fa48("30") ? !isIndex(op.holder, holders) && !isIndex(op.target, holders) : stryMutAct_9fa48("29") ? false : stryMutAct_9fa48("28") ? true : (stryCov_9fa48("28", "29", "30"), (stryMutAct_9fa48("31") ? isIndex(op.holder, holders) : (stryCov_9fa48("31"), !isIndex(op.holder, holders))) || (stryMutAct_9fa48("32") ? isIndex(op.target, holders) : (stryCov_9fa48("32"), !isIndex(op.target, holders))))) return EINVAL;
  if (stryMutAct_9fa48("35") ? op.target === op.holder && state.holders[op.target] !== HOLDER_EMPTY_WORD : stryMutAct_9fa48("34") ? false : stryMutAct_9fa48("33") ? true : (stryCov_9fa48("33", "34", "35"), (stryMutAct_9fa48("37") ? op.target !== op.holder : stryMutAct_9fa48("36") ? false : (stryCov_9fa48("36", "37"), op.target === op.holder)) || (stryMutAct_9fa48("39") ? state.holders[op.target] === HOLDER_EMPTY_WORD : stryMutAct_9fa48("38") ? false : (stryCov_9fa48("38", "39"), state.holders[op.target] !== HOLDER_EMPTY_WORD)))) return EINVAL;
  const at = presentAt(state, op.holder);
  if (at !== null) {
    state.mapPage(op.target, at.folio, at.page);
    return OK;
  }
  const entry = swapAt(state, op.holder);
  if (stryMutAct_9fa48("42") ? entry !== null : stryMutAct_9fa48("41") ? false : stryMutAct_9fa48("40") ? true : (stryCov_9fa48("40", "41", "42"), entry === null)) return EINVAL;
  const loc = state.resolve(entry);
  if (!state.dup(loc, op.failAlloc === true)) {
    state.marks.hit('enomem-dup');
    return {
      errno: 'ENOMEM'
    };
  }
  state.setSwapHolder(op.target, entry);
  assert(state.count(loc) >= 2, () => `fork of ${entry} left count ${state.count(loc)}`);
  return OK;
}
export function split(state: SwapState, op: SplitOp): ImplOutcome {
  const folio = folioById(state, op.folio);
  if (folio === null || (stryMutAct_9fa48("44") ? folio.order !== 0 : stryMutAct_9fa48("43") ? false : (stryCov_9fa48("43", "44"), folio.order === 0))) return EINVAL;
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
      stryMutAct_9fa48("45") ? costs.tableWrites-- : (stryCov_9fa48("45"), costs.tableWrites++);
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
  if (op.enabled) state.zswapEverEnabled = stryMutAct_9fa48("46") ? false : (stryCov_9fa48("46"), true);
  assert(!op.enabled || state.zswapEverEnabled);
  return OK;
}
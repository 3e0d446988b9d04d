/**
 * Ops on the way back from swap and on swap PTEs: swapin (do_swap_page: swap-cache hit or a
 * read into a new swap-cache folio, optionally large, then should_try_to_free_swap()), zap
 * (zap_pte_range / swap_put_entries_direct, with __try_to_reclaim_swap(TTRS_UNMAPPED |
 * TTRS_FULL)) and zswapWriteback (zswap_writeback_entry: same slot for a physical entry, a
 * redirect to a new physical slot for a virtual one).
 *
 * Not covered here: swapoff's reads (impl/swapoff.ts).
 */
// @ts-nocheck

import { assert } from '../lib/assert.ts';
import { costs } from './cost-counters.ts';
import type { SwapinOp, ZapOp, ZswapWritebackOp } from '../lib/ops.ts';
import type { How, ImplOutcome, Reclaim } from '../lib/outcome.ts';
import type { Folio } from './folio-table.ts';
import { EINVAL, isIndex, isOrder, OK, presentAt, swapAt, withReclaims } from './op-args.ts';
import { allocBacking } from './reclaim.ts';
import type { EntryLoc, SwapState } from './swap-state.ts';
import { wordIsShadow } from './swap-table-word.ts';
import { vtWordToPhysOffset, vtWordToPhysType } from './virtual-table-word.ts';

export function swapin(state: SwapState, op: SwapinOp): ImplOutcome {
  if (!isOrder(state, op.order)) return EINVAL;
  const entry = swapAt(state, op.holder);
  if (entry === null) return EINVAL;
  const loc = state.resolve(entry);
  const cached = state.cachedFolio(loc);
  if (cached !== null) {
    state.clearHolder(op.holder);
    state.mapPage(op.holder, cached, entry - cached.swap);
    state.put(loc);
    assert(cached.mappers.has(op.holder), () => `holder ${op.holder} not mapped after a cache hit`);
    const freedCache = shouldFreeSwap(state, cached, loc);
    assert(!freedCache || !cached.swapcache, 'freed swap cache still bound');
    return { errno: 'OK', how: 'cache-hit', freedCache };
  }
  if (op.failAlloc === true) {
    state.marks.hit('enomem-swapin');
    return { errno: 'ENOMEM' };
  }
  const batch = op.order > 0 ? largeBatch(state, op.holder, op.order) : null;
  const locs = batch ?? [loc];
  const base = op.holder - (op.holder % locs.length);
  const holders = locs.map((_, i) => base + i);
  const kind = state.backendKind(loc);
  assert(kind !== 'none', () => `swapin of ${loc.value} with neither cache nor backend`);
  assert(locs.every((l) => state.cachedFolio(l) === null), 'read of a cached entry');
  const pages = locs.map((l) => state.readBackend(l));
  const order = batch === null ? 0 : op.order;
  const folio = state.folios.alloc(order, pages, kind === 'zswap');
  state.bindRead(folio, locs);
  if (kind === 'zswap') state.releaseBackend(loc); // exclusive load
  locs.forEach((l, i) => {
    const holder = holders[i];
    assert(holder !== undefined);
    state.clearHolder(holder);
    state.mapPage(holder, folio, i);
    state.put(l);
  });
  if (batch !== null) state.marks.hit('swapin-large');
  const how: How = kind === 'zswap' ? 'read-zswap' : kind === 'zero' ? 'read-zero' : 'read-disk';
  const sync = syncDevice(state, loc);
  const freedCache = shouldFreeSwap(state, folio, loc);
  // MUTANT zswap-load-no-owner: on a SWP_SYNCHRONOUS_IO device the read bypasses the swap
  // cache, yet the zswap load stays exclusive: the compressed copy is gone and no swap-cache
  // folio owns the data for the other holders of the entry (25cd241408a2, brief §5 #3).
  if (state.mutant === 'zswap-load-no-owner' && kind === 'zswap' && sync && folio.swapcache) {
    state.deleteFromSwapCache(folio, false);
    folio.dirty = true;
  }
  return { errno: 'OK', how, order, freedCache };
}

/** Whether the entry lives on (or is backed by) a SWP_SYNCHRONOUS_IO device. */
function syncDevice(state: SwapState, loc: EntryLoc): boolean {
  const type = state.backendDevice(loc);
  return type !== null && state.devices[type]?.config.synchronousIo === true;
}

/**
 * The entries of a large swapin around `holder`, or null when the batch is not uniform
 * (thp_swapin_suitable_orders() / swap_cache_alloc_folio() batch checks): contiguous aligned
 * entries, none cached, zswap never enabled, and all zero or all disk on one device with
 * contiguous aligned backing.
 */
function largeBatch(state: SwapState, holder: number, order: number): EntryLoc[] | null {
  const nr = 2 ** order;
  const base = holder - (holder % nr);
  assert(order > 0 && order <= state.config.orderMax, () => `large read of order ${order}`);
  if (state.zswapEverEnabled || base + nr > state.holders.length) return null;
  const first = swapAt(state, base);
  if (first === null) return null;
  const head = state.resolve(first);
  if (head.offset % nr !== 0) return null;
  const locs: EntryLoc[] = [];
  for (let i = 0; i < nr; i++) {
    if (swapAt(state, base + i) !== first + i) return null;
    const loc = { ...head, value: first + i, offset: head.offset + i, slot: head.slot + i };
    if (!wordIsShadow(state.word(loc))) return null;
    locs.push(loc);
  }
  const kinds = new Set(locs.map((loc) => state.backendKind(loc)));
  if (kinds.size !== 1) return null;
  if (kinds.has('zero')) return locs;
  if (!kinds.has('disk')) return null;
  if (!head.virtual) return locs;
  const vt = state.vtWord(head);
  const type = vtWordToPhysType(vt);
  const offset = vtWordToPhysOffset(vt);
  if (offset % nr !== 0) return null;
  const contiguous = locs.every((loc, i) => vtWordToPhysType(state.vtWord(loc)) === type &&
    vtWordToPhysOffset(state.vtWord(loc)) === offset + i);
  return contiguous ? locs : null;
}

/**
 * should_try_to_free_swap() after mapping: free the swap cache when the entry's device is
 * synchronous, swap is more than half full, or a virtual entry is not disk-backed, and no
 * entry of the folio is still referenced.
 */
function shouldFreeSwap(state: SwapState, folio: Folio, loc: EntryLoc): boolean {
  assert(folio.swapcache, () => `folio ${folio.pfn} left the swap cache early`);
  const type = state.backendDevice(loc);
  const device = type === null ? undefined : state.devices[type];
  const wanted = device?.config.synchronousIo === true || state.vmSwapFull() ||
    (loc.virtual && state.backendKind(loc) !== 'disk');
  if (!wanted) return false;
  const freed = state.folioFreeSwap(folio);
  if (freed) state.marks.hit('swapin-free-swap-cache');
  assert(freed === !folio.swapcache, () => `folio ${folio.pfn} cache state after free`);
  return freed;
}

export function zap(state: SwapState, op: ZapOp): ImplOutcome {
  if (!isIndex(op.holder, state.holders.length)) return EINVAL;
  const at = presentAt(state, op.holder);
  if (at !== null) {
    state.unmapPage(op.holder);
    state.folios.freeIfUnused(at.folio);
    return OK;
  }
  const entry = swapAt(state, op.holder);
  if (entry === null) return EINVAL;
  const loc = state.resolve(entry);
  const before = state.count(loc);
  state.clearHolder(op.holder);
  state.put(loc);
  assert(state.count(loc) === before - 1, () => `zap of ${entry} did not drop one reference`);
  if (state.count(loc) > 0) return { errno: 'OK', freedCache: false };
  const folio = state.cachedFolio(loc);
  if (folio === null) {
    // MUTANT put-skips-free: the last put of an uncached entry leaves its slot allocated with
    // count 0 and no swap cache, the state a first dup must refuse (swap_dup_entry_direct()'s
    // "count 0 and not cached" check); sequentially no op can dup it, so the stray slot is
    // what gets caught.
    if (state.mutant === 'put-skips-free') return { errno: 'OK', freedCache: false };
    state.freeEntry(loc, 'put');
    return { errno: 'OK', freedCache: false };
  }
  if (folio.mappers.size > 0 || !state.vmSwapFull()) return { errno: 'OK', freedCache: false };
  const freed = state.folioFreeSwap(folio); // __try_to_reclaim_swap(TTRS_UNMAPPED | TTRS_FULL)
  if (freed) state.marks.hit('zap-reclaim-swap-cache');
  return { errno: 'OK', freedCache: freed };
}

export function zswapWriteback(state: SwapState, op: ZswapWritebackOp): ImplOutcome {
  const entry = swapAt(state, op.holder);
  if (entry === null) return EINVAL;
  const loc = state.resolve(entry);
  if (state.backendKind(loc) !== 'zswap') return EINVAL;
  if (state.cachedFolio(loc) !== null) return { errno: 'EEXIST' };
  if (op.failAlloc === true) {
    state.marks.hit('enomem-zswap-writeback');
    return { errno: 'ENOMEM' };
  }
  const content = state.zswap.load(state.zswapHandle(loc));
  const stored = state.zswap.stored;
  assert(stored > 0, 'zswap writeback with an empty pool');
  if (!loc.virtual) {
    state.writeOwnSlot(loc, content);
    assert(state.backendKind(loc) === 'disk' && state.zswap.stored === stored - 1);
    state.marks.hit('zswap-writeback-same-slot');
    return OK;
  }
  const reclaimed: Reclaim[] = [];
  const run = allocBacking(state, [loc], 0, null, reclaimed);
  if (run === null) {
    state.enospc = { opSeq: state.opSeq, order: 0, space: 'physical' };
    state.marks.hit('enospc-zswap-writeback');
    return withReclaims({ errno: 'ENOSPC' }, reclaimed);
  }
  state.releaseBackend(loc);
  state.setPhys(loc, run.device, run.offset, content);
  // MUTANT redirect-drops-shadow: the redirection (an indirect-to-direct backing change)
  // rewrites the swap table word from scratch and loses the workingset shadow (brief §7.3
  // #15: a conversion preserves count, cache, shadow and zero).
  if (state.mutant === 'redirect-drops-shadow') state.dropShadow(loc);
  assert(state.backendKind(loc) === 'disk' && state.zswap.stored === stored - 1);
  state.marks.hit('zswap-writeback-redirect');
  costs.redirections++;
  return withReclaims({ errno: 'OK', device: run.device.type }, reclaimed);
}

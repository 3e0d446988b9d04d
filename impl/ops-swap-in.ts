/**
 * Ops on the way back from swap and on swap PTEs: swapin (do_swap_page: a swap-cache hit,
 * mapping the whole large folio when its range of PTEs still holds its entries, or a read into
 * a new swap-cache folio, large only on a synchronous-I/O device; each mapping exclusive as
 * its swap PTE was; then should_try_to_free_swap(), and do_wp_page() for a write fault on a
 * mapping that is not exclusive), zap (zap_pte_range: of a present PTE, free_swap_cache() of
 * the folio; of a swap PTE, swap_put_entries_direct() with __try_to_reclaim_swap(TTRS_UNMAPPED
 * | TTRS_FULL)) and zswapWriteback (zswap_writeback_entry: same slot for a physical entry, a
 * redirect to a new physical slot for a virtual one).
 *
 * Not covered here: swapoff's reads (impl/swapoff.ts), the write fault (impl/write-fault.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { mark } from './marks.ts';
import { costs } from './cost-counters.ts';
import type { SwapinOp, ZapOp, ZswapWritebackOp } from '../lib/ops.ts';
import type { How, ImplOutcome, Reclaim } from '../lib/outcome.ts';
import type { Folio } from './folio-table.ts';
import { EINVAL, isIndex, isOrder, OK, presentAt, swapAt, withReclaims } from './op-args.ts';
import { allocBacking, freeBacking } from './reclaim.ts';
import type { PhysicalRun } from './physical-allocator.ts';
import { nextLoc, type EntryLoc, type KernelSteps, type SwapState } from './swap-state.ts';
import { wordIsShadow } from './swap-table-word.ts';
import { vtWordIsPhys, vtWordToPhysOffset, vtWordToPhysType } from './virtual-table-word.ts';
import { doWpPage, freeSwapCache } from './write-fault.ts';

export function swapin(state: SwapState, op: SwapinOp): ImplOutcome {
  if (!isOrder(state, op.order)) return EINVAL;
  const entry = swapAt(state, op.holder);
  if (entry === null) return EINVAL;
  const loc = state.resolve(entry);
  const cached = state.cachedFolio(loc);
  if (cached !== null) {
    const mapped = swapinCacheHit(state, op.holder, loc, cached);
    return finishSwapin(state, op, loc, cached, mapped, 'cache-hit', null);
  }
  if (op.failAlloc === true) {
    state.marks.hit(mark['enomem-swapin']);
    return { errno: 'ENOMEM' };
  }
  return state.steps.swapinRead(state, op, loc);
}

/**
 * The read of an uncached entry (of the aligned batch around it on a synchronous-I/O device)
 * into a new swap-cache folio, charged to the entry's memcg; a zswap load is exclusive.
 */
function swapinRead(state: SwapState, op: SwapinOp, loc: EntryLoc): ImplOutcome {
  const batch = op.order > 0 ? largeBatch(state, op.holder, op.order) : null;
  const locs = batch ?? [loc];
  const base = op.holder - (op.holder % locs.length);
  const holders = locs.map((_, i) => base + i);
  const kind = state.backendKind(loc);
  assertThat(kind !== 'none', 'swapin of ', loc.value, ' with neither cache nor backend');
  assert(
    locs.every((l) => state.cachedFolio(l) === null),
    'read of a cached entry',
  );
  const pages = locs.map((l) => state.readBackend(l));
  const order = batch === null ? 0 : op.order;
  // mem_cgroup_swapin_charge_folio(): the folio is charged to the memcg recorded for the entry.
  const folio = state.folios.alloc(order, pages, kind === 'zswap', state.memcgIdOf(loc));
  state.bindRead(folio, locs);
  if (kind === 'zswap') state.releaseBackend(loc); // exclusive load
  locs.forEach((l, i) => state.mapFromSwap(holders[i] ?? -1, l, folio, i));
  if (batch !== null) state.marks.hit(mark['swapin-large']);
  const how: How = kind === 'zswap' ? 'read-zswap' : kind === 'zero' ? 'read-zero' : 'read-disk';
  return finishSwapin(state, op, loc, folio, holders, how, order);
}

/**
 * A swap-cache hit on `folio`: the whole large folio is mapped when the aligned range of
 * holders around `holder` still holds its entries in order, each swap PTE with the exclusive
 * bit of `holder`'s ("entirely map large folios found in swapcache"; swap_pte_batch() compares
 * whole PTEs), else only `holder` maps its page. Returns the holders that mapped.
 */
function swapinCacheHit(state: SwapState, holder: number, loc: EntryLoc, folio: Folio): number[] {
  const page = loc.value - folio.swap;
  const base = holder - page;
  const nr = folio.pages.length;
  const entries =
    folio.order > 0 &&
    base >= 0 &&
    base % nr === 0 &&
    base + nr <= state.holders.length &&
    folio.pages.every((_, i) => swapAt(state, base + i) === folio.swap + i);
  const exclusive = state.swpExclusive(holder);
  const whole = entries && folio.pages.every((_, i) => state.swpExclusive(base + i) === exclusive);
  if (entries && !whole) state.marks.hit(mark['swapin-cache-hit-mixed-exclusive']);
  if (!whole) {
    state.mapFromSwap(holder, loc, folio, page);
    return [holder];
  }
  const locs = state.entriesOf(folio);
  const holders = locs.map((_, i) => base + i);
  locs.forEach((l, i) => state.mapFromSwap(base + i, l, folio, i));
  state.marks.hit(mark['swapin-cache-hit-whole']);
  return holders;
}

/**
 * After mapping: should_try_to_free_swap(), then do_wp_page() when the fault is a write and
 * the faulting mapping is not exclusive. `mapped` are the holders the swapin mapped; `how` is
 * the path it took, and `order` the order of the folio a read made (null for a cache hit).
 */
export function finishSwapin(
  state: SwapState,
  op: SwapinOp,
  loc: EntryLoc,
  folio: Folio,
  mapped: readonly number[],
  how: How,
  order: number | null,
): ImplOutcome {
  assertThat(folio.mappers.has(op.holder), 'holder ', op.holder, ' not mapped after swapin');
  const write = op.write === true;
  let freedCache = shouldFreeSwap(state, folio, loc, write, mapped);
  assert(!freedCache || !folio.swapcache, 'freed swap cache still bound');
  if (freedCache) state.marks.hit(mark['swapin-free-swap-cache']);
  if (!write || state.isExclusive(op.holder)) {
    return order === null
      ? { errno: 'OK', how, freedCache }
      : { errno: 'OK', how, order, freedCache };
  }
  const wp = doWpPage(state, op.holder, null); // do_swap_page(): FAULT_FLAG_WRITE
  if (wp.freedCache) state.marks.hit(mark['swapin-free-swap-cache']);
  freedCache = freedCache || wp.freedCache;
  return order === null
    ? { errno: 'OK', how, freedCache, wp: wp.how }
    : { errno: 'OK', how, order, freedCache, wp: wp.how };
}

/** Whether the entry lives on (or is backed by) a SWP_SYNCHRONOUS_IO device. */
export function syncDevice(state: SwapState, loc: EntryLoc): boolean {
  const type = state.backendDevice(loc);
  return type !== null && state.devices[type]?.config.synchronousIo === true;
}

/**
 * The entries of a large swapin around `holder`, or null when the batch does not qualify
 * (can_swapin_thp(), swapin_sync() and __swap_cache_alloc()): contiguous aligned entries, none
 * cached, swap PTEs with one exclusive bit (swap_pte_batch() compares whole PTEs), none in
 * zswap (per range: zswap_is_present(), a stale object too), all zero or all disk, on one
 * SWP_SYNCHRONOUS_IO device (a physical entry's own; a virtual entry's disk backing, which
 * must then be contiguous and aligned; zero-filled virtual entries have no device), and
 * recorded for one memcg (__swap_cache_add_check()).
 */
export function largeBatch(state: SwapState, holder: number, order: number): EntryLoc[] | null {
  const nr = 1 << order;
  const base = holder - (holder % nr);
  assertThat(order > 0 && order <= state.config.orderMax, 'large read of order ', order);
  if (base + nr > state.holders.length) return null;
  const first = swapAt(state, base);
  if (first === null) return null;
  const head = state.resolve(first);
  if (head.offset % nr !== 0) return null;
  const locs: EntryLoc[] = [];
  for (let i = 0; i < nr; i++) {
    if (swapAt(state, base + i) !== first + i) return null;
    const loc = nextLoc(head, i);
    if (!wordIsShadow(state.word(loc))) return null;
    locs.push(loc);
  }
  const exclusive = state.swpExclusive(base);
  if (locs.some((_, i) => state.swpExclusive(base + i) !== exclusive)) {
    state.marks.hit(mark['swapin-large-mixed-exclusive']);
    return null;
  }
  // A stale zswap object is a tree entry too (zswap_is_present()).
  if (locs.some((loc) => state.hasStaleZswap(loc))) {
    state.marks.hit(mark['swapin-large-stale-zswap']);
    return null;
  }
  const kinds = new Set(locs.map((loc) => state.backendKind(loc)));
  if (kinds.size !== 1 || !(kinds.has('zero') || kinds.has('disk'))) return null;
  if (!syncDevice(state, head)) return null; // swapin_readahead(): order 0
  // __swap_cache_add_check(): a batch needs one memcg id.
  const id = state.memcgIdOf(head);
  if (locs.some((loc) => state.memcgIdOf(loc) !== id)) {
    state.marks.hit(mark['swapin-large-mixed-memcg']);
    return null;
  }
  if (!head.virtual) return locs;
  const vt = state.vtWord(head);
  const type = vtWordToPhysType(vt);
  const offset = vtWordToPhysOffset(vt);
  if (offset % nr !== 0) return null;
  const contiguous = locs.every(
    (loc, i) =>
      vtWordToPhysType(state.vtWord(loc)) === type &&
      vtWordToPhysOffset(state.vtWord(loc)) === offset + i,
  );
  return contiguous ? locs : null;
}

/**
 * should_try_to_free_swap() after mapping: free the swap cache when no entry of the folio is
 * still referenced and the entry's device is synchronous, swap (or the folio's memcg's swap)
 * is full (mem_cgroup_swap_full()), a virtual entry is not disk-backed, or the fault is a
 * write and no holder other than `mapped` maps the folio (folio_ref_count() == 1 + nr_pages).
 */
function shouldFreeSwap(
  state: SwapState,
  folio: Folio,
  loc: EntryLoc,
  write: boolean,
  mapped: readonly number[],
): boolean {
  assertThat(folio.swapcache, 'folio ', folio.pfn, ' left the swap cache early');
  const type = state.backendDevice(loc);
  const device = type === null ? undefined : state.devices[type];
  const alone = mappedOnlyBy(folio, mapped);
  const other =
    device?.config.synchronousIo === true ||
    (loc.virtual && state.backendKind(loc) !== 'disk') ||
    (write && alone);
  const full = state.memcgSwapFull(folio);
  if (!other && !full) return false;
  const freed = state.folioFreeSwap(folio);
  assertThat(freed === !folio.swapcache, 'folio ', folio.pfn, ' cache state after free');
  // The memcg arm of mem_cgroup_swap_full() alone freed it.
  if (freed && !other && !state.vmSwapFull()) state.marks.hit(mark['memcg-swap-full-free-swapin']);
  return freed;
}

/** Whether no holder other than `mapped` maps `folio` (folio_ref_count() == 1 + nr_pages). */
function mappedOnlyBy(folio: Folio, mapped: readonly number[]): boolean {
  for (const holder of folio.mappers) if (!mapped.includes(holder)) return false;
  return true;
}

export function zap(state: SwapState, op: ZapOp): ImplOutcome {
  if (!isIndex(op.holder, state.holders.length)) return EINVAL;
  const at = presentAt(state, op.holder);
  if (at !== null) {
    state.unmapPage(op.holder); // zap_present_ptes()
    const freed = freeSwapCache(state, at.folio); // free_pages_and_swap_cache()
    if (freed) state.marks.hit(mark['zap-free-swap-cache']);
    return { errno: 'OK', freedCache: freed };
  }
  const entry = swapAt(state, op.holder);
  if (entry === null) return EINVAL;
  const loc = state.resolve(entry);
  const before = state.count(loc);
  state.clearHolder(op.holder);
  state.put(loc);
  assertThat(state.count(loc) === before - 1, 'zap of ', entry, ' did not drop one reference');
  if (state.count(loc) > 0) return { errno: 'OK', freedCache: false };
  const folio = state.cachedFolio(loc);
  if (folio === null) {
    state.steps.freeAfterPut(state, loc);
    return { errno: 'OK', freedCache: false };
  }
  const freed = tryToReclaimSwap(state, folio);
  if (freed) state.marks.hit(mark['zap-reclaim-swap-cache']);
  return { errno: 'OK', freedCache: freed };
}

/**
 * __try_to_reclaim_swap(TTRS_UNMAPPED | TTRS_FULL) after the last reference of a cached
 * entry went: folio_free_swap() when every entry of the folio is unused and the folio is
 * unmapped, or swap (or the folio's memcg's swap) is full (mem_cgroup_swap_full()) and every
 * entry is physically backed (RFC v2 patches 2 and 3: the FULL arm skips vswap entries without
 * physical backing, folio_phys_swap_backed()).
 */
function tryToReclaimSwap(state: SwapState, folio: Folio): boolean {
  const locs = state.entriesOf(folio);
  if (!state.entriesUnused(locs)) return false;
  const unmapped = folio.mappers.size === 0;
  const physical = locs.every((loc) => !loc.virtual || vtWordIsPhys(state.vtWord(loc)));
  const full = physical && state.memcgSwapFull(folio);
  if (!unmapped && !full) return false;
  // The memcg arm of mem_cgroup_swap_full() alone reclaims a mapped folio.
  if (!unmapped && !state.vmSwapFull()) state.marks.hit(mark['memcg-swap-full-zap-reclaim']);
  return state.folioFreeSwap(folio);
}

export function zswapWriteback(state: SwapState, op: ZswapWritebackOp): ImplOutcome {
  const entry = swapAt(state, op.holder);
  if (entry === null) return EINVAL;
  const loc = state.resolve(entry);
  if (state.backendKind(loc) !== 'zswap') return EINVAL;
  if (state.cachedFolio(loc) !== null) return { errno: 'EEXIST' };
  if (op.failAlloc === true) {
    state.marks.hit(mark['enomem-zswap-writeback']);
    return { errno: 'ENOMEM' };
  }
  const content = state.zswap.load(state.zswapHandle(loc));
  const stored = state.zswap.stored;
  assert(stored > 0, 'zswap writeback with an empty pool');
  if (!loc.virtual) {
    state.writeOwnSlot(loc, content);
    assert(state.backendKind(loc) === 'disk' && state.zswap.stored === stored - 1);
    state.marks.hit(mark['zswap-writeback-same-slot']);
    return OK;
  }
  const reclaimed: Reclaim[] = [];
  const run = allocBacking(state, [loc], 0, null, reclaimed);
  if (run === null) {
    state.enospc = { opSeq: state.opSeq, order: 0, space: 'physical', tried: null };
    state.marks.hit(mark['enospc-zswap-writeback']);
    return withReclaims({ errno: 'ENOSPC' }, reclaimed);
  }
  // folio_realloc_swap() charges the new backing to the entry's memcg (RFC patch 4): at
  // swap.max the slot goes back and the object stays in zswap.
  if (!state.steps.chargeBacking(state, state.memcgIdOf(loc), 1)) {
    freeBacking(state, run, 1);
    state.marks.hit(mark['memcg-charge-fail-writeback']);
    return withReclaims({ errno: 'ENOMEM', device: run.device.type }, reclaimed);
  }
  state.steps.redirectBacking(state, loc, run, content);
  assert(state.backendKind(loc) === 'disk' && state.zswap.stored === stored - 1);
  state.marks.hit(mark['zswap-writeback-redirect']);
  costs.redirections++;
  return withReclaims({ errno: 'OK', device: run.device.type }, reclaimed);
}

/** swap_put_entries_direct(): the slot of an uncached entry is freed with its last reference. */
function freeAfterPut(state: SwapState, loc: EntryLoc): void {
  state.freeEntry(loc, 'put');
}

/** The old backend goes; count, cache binding, shadow and zero flag stay. */
function redirectBacking(state: SwapState, loc: EntryLoc, run: PhysicalRun, content: number): void {
  state.releaseBackend(loc);
  state.setPhys(loc, run.device, run.offset, content);
}

/** The steps of this file, correct. */
export const swapInSteps = {
  swapinRead,
  freeAfterPut,
  redirectBacking,
} satisfies Partial<KernelSteps>;

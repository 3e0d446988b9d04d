/**
 * Ops on the way out to swap: allocSwap (folio_alloc_swap: the virtual space first where the
 * design says so, falling back to a physical device unless every entry must be virtual; the
 * memcg charge of physical entries), unmap (try_to_unmap_one + folio_dup_swap, the swap PTE
 * exclusive as the mapping was), writeout (swap_writeout: free, clean, zero, zswap or disk), evict
 * (reclaim of a clean swap-cache folio, leaving shadows) and freeSwapCache (folio_free_swap).
 *
 * Not covered here: the allocators (impl/physical-allocator.ts, impl/virtual-space.ts) and
 * reclaim (impl/reclaim.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { mark } from './marks.ts';
import type { AllocSwapOp, EvictOp, FreeSwapCacheOp, UnmapOp, WriteoutOp } from '../lib/ops.ts';
import type { ImplOutcome, Reclaim } from '../lib/outcome.ts';
import { swpEntry, VSWAP_TYPE } from './entry-value.ts';
import type { Folio } from './folio-table.ts';
import { EBUSY, EINVAL, folioById, OK, presentAt, withReclaims } from './op-args.ts';
import { allocBacking, allocHooks, freeBacking } from './reclaim.ts';
import type { EntryLoc, KernelSteps, SwapState } from './swap-state.ts';
import { vtWordIsPhys, vtWordToPhysOffset, vtWordToPhysType } from './virtual-table-word.ts';

/**
 * Whether folio_alloc_swap() tries the virtual space first: always (every entry virtual),
 * first (RFC v1/v2 as posted: every swap-out, falling back to a physical device), or
 * when-zswap while zswap is enabled (the mm-tree variant, which falls back too).
 */
export function triesVirtualFirst(state: SwapState): boolean {
  const mode = state.knobs.virtualEntries;
  return mode === 'always' || mode === 'first' || (mode === 'when-zswap' && state.zswapEnabled);
}

export function allocSwap(state: SwapState, op: AllocSwapOp): ImplOutcome {
  const at = presentAt(state, op.holder);
  if (at === null || at.folio.swapcache) return EINVAL;
  const folio = at.folio;
  assertThat(folio.dirty, 'folio ', folio.pfn, ' outside the swap cache is clean');
  const reclaimed: Reclaim[] = [];
  const tryVirtual = triesVirtualFirst(state);
  const physical = state.knobs.virtualEntries !== 'always';
  let first = -1;
  let device: number | undefined;
  if (tryVirtual) {
    const offset = state.virtualSpace().alloc(folio.order, state.cpu, () => state.bindWord(folio)); // vswap_alloc()
    if (offset >= 0) first = swpEntry(VSWAP_TYPE, offset);
    else if (physical) {
      state.vswapFallback = { opSeq: state.opSeq, order: folio.order };
      state.marks.hit(mark['alloc-vswap-fallback']);
    }
  }
  if (first < 0 && physical) {
    const hooks = allocHooks(state, folio, reclaimed);
    const run = state.allocator.alloc(folio.order, state.cpu, hooks, () => state.bindWord(folio));
    if (run !== null) {
      first = swpEntry(run.device.type, run.offset);
      device = run.device.type;
    }
  }
  if (first < 0) {
    const space = !tryVirtual ? 'physical' : physical ? 'both' : 'virtual';
    state.enospc = {
      opSeq: state.opSeq,
      order: folio.order,
      space,
      tried: state.allocator.lastTried,
    };
    state.marks.hit(mark['enospc-alloc-swap']);
    return withReclaims({ errno: 'ENOSPC' }, reclaimed);
  }
  state.allocated = { opSeq: state.opSeq, order: folio.order, value: first };
  state.bind(folio, first);
  const locs = state.entriesOf(folio);
  for (const loc of locs) assert(state.cachedFolio(loc) === folio);
  if (device === undefined) {
    return withReclaims(state.steps.recordVirtualSwap(state, folio, locs, first), reclaimed);
  }
  // mm/memcontrol.c: __mem_cgroup_try_charge_swap(): the charge of the physical entries, after
  // the slots were allocated.
  const charged = state.steps.chargeSwap(state, folio, locs.length, op.failAlloc === true);
  if (!charged) {
    state.deleteFromSwapCache(folio, false); // the charge failed: undo the allocation
    assert(!folio.swapcache && folio.dirty);
    state.marks.hit(
      op.failAlloc === true ? mark['enomem-charge'] : mark['memcg-charge-fail-alloc'],
    );
    return withReclaims({ errno: 'ENOMEM', virtual: false, device }, reclaimed);
  }
  state.recordMemcg(locs, folio.memcg); // swap_cgroup_record()
  return withReclaims({ errno: 'OK', virtual: false, device, entry: first }, reclaimed);
}

/**
 * A virtual entry only records its memcg and is charged where backing is allocated
 * (RFC v1/v2 patch 4: mem_cgroup_record_swap(), "only charge physical swap entries").
 */
function recordVirtualSwap(
  state: SwapState,
  folio: Folio,
  locs: readonly EntryLoc[],
  first: number,
): ImplOutcome {
  state.recordMemcg(locs, folio.memcg);
  return { errno: 'OK', virtual: true, entry: first };
}

/** Fails at swap.max (page_counter_try_charge()) or when the failure is injected. */
function chargeSwap(state: SwapState, folio: Folio, nr: number, failAlloc: boolean): boolean {
  return !failAlloc && state.memcg.tryCharge(folio.memcg, nr);
}

/**
 * folio_realloc_swap() -> mem_cgroup_try_charge_swap() (RFC patch 4); false when the charge
 * fails at swap.max.
 */
function chargeBacking(state: SwapState, id: number, nr: number): boolean {
  return state.memcg.tryCharge(id, nr);
}

export function unmap(state: SwapState, op: UnmapOp): ImplOutcome {
  const at = presentAt(state, op.holder);
  if (at === null || !at.folio.swapcache) return EINVAL;
  const value = at.folio.swap + at.page;
  const loc = state.resolve(value);
  if (!state.dup(loc, op.failAlloc === true)) {
    state.marks.hit(mark['enomem-dup']);
    return { errno: 'ENOMEM' };
  }
  const exclusive = state.isExclusive(op.holder);
  state.unmapPage(op.holder);
  state.setSwapHolder(op.holder, value, exclusive); // pte_swp_mkexclusive() when PageAnonExclusive
  assert(at.folio.swapcache, 'unmap keeps the folio in the swap cache');
  assertThat(!at.folio.mappers.has(op.holder), 'holder ', op.holder, ' still maps the folio');
  return OK;
}

export function writeout(state: SwapState, op: WriteoutOp): ImplOutcome {
  const folio = folioById(state, op.folio);
  if (folio === null || !folio.swapcache) return EINVAL;
  if (folio.mappers.size > 0) return EBUSY;
  const locs = state.entriesOf(folio);
  assertThat(locs.length === folio.pages.length, 'folio ', folio.pfn, ' entry count');
  if (state.entriesUnused(locs)) {
    assert(state.folioFreeSwap(folio), 'folio_free_swap of an unused folio');
    return { errno: 'OK', how: 'freed' };
  }
  if (!folio.dirty) return { errno: 'OK', how: 'clean' };
  if (state.steps.isFolioZeroFilled(folio)) {
    // swap_zeromap_folio_set(), then return before zswap_store().
    state.steps.zeromapFolioSet(state, locs);
    folio.dirty = false;
    return { errno: 'OK', how: 'zero' };
  }
  // mm/zswap.c: zswap_store() checks the pool limit (zswap_check_limits()) before
  // zswap_store_page() replaces the folio's old objects, stale or not: they still count.
  const room = state.zswap.hasRoom(locs.length);
  if (state.zswapEnabled && op.failZswap !== true && !room) {
    const own = locs.filter(
      (loc) => state.backendKind(loc) === 'zswap' || state.hasStaleZswap(loc),
    ).length;
    // Room only if the folio's own old objects did not count.
    if (own > 0 && (own === locs.length || state.zswap.hasRoom(locs.length - own))) {
      state.marks.hit(mark['zswap-store-full-own-objects']);
    }
  }
  if (state.zswapEnabled && op.failZswap !== true && room) {
    locs.forEach((loc, i) => {
      if (state.backendKind(loc) === 'zswap') state.marks.hit(mark['zswap-store-replaced-stale']);
      state.setZswap(loc, folio.pages[i] ?? 0);
    });
    folio.dirty = false;
    return { errno: 'OK', how: 'zswap' };
  }
  if (locs.some((loc) => state.backendKind(loc) === 'zswap')) {
    state.marks.hit(
      state.zswapEnabled ? mark['zswap-store-failed-erase'] : mark['zswap-disabled-erase'],
    );
  }
  return writeoutDisk(state, folio, op);
}

/**
 * Case 5 of swap_writeout(): block I/O to the entries' own slots or to their backing. Virtual
 * entries without full backing first release every old backend (folio_release_vswap_backing();
 * the folio holds the data), then get new slots (folio_realloc_swap()), which may fail for
 * want of room (-ENOSPC) or of a memcg charge (-ENOMEM): the folio then stays dirty in the swap
 * cache with its old backends gone (AOP_WRITEPAGE_ACTIVATE).
 */
function writeoutDisk(state: SwapState, folio: Folio, op: WriteoutOp): ImplOutcome {
  const locs = state.entriesOf(folio);
  const first = locs[0];
  assert(first !== undefined);
  if (!first.virtual) {
    locs.forEach((loc, i) => state.writeOwnSlot(loc, folio.pages[i] ?? 0));
    folio.dirty = false;
    return { errno: 'OK', how: 'disk' };
  }
  if (locs.every((loc) => vtWordIsPhys(state.vtWord(loc)))) {
    state.steps.writeToBacking(state, folio, locs);
    folio.dirty = false;
    state.marks.hit(mark['writeout-keep-backing']);
    return { errno: 'OK', how: 'disk' };
  }
  for (const loc of locs) state.releaseBackend(loc); // folio_release_vswap_backing()
  const reclaimed: Reclaim[] = [];
  const run = allocBacking(state, locs, folio.order, folio, reclaimed);
  if (run === null) {
    state.enospc = {
      opSeq: state.opSeq,
      order: folio.order,
      space: 'physical',
      tried: state.allocator.lastTried,
    };
    state.marks.hit(mark['enospc-writeout']);
    return withReclaims({ errno: 'ENOSPC' }, reclaimed);
  }
  // folio_realloc_swap() charges the new backing to the folio's memcg (RFC patch 4); at
  // swap.max, or when the failure is injected, the slots go back.
  const id = folio.memcg;
  assertThat(
    locs.every((loc) => state.memcgIdOf(loc) === id),
    'folio ',
    folio.pfn,
    ' and its entries differ in memcg',
  );
  if (op.failAlloc === true || !state.steps.chargeBacking(state, id, locs.length)) {
    freeBacking(state, run, locs.length);
    state.marks.hit(
      op.failAlloc === true ? mark['enomem-writeout-charge'] : mark['memcg-charge-fail-writeout'],
    );
    return withReclaims({ errno: 'ENOMEM', device: run.device.type }, reclaimed);
  }
  locs.forEach((loc, i) => state.setPhys(loc, run.device, run.offset + i, folio.pages[i] ?? 0));
  folio.dirty = false;
  assert(op.folio === folio.pfn);
  return withReclaims({ errno: 'OK', how: 'disk', device: run.device.type }, reclaimed);
}

export function evict(state: SwapState, op: EvictOp): ImplOutcome {
  const folio = folioById(state, op.folio);
  if (folio === null || !folio.swapcache) return EINVAL;
  if (folio.mappers.size > 0 || folio.dirty) return EBUSY;
  assertThat(
    state.entriesOf(folio).every((loc) => state.backendKind(loc) !== 'none'),
    'clean folio ',
    folio.pfn,
    ' has an entry without a backend',
  );
  state.deleteFromSwapCache(folio, true);
  assertThat(state.folios.freeIfUnused(folio), 'evicted folio ', folio.pfn, ' still held');
  return OK;
}

export function freeSwapCache(state: SwapState, op: FreeSwapCacheOp): ImplOutcome {
  const folio = folioById(state, op.folio);
  if (folio === null || !folio.swapcache) return EINVAL;
  if (!state.folioFreeSwap(folio)) return EBUSY;
  assert(!folio.swapcache && folio.dirty);
  return OK;
}

function isFolioZeroFilled(folio: Folio): boolean {
  return folio.pages.every((content) => content === 0);
}

/** Every entry gets the zero flag: a physical entry's zswap object stays behind, stale
 * (impl/swap-state.ts setZero()). */
function zeromapFolioSet(state: SwapState, locs: readonly EntryLoc[]): void {
  for (const loc of locs) {
    if (loc.device !== null && state.backendKind(loc) === 'zswap')
      state.marks.hit(mark['zero-writeout-stale-zswap']);
    state.setZero(loc);
  }
}

function writeToBacking(state: SwapState, folio: Folio, locs: readonly EntryLoc[]): void {
  locs.forEach((loc, i) => {
    const vt = state.vtWord(loc);
    const device = state.devices[vtWordToPhysType(vt)];
    assert(device?.store !== null && device?.store !== undefined, 'backing device online');
    device.store.write(vtWordToPhysOffset(vt), folio.pages[i] ?? 0);
  });
}

/** The steps of this file, correct. */
export const swapOutSteps = {
  recordVirtualSwap,
  chargeSwap,
  chargeBacking,
  isFolioZeroFilled,
  zeromapFolioSet,
  writeToBacking,
} satisfies Partial<KernelSteps>;

/**
 * Ops on the way out to swap: allocSwap (folio_alloc_swap), unmap (try_to_unmap_one +
 * folio_dup_swap), writeout (swap_writeout: free, clean, zero, zswap or disk), evict (reclaim of
 * a clean swap-cache folio, leaving shadows) and freeSwapCache (folio_free_swap).
 *
 * Not covered here: the allocators (impl/physical-allocator.ts, impl/virtual-space.ts) and
 * reclaim (impl/reclaim.ts).
 */
// @ts-nocheck

import { assert } from '../lib/assert.ts';
import type { AllocSwapOp, EvictOp, FreeSwapCacheOp, UnmapOp, WriteoutOp } from '../lib/ops.ts';
import type { ImplOutcome, Reclaim } from '../lib/outcome.ts';
import { swpEntry, VSWAP_TYPE } from './entry-value.ts';
import type { Folio } from './folio-table.ts';
import { EBUSY, EINVAL, folioById, OK, presentAt, withReclaims } from './op-args.ts';
import { allocBacking, allocHooks } from './reclaim.ts';
import type { SwapState } from './swap-state.ts';
import { vtWordIsPhys, vtWordToPhysOffset, vtWordToPhysType } from './virtual-table-word.ts';

export function allocSwap(state: SwapState, op: AllocSwapOp): ImplOutcome {
  const at = presentAt(state, op.holder);
  if (at === null || at.folio.swapcache) return EINVAL;
  const folio = at.folio;
  assert(folio.dirty, () => `folio ${folio.pfn} outside the swap cache is clean`);
  const reclaimed: Reclaim[] = [];
  const wantVirtual = state.knobs.virtualEntries === 'always' ||
    (state.knobs.virtualEntries === 'when-zswap' && state.zswapEnabled);
  let first = -1;
  let virtual = false;
  let device: number | undefined;
  if (wantVirtual) {
    const offset = state.virtualSpace().alloc(folio.order, state.cpu, () => state.bindWord(folio));
    if (offset >= 0) {
      first = swpEntry(VSWAP_TYPE, offset);
      virtual = true;
    }
  }
  if (!wantVirtual) {
    const hooks = allocHooks(state, folio, reclaimed);
    const run = state.allocator.alloc(folio.order, state.cpu, hooks, () => state.bindWord(folio));
    if (run !== null) {
      first = swpEntry(run.device.type, run.offset);
      device = run.device.type;
    }
  }
  if (first < 0) {
    const space = wantVirtual ? 'virtual' : 'physical';
    state.enospc = { opSeq: state.opSeq, order: folio.order, space };
    state.marks.hit('enospc-alloc-swap');
    return withReclaims({ errno: 'ENOSPC' }, reclaimed);
  }
  state.bind(folio, first);
  assert(state.entriesOf(folio).every((loc) => state.cachedFolio(loc) === folio));
  // MUTANT counter-failure-path: nr_swap_pages is decremented here, after the point where the
  // charge can fail, instead of in swap_range_alloc(); the failure path below frees slots it
  // never counted (lore 20250522122554.12209-2, brief §5 #19). See TableDevice.commit().
  if (state.mutant === 'counter-failure-path' && op.failAlloc !== true) {
    state.counters.take(2 ** folio.order);
  }
  if (op.failAlloc === true) {
    state.deleteFromSwapCache(folio, false); // memcg charge failed: undo the allocation
    assert(!folio.swapcache && folio.dirty);
    state.marks.hit('enomem-charge');
    return withReclaims({ errno: 'ENOMEM' }, reclaimed);
  }
  const outcome: ImplOutcome = device === undefined
    ? { errno: 'OK', virtual, entry: first }
    : { errno: 'OK', virtual, device, entry: first };
  return withReclaims(outcome, reclaimed);
}

export function unmap(state: SwapState, op: UnmapOp): ImplOutcome {
  const at = presentAt(state, op.holder);
  if (at === null || !at.folio.swapcache) return EINVAL;
  const value = at.folio.swap + at.page;
  const loc = state.resolve(value);
  if (!state.dup(loc, op.failAlloc === true)) {
    state.marks.hit('enomem-dup');
    return { errno: 'ENOMEM' };
  }
  state.unmapPage(op.holder);
  state.setSwapHolder(op.holder, value);
  assert(at.folio.swapcache, 'unmap keeps the folio in the swap cache');
  assert(!at.folio.mappers.has(op.holder), () => `holder ${op.holder} still maps the folio`);
  return OK;
}

export function writeout(state: SwapState, op: WriteoutOp): ImplOutcome {
  const folio = folioById(state, op.folio);
  if (folio === null || !folio.swapcache) return EINVAL;
  if (folio.mappers.size > 0) return EBUSY;
  const locs = state.entriesOf(folio);
  assert(locs.length === folio.pages.length, () => `folio ${folio.pfn} entry count`);
  if (locs.every((loc) => state.count(loc) === 0)) {
    assert(state.folioFreeSwap(folio), 'folio_free_swap of an unused folio');
    return { errno: 'OK', how: 'freed' };
  }
  if (!folio.dirty) return { errno: 'OK', how: 'clean' };
  // MUTANT partial-zero-large-writeout: only the first page is tested for zero, so a large
  // folio whose first page is zero and a later one is not is recorded as zero-filled (the
  // write side of 9d57090e73d5, "large folios with partial zeromap", brief §5 #14).
  const zeroTested = state.mutant === 'partial-zero-large-writeout'
    ? folio.pages.slice(0, 1)
    : folio.pages;
  if (zeroTested.every((content) => content === 0)) {
    for (const loc of locs) {
      state.setZero(loc);
      // MUTANT zero-also-written: the page is submitted to its slot before the zero check, so
      // the entry has both the zero flag and data on disk (two backends, brief §7.3 #12).
      if (state.mutant === 'zero-also-written') loc.device?.store?.write(loc.offset, 0);
    }
    folio.dirty = false;
    return { errno: 'OK', how: 'zero' };
  }
  if (state.zswapEnabled && op.failZswap !== true && state.zswap.hasRoom(locs.length)) {
    locs.forEach((loc, i) => {
      if (state.backendKind(loc) === 'zswap') state.marks.hit('zswap-store-replaced-stale');
      state.setZswap(loc, folio.pages[i] ?? 0);
    });
    folio.dirty = false;
    return { errno: 'OK', how: 'zswap' };
  }
  if (locs.some((loc) => state.backendKind(loc) === 'zswap')) {
    state.marks.hit(state.zswapEnabled ? 'zswap-store-failed-erase' : 'zswap-disabled-erase');
  }
  return writeoutDisk(state, folio, op);
}

/** Case 5 of swap_writeout(): block I/O to the entries' own slots or to their backing. */
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
    locs.forEach((loc, i) => {
      const vt = state.vtWord(loc);
      const device = state.devices[vtWordToPhysType(vt)];
      assert(device?.store !== null && device?.store !== undefined, 'backing device online');
      // MUTANT writeout-skip-io: a redirtied folio whose entries keep their backing is marked
      // clean without submitting the write (the old data stays on disk).
      if (state.mutant === 'writeout-skip-io') return;
      device.store.write(vtWordToPhysOffset(vt), folio.pages[i] ?? 0);
    });
    folio.dirty = false;
    state.marks.hit('writeout-keep-backing');
    return { errno: 'OK', how: 'disk' };
  }
  const reclaimed: Reclaim[] = [];
  const run = allocBacking(state, locs, folio.order, folio, reclaimed);
  if (run === null) {
    state.enospc = { opSeq: state.opSeq, order: folio.order, space: 'physical' };
    state.marks.hit('enospc-writeout');
    return withReclaims({ errno: 'ENOSPC' }, reclaimed);
  }
  locs.forEach((loc, i) => {
    state.releaseBackend(loc);
    state.setPhys(loc, run.device, run.offset + i, folio.pages[i] ?? 0);
  });
  folio.dirty = false;
  assert(op.folio === folio.pfn);
  return withReclaims({ errno: 'OK', how: 'disk', device: run.device.type }, reclaimed);
}

export function evict(state: SwapState, op: EvictOp): ImplOutcome {
  const folio = folioById(state, op.folio);
  if (folio === null || !folio.swapcache) return EINVAL;
  if (folio.mappers.size > 0 || folio.dirty) return EBUSY;
  assert(state.entriesOf(folio).every((loc) => state.backendKind(loc) !== 'none'),
    () => `clean folio ${folio.pfn} has an entry without a backend`);
  state.deleteFromSwapCache(folio, true);
  assert(state.folios.freeIfUnused(folio), () => `evicted folio ${folio.pfn} still held`);
  return OK;
}

export function freeSwapCache(state: SwapState, op: FreeSwapCacheOp): ImplOutcome {
  const folio = folioById(state, op.folio);
  if (folio === null || !folio.swapcache) return EINVAL;
  if (!state.folioFreeSwap(folio)) return EBUSY;
  assert(!folio.swapcache && folio.dirty);
  return OK;
}

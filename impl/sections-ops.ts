/**
 * The impl ops split into their lock-delimited critical sections (brief §7.4), as generators
 * for the scheduler of explore/concurrent.ts (protocol: impl/sections.ts). Each op first reads
 * what it needs without locks (the lockless PTE read, the RCU swap-cache lookup, the zswap LRU
 * pick, the allocator's device pick), then takes what the kernel takes (device pin, folio
 * lock, cluster lock, per-entry pin), re-validates what it read, and commits through the op's
 * atomic impl path (impl/swap-system.ts apply()), which re-reads everything it changes. A
 * failed re-validation drops the locks and restarts the op (bounded by sectionRetryMax).
 *
 * So in the correct designs every op takes effect at its commit section and every concurrent
 * history is linearizable; each race mutant (impl/mutants.ts, `MUTANT name` below) drops one
 * lock, pin or re-check, and then acts on what it read before another CPU changed it.
 *
 * Split here: swapin, zap, fork, allocSwap, swapoff, zswapWriteback. Every other op is one
 * section (the folio ops under their folio lock).
 *
 * Not covered here: sections inside the commit itself (the read of a swapin through the swap
 * cache, reclaim inside the allocator, try_to_unuse's walk are atomic), and large folios
 * (a swapin of order > 0 commits in one section).
 */
import { assert } from '../lib/assert.ts';
import type {
  AllocSwapOp, ForkOp, Op, SwapinOp, SwapoffOp, ZapOp, ZswapWritebackOp,
} from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import { formatEntryValue, swpType } from './entry-value.ts';
import type { Folio } from './folio-table.ts';
import { presentAt, swapAt } from './op-args.ts';
import { triesVirtualFirst } from './ops-swap-out.ts';
import {
  Livelock, lookupFootprint, sectionRetryMax, UseAfterFree, type SectionContext, type SectionedOp,
  type SectionRequest,
} from './sections.ts';
import type { EntryLoc, SwapState } from './swap-state.ts';
import { NULL_WORD } from './swap-table-word.ts';

/** The sectioned form of `op`. */
export function sectioned(ctx: SectionContext, op: Op): SectionedOp {
  switch (op.op) {
    case 'swapin': return swapinSections(ctx, op);
    case 'zap': return zapSections(ctx, op);
    case 'fork': return forkSections(ctx, op);
    case 'allocSwap': return allocSections(ctx, op);
    case 'swapoff': return swapoffSections(ctx, op);
    case 'zswapWriteback': return writebackSections(ctx, op);
    case 'writeout':
    case 'evict':
    case 'freeSwapCache':
    case 'split': return folioSections(ctx, op, op.folio);
    default: return oneSection(ctx, op);
  }
}

export function folioLock(folio: Folio | number): string {
  return `folio:${typeof folio === 'number' ? folio : folio.pfn}`;
}

export function entryLock(value: number): string {
  return `entry:${value}`;
}

/** The cluster lock of an entry: its device (or the vswap space) and cluster index. */
export function clusterLock(state: SwapState, loc: EntryLoc, shift = 0): string {
  const index = Math.floor(loc.offset / state.config.clusterSlots) + shift;
  return `cluster:${swpType(loc.value)}:${index}`;
}

/** The physical device whose metadata an entry's state lives in (or whose slot backs it). */
function entryDevice(state: SwapState, loc: EntryLoc): number | null {
  if (loc.device !== null) return loc.device.type;
  return state.backendDevice(loc);
}

/** The op's atomic path as its own section, after a lookup decided there is nothing to split. */
function* commitSection(ctx: SectionContext, op: Op): SectionedOp {
  yield { kind: 'yield', label: `${op.op === 'allocSwap' ? 'alloc' : op.op === 'zswapWriteback' ? 'writeback' : op.op}:commit` };
  return ctx.commit(op);
}

function* oneSection(ctx: SectionContext, op: Op): SectionedOp {
  yield { kind: 'yield', label: op.op };
  return ctx.commit(op);
}

/** writeout, evict, freeSwapCache, split: one section under the folio lock. */
function* folioSections(ctx: SectionContext, op: Op, folio: number): SectionedOp {
  if (ctx.state.folios.get(folio) === undefined) return yield* oneSection(ctx, op);
  yield { kind: 'lock', lock: folioLock(folio), label: op.op };
  const outcome = ctx.commit(op);
  ctx.unlock(folioLock(folio));
  return outcome;
}

/**
 * get_swap_device() for an op that read `entry` from `holder`: true with the pin taken (or
 * nothing to pin), false after waiting for a swapoff in progress (the caller restarts).
 */
function* pinFor(ctx: SectionContext, device: number | null, holder: number, entry: number,
  label: string): Generator<SectionRequest, boolean, void> {
  if (device === null) return true;
  // MUTANT swapoff-no-pin: swapin and zap run without get_swap_device(), so swapoff does not
  // wait for them and frees the device metadata under them (brief §5 #6-#9).
  if (ctx.state.mutant === 'swapoff-no-pin') return true;
  if (ctx.pin(device)) return true;
  yield {
    kind: 'wait', label,
    until: () => !ctx.dying(device) || swapAt(ctx.state, holder) !== entry,
  };
  return false;
}

function unpinFor(ctx: SectionContext, device: number | null): void {
  if (device === null || ctx.state.mutant === 'swapoff-no-pin') return;
  ctx.unpin(device);
}

/** Reads a virtual entry's cluster: throws UseAfterFree when the cluster was freed (DEAD). */
function clusterAccess(loc: EntryLoc): void {
  if (loc.vcluster === null || !loc.vcluster.dead) return;
  throw new UseAfterFree(`count of ${formatEntryValue(loc.value)} read through virtual cluster ` +
    `${loc.vcluster.id} after it was freed`);
}

function livelock(op: Op): never {
  throw new Livelock(`${op.op} restarted ${sectionRetryMax} times without completing`);
}

// do_swap_page()
function* swapinSections(ctx: SectionContext, op: SwapinOp): SectionedOp {
  const state = ctx.state;
  for (let attempt = 0; attempt < sectionRetryMax; attempt++) {
    // Lockless PTE read, swap_cache_get_folio().
    yield { kind: 'yield', label: 'swapin:lookup', footprint: lookupFootprint };
    const entry = swapAt(state, op.holder);
    if (entry === null || op.order !== 0 || op.failAlloc === true) return yield* commitSection(ctx, op);
    const loc = state.resolve(entry);
    const device = entryDevice(state, loc);
    if (!(yield* pinFor(ctx, device, op.holder, entry, 'swapin:wait-swapoff'))) continue;
    const folio = state.cachedFolio(loc);
    if (folio !== null) {
      const outcome = yield* swapinCached(ctx, op, loc, device, folio);
      if (outcome !== null) return outcome;
      continue;
    }
    if (skipsSwapCache(ctx, loc, device)) {
      const outcome = yield* swapinSkipCache(ctx, op, loc, device);
      if (outcome !== null) return outcome;
      continue;
    }
    // swap_cache_alloc_folio() + swap_read_folio(): the read through the swap cache commits
    // as one section, re-reading the PTE and the entry.
    yield { kind: 'yield', label: 'swapin:read' };
    if (device !== null) ctx.access(device, `read of ${formatEntryValue(entry)}`);
    const outcome = ctx.commit(op);
    unpinFor(ctx, device);
    return outcome;
  }
  return livelock(op);
}

/** The swap-cache hit: lock the folio, re-validate, commit; null to restart. */
function* swapinCached(ctx: SectionContext, op: SwapinOp, loc: EntryLoc, device: number | null,
  folio: Folio): Generator<SectionRequest, ImplOutcome | null, void> {
  const state = ctx.state;
  const entry = loc.value;
  yield { kind: 'lock', lock: folioLock(folio), label: 'swapin:folio-locked' }; // folio_lock_or_retry()
  if (device !== null) ctx.access(device, `swap cache of ${formatEntryValue(entry)}`);
  const bound = folio.swapcache && entry >= folio.swap && entry < folio.swap + folio.pages.length;
  const valid = bound && swapAt(state, op.holder) === entry;
  // MUTANT swapin-no-revalidate: the folio found by the lockless lookup is used after taking
  // its lock without checking that it is still the swap-cache folio of the entry and that the
  // PTE still holds the entry (folio_matches_swap_entry(), pte_same(); brief §5 #22, #25).
  if (state.mutant === 'swapin-no-revalidate' && !valid && state.folios.get(folio.pfn) === folio &&
    presentAt(state, op.holder) === null) {
    if (swapAt(state, op.holder) !== null) state.clearHolder(op.holder);
    state.mapPage(op.holder, folio, Math.min(entry - folio.swap, folio.pages.length - 1), false);
    state.put(loc);
    ctx.unlock(folioLock(folio));
    unpinFor(ctx, device);
    return { errno: 'OK', how: 'cache-hit', freedCache: false };
  }
  if (!valid) {
    ctx.unlock(folioLock(folio));
    unpinFor(ctx, device);
    return null;
  }
  const outcome = ctx.commit(op);
  assert(outcome.errno === 'OK', `swapin of a validated cache hit failed: ${outcome.errno}`);
  ctx.unlock(folioLock(folio));
  unpinFor(ctx, device);
  return outcome;
}

/** The legacy bypass applies: an uncached count-1 entry on a SWP_SYNCHRONOUS_IO device. */
function skipsSwapCache(ctx: SectionContext, loc: EntryLoc, device: number | null): boolean {
  if (ctx.syncSwapin === 'swap-cache' || loc.virtual || device === null) return false;
  const kind = ctx.state.backendKind(loc);
  return ctx.state.devices[device]?.config.synchronousIo === true && ctx.state.count(loc) === 1 &&
    (kind === 'disk' || kind === 'zero');
}

/**
 * The legacy swap-cache-skipping swapin (0bcac06f27d7): read into a private folio, then map it
 * if the PTE still holds the same entry value. Its fix (13ddaf26be32) first takes the entry's
 * cache slot as a per-entry pin (swapcache_prepare()), which keeps the slot allocated and
 * makes a second swapin of the entry wait.
 */
function* swapinSkipCache(ctx: SectionContext, op: SwapinOp, loc: EntryLoc, device: number | null,
): Generator<SectionRequest, ImplOutcome | null, void> {
  const state = ctx.state;
  const entry = loc.value;
  // MUTANT skip-cache-unpinned: the bypass before its fix, with no per-entry pin.
  const pinned = ctx.syncSwapin === 'skip-pinned' && state.mutant !== 'skip-cache-unpinned';
  let pinHeld = pinned;
  const release = () => {
    if (pinHeld) ctx.unlock(entryLock(entry));
    unpinFor(ctx, device);
  };
  if (pinned) {
    yield { kind: 'lock', lock: entryLock(entry), label: 'swapin:entry-pinned' }; // swapcache_prepare()
    if (swapAt(state, op.holder) !== entry) {
      release();
      return null;
    }
  }
  yield { kind: 'yield', label: 'swapin:sync-read' }; // swap_read_folio() into a private folio
  if (state.word(loc) === NULL_WORD && pinned && state.mutant === 'skip-cache-early-unpin') {
    // Freed under our pin by a peer that cleared its own pin early (MUTANT
    // skip-cache-early-unpin, the one way to get here). The pin here is a lock, but the
    // kernel's is SWAP_HAS_CACHE, which keeps the slot and its data until our
    // swapcache_clear() and the value from being handed out, so the read would succeed and
    // pte_same() fail: restart as that check would. Elsewhere a freed slot is reported below.
    release();
    return null;
  }
  if (state.word(loc) === NULL_WORD) {
    throw new UseAfterFree(`swapin read ${formatEntryValue(entry)} after its slot was freed ` +
      '(a synchronous device discards the data of a freed slot)');
  }
  const content = state.peekBackend(loc);
  // MUTANT skip-cache-early-unpin: the per-entry pin is cleared right after the read instead
  // of after the PTL unlock (13ddaf26be32 clears it at `out:`), so while the fault sleeps
  // another CPU can free the entry, reuse its value for new data and store it in the same
  // PTE; pte_same() then passes (ABA) and the stale copy is mapped (brief §5 #1, #17, #25).
  if (pinned && state.mutant === 'skip-cache-early-unpin') {
    ctx.unlock(entryLock(entry));
    pinHeld = false;
  }
  yield { kind: 'yield', label: 'swapin:sync-map' }; // pte_same() under the PTL
  if (swapAt(state, op.holder) !== entry) {
    release();
    return null;
  }
  const outcome = ctx.commit(op);
  const at = presentAt(state, op.holder);
  if (outcome.errno === 'OK' && at !== null && content !== null) at.folio.pages[at.page] = content;
  release();
  return outcome;
}

// zap_pte_range() / swap_put_entries_direct()
function* zapSections(ctx: SectionContext, op: ZapOp): SectionedOp {
  const state = ctx.state;
  for (let attempt = 0; attempt < sectionRetryMax; attempt++) {
    yield { kind: 'yield', label: 'zap:lookup', footprint: lookupFootprint };
    const entry = swapAt(state, op.holder);
    if (entry === null) return yield* commitSection(ctx, op);
    const loc = state.resolve(entry);
    const device = entryDevice(state, loc);
    if (!(yield* pinFor(ctx, device, op.holder, entry, 'zap:wait-swapoff'))) continue;
    const pinned = ctx.syncSwapin === 'skip-pinned';
    if (pinned) yield { kind: 'lock', lock: entryLock(entry), label: 'zap:entry-pinned' };
    const lock = clusterLock(state, loc);
    yield { kind: 'lock', lock, label: 'zap:put' };
    if (device !== null) ctx.access(device, `put of ${formatEntryValue(entry)}`);
    const valid = swapAt(state, op.holder) === entry;
    const outcome = valid ? ctx.commit(op) : null;
    ctx.unlock(lock);
    if (pinned) ctx.unlock(entryLock(entry));
    unpinFor(ctx, device);
    if (outcome !== null) return outcome;
  }
  return livelock(op);
}

// copy_nonpresent_pte() / swap_dup_entry_direct()
function* forkSections(ctx: SectionContext, op: ForkOp): SectionedOp {
  const state = ctx.state;
  for (let attempt = 0; attempt < sectionRetryMax; attempt++) {
    yield { kind: 'yield', label: 'fork:lookup', footprint: lookupFootprint };
    const entry = swapAt(state, op.holder);
    if (entry === null || op.failAlloc === true) return yield* commitSection(ctx, op);
    const loc = state.resolve(entry);
    const device = entryDevice(state, loc);
    if (!(yield* pinFor(ctx, device, op.holder, entry, 'fork:wait-swapoff'))) continue;
    // MUTANT count-wrong-cluster-lock: the count update takes the lock of the neighbouring
    // cluster, so a put on the same entry runs between its read and its write (2628bd6fc052,
    // brief §5 #11: continuation pages updated under different cluster locks).
    const shift = state.mutant === 'count-wrong-cluster-lock' ? 1 : 0;
    const lock = clusterLock(state, loc, shift);
    yield { kind: 'lock', lock, label: 'fork:read-count' };
    if (device !== null) ctx.access(device, `count of ${formatEntryValue(entry)}`);
    // MUTANT lookup-cache-use-after-free: the count is read through the virtual cluster
    // pointer the lookup section got from the per-CPU lookup cache, before re-validating the
    // PTE and with no pin of its own, so the cluster may have been freed meanwhile (§7.4: a
    // lockless lookup must be pinned or re-validated).
    if (state.mutant === 'lookup-cache-use-after-free') clusterAccess(loc);
    if (swapAt(state, op.holder) !== entry) {
      ctx.unlock(lock);
      unpinFor(ctx, device);
      continue;
    }
    clusterAccess(loc);
    const before = state.count(loc);
    yield { kind: 'yield', label: 'fork:write-count' }; // still under the cluster lock
    if (device !== null) ctx.access(device, `count of ${formatEntryValue(entry)}`);
    const outcome = ctx.commit(op);
    if (shift !== 0 && outcome.errno === 'OK' && state.word(loc) !== NULL_WORD) {
      // The stale read-modify-write: the count becomes what was read plus one.
      for (let count = state.count(loc); count < before + 1; count++) state.dup(loc, false);
      for (let count = state.count(loc); count > before + 1 && count > 1; count--) state.put(loc);
    }
    ctx.unlock(lock);
    unpinFor(ctx, device);
    return outcome;
  }
  return livelock(op);
}

// folio_alloc_swap(): the device pick, then the allocation under the cluster lock.
function* allocSections(ctx: SectionContext, op: AllocSwapOp): SectionedOp {
  const state = ctx.state;
  yield { kind: 'yield', label: 'alloc:pick', footprint: lookupFootprint };
  // A virtual-first allocation commits in one section, its physical fallback included.
  const virtual = triesVirtualFirst(state);
  const candidates = state.devices.filter((device) => device.online && device.writeOk);
  candidates.sort((a, b) => b.config.priority - a.config.priority);
  const device = candidates[0];
  if (virtual || device === undefined || op.failAlloc === true) return yield* commitSection(ctx, op);
  const type = device.type;
  // MUTANT alloc-no-writeok-recheck: the allocator neither counts itself as a scanner of the
  // device nor re-checks SWP_WRITEOK under the cluster lock, so it allocates on a device that
  // swapoff has emptied and freed (0ec8bc9e880e, brief §5 #10).
  const broken = state.mutant === 'alloc-no-writeok-recheck';
  if (!broken) ctx.scanner(type, 1);
  yield { kind: 'yield', label: 'alloc:allocate' }; // cluster lock taken, slots allocated
  if (broken && !device.writeOk) {
    ctx.access(type, 'allocation');
    device.writeOk = true;
    const outcome = ctx.commit(op);
    device.writeOk = false;
    return outcome;
  }
  const outcome = ctx.commit(op);
  if (!broken) ctx.scanner(type, -1);
  return outcome;
}

// swapoff(): refuse new pins, wait for device users, then clear SWP_WRITEOK, try_to_unuse() and
// free the device in one section.
function* swapoffSections(ctx: SectionContext, op: SwapoffOp): SectionedOp {
  const state = ctx.state;
  yield { kind: 'yield', label: 'swapoff:start' };
  const device = state.devices[op.device];
  if (device === undefined || !device.online) return ctx.commit(op);
  if (ctx.dying(op.device)) {
    yield { kind: 'wait', label: 'swapoff:wait-other', until: () => !ctx.dying(op.device) };
    return ctx.commit(op);
  }
  // No new device pins from here (percpu_ref_kill()). SWP_WRITEOK is cleared by the commit
  // itself: the model has no "swapoff in progress" state, so an allocation or a writeout that
  // overlaps the swapoff must see the device either before it or after it; an allocation that
  // lands on the device before the commit is unused by it, which is what the kernel's
  // try_to_unuse() does with allocations that raced in before SWP_WRITEOK was cleared.
  ctx.startSwapoff(op.device);
  yield { kind: 'wait', label: 'swapoff:unuse', until: () => ctx.users(op.device) === 0 };
  return ctx.commit(op);
}

// zswap_writeback_entry(): the LRU pick, then the swap-cache folio and the write.
function* writebackSections(ctx: SectionContext, op: ZswapWritebackOp): SectionedOp {
  const state = ctx.state;
  yield { kind: 'yield', label: 'writeback:lookup', footprint: lookupFootprint };
  const entry = swapAt(state, op.holder);
  if (entry === null || op.failAlloc === true) return yield* commitSection(ctx, op);
  const loc = state.resolve(entry);
  if (state.backendKind(loc) !== 'zswap') return yield* commitSection(ctx, op);
  const content = state.peekBackend(loc);
  yield { kind: 'yield', label: 'writeback:write' }; // __swap_cache_prepare_and_add(), decompress
  // MUTANT writeback-no-recheck: after allocating the swap-cache folio, writeback does not
  // re-check that the zswap entry is still in the tree, and writes its stale decompressed
  // copy to the slot of an entry a concurrent swapin already loaded (brief §5 #3, #24).
  if (state.mutant === 'writeback-no-recheck' && content !== null && !loc.virtual &&
    state.word(loc) !== NULL_WORD && state.backendKind(loc) === 'none') {
    state.writeOwnSlot(loc, content);
    return { errno: 'OK' };
  }
  return ctx.commit(op);
}

/**
 * Every section label of the split ops (the wait labels passed to pinFor() included), for the
 * explorer's coverage line; the one-section ops are labelled with their op name.
 */
export const sectionLabels: readonly string[] = [
  'swapin:lookup', 'swapin:commit', 'swapin:wait-swapoff', 'swapin:folio-locked', 'swapin:read',
  'swapin:entry-pinned', 'swapin:sync-read', 'swapin:sync-map',
  'zap:lookup', 'zap:commit', 'zap:wait-swapoff', 'zap:entry-pinned', 'zap:put',
  'fork:lookup', 'fork:commit', 'fork:wait-swapoff', 'fork:read-count', 'fork:write-count',
  'alloc:pick', 'alloc:commit', 'alloc:allocate',
  'swapoff:start', 'swapoff:wait-other', 'swapoff:unuse',
  'writeback:lookup', 'writeback:commit', 'writeback:write',
];

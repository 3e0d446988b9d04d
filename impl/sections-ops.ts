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
 * history is linearizable. The sections that take a pin, lock or re-check are the design's
 * section steps (`sectionSteps` below, reached through `ctx.steps`); each race mutant
 * (impl/mutants/) replaces one with a version that drops one lock, pin or re-check, and then
 * acts on what it read before another CPU changed it.
 *
 * Split here: swapin, zap, fork, allocSwap, swapoff, zswapWriteback. Every other op is one
 * section (the folio ops under their folio lock).
 *
 * Not covered here: sections inside the commit itself (the read of a swapin through the swap
 * cache, reclaim inside the allocator, try_to_unuse's walk are atomic), and large folios
 * (a swapin of order > 0 commits in one section).
 */
import { assertThat } from '../lib/assert.ts';
import type {
  AllocSwapOp,
  ForkOp,
  Op,
  SwapinOp,
  SwapoffOp,
  ZapOp,
  ZswapWritebackOp,
} from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import { formatEntryValue, swpType } from './entry-value.ts';
import type { Folio } from './folio-table.ts';
import { presentAt, swapAt } from './op-args.ts';
import { triesVirtualFirst } from './ops-swap-out.ts';
import {
  Livelock,
  lookupFootprint,
  sectionRetryMax,
  UseAfterFree,
  type SectionContext,
  type SectionedOp,
  type Sections,
  type SectionSteps,
} from './sections.ts';
import type { EntryLoc, SwapState } from './swap-state.ts';
import { NULL_WORD } from './swap-table-word.ts';

/** The sectioned form of `op`. */
export function sectioned(ctx: SectionContext, op: Op): SectionedOp {
  switch (op.op) {
    case 'swapin':
      return swapinSections(ctx, op);
    case 'zap':
      return zapSections(ctx, op);
    case 'fork':
      return ctx.steps.forkSections(ctx, op);
    case 'allocSwap':
      return ctx.steps.allocSections(ctx, op);
    case 'swapoff':
      return swapoffSections(ctx, op);
    case 'zswapWriteback':
      return ctx.steps.writebackSections(ctx, op);
    case 'writeout':
    case 'evict':
    case 'freeSwapCache':
    case 'split':
      return folioSections(ctx, op, op.folio);
    default:
      return oneSection(ctx, op);
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
export function entryDevice(state: SwapState, loc: EntryLoc): number | null {
  if (loc.device !== null) return loc.device.type;
  return state.backendDevice(loc);
}

/** The op's atomic path as its own section, after a lookup decided there is nothing to split. */
export function* commitSection(ctx: SectionContext, op: Op): SectionedOp {
  yield {
    kind: 'yield',
    label: `${op.op === 'allocSwap' ? 'alloc' : op.op === 'zswapWriteback' ? 'writeback' : op.op}:commit`,
  };
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

function* getSwapDevice(
  ctx: SectionContext,
  device: number | null,
  holder: number,
  entry: number,
  label: string,
): Sections<boolean> {
  if (device === null) return true;
  if (ctx.pin(device)) return true;
  yield {
    kind: 'wait',
    label,
    until: () => !ctx.dying(device) || swapAt(ctx.state, holder) !== entry,
  };
  return false;
}

function putSwapDevice(ctx: SectionContext, device: number | null): void {
  if (device !== null) ctx.unpin(device);
}

/** Reads a virtual entry's cluster: throws UseAfterFree when the cluster was freed (DEAD). */
export function clusterAccess(loc: EntryLoc): void {
  if (loc.vcluster === null || !loc.vcluster.dead) return;
  throw new UseAfterFree(
    `count of ${formatEntryValue(loc.value)} read through virtual cluster ` +
      `${loc.vcluster.id} after it was freed`,
  );
}

export function livelock(op: Op): never {
  throw new Livelock(`${op.op} restarted ${sectionRetryMax} times without completing`);
}

// do_swap_page()
function* swapinSections(ctx: SectionContext, op: SwapinOp): SectionedOp {
  const state = ctx.state;
  for (let attempt = 0; attempt < sectionRetryMax; attempt++) {
    // Lockless PTE read, swap_cache_get_folio().
    yield { kind: 'yield', label: 'swapin:lookup', footprint: lookupFootprint };
    const entry = swapAt(state, op.holder);
    if (entry === null || op.order !== 0 || op.failAlloc === true)
      return yield* commitSection(ctx, op);
    const loc = state.resolve(entry);
    const device = entryDevice(state, loc);
    if (!(yield* ctx.steps.getSwapDevice(ctx, device, op.holder, entry, 'swapin:wait-swapoff')))
      continue;
    const folio = state.cachedFolio(loc);
    if (folio !== null) {
      const outcome = yield* ctx.steps.swapinCached(ctx, op, loc, device, folio);
      if (outcome !== null) return outcome;
      continue;
    }
    if (skipsSwapCache(ctx, loc, device)) {
      const outcome = yield* ctx.steps.swapinSkipCache(ctx, op, loc, device);
      if (outcome !== null) return outcome;
      continue;
    }
    // swap_cache_alloc_folio() + swap_read_folio(): the read through the swap cache commits
    // as one section, re-reading the PTE and the entry.
    yield { kind: 'yield', label: 'swapin:read' };
    if (device !== null) ctx.access(device, `read of ${formatEntryValue(entry)}`);
    const outcome = ctx.commit(op);
    ctx.steps.putSwapDevice(ctx, device);
    return outcome;
  }
  return livelock(op);
}

/** The swap-cache hit: lock the folio, re-validate, commit; null to restart. */
function* swapinCached(
  ctx: SectionContext,
  op: SwapinOp,
  loc: EntryLoc,
  device: number | null,
  folio: Folio,
): Sections<ImplOutcome | null> {
  const state = ctx.state;
  const entry = loc.value;
  yield { kind: 'lock', lock: folioLock(folio), label: 'swapin:folio-locked' }; // folio_lock_or_retry()
  if (device !== null) ctx.access(device, `swap cache of ${formatEntryValue(entry)}`);
  const bound = folio.swapcache && entry >= folio.swap && entry < folio.swap + folio.pages.length;
  // folio_matches_swap_entry(), pte_same()
  const valid = bound && swapAt(state, op.holder) === entry;
  if (!valid) {
    ctx.unlock(folioLock(folio));
    ctx.steps.putSwapDevice(ctx, device);
    return null;
  }
  const outcome = ctx.commit(op);
  assertThat(outcome.errno === 'OK', 'swapin of a validated cache hit failed: ', outcome.errno);
  ctx.unlock(folioLock(folio));
  ctx.steps.putSwapDevice(ctx, device);
  return outcome;
}

/** The legacy bypass applies: an uncached count-1 entry on a SWP_SYNCHRONOUS_IO device. */
export function skipsSwapCache(ctx: SectionContext, loc: EntryLoc, device: number | null): boolean {
  if (ctx.syncSwapin === 'swap-cache' || loc.virtual || device === null) return false;
  const kind = ctx.state.backendKind(loc);
  return (
    ctx.state.devices[device]?.config.synchronousIo === true &&
    ctx.state.count(loc) === 1 &&
    (kind === 'disk' || kind === 'zero')
  );
}

/**
 * The legacy swap-cache-skipping swapin (0bcac06f27d7): read into a private folio, then map it
 * if the PTE still holds the same entry value. Its fix (13ddaf26be32) first takes the entry's
 * cache slot as a per-entry pin (swapcache_prepare()), which keeps the slot allocated and
 * makes a second swapin of the entry wait.
 */
function* swapinSkipCache(
  ctx: SectionContext,
  op: SwapinOp,
  loc: EntryLoc,
  device: number | null,
): Sections<ImplOutcome | null> {
  const state = ctx.state;
  const entry = loc.value;
  const pinned = ctx.syncSwapin === 'skip-pinned';
  const release = () => {
    if (pinned) ctx.unlock(entryLock(entry)); // swapcache_clear(), after the PTL unlock
    ctx.steps.putSwapDevice(ctx, device);
  };
  if (pinned) {
    yield { kind: 'lock', lock: entryLock(entry), label: 'swapin:entry-pinned' }; // swapcache_prepare()
    if (swapAt(state, op.holder) !== entry) {
      release();
      return null;
    }
  }
  yield { kind: 'yield', label: 'swapin:sync-read' }; // swap_read_folio() into a private folio
  if (state.word(loc) === NULL_WORD) {
    throw new UseAfterFree(
      `swapin read ${formatEntryValue(entry)} after its slot was freed ` +
        '(a synchronous device discards the data of a freed slot)',
    );
  }
  const content = state.peekBackend(loc);
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
    if (!(yield* ctx.steps.getSwapDevice(ctx, device, op.holder, entry, 'zap:wait-swapoff')))
      continue;
    const pinned = ctx.syncSwapin === 'skip-pinned';
    if (pinned) yield { kind: 'lock', lock: entryLock(entry), label: 'zap:entry-pinned' };
    const lock = clusterLock(state, loc);
    yield { kind: 'lock', lock, label: 'zap:put' };
    if (device !== null) ctx.access(device, `put of ${formatEntryValue(entry)}`);
    const valid = swapAt(state, op.holder) === entry;
    const outcome = valid ? ctx.commit(op) : null;
    ctx.unlock(lock);
    if (pinned) ctx.unlock(entryLock(entry));
    ctx.steps.putSwapDevice(ctx, device);
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
    if (!(yield* ctx.steps.getSwapDevice(ctx, device, op.holder, entry, 'fork:wait-swapoff')))
      continue;
    const lock = clusterLock(state, loc);
    yield { kind: 'lock', lock, label: 'fork:read-count' };
    if (device !== null) ctx.access(device, `count of ${formatEntryValue(entry)}`);
    if (swapAt(state, op.holder) !== entry) {
      ctx.unlock(lock);
      ctx.steps.putSwapDevice(ctx, device);
      continue;
    }
    clusterAccess(loc);
    yield { kind: 'yield', label: 'fork:write-count' }; // still under the cluster lock
    if (device !== null) ctx.access(device, `count of ${formatEntryValue(entry)}`);
    const outcome = ctx.commit(op);
    ctx.unlock(lock);
    ctx.steps.putSwapDevice(ctx, device);
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
  if (virtual || device === undefined || op.failAlloc === true)
    return yield* commitSection(ctx, op);
  const type = device.type;
  ctx.scanner(type, 1); // SWP_SCANNING: swapoff waits for the allocator
  yield { kind: 'yield', label: 'alloc:allocate' }; // cluster lock taken, SWP_WRITEOK re-checked
  const outcome = ctx.commit(op);
  ctx.scanner(type, -1);
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
  yield { kind: 'yield', label: 'writeback:write' }; // __swap_cache_prepare_and_add(), decompress
  return ctx.commit(op); // re-checks that the zswap entry is still in the tree
}

/** The section steps of the correct designs. */
export const sectionSteps: SectionSteps = {
  getSwapDevice,
  putSwapDevice,
  swapinCached,
  swapinSkipCache,
  forkSections,
  allocSections,
  writebackSections,
};

/**
 * Every section label of the split ops (the wait labels passed to getSwapDevice() included), for the
 * explorer's coverage line; the one-section ops are labelled with their op name.
 */
export const sectionLabels: readonly string[] = [
  'swapin:lookup',
  'swapin:commit',
  'swapin:wait-swapoff',
  'swapin:folio-locked',
  'swapin:read',
  'swapin:entry-pinned',
  'swapin:sync-read',
  'swapin:sync-map',
  'zap:lookup',
  'zap:commit',
  'zap:wait-swapoff',
  'zap:entry-pinned',
  'zap:put',
  'fork:lookup',
  'fork:commit',
  'fork:wait-swapoff',
  'fork:read-count',
  'fork:write-count',
  'alloc:pick',
  'alloc:commit',
  'alloc:allocate',
  'swapoff:start',
  'swapoff:wait-other',
  'swapoff:unuse',
  'writeback:lookup',
  'writeback:commit',
  'writeback:write',
];

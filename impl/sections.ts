/**
 * The protocol between sectioned ops (impl/sections-ops.ts) and the deterministic scheduler
 * that interleaves them (explore/concurrent.ts). A sectioned op is a generator: the code
 * between two `yield`s is one critical section and runs atomically; each `yield` names what the
 * op needs before its next section may run: nothing (another CPU may simply run first), a lock
 * (cluster lock, folio lock, the per-entry swap-cache pin), or a condition to wait for
 * (swapoff waiting for device users). Locks follow brief §7.4: a CPU blocked on a held lock is
 * not runnable, and when every unfinished CPU is blocked the scheduler reports a deadlock.
 *
 * The context also models the device lifetime (get_swap_device() / put_swap_device() pins that
 * swapoff waits for before it frees the device) and checks it like KASAN would: a section that
 * reads device metadata after swapoff freed it throws UseAfterFree.
 *
 * The sections that take or skip a pin, lock or re-check are a design's named section steps
 * (SectionSteps, correct by default: impl/sections-ops.ts `sectionSteps`); a race mutant
 * (impl/mutants/) replaces one with its buggy version.
 *
 * Not covered here: which ops are split and where (impl/sections-ops.ts), the scheduler and the
 * linearizability check (explore/).
 */
import type { AllocSwapOp, ForkOp, Op, SwapinOp, ZswapWritebackOp } from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import type { Folio } from './folio-table.ts';
import type { EntryLoc, SwapState } from './swap-state.ts';

/**
 * What a section touches, for the explorer's sleep-set reduction: two sections of different
 * CPUs commute when neither writes what the other reads, writes or adds to, and neither adds
 * to what the other reads. `impl` stands for all of the impl's state except the resources
 * named separately: device users (pins and scanners), lookup-cache cluster pins and the
 * statistics counters, which lookups only add to (increments commute). A section without a
 * declared footprint touches everything.
 */
export interface Footprint {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  readonly adds: readonly string[];
}

/** A lockless lookup: reads the impl, takes pins, counts lookups, writes nothing else. */
export const lookupFootprint: Footprint = {
  reads: ['impl'],
  writes: [],
  adds: ['users', 'cluster-pins', 'counters'],
};

/** What an op needs before its next section runs; `label` names that section. */
export type SectionRequest =
  | { readonly kind: 'yield'; readonly label: string; readonly footprint?: Footprint }
  | { readonly kind: 'lock'; readonly lock: string; readonly label: string }
  | { readonly kind: 'wait'; readonly label: string; readonly until: () => boolean };

export type SectionedOp = Generator<SectionRequest, ImplOutcome, void>;

/**
 * The swapin of an uncached entry on a SWP_SYNCHRONOUS_IO device: through the swap cache
 * (today, phase II), or the legacy bypass (0bcac06f27d7) that reads into a private folio,
 * with the per-entry pin of its fix (13ddaf26be32, swapcache_prepare()) or without it.
 */
export type SyncSwapin = 'swap-cache' | 'skip-pinned' | 'skip-unpinned';

export const syncSwapinValues: readonly SyncSwapin[] = [
  'swap-cache',
  'skip-pinned',
  'skip-unpinned',
];

/** How many times one op may restart after a failed re-validation before it is a livelock. */
export const sectionRetryMax = 8;

/** A section touched device metadata that swapoff had already freed (a KASAN report). */
export class UseAfterFree extends Error {
  override readonly name = 'UseAfterFree';
}

/** An op restarted `sectionRetryMax` times without completing. */
export class Livelock extends Error {
  override readonly name = 'Livelock';
}

/** A run of sections that ends in a `T` (null: re-validation failed, restart the op). */
export type Sections<T> = Generator<SectionRequest, T, void>;

/** The named section steps of a design (impl/sections-ops.ts has the correct ones). */
export interface SectionSteps {
  /**
   * get_swap_device() for an op that read `entry` from `holder`: true with the pin taken (or
   * nothing to pin), false after waiting for a swapoff in progress (the caller restarts).
   */
  getSwapDevice(
    ctx: SectionContext,
    device: number | null,
    holder: number,
    entry: number,
    label: string,
  ): Sections<boolean>;
  /** put_swap_device() of what getSwapDevice() took. */
  putSwapDevice(ctx: SectionContext, device: number | null): void;
  /** A swapin's swap-cache hit: lock the folio, re-validate, commit; null to restart. */
  swapinCached(
    ctx: SectionContext,
    op: SwapinOp,
    loc: EntryLoc,
    device: number | null,
    folio: Folio,
  ): Sections<ImplOutcome | null>;
  /** The legacy swap-cache-skipping swapin (0bcac06f27d7 and its fix); null to restart. */
  swapinSkipCache(
    ctx: SectionContext,
    op: SwapinOp,
    loc: EntryLoc,
    device: number | null,
  ): Sections<ImplOutcome | null>;
  /** copy_nonpresent_pte() / swap_dup_entry_direct(). */
  forkSections(ctx: SectionContext, op: ForkOp): SectionedOp;
  /** folio_alloc_swap(): the device pick, then the allocation under the cluster lock. */
  allocSections(ctx: SectionContext, op: AllocSwapOp): SectionedOp;
  /** zswap_writeback_entry(): the LRU pick, then the swap-cache folio and the write. */
  writebackSections(ctx: SectionContext, op: ZswapWritebackOp): SectionedOp;
}

/** What the scheduler gives a sectioned op. */
export interface SectionContext {
  readonly state: SwapState;
  /** The design's section steps (KernelSwapSystem.sectionSteps). */
  readonly steps: SectionSteps;
  readonly cpu: number;
  readonly syncSwapin: SyncSwapin;
  /** Runs the op's atomic impl path on this CPU (one critical section). */
  commit(op: Op): ImplOutcome;
  /** Releases a lock this CPU holds. */
  unlock(lock: string): void;
  /** get_swap_device(): false once swapoff has started on the device. */
  pin(device: number): boolean;
  /** put_swap_device(). */
  unpin(device: number): void;
  /** Whether swapoff has started on the device (percpu_ref killed). */
  dying(device: number): boolean;
  /** Marks the start of swapoff: no new pins or allocations on the device. */
  startSwapoff(device: number): void;
  /** Device pins plus in-flight allocators (SWP_SCANNING) on the device. */
  users(device: number): number;
  /** An allocator starts or stops scanning the device. */
  scanner(device: number, delta: 1 | -1): void;
  /** Reads device metadata: throws UseAfterFree when swapoff already freed it. */
  access(device: number, what: string): void;
}

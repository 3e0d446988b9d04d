/**
 * The state of one kernel-shaped swap system and the mechanisms every op is built from:
 * resolving an entry value to its cluster and slot, counting (shared by physical and virtual
 * clusters), binding folios to entries in the swap cache and unbinding them
 * (__swap_cache_del_folio(), folio_free_swap()), freeing entries (__swap_cluster_free_entries()),
 * and reading and changing an entry's backend, and the memcg swap charge: recording an
 * entry's memcg id in its cluster's memcg table, charging and uncharging the memcg's swap
 * counter (impl/memcg.ts). Physical entries keep their backend in the slot itself (zero flag,
 * zswap tree keyed by (type, offset), the slot's data) and are charged from allocation to
 * free; virtual entries keep it in their virtual table word (zero flag in the swap table word
 * as in RFC v2) and are charged while that word names a disk slot.
 *
 * The per-design mechanisms live in their own modules and are chosen here by the knobs:
 * table devices or bitmap devices (impl/table-device.ts, impl/bitmap-device.ts), the virtual
 * space (impl/virtual-space.ts) with Pointer words kept or elided, the lookup cache
 * (impl/lookup-cache.ts).
 *
 * KernelSteps, declared here, are a design's named steps: small kernel steps with a correct
 * default (impl/kernel-steps.ts) that a catalogued mutant (impl/mutants/) replaces with its
 * buggy version. The ops reach them through `state.steps`.
 *
 * Not covered here: the ops themselves (impl/ops-*.ts), reclaim (impl/reclaim.ts), swapoff
 * (impl/swapoff.ts), observation and audit (impl/observe.ts, impl/audit.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { countSentinel, type Config } from '../lib/config.ts';
import type { Knobs } from '../lib/system.ts';
import type { BackendKind } from '../lib/observation.ts';
import type { SwapinOp } from '../lib/ops.ts';
import type { ImplOutcome, Reclaim } from '../lib/outcome.ts';
import { BitmapDevice, type BitmapDeviceSteps } from './bitmap-device.ts';
import type { SwapCluster, VirtualCluster } from './cluster.ts';
import { swpEntry, swpOffset, swpType, VSWAP_TYPE } from './entry-value.ts';
import { FolioTable, type Folio } from './folio-table.ts';
import {
  holderIsExclusive,
  holderIsPresent,
  holderIsSwap,
  holderSwpClearExclusive,
  holderSwpExclusive,
  holderToPage,
  holderToPfn,
  holderWithExclusive,
  HOLDER_EMPTY_WORD,
  presentToHolderWord,
  swapToHolderWord,
} from './holder-word.ts';
import { CostCounters, costs } from './cost-counters.ts';
import { mark, Marks } from './marks.ts';
import { MEMCG_ID_NONE, memcgIdIsRecorded, MemcgSwapCounters } from './memcg.ts';
import { PhysicalAllocator, type PhysicalDevice, type PhysicalRun } from './physical-allocator.ts';
import { SwapCounter, type CounterSteps } from './swap-count.ts';
import { SwapCounters } from './swap-counters.ts';
import {
  NULL_WORD,
  pfnToWord,
  pointerToWord,
  pointerWithCacheOnly,
  POINTER_OFFSET_MAX,
  SHADOW_MAX,
  shadowToWord,
  wordIsPfn,
  wordIsPointer,
  wordIsShadow,
  wordToCount,
  wordToPfn,
  wordToPointerOffset,
  wordToZero,
  wordWithZero,
} from './swap-table-word.ts';
import { TableDevice, type TableDeviceSteps } from './table-device.ts';
import { VirtualSpace, type VirtualSpaceSteps } from './virtual-space.ts';
import {
  physToVtWord,
  VT_NONE_WORD,
  vtWordIsPhys,
  vtWordIsZswap,
  vtWordToHandle,
  vtWordToPhysOffset,
  vtWordToPhysType,
  zswapToVtWord,
} from './virtual-table-word.ts';
import { ZswapPool } from './zswap-pool.ts';
import { ZswapTree } from './zswap-tree.ts';

/** An entry value resolved to where its state lives. */
export interface EntryLoc {
  readonly value: number;
  readonly virtual: boolean;
  /** Offset inside the entry's swap space. */
  readonly offset: number;
  /** The device of a physical entry, null for a virtual one. */
  readonly device: TableDevice | null;
  readonly cluster: SwapCluster;
  /** The virtual cluster of a virtual entry (same object as `cluster`). */
  readonly vcluster: VirtualCluster | null;
  readonly slot: number;
}

/**
 * The last -ENOSPC returned, with what it claimed, for the allowance audit: no aligned free
 * run of `order` in the virtual space and/or physically, where `tried` names the one device a
 * large physical allocation tried (swap_alloc_slow() stops there) and null means every device.
 */
export interface EnospcNote {
  readonly opSeq: number;
  readonly order: number;
  readonly space: 'physical' | 'virtual' | 'both';
  readonly tried: number | null;
}

/**
 * The last allocation of slots, for the audit of order exclusivity: the run of 2^`order`
 * entries (or backing slots) from `value` on lies in a cluster that serves its order.
 */
export interface AllocNote {
  readonly opSeq: number;
  readonly order: number;
  readonly value: number;
}

/** The last fallback of a virtual-first allocation to a physical device, for the same audit:
 * it claims the virtual space had no aligned free run of `order`. */
export interface FallbackNote {
  readonly opSeq: number;
  readonly order: number;
}

/** Why an entry's backend is released (SwapState.releaseBackend()). */
export type ReleaseWhy = 'put' | 'free' | 'zero' | 'zswap' | 'disk' | 'other';

/** A reclaim the allocator plans: a cache-only folio, or the backing of a cached virtual one. */
export interface PlannedReclaim {
  readonly folio: Folio;
  readonly kind: 'cache' | 'backing';
}

/**
 * A design's named steps. Each is one kernel step whose default (impl/kernel-steps.ts) is the
 * correct one; a catalogued mutant (impl/mutants/NAME.ts) replaces one of them (or, for a bug
 * that moves work between two places, each place) with its buggy version.
 */
export interface KernelSteps
  extends CounterSteps, TableDeviceSteps, BitmapDeviceSteps, VirtualSpaceSteps {
  // The swap cache, backends, memcg charges and the reverse map (this file).
  /** __swap_cache_del_folio() (SwapState.deleteFromSwapCache()). */
  swapCacheDelFolio(state: SwapState, folio: Folio, shadow: boolean): void;
  /** Clears the entry's zero flag as a backend release for `why` does (swap_zeromap_folio_clear()). */
  zeromapClear(state: SwapState, loc: EntryLoc, why: ReleaseWhy): void;
  /** zswap_invalidate() of a physical entry's object, as a release for `why` does. */
  zswapInvalidate(state: SwapState, loc: EntryLoc, why: ReleaseWhy): void;
  /** mem_cgroup_uncharge_swap() of a freed entry with recorded memcg `id`. */
  unchargeSwap(state: SwapState, loc: EntryLoc, id: number, why: 'put' | 'cache'): void;
  /** The uncharge of a virtual entry's released disk backing (vswap_release_backing()). */
  unchargeBacking(state: SwapState, id: number): void;
  /** The Pointer word to install on a physical slot backing virtual `loc` (kept reverse map). */
  rmapWord(state: SwapState, loc: EntryLoc): number;
  /** Pointer word `word` with its cache-only bit set to `cacheOnly`. */
  pointerWithCacheOnly(word: number, cacheOnly: boolean): number;
  // The ops (impl/ops-swap-out.ts, ops-swap-in.ts, ops-memory.ts, reclaim.ts, swapoff.ts).
  /** The end of folio_alloc_swap() for virtual entries: their memcg is recorded, not charged. */
  recordVirtualSwap(
    state: SwapState,
    folio: Folio,
    locs: readonly EntryLoc[],
    first: number,
  ): ImplOutcome;
  /** mem_cgroup_try_charge_swap() of `nr` physical entries of `folio`; false when it fails. */
  chargeSwap(state: SwapState, folio: Folio, nr: number, failAlloc: boolean): boolean;
  /** The charge of `nr` pages of new disk backing of virtual entries to memcg `id`. */
  chargeBacking(state: SwapState, id: number, nr: number): boolean;
  /** is_folio_zero_filled(). */
  isFolioZeroFilled(folio: Folio): boolean;
  /** swap_zeromap_folio_set(): the writeout of a zero-filled folio's entries. */
  zeromapFolioSet(state: SwapState, locs: readonly EntryLoc[]): void;
  /** The write of a redirtied folio to the disk backing its virtual entries keep. */
  writeToBacking(state: SwapState, folio: Folio, locs: readonly EntryLoc[]): void;
  /** The read of an uncached entry into a new swap-cache folio, mapped (do_swap_page()). */
  swapinRead(state: SwapState, op: SwapinOp, loc: EntryLoc): ImplOutcome;
  /** The free of an uncached entry whose last reference a put dropped. */
  freeAfterPut(state: SwapState, loc: EntryLoc): void;
  /** Points zswap-backed virtual `loc` at the new physical slot `run` holding `content`. */
  redirectBacking(state: SwapState, loc: EntryLoc, run: PhysicalRun, content: number): void;
  /** __swap_cache_replace_folio() of the slot of tail page `tail` of split folio `head`. */
  swapCacheReplaceFolio(state: SwapState, loc: EntryLoc, head: Folio, tail: Folio): void;
  /** Moves `holder`, which now maps tail folio `tail`, from `head`'s anon rmap to the tail's. */
  splitMoveRmap(head: Folio, tail: Folio, holder: number): void;
  /** Checks that `plan` can be carried out and returns the function that does it, or null. */
  planReclaims(
    state: SwapState,
    plan: readonly PlannedReclaim[],
    exclude: Folio | null,
    out: Reclaim[],
  ): (() => void) | null;
  /** Adds to `backed` the entries of virtual cluster `ci` backed on device `type` (swapoff). */
  scanBackedOn(state: SwapState, ci: VirtualCluster, type: number, backed: Set<number>): void;
}

export class SwapState {
  readonly config: Config;
  readonly knobs: Knobs;
  readonly marks = new Marks();
  /** Cost counters of this system's ops (impl/cost-counters.ts). */
  readonly costs = new CostCounters();
  readonly counters = new SwapCounters();
  readonly counter: SwapCounter;
  readonly devices: readonly PhysicalDevice[];
  readonly allocator: PhysicalAllocator;
  readonly vspace: VirtualSpace | null;
  readonly zswap: ZswapPool;
  /** The swap page counters of the memcgs below the root (memcg->swap). */
  readonly memcg: MemcgSwapCounters;
  /** zswap_trees: handles of physical entries keyed by (type, offset). */
  readonly zswapTree: ZswapTree;
  zswapEnabled: boolean;
  /** The page tables: one holder word per holder. */
  readonly holders: Uint32Array;
  readonly folios = new FolioTable();
  /** Workingset eviction counter, the source of shadow cookies. */
  private shadowAge = 0;
  /** Sequence number of the op being applied. */
  opSeq = 0;
  /** CPU of the op being applied. */
  cpu = 0;
  enospc: EnospcNote | null = null;
  vswapFallback: FallbackNote | null = null;
  allocated: AllocNote | null = null;
  /** The design's named steps. */
  readonly steps: KernelSteps;

  constructor(config: Config, knobs: Knobs, steps: KernelSteps) {
    const orders = config.orderMax + 1;
    this.config = config;
    this.knobs = knobs;
    this.steps = steps;
    this.counter = new SwapCounter(countSentinel(config), this.marks, steps);
    const direct = knobs.reverseMap === 'elided';
    assert(
      !direct || knobs.virtualEntries === 'always',
      'an elided reverse map needs every entry virtual (nothing else tracks physical slots)',
    );
    // Physical clusters of a design with virtual entries get their memcg table only once they
    // hold a direct slot (RFC v2); classic allocates it with every swap table.
    const memcgDeferred = knobs.virtualEntries !== 'never';
    this.devices = config.devices.map((device, type) =>
      direct
        ? new BitmapDevice(type, device, this.counters, steps)
        : new TableDevice(
            type,
            device,
            config.clusterSlots,
            orders,
            this.counters,
            this.marks,
            memcgDeferred,
            steps,
          ),
    );
    this.allocator = new PhysicalAllocator(this.devices, config.cpus, orders, this.marks);
    assert(config.vswapSlots - 1 <= POINTER_OFFSET_MAX, 'virtual offsets fit a Pointer word');
    this.vspace =
      knobs.virtualEntries === 'never'
        ? null
        : new VirtualSpace(
            config.vswapSlots,
            config.clusterSlots,
            orders,
            config.cpus,
            knobs.lookupCache,
            this.marks,
            steps,
          );
    this.zswap = new ZswapPool(config.zswapCapacity);
    this.memcg = new MemcgSwapCounters(config);
    this.zswapTree = new ZswapTree(config.devices.length);
    this.zswapEnabled = config.zswapEnabled;
    this.holders = new Uint32Array(config.holders);
  }

  // Entry resolution.

  /**
   * Resolves `value` for the current op: a physical entry through its device's cluster
   * array, a virtual one through the lookup cache of the op's CPU (or the index).
   */
  resolve(value: number): EntryLoc {
    costs.clusterLocks++;
    const offset = entryOffset(value);
    if (swpType(value) !== VSWAP_TYPE) return this.physicalLoc(value, offset);
    return virtualLoc(value, offset, this.virtualSpace().lookup(this.cpu, offset), false);
  }

  /**
   * Resolves `value` as CPU `cpu` would, without touching the lookup cache (observe()). A
   * DEAD cluster is returned as found, so that a stale lookup reads as lost content.
   */
  peek(value: number, cpu: number): EntryLoc {
    const offset = entryOffset(value);
    if (swpType(value) !== VSWAP_TYPE) return this.physicalLoc(value, offset);
    return virtualLoc(value, offset, this.virtualSpace().peek(cpu, offset), true);
  }

  /**
   * The entries of a swap-cache folio, resolved once (they share one cluster); with
   * `peekCpu`, resolved as that CPU would without touching the lookup cache (audits).
   */
  entriesOf(folio: Folio, peekCpu?: number): EntryLoc[] {
    assertThat(folio.swapcache && folio.swap > 0, 'folio ', folio.pfn, ' is not in the swap cache');
    const first = peekCpu === undefined ? this.resolve(folio.swap) : this.peek(folio.swap, peekCpu);
    const nr = 1 << folio.order;
    assert(first.slot % nr === 0 && first.slot + nr <= first.cluster.slots, 'folio alignment');
    const locs: EntryLoc[] = [first];
    for (let i = 1; i < nr; i++) locs.push(nextLoc(first, i));
    return locs;
  }

  /** The entry at `slot` of virtual cluster `ci`, found by a scan rather than a lookup. */
  locOf(ci: VirtualCluster, slot: number): EntryLoc {
    assertThat(!ci.dead && slot >= 0 && slot < ci.slots, 'slot ', slot, ' of cluster ', ci.id);
    const offset = ci.id * ci.slots + slot;
    const value = swpEntry(VSWAP_TYPE, offset);
    return { value, virtual: true, offset, device: null, cluster: ci, vcluster: ci, slot };
  }

  word(loc: EntryLoc): number {
    return loc.cluster.word(loc.slot);
  }

  setWord(loc: EntryLoc, word: number): void {
    assert(word !== NULL_WORD, 'use freeEntry() to clear a slot');
    costs.tableWrites++;
    loc.cluster.tableOf()[loc.slot] = word;
  }

  virtualSpace(): VirtualSpace {
    assert(this.vspace !== null, 'this design has no virtual swap space');
    return this.vspace;
  }

  // Counting (shared by physical and virtual clusters).

  count(loc: EntryLoc): number {
    const count = this.counter.count(loc.cluster, loc.slot);
    assertThat(count >= 0, loc.value, ' count ', count);
    return count;
  }

  /** folio_dup_swap() / swap_dup_entry_direct() of one entry; false for -ENOMEM. */
  dup(loc: EntryLoc, failAlloc: boolean): boolean {
    const word = this.word(loc);
    assertThat(
      wordIsPfn(word) || this.count(loc) >= 1,
      'dup of uncached ',
      loc.value,
      ' with count 0',
    );
    if (!this.counter.dup(loc.cluster, loc.slot, 1, failAlloc)) return false;
    this.syncCacheOnly(loc);
    return true;
  }

  /** folio_put_swap() / swap_put_entries_direct() of one entry; never frees. */
  put(loc: EntryLoc): void {
    assertThat(this.count(loc) >= 1, 'put of ', loc.value, ' with count 0');
    this.counter.put(loc.cluster, loc.slot);
    this.syncCacheOnly(loc);
  }

  // The swap cache.

  /** The folio caching `loc`, or null. */
  cachedFolio(loc: EntryLoc): Folio | null {
    const word = this.word(loc);
    if (!wordIsPfn(word)) return null;
    const folio = this.folios.of(wordToPfn(word));
    assertThat(folio.swapcache, 'entry ', loc.value, ' bound to uncached folio ', folio.pfn);
    return folio;
  }

  /** PFN word that binds the entries of a fresh allocation (count 0, no zero flag). */
  bindWord(folio: Folio): number {
    assertThat(!folio.swapcache, 'folio ', folio.pfn, ' bound twice');
    return pfnToWord(folio.pfn, 0, false);
  }

  /** Marks `folio` as in the swap cache from entry `first` on (its words are installed). */
  bind(folio: Folio, first: number): void {
    assertThat(!folio.swapcache, 'folio ', folio.pfn, ' already in the swap cache');
    assert(first > 0);
    folio.swapcache = true;
    folio.swap = first;
  }

  /**
   * Binds uncached entries to a fresh folio read from them (swap_cache_alloc_folio()): PFN
   * words keep count and zero flag, the shadow is dropped.
   */
  bindRead(folio: Folio, locs: readonly EntryLoc[]): void {
    assert(locs.length === 1 << folio.order, 'read batch size');
    for (const loc of locs) {
      const word = this.word(loc);
      assertThat(wordIsShadow(word), 'read of ', loc.value, ' that is not swapped out');
      this.setWord(loc, pfnToWord(folio.pfn, wordToCount(word), wordToZero(word)));
    }
    const first = locs[0];
    assert(first !== undefined);
    this.bind(folio, first.value);
    for (const loc of locs) this.syncCacheOnly(loc);
  }

  /**
   * Removes `folio` from the swap cache (__swap_cache_del_folio()): PFN words become Shadow
   * words keeping count and zero flag (with a workingset shadow when `shadow` and the count
   * is not 0), then the slots whose count is 0 are freed.
   */
  deleteFromSwapCache(folio: Folio, shadow: boolean): void {
    this.steps.swapCacheDelFolio(this, folio, shadow);
  }

  /**
   * folio_free_swap(): when every entry of `folio` has count 0, deletes it from the swap
   * cache (freeing the entries), dirties it and frees it if unmapped. False otherwise.
   */
  folioFreeSwap(folio: Folio): boolean {
    assertThat(folio.swapcache, 'folio ', folio.pfn, ' is not in the swap cache');
    const locs = this.entriesOf(folio);
    if (!this.entriesUnused(locs)) return false;
    this.deleteFromSwapCache(folio, false);
    folio.dirty = true;
    this.folios.freeIfUnused(folio);
    return true;
  }

  /** Whether every entry of `locs` has count 0: no swap PTE references it (!folio_swapped()). */
  entriesUnused(locs: readonly EntryLoc[]): boolean {
    for (const loc of locs) if (this.count(loc) > 0) return false;
    return true;
  }

  /**
   * Frees an entry whose word is a count-0 Shadow (__swap_cluster_free_entries()); `why` is
   * 'put' when the last holder's put frees it directly (swap_put_entries_direct()).
   */
  freeEntry(loc: EntryLoc, why: 'put' | 'cache' = 'cache'): void {
    const word = this.word(loc);
    assertThat(wordIsShadow(word) && wordToCount(word) === 0, 'free of busy entry ', loc.value);
    this.releaseBackend(loc, why === 'put' ? 'put' : 'free');
    // mm/memcontrol.c: mem_cgroup_uncharge_swap(swap_cgroup_clear()): a physical entry was
    // charged from its allocation (no id is recorded when that charge failed); a virtual one
    // only while backed, and releaseBackend() has uncharged that.
    const id = this.clearMemcg(loc);
    if (memcgIdIsRecorded(id)) this.steps.unchargeSwap(this, loc, id, why);
    if (loc.device !== null) {
      loc.device.freeSlots(loc.cluster, loc.slot, 1);
    } else {
      assert(loc.vcluster !== null);
      this.virtualSpace().freeSlots(loc.vcluster, loc.slot, 1);
    }
  }

  // Memcg swap accounting (impl/memcg.ts).

  /** The memcg id recorded for the entry (lookup_swap_cgroup_id()), MEMCG_ID_NONE if none. */
  memcgIdOf(loc: EntryLoc): number {
    return loc.cluster.memcgId(loc.slot);
  }

  /**
   * Records memcg `id` for fresh entries (swap_cgroup_record(); for virtual entries RFC patch
   * 4's mem_cgroup_record_swap()). A physical cluster of a deferring design has its memcg
   * table from the allocation that made the entries (TableDevice.commit()). The id is
   * exchanged in as swap_cgroup_record() does; its VM_BUG_ON(old) is a DEBUG_VM check, and an
   * allocator that hands out a live slot is the checker's to catch (identity, ABA).
   */
  recordMemcg(locs: readonly EntryLoc[], id: number): void {
    assertThat(this.memcg.isValid(id), 'record of memcg id ', id);
    for (const loc of locs) {
      const table = loc.cluster.memcgTable;
      assertThat(table !== null, loc.value, ': cluster ', loc.cluster.id, ' has no memcg table');
      table[loc.slot] = id;
    }
  }

  /** Clears the entry's memcg id and returns it (swap_cgroup_clear()). */
  private clearMemcg(loc: EntryLoc): number {
    const id = this.memcgIdOf(loc);
    if (memcgIdIsRecorded(id)) {
      const table = loc.cluster.memcgTable;
      assert(table !== null);
      table[loc.slot] = MEMCG_ID_NONE;
    }
    return id;
  }

  /**
   * mem_cgroup_swap_full(folio): swap is more than half full (vm_swap_full()), or the folio's
   * memcg has a swap.max and uses at least half of it.
   */
  memcgSwapFull(folio: Folio): boolean {
    return this.vmSwapFull() || this.memcg.swapFull(folio.memcg);
  }

  // Backends.

  backendKind(loc: EntryLoc): BackendKind {
    const word = this.word(loc);
    assertThat(wordIsShadow(word) || wordIsPfn(word), 'entry ', loc.value, ' not in use');
    if (wordToZero(word)) return 'zero';
    if (loc.device !== null) {
      if (this.zswapTree.load(loc.device.type, loc.offset) !== null) return 'zswap';
      return loc.device.store?.holdsData(loc.offset) === true ? 'disk' : 'none';
    }
    const vt = this.vtWord(loc);
    if (vtWordIsZswap(vt)) return 'zswap';
    return vtWordIsPhys(vt) ? 'disk' : 'none';
  }

  /** The physical device the entry occupies or is backed by, or null. */
  backendDevice(loc: EntryLoc): number | null {
    assertThat(this.word(loc) !== NULL_WORD, 'device of free ', loc.value);
    if (loc.device !== null) return loc.device.type;
    const vt = this.vtWord(loc);
    return vtWordIsPhys(vt) ? vtWordToPhysType(vt) : null;
  }

  /** Reads the entry's data from its backend (swap_read_folio() / zswap_load()). */
  readBackend(loc: EntryLoc): number {
    const kind = this.backendKind(loc);
    assertThat(kind !== 'none', 'read of ', loc.value, ' without a backend');
    if (kind === 'zero') return 0;
    if (kind === 'zswap') return this.zswap.load(this.zswapHandle(loc));
    const { device, offset } = this.diskOf(loc);
    assert(device.store !== null);
    return device.store.read(offset);
  }

  /** The data a read would return, or null when there is none (observe() and audit()). */
  peekBackend(loc: EntryLoc): number | null {
    const kind = this.backendKind(loc);
    if (kind === 'none') return null;
    if (kind === 'zero') return 0;
    if (kind === 'zswap') {
      const handle = this.zswapHandle(loc);
      return this.zswap.isLive(handle) ? this.zswap.load(handle) : null;
    }
    const { device, offset } = this.diskOf(loc);
    return device.store?.peek(offset) ?? null;
  }

  /** The zswap handle of an entry with a zswap backend. */
  zswapHandle(loc: EntryLoc): number {
    if (loc.device !== null) {
      const handle = this.zswapTree.load(loc.device.type, loc.offset);
      assertThat(handle !== null, 'entry ', loc.value, ' has no zswap object');
      return handle;
    }
    return vtWordToHandle(this.vtWord(loc));
  }

  /** The slot holding the entry's disk data: its own slot, or its PHYS backing. */
  diskOf(loc: EntryLoc): { device: PhysicalDevice; offset: number } {
    if (loc.device !== null) return { device: loc.device, offset: loc.offset };
    const vt = this.vtWord(loc);
    const device = this.devices[vtWordToPhysType(vt)];
    assertThat(
      device !== undefined && device.online,
      'entry ',
      loc.value,
      ' backed by offline device',
    );
    return { device, offset: vtWordToPhysOffset(vt) };
  }

  /**
   * Drops the entry's backend: the zswap object, the zero flag, and the disk data (a physical
   * entry keeps its slot; a virtual entry's backing slot is released). A zero writeout (`why`
   * 'zero') of a physical entry leaves its zswap object in the tree, stale (hasStaleZswap()).
   */
  releaseBackend(loc: EntryLoc, why: ReleaseWhy = 'other'): void {
    this.steps.zeromapClear(this, loc, why);
    if (loc.device !== null) {
      if (why === 'zero') {
        loc.device.store?.discard(loc.offset); // the zswap object stays in the tree, stale
        return;
      }
      this.steps.zswapInvalidate(this, loc, why);
      loc.device.store?.discard(loc.offset);
      return;
    }
    const vcluster = loc.vcluster;
    assert(vcluster !== null);
    const vt = this.vtWord(loc);
    vcluster.vtable[loc.slot] = VT_NONE_WORD;
    costs.tableWrites++;
    if (vtWordIsZswap(vt)) this.zswap.free(vtWordToHandle(vt));
    if (vtWordIsPhys(vt)) this.releasePhys(vtWordToPhysType(vt), vtWordToPhysOffset(vt), loc);
  }

  /**
   * Writeout of a zero-filled page: the zero flag replaces any other backend, except that a
   * physical entry's zswap object stays in the tree, stale, until the slot is freed or the next
   * non-zero writeout (swap_writeout() sets the zero mark and returns before zswap_store());
   * reads check the zero flag first. A virtual entry's is released (vswap's zero path).
   */
  setZero(loc: EntryLoc): void {
    this.releaseBackend(loc, 'zero');
    this.setWord(loc, wordWithZero(this.word(loc), true));
    assertThat(this.backendKind(loc) === 'zero', loc.value, ' zero flag not set');
  }

  /** A physical entry's stale zswap object: a tree entry beside the zero flag. */
  hasStaleZswap(loc: EntryLoc): boolean {
    if (loc.device === null) return false;
    return wordToZero(this.word(loc)) && this.zswapTree.load(loc.device.type, loc.offset) !== null;
  }

  /** zswap_store() of one page into a fresh object (the pool has room, checked by caller);
   * the old object of the slot, stale or not, is freed (xa_store() returns it). */
  setZswap(loc: EntryLoc, content: number): void {
    this.releaseBackend(loc, 'zswap');
    const handle = this.zswap.store(content);
    if (loc.device !== null) {
      assert(this.zswapTree.store(loc.device.type, loc.offset, handle) === null);
      return;
    }
    assert(loc.vcluster !== null);
    loc.vcluster.vtable[loc.slot] = zswapToVtWord(handle);
    costs.tableWrites++;
    assertThat(this.backendKind(loc) === 'zswap', loc.value, ' not stored');
  }

  /** Writes a physical entry's data to its own slot (__swap_writepage()). */
  writeOwnSlot(loc: EntryLoc, content: number): void {
    assertThat(loc.device !== null && loc.device.store !== null, loc.value, ' is not physical');
    this.releaseBackend(loc, 'disk');
    loc.device.store.write(loc.offset, content);
    assertThat(this.backendKind(loc) === 'disk', loc.value, ' not on disk');
  }

  /**
   * Points a virtual entry at a freshly allocated physical slot and writes its data there
   * (folio_realloc_swap() + __swap_writepage_phys()). The old backend was released.
   */
  setPhys(loc: EntryLoc, device: PhysicalDevice, offset: number, content: number): void {
    assertThat(loc.vcluster !== null, loc.value, ' is not virtual');
    assertThat(this.vtWord(loc) === VT_NONE_WORD, loc.value, ' already has a backend');
    assert(device.store !== null);
    loc.vcluster.vtable[loc.slot] = physToVtWord(device.type, offset);
    costs.tableWrites++;
    device.store.write(offset, content);
    this.syncCacheOnly(loc);
  }

  /** The entry has count 0 and is in the swap cache. */
  isCacheOnly(loc: EntryLoc): boolean {
    assertThat(this.word(loc) !== NULL_WORD, 'cache-only test of free ', loc.value);
    return wordIsPfn(this.word(loc)) && this.count(loc) === 0;
  }

  vtWord(loc: EntryLoc): number {
    assertThat(loc.vcluster !== null, loc.value, ' is not virtual');
    costs.tableReads++;
    return loc.vcluster.vtable[loc.slot] ?? 0;
  }

  /** Keeps the C bit of the backing Pointer word equal to "count 0 and cached". */
  syncCacheOnly(loc: EntryLoc): void {
    if (loc.vcluster === null || this.knobs.reverseMap !== 'kept') return;
    const vt = this.vtWord(loc);
    if (!vtWordIsPhys(vt)) return;
    const device = this.devices[vtWordToPhysType(vt)];
    assert(device !== undefined && device.kind === 'table', 'rmap on a table device');
    const offset = vtWordToPhysOffset(vt);
    const ci = device.clusterOf(offset);
    const slot = offset % device.clusterSlots;
    const word = ci.word(slot);
    assertThat(
      wordIsPointer(word) && wordToPointerOffset(word) === loc.offset,
      'rmap of ',
      loc.value,
      ' at ',
      device.type,
      ':',
      offset,
      ' is ',
      word,
    );
    const cacheOnly = this.isCacheOnly(loc);
    const next = this.steps.pointerWithCacheOnly(word, cacheOnly);
    if (next !== word) {
      ci.tableOf()[slot] = next;
      costs.tableWrites++;
      costs.rmapUpdates++;
      if (cacheOnly) this.marks.hit(mark['rmap-cache-only-set']);
    }
  }

  /**
   * Frees the physical slot backing virtual entry `loc` and uncharges it from the entry's
   * memcg (vswap_release_backing(): a virtual entry is charged only while backed, RFC patch 4).
   */
  private releasePhys(type: number, offset: number, loc: EntryLoc): void {
    const device = this.devices[type];
    assertThat(device !== undefined && device.online, 'backing on offline device ', type);
    const id = this.memcgIdOf(loc);
    assertThat(memcgIdIsRecorded(id), 'backed virtual ', loc.value, ' records no memcg');
    this.steps.unchargeBacking(this, id); // mem_cgroup_uncharge_swap()
    if (device.kind === 'bitmap') {
      device.free(offset, 1);
      return;
    }
    const ci = device.clusterOf(offset);
    const slot = offset % device.clusterSlots;
    const word = ci.word(slot);
    assertThat(
      wordIsPointer(word) && wordToPointerOffset(word) === loc.offset,
      'backing ',
      type,
      ':',
      offset,
      ' of ',
      loc.value,
      ' holds ',
      word,
    );
    costs.rmapUpdates++;
    device.freeSlots(ci, slot, 1);
  }

  // Holders.

  /**
   * Maps page `page` of `folio` at `holder` (set_pte_at() of a present PTE), exclusive or not
   * (PageAnonExclusive as this mapping sees it).
   */
  mapPage(holder: number, folio: Folio, page: number, exclusive: boolean): void {
    assertThat(this.holders[holder] === HOLDER_EMPTY_WORD, 'holder ', holder, ' not empty');
    assertThat(page >= 0 && page < folio.pages.length, 'page ', page, ' of folio ', folio.pfn);
    this.holders[holder] = presentToHolderWord(folio.pfn, page, exclusive);
    folio.pageMaps[page] = (folio.pageMaps[page] ?? 0) + 1;
    folio.mappers.add(holder);
    assertThat(
      !exclusive || folio.pageMaps[page] === 1,
      'exclusive mapping of shared page ',
      page,
      ' of folio ',
      folio.pfn,
    );
  }

  /** Clears a present holder and returns the folio it mapped (not freed here). */
  unmapPage(holder: number): Folio {
    const word = this.holders[holder] ?? 0;
    assertThat(holderIsPresent(word), 'holder ', holder, ' is not present');
    const folio = this.folios.of(holderToPfn(word));
    const page = holderToPage(word);
    assert((folio.pageMaps[page] ?? 0) > 0 && folio.mappers.has(holder), 'map count');
    folio.pageMaps[page] = (folio.pageMaps[page] ?? 0) - 1;
    folio.mappers.delete(holder);
    this.holders[holder] = HOLDER_EMPTY_WORD;
    return folio;
  }

  /** Whether the present mapping at `holder` is exclusive (PageAnonExclusive). */
  isExclusive(holder: number): boolean {
    return holderIsExclusive(this.holders[holder] ?? 0);
  }

  /** Sets or clears the exclusive bit of the present mapping at `holder`. */
  setExclusive(holder: number, exclusive: boolean): void {
    const word = this.holders[holder] ?? 0;
    this.holders[holder] = holderWithExclusive(word, exclusive);
    const page = holderToPage(word);
    assertThat(
      !exclusive || this.folios.of(holderToPfn(word)).pageMaps[page] === 1,
      'holder ',
      holder,
      ' made exclusive on a shared page',
    );
  }

  /**
   * Clears PageAnonExclusive of page `page` of `folio` for every mapping of it
   * (folio_try_dup_anon_rmap_pte() of copy_present_pte(), which write-protects the PTEs).
   */
  shareAnonPage(folio: Folio, page: number): void {
    for (const holder of folio.mappers) {
      const word = this.holders[holder] ?? 0;
      if (holderToPage(word) === page) this.holders[holder] = holderWithExclusive(word, false);
    }
  }

  /** Stores entry `value` in empty `holder`, with the swap PTE's exclusive bit. */
  setSwapHolder(holder: number, value: number, exclusive: boolean): void {
    assertThat(this.holders[holder] === HOLDER_EMPTY_WORD, 'holder ', holder, ' not empty');
    assert(value > 0);
    this.holders[holder] = swapToHolderWord(value, exclusive);
  }

  /** The swap PTE's exclusive bit at `holder` (pte_swp_exclusive()). */
  swpExclusive(holder: number): boolean {
    return holderSwpExclusive(this.holders[holder] ?? 0);
  }

  /** Clears the swap PTE's exclusive bit at `holder` (pte_swp_clear_exclusive()). */
  swpClearExclusive(holder: number): void {
    this.holders[holder] = holderSwpClearExclusive(this.holders[holder] ?? 0);
  }

  /**
   * Replaces the swap PTE at `holder` with page `page` of `folio`, mapped exclusive when the
   * swap PTE was (do_swap_page() and unuse_pte(): RMAP_EXCLUSIVE from pte_swp_exclusive()),
   * and drops the entry's reference (folio_put_swap()).
   */
  mapFromSwap(holder: number, loc: EntryLoc, folio: Folio, page: number): void {
    const word = this.holders[holder] ?? 0;
    assertThat(holderIsSwap(word), 'holder ', holder, ' holds no entry');
    const exclusive = holderSwpExclusive(word);
    this.clearHolder(holder);
    this.mapPage(holder, folio, page, exclusive);
    this.put(loc);
  }

  clearHolder(holder: number): void {
    assertThat(holder >= 0 && holder < this.holders.length, 'holder ', holder);
    assert(!holderIsPresent(this.holders[holder] ?? 0), 'use unmapPage() for a present holder');
    this.holders[holder] = HOLDER_EMPTY_WORD;
  }

  // Helpers.

  vmSwapFull(): boolean {
    return this.counters.vmSwapFull();
  }

  /** A new workingset shadow cookie, never 0 (workingset_eviction()). */
  nextShadow(): number {
    this.shadowAge = (this.shadowAge % SHADOW_MAX) + 1;
    return this.shadowAge;
  }

  /** A physical entry: its device's cluster and slot. */
  private physicalLoc(value: number, offset: number): EntryLoc {
    const device = this.devices[swpType(value)];
    assertThat(
      device !== undefined && device.kind === 'table',
      'entry ',
      value,
      ' on no table device',
    );
    const cluster = device.clusterOf(offset);
    const slot = offset % device.clusterSlots;
    return { value, virtual: false, offset, device, cluster, vcluster: null, slot };
  }
}

/** The entry `i` slots after `first`, in the same cluster (the caller checked the bound). */
export function nextLoc(first: EntryLoc, i: number): EntryLoc {
  return {
    value: first.value + i,
    virtual: first.virtual,
    offset: first.offset + i,
    device: first.device,
    cluster: first.cluster,
    vcluster: first.vcluster,
    slot: first.slot + i,
  };
}

/** The offset of `value` in its swap space, never the header slot. */
function entryOffset(value: number): number {
  const offset = swpOffset(value);
  assertThat(offset > 0, 'entry ', value, ' names a header slot');
  return offset;
}

/**
 * A virtual entry in the cluster a lookup found for it; a DEAD cluster only when `deadOk` (a
 * stale lookup of observe(), which reads as lost content).
 */
function virtualLoc(
  value: number,
  offset: number,
  vcluster: VirtualCluster | undefined,
  deadOk: boolean,
): EntryLoc {
  assertThat(vcluster !== undefined, 'virtual entry ', value, ' has no cluster');
  assertThat(
    deadOk || !vcluster.dead,
    'virtual ',
    value,
    ' resolved to DEAD cluster ',
    vcluster.id,
  );
  const slot = offset % vcluster.slots;
  return { value, virtual: true, offset, device: null, cluster: vcluster, vcluster, slot };
}

/**
 * __swap_cache_del_folio(): PFN words become Shadow words keeping count and zero flag (with a
 * workingset shadow when `shadow` and the count is not 0), then the slots whose count is 0
 * are freed.
 */
function swapCacheDelFolio(state: SwapState, folio: Folio, shadow: boolean): void {
  const locs = state.entriesOf(folio);
  const cookie = shadow ? state.nextShadow() : 0;
  for (const loc of locs) {
    const word = state.word(loc);
    assertThat(wordIsPfn(word) && wordToPfn(word) === folio.pfn, loc.value, ' not bound');
    const count = wordToCount(word);
    state.setWord(loc, shadowToWord(count > 0 ? cookie : 0, count, wordToZero(word)));
  }
  folio.swapcache = false;
  folio.swap = 0;
  for (const loc of locs) {
    if (wordToCount(state.word(loc)) === 0) state.freeEntry(loc);
    else state.syncCacheOnly(loc);
  }
}

/** Any release clears the zero flag (a zero writeout sets it again afterwards). */
function zeromapClear(state: SwapState, loc: EntryLoc): void {
  const word = state.word(loc);
  if (wordToZero(word)) state.setWord(loc, wordWithZero(word, false));
}

/** The object is erased from the tree and freed (zswap_invalidate()). */
function zswapInvalidate(state: SwapState, loc: EntryLoc): void {
  assertThat(loc.device !== null, loc.value, ' is not physical');
  const handle = state.zswapTree.erase(loc.device.type, loc.offset);
  if (handle !== null) state.zswap.free(handle);
}

/** A physical entry was charged from its allocation; a virtual one only while backed. */
function unchargeSwap(state: SwapState, loc: EntryLoc, id: number): void {
  if (loc.device !== null) state.memcg.uncharge(id, 1);
}

function unchargeBacking(state: SwapState, id: number): void {
  state.memcg.uncharge(id, 1);
}

/** A Pointer word naming the entry's offset in the virtual space, C set when cache-only. */
function rmapWord(state: SwapState, loc: EntryLoc): number {
  assertThat(loc.virtual, loc.value, ' is not virtual');
  costs.rmapUpdates++;
  return pointerToWord(loc.offset, state.isCacheOnly(loc));
}

/** The steps of this file, correct. */
export const swapStateSteps = {
  swapCacheDelFolio,
  zeromapClear,
  zswapInvalidate,
  unchargeSwap,
  unchargeBacking,
  rmapWord,
  pointerWithCacheOnly,
} satisfies Partial<KernelSteps>;

/**
 * A physical swap device with a swap table (struct swap_info_struct): clusters of swap table
 * words, the cluster lists, bad slots set up at swapon, inuse_pages, the device's data, and the
 * per-device half of the allocator (cluster_alloc_swap_entry(), alloc_swap_scan_cluster()).
 * The classic design keeps physical entries here (Shadow and PFN words); with a kept reverse
 * map, slots backing virtual entries hold Pointer words.
 *
 * Five steps are named hooks (TableDeviceSteps: the new-cluster step of an allocation, the
 * accounting of swap_range_alloc(), free_cluster(), partial_free_cluster() and the free of the
 * cluster array at swapoff); impl/mutants/ replaces them in the cluster mutants.
 *
 * Not covered here: choosing a device and the per-CPU cluster cache
 * (impl/physical-allocator.ts); what a reclaim does (the AllocHooks the caller passes).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { costs } from './cost-counters.ts';
import { devicePages, type DeviceConfig } from '../lib/config.ts';
import { BlockStore } from './block-store.ts';
import { SwapCluster } from './cluster.ts';
import { ClusterLists } from './cluster-lists.ts';
import { mark, type Marks } from './marks.ts';
import type { SwapCounters } from './swap-counters.ts';
import {
  BAD_WORD,
  NULL_WORD,
  wordIsBad,
  wordIsPfn,
  wordIsPointer,
  wordToCacheOnly,
  wordToCount,
} from './swap-table-word.ts';

/** What the allocator asks of the rest of the system while it scans. */
export interface AllocHooks {
  /** vm_swap_full(). */
  vmSwapFull(): boolean;
  /**
   * Plans the reclaims (__try_to_reclaim_swap() or try_to_reclaim_vswap_backing()) that
   * would free every used slot of the run [slot, slot+nr) of `ci`, all of them cache-only.
   * Returns the function that performs them, or null when any of them would be illegal
   * (a folio still referenced, the op's own folio, or swap no longer full by then). A run is
   * reclaimed only when it is then taken, so a failed allocation never reclaims.
   */
  planReclaim(device: TableDevice, ci: SwapCluster, slot: number, nr: number): (() => void) | null;
}

/** The word to install at slot i of a fresh allocation. */
export type WordAt = (i: number) => number;

/** The device's named steps (the design's own are `tableDeviceSteps`). */
export interface TableDeviceSteps {
  /** The new_cluster step: an aligned run of 2^order from a free cluster, or -1. */
  allocNewCluster(device: TableDevice, order: number, hooks: AllocHooks, wordAt: WordAt): number;
  /** The nonfull step: an aligned run of 2^order from si->nonfull_clusters[order], or -1. */
  allocNonfullCluster(
    device: TableDevice,
    order: number,
    hooks: AllocHooks,
    wordAt: WordAt,
  ): number;
  /** swap_range_alloc(): counts `nr` allocated slots in inuse_pages and nr_swap_pages. */
  swapRangeAlloc(device: TableDevice, nr: number): void;
  /** free_cluster(): an emptied cluster goes to the free (or discard) list. */
  freeCluster(device: TableDevice, ci: SwapCluster): void;
  /** partial_free_cluster(): a cluster that lost slots goes to the nonfull list. */
  partialFreeCluster(device: TableDevice, ci: SwapCluster): void;
  /** Frees si->cluster_info at the end of swapoff. */
  freeClusterInfo(device: TableDevice): void;
}

export class TableDevice {
  readonly kind = 'table';
  /** The swap type (index into swap_info[]). */
  readonly type: number;
  readonly config: DeviceConfig;
  /** si->pages: usable slots. */
  readonly pages: number;
  readonly clusterSlots: number;
  readonly lists: ClusterLists<SwapCluster>;
  clusters: SwapCluster[] = [];
  online = false;
  /** SWP_WRITEOK. */
  writeOk = false;
  /** si->inuse_pages: occupied slots other than bad ones. */
  inuse = 0;
  store: BlockStore | null = null;
  readonly counters: SwapCounters;
  readonly marks: Marks;
  private readonly steps: TableDeviceSteps;
  /**
   * The RFC v2 deferral: a cluster gets its memcg table when it first holds a direct slot (a
   * physical entry), not with its swap table, so clusters that only back virtual entries
   * never have one. Set for designs with virtual entries; classic allocates it eagerly.
   */
  readonly memcgDeferred: boolean;

  constructor(
    type: number,
    config: DeviceConfig,
    clusterSlots: number,
    orders: number,
    counters: SwapCounters,
    marks: Marks,
    memcgDeferred = false,
    steps: TableDeviceSteps = tableDeviceSteps,
  ) {
    assertThat(Number.isInteger(type) && type >= 0, 'swap type ', type);
    assert(clusterSlots >= 2 && (clusterSlots & (clusterSlots - 1)) === 0, 'cluster size');
    this.type = type;
    this.config = config;
    this.pages = devicePages(config);
    this.clusterSlots = clusterSlots;
    this.lists = new ClusterLists(orders, marks, 'cluster');
    this.counters = counters;
    this.marks = marks;
    this.steps = steps;
    this.memcgDeferred = memcgDeferred;
  }

  /** Sets up clusters, bad slots and lists, and goes online (SYSCALL swapon). */
  swapon(): void {
    assertThat(!this.online, 'device ', this.type, ' already online');
    assert(this.clusters.length === 0 && this.inuse === 0);
    const slots = this.config.slots;
    const clusterCount = Math.ceil(slots / this.clusterSlots);
    const bad = new Set<number>([0, ...this.config.bad]);
    for (let id = 0; id < clusterCount; id++) {
      const ci = new SwapCluster(id, this.clusterSlots);
      this.clusters.push(ci);
      for (let slot = 0; slot < this.clusterSlots; slot++) {
        const offset = id * this.clusterSlots + slot;
        if (!bad.has(offset) && offset < slots) continue;
        if (ci.table === null) this.allocTable(ci);
        ci.tableOf()[slot] = BAD_WORD; // swap_cluster_setup_bad_slot()
        ci.count++;
        ci.badCount++;
      }
      this.lists.move(ci, ci.count === 0 ? 'free' : ci.count < ci.slots ? 'nonfull' : 'full');
    }
    this.store = new BlockStore(slots);
    this.online = true;
    this.writeOk = true;
    this.counters.online(this.pages);
  }

  /** Takes an emptied device offline and frees its metadata (end of SYSCALL swapoff). */
  swapoffFinish(): void {
    assertThat(this.online && !this.writeOk, 'device ', this.type, ' not being swapped off');
    assertThat(
      this.inuse === 0,
      'device ',
      this.type,
      ' swapped off with ',
      this.inuse,
      ' slots in use',
    );
    assertThat(this.store?.writtenSlots === 0, 'device ', this.type, ' swapped off with data');
    for (const ci of this.clusters) {
      assertThat(
        ci.count === ci.badCount,
        'cluster ',
        ci.id,
        ' of device ',
        this.type,
        ' not empty',
      );
      assert(ci.extend === null);
      this.lists.move(ci, 'none');
    }
    this.steps.freeClusterInfo(this);
    this.store = null;
    this.online = false;
    this.counters.online(-this.pages);
  }

  /** The cluster holding `offset`. */
  clusterOf(offset: number): SwapCluster {
    assertThat(this.online, 'device ', this.type, ' offline');
    const ci = this.clusters[Math.floor(offset / this.clusterSlots)];
    assertThat(ci !== undefined, 'offset ', offset, ' outside device ', this.type);
    return ci;
  }

  /** cluster_is_usable(): a usable-list cluster, and empty or of `order` unless order 0. */
  isUsable(ci: SwapCluster, order: number): boolean {
    if (ci.flags !== 'free' && ci.flags !== 'nonfull' && ci.flags !== 'frag') return false;
    return order === 0 || ci.count === 0 || ci.order === order;
  }

  /**
   * Allocates an aligned run of 2^order slots from the cluster lists
   * (cluster_alloc_swap_entry() without its per-CPU fast path). Returns the first offset of
   * the run, whose words are `wordAt(i)`, or -1.
   */
  allocFromLists(order: number, hooks: AllocHooks, wordAt: WordAt): number {
    assertThat(this.online && this.writeOk, 'allocation on device ', this.type, ' not write-ok');
    assertThat(order >= 0 && order < this.lists.nonfull.length, 'order ', order);
    if (this.config.discard) {
      const found = this.steps.allocNewCluster(this, order, hooks, wordAt);
      if (found >= 0) return found;
    }
    let found = this.steps.allocNonfullCluster(this, order, hooks, wordAt);
    if (found >= 0) return found;
    found = this.steps.allocNewCluster(this, order, hooks, wordAt);
    if (found >= 0) return found;
    if (hooks.vmSwapFull()) {
      found = this.scanFullClusters(order, hooks, wordAt);
      if (found >= 0) return found;
    }
    found = this.scanList(this.lists.frag[order], order, hooks, wordAt);
    if (found >= 0 || order > 0) return found;
    for (let stolen = 1; stolen < this.lists.frag.length; stolen++) {
      found = this.scanList(this.lists.frag[stolen], 0, hooks, wordAt);
      if (found < 0) found = this.scanList(this.lists.nonfull[stolen], 0, hooks, wordAt);
      if (found >= 0) {
        this.marks.hit(mark['alloc-order0-steal']);
        return found;
      }
    }
    return -1;
  }

  /**
   * Scans `ci` from `start` for an aligned run of 2^order slots (alloc_swap_scan_cluster()),
   * isolating it while it scans and relocating it afterwards. Returns the offset or -1.
   */
  scanCluster(ci: SwapCluster, start: number, order: number, hooks: AllocHooks, wordAt: WordAt) {
    assertThat(this.isUsable(ci, order), 'cluster ', ci.id, ' not usable for order ', order);
    this.lists.move(ci, 'none');
    return this.scanIsolated(ci, start, order, hooks, wordAt);
  }

  /** Frees `nr` used slots from `slot` of `ci` (swap_range_free() + cluster relocation). */
  freeSlots(ci: SwapCluster, slot: number, nr: number): void {
    costs.clusterLocks++;
    costs.tableWrites += nr;
    const table = ci.tableOf();
    assertThat(nr >= 1 && slot + nr <= ci.slots, 'free of ', nr, ' slots at ', slot);
    for (let i = slot; i < slot + nr; i++) {
      const word = table[i] ?? 0;
      assertThat(word !== NULL_WORD && !wordIsBad(word), 'free of slot ', i, ' word ', word);
      table[i] = NULL_WORD;
      this.store?.discard(ci.id * this.clusterSlots + i);
    }
    ci.count -= nr;
    this.inuse -= nr;
    assertThat(ci.count >= ci.badCount && this.inuse >= 0, 'cluster ', ci.id, ' count underflow');
    this.counters.take(-nr);
    this.relocateAfterFree(ci);
  }

  /** Moves every discarded cluster to the free list (swap_do_scheduled_discard()). */
  flushDiscard(): boolean {
    const flushed = this.lists.discard.size > 0;
    for (const ci of [...this.lists.discard]) {
      assertThat(ci.count === 0 && ci.table === null, 'discarded cluster ', ci.id, ' in use');
      this.lists.move(ci, 'free');
      this.marks.hit(mark['discard-flushed']);
    }
    return flushed;
  }

  /**
   * Whether an aligned run of 2^order NULL slots exists in a cluster usable for `order`. An
   * empty cluster still waiting for its discard counts only with `discarded` (an order-0
   * allocation flushes pending discards before it fails, swap_sync_discard(); a large one
   * does not).
   */
  hasFreeRun(order: number, discarded = true): boolean {
    const nr = 1 << order;
    for (const ci of this.clusters) {
      if (ci.count === 0 && (discarded || ci.flags !== 'discard')) return true;
      if (ci.count === 0) continue;
      if (order > 0 && ci.order !== order) continue;
      for (let slot = 0; slot + nr <= ci.slots; slot += nr) {
        let free = true;
        for (let i = slot; i < slot + nr && free; i++) free = ci.word(i) === NULL_WORD;
        if (free) return true;
      }
    }
    return false;
  }

  /** Scans every cluster of `list` for an order-`order` run (the nonfull/frag loops). */
  scanList(
    list: Set<SwapCluster> | undefined,
    order: number,
    hooks: AllocHooks,
    wordAt: WordAt,
  ): number {
    assert(list !== undefined, 'no cluster list for that order');
    for (const ci of [...list]) {
      if (!list.has(ci)) continue;
      this.lists.move(ci, 'none');
      const found = this.scanIsolated(ci, 0, order, hooks, wordAt);
      if (found >= 0) return found;
    }
    return -1;
  }

  scanIsolated(
    ci: SwapCluster | null,
    start: number,
    order: number,
    hooks: AllocHooks,
    wordAt: WordAt,
  ): number {
    if (ci === null) return -1;
    // Every cluster a scan tries is locked (isolate_lock_cluster() on the slow path, the
    // per-CPU cluster's lock on the fast path).
    costs.clusterLocks++;
    assertThat(ci.flags === 'none', 'cluster ', ci.id, ' scanned while on a list');
    const nr = 1 << order;
    if (ci.table === null) this.allocTable(ci);
    let found = -1;
    for (let slot = start - (start % nr); slot + nr <= ci.slots && this.writeOk; slot += nr) {
      if (this.runIsFree(ci, slot, nr, hooks)) {
        this.commit(ci, slot, nr, order, wordAt);
        found = ci.id * this.clusterSlots + slot;
        break;
      }
    }
    this.relocateAfterAlloc(ci);
    return found;
  }

  /** Whether slots [slot, slot+nr) are NULL, reclaiming cache-only ones when swap is full. */
  private runIsFree(ci: SwapCluster, slot: number, nr: number, hooks: AllocHooks): boolean {
    let used = 0;
    for (let i = slot; i < slot + nr; i++) {
      const word = ci.word(i);
      if (word === NULL_WORD) continue;
      if (!this.isCacheOnly(word)) return false;
      used++;
    }
    if (used === 0) return true;
    if (!hooks.vmSwapFull()) return false;
    const reclaim = hooks.planReclaim(this, ci, slot, nr);
    if (reclaim === null) return false;
    reclaim(); // cluster_reclaim_range()
    for (let i = slot; i < slot + nr; i++) {
      assertThat(
        ci.word(i) === NULL_WORD,
        'slot ',
        i,
        ' of cluster ',
        ci.id,
        ' survived its reclaim',
      );
    }
    this.marks.hit(mark['alloc-run-reclaimed']);
    return true;
  }

  /** A cache-only physical entry (PFN, count 0) or a cache-only backing (Pointer with C). */
  isCacheOnly(word: number): boolean {
    if (wordIsPfn(word)) return wordToCount(word) === 0;
    if (wordIsPointer(word)) return wordToCacheOnly(word);
    return false;
  }

  /**
   * Scans full clusters usable for `order` for a run of cache-only slots to reclaim
   * (swap_reclaim_full_clusters() followed by the allocation it makes room for).
   */
  private scanFullClusters(order: number, hooks: AllocHooks, wordAt: WordAt): number {
    for (const ci of [...this.lists.full]) {
      if (!this.lists.full.has(ci) || (order > 0 && ci.order !== order)) continue;
      this.lists.move(ci, 'none');
      const found = this.scanIsolated(ci, 0, order, hooks, wordAt);
      if (found >= 0) {
        this.marks.hit(mark['alloc-reclaim-full-cluster']);
        return found;
      }
    }
    return -1;
  }

  /** Allocates the swap table of `ci` (swap_cluster_alloc_table()), with its memcg table
   * unless the memcg table is deferred. */
  private allocTable(ci: SwapCluster): void {
    ci.allocTable();
    if (!this.memcgDeferred) ci.allocMemcgTable();
  }

  private commit(ci: SwapCluster, slot: number, nr: number, order: number, wordAt: WordAt) {
    const table = ci.tableOf();
    assertThat(this.writeOk, 'device ', this.type, ' allocation past the write-ok fence');
    if (ci.count === 0) ci.order = order;
    for (let i = 0; i < nr; i++) {
      assertThat(table[slot + i] === NULL_WORD, 'allocation of used slot ', slot + i);
      const word = wordAt(i);
      assert(word !== NULL_WORD && !wordIsBad(word), 'allocation installs a used word');
      table[slot + i] = word;
      costs.tableWrites++;
      // A direct slot records a memcg id: the deferred memcg table is allocated now (RFC v2).
      if (!wordIsPointer(word) && ci.memcgTable === null) {
        ci.allocMemcgTable();
        this.marks.hit(mark['memcg-table-deferred-alloc']);
      }
    }
    ci.count += nr;
    this.steps.swapRangeAlloc(this, nr);
  }

  private relocateAfterAlloc(ci: SwapCluster): void {
    if (ci.count === 0) {
      ci.order = 0;
      ci.freeTable();
    }
    this.lists.relocateAfterAlloc(ci);
  }

  private relocateAfterFree(ci: SwapCluster): void {
    if (ci.flags === 'none') return;
    if (ci.count === 0) this.steps.freeCluster(this, ci);
    else this.steps.partialFreeCluster(this, ci);
  }
}

function allocNewCluster(
  device: TableDevice,
  order: number,
  hooks: AllocHooks,
  wordAt: WordAt,
): number {
  return device.scanIsolated(device.lists.isolate(device.lists.free), 0, order, hooks, wordAt);
}

function allocNonfullCluster(
  device: TableDevice,
  order: number,
  hooks: AllocHooks,
  wordAt: WordAt,
): number {
  return device.scanList(device.lists.nonfull[order], order, hooks, wordAt);
}

function swapRangeAlloc(device: TableDevice, nr: number): void {
  device.inuse += nr;
  device.counters.take(nr);
}

/** Emptied: to the free list (or the discard list), order reset, swap table freed. */
function freeCluster(device: TableDevice, ci: SwapCluster): void {
  device.lists.relocateAfterFree(ci, device.writeOk && device.config.discard);
  ci.order = 0;
  ci.freeTable();
}

function partialFreeCluster(device: TableDevice, ci: SwapCluster): void {
  device.lists.relocateAfterFree(ci, false);
}

function freeClusterInfo(device: TableDevice): void {
  device.clusters = [];
}

export const tableDeviceSteps: TableDeviceSteps = {
  allocNewCluster,
  allocNonfullCluster,
  swapRangeAlloc,
  freeCluster,
  partialFreeCluster,
  freeClusterInfo,
};

/**
 * The virtual swap space (the RFC's vswap_si): a dynamic set of virtual clusters found through
 * a cluster index (an xarray with XA_FLAGS_ALLOC: a Map keyed by cluster id, and xa_alloc()
 * picking the lowest free id), its own cluster lists and per-CPU allocation offsets
 * (percpu_vswap_cluster, separate from the physical one), and the per-CPU lookup cache.
 * Cluster 0 is created at start with slot 0 reserved bad; slots at or beyond vswapSlots in the
 * last cluster are bad too, so clusters holding bad slots are permanent. Any other cluster is
 * erased from the index and marked DEAD when it becomes empty, at the end of the operation
 * (the kfree_rcu() grace period); its id is then reused by the next xa_alloc().
 *
 * Each virtual cluster has an ordinary swap table (count, swap cache, shadow, zero flag, counted
 * by impl/swap-count.ts exactly as for physical clusters) and a virtual table of backends.
 *
 * Two steps are named hooks (VirtualSpaceSteps: the allocation at a CPU's cached next offset,
 * and the release of an emptied cluster at the end of an op); impl/mutants/ replaces them in
 * the virtual-space mutants.
 *
 * Not covered here: what a virtual entry's backend means (impl/swap-state.ts) and the lookup
 * cache policy (impl/lookup-cache.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { costs } from './cost-counters.ts';
import { indexHeight } from './xarray-geometry.ts';
import type { Knobs } from '../lib/system.ts';
import { VirtualCluster } from './cluster.ts';
import { ClusterLists } from './cluster-lists.ts';
import {
  LookupCache,
  lookupCacheSteps,
  type ClusterLoad,
  type LookupCacheSteps,
} from './lookup-cache.ts';
import { mark, type Marks } from './marks.ts';
import { BAD_WORD, NULL_WORD, wordIsBad } from './swap-table-word.ts';
import type { WordAt } from './table-device.ts';
import { VT_NONE_WORD } from './virtual-table-word.ts';

/** The space's named steps (the design's own are `virtualSpaceSteps`). */
export interface VirtualSpaceSteps extends LookupCacheSteps {
  /**
   * The per-CPU fast path of vswap_alloc(): an aligned run of 2^order in usable cluster `ci`
   * from `start`, the slot after the CPU's last allocation of that order; -1 if none.
   */
  allocFromPercpu(
    space: VirtualSpace,
    ci: VirtualCluster,
    start: number,
    order: number,
    cpu: number,
    wordAt: WordAt,
  ): number;
  /**
   * End of an op for a cluster left without used slots: drops the lookup-cache pins on it and
   * frees it unless it is permanent (vswap_cluster_free()).
   */
  releaseEmptyCluster(space: VirtualSpace, ci: VirtualCluster): void;
}

export class VirtualSpace {
  /** vswapSlots: offsets at or above are bad. */
  readonly slots: number;
  readonly clusterSlots: number;
  readonly clusterCountMax: number;
  /** Height of an xarray holding every cluster id of the space (nodes walked per lookup). */
  readonly indexHeight: number;
  /** si->cluster_info_pool. */
  readonly index = new Map<number, VirtualCluster>();
  readonly lists: ClusterLists<VirtualCluster>;
  readonly lookupCache: LookupCache;
  /** Used slots other than bad ones. */
  inuse = 0;
  private readonly everAllocated: Uint8Array;
  /** Per CPU and order: the offset after that CPU's last allocation, or -1. */
  readonly percpu: number[][];
  /** Clusters left without used slots by this operation, each once, in the order they emptied. */
  private readonly pendingFree: VirtualCluster[] = [];
  /** The lookup cache's miss path: xa_load() of the index (marked and charged). */
  private readonly load: ClusterLoad = (id) => this.xaLoad(id);
  /** peek()'s miss path: the index read without marks or costs. */
  private readonly loadQuiet: ClusterLoad = (id) => this.index.get(id);
  readonly marks: Marks;
  private readonly steps: VirtualSpaceSteps;

  constructor(
    slots: number,
    clusterSlots: number,
    orders: number,
    cpus: number,
    lookupCache: Knobs['lookupCache'],
    marks: Marks,
    steps: VirtualSpaceSteps = virtualSpaceSteps,
  ) {
    assertThat(slots >= clusterSlots, 'vswap slots ', slots);
    assert(clusterSlots >= 2 && orders >= 1 && cpus >= 1, 'vswap geometry');
    this.slots = slots;
    this.clusterSlots = clusterSlots;
    this.clusterCountMax = Math.ceil(slots / clusterSlots);
    this.indexHeight = indexHeight(this.clusterCountMax);
    this.lists = new ClusterLists(orders, marks, 'vcluster');
    this.lookupCache = new LookupCache(lookupCache, cpus, marks, steps);
    this.everAllocated = new Uint8Array(this.clusterCountMax);
    this.percpu = [];
    for (let cpu = 0; cpu < cpus; cpu++) this.percpu.push(new Array<number>(orders).fill(-1));
    this.marks = marks;
    this.steps = steps;
    const first = this.createCluster(0); // vswap_init(): index 0 with slot 0 bad
    this.lists.move(first, first.count < first.slots ? 'nonfull' : 'full');
  }

  /** xa_load() of the cluster index. */
  xaLoad(id: number): VirtualCluster | undefined {
    assertThat(Number.isInteger(id) && id >= 0, 'cluster id ', id);
    this.marks.hit(mark['vswap-index-lookup']);
    costs.indexLookups++;
    costs.indexNodesWalked += this.indexHeight;
    const ci = this.index.get(id);
    assertThat(ci === undefined || (ci.id === id && !ci.dead), 'index slot ', id, ' corrupt');
    return ci;
  }

  /** The cluster of `offset` for an operation on `cpu`, through the lookup cache. */
  lookup(cpu: number, offset: number): VirtualCluster | undefined {
    assertThat(offset > 0 && offset < this.slots, 'vswap offset ', offset);
    return this.lookupCache.lookup(cpu, Math.floor(offset / this.clusterSlots), this.load);
  }

  /** Like lookup(), without updating the cache or marks (observe()). */
  peek(cpu: number, offset: number): VirtualCluster | undefined {
    assertThat(offset > 0 && offset < this.slots, 'vswap offset ', offset);
    return this.lookupCache.peek(cpu, Math.floor(offset / this.clusterSlots), this.loadQuiet);
  }

  /**
   * Allocates an aligned run of 2^order virtual slots (vswap_alloc()), installing
   * `wordAt(i)` in the swap table. Returns the first offset or -1 when the space is full.
   */
  alloc(order: number, cpu: number, wordAt: WordAt): number {
    const offsets = this.percpu[cpu];
    assert(offsets !== undefined && order >= 0 && order < offsets.length, 'vswap alloc');
    const cached = offsets[order] ?? -1;
    if (cached >= 0) {
      const ci = this.xaLoad(Math.floor(cached / this.clusterSlots));
      if (ci !== undefined && this.isUsable(ci, order)) {
        const found = this.steps.allocFromPercpu(
          this,
          ci,
          cached % this.clusterSlots,
          order,
          cpu,
          wordAt,
        );
        if (found >= 0) return found;
      }
      offsets[order] = -1;
    }
    costs.allocFallbacks++;
    const nonfull = this.scanList(this.lists.nonfull[order], order, cpu, wordAt);
    if (nonfull >= 0) return nonfull;
    const reused = this.scanList(this.lists.free, order, cpu, wordAt);
    if (reused >= 0) return reused;
    const id = this.xaAlloc();
    if (id >= 0) {
      const found = this.scan(this.createCluster(id), 0, order, cpu, wordAt);
      if (found >= 0) return found;
    }
    const frag = this.scanList(this.lists.frag[order], order, cpu, wordAt);
    if (frag >= 0 || order > 0) return frag;
    for (let stolen = 1; stolen < this.lists.frag.length; stolen++) {
      let found = this.scanList(this.lists.frag[stolen], 0, cpu, wordAt);
      if (found < 0) found = this.scanList(this.lists.nonfull[stolen], 0, cpu, wordAt);
      if (found >= 0) return found;
    }
    return -1;
  }

  /**
   * Frees `nr` used slots of `ci` from `slot`, whose virtual table words are already NONE.
   * An emptied cluster is freed at the end of the operation. Context: cluster lock held.
   */
  freeSlots(ci: VirtualCluster, slot: number, nr: number): void {
    assertThat(!ci.dead, 'free in DEAD cluster ', ci.id);
    costs.clusterLocks++;
    costs.tableWrites += nr;
    const table = ci.tableOf();
    for (let i = slot; i < slot + nr; i++) {
      const word = table[i] ?? 0;
      assertThat(word !== NULL_WORD && !wordIsBad(word), 'free of virtual slot ', i);
      assertThat(ci.vtable[i] === VT_NONE_WORD, 'free of virtual slot ', i, ' with a backend');
      table[i] = NULL_WORD;
    }
    ci.count -= nr;
    this.inuse -= nr;
    assertThat(ci.count >= ci.badCount && this.inuse >= 0, 'cluster ', ci.id, ' count underflow');
    assertThat(ci.flags !== 'none', 'free in isolated virtual cluster ', ci.id);
    if (ci.count === ci.badCount && !this.pendingFree.includes(ci)) this.pendingFree.push(ci);
    if (ci.count === 0) {
      this.lists.move(ci, 'free');
      ci.order = 0;
      return;
    }
    if (ci.flags !== 'nonfull') this.lists.move(ci, 'nonfull');
  }

  /**
   * End of an operation: drops lookup-cache pins on clusters left without used slots, and
   * frees those that are empty and not permanent (vswap_cluster_free()).
   */
  endOp(): void {
    for (const ci of this.pendingFree) {
      if (ci.count > ci.badCount) continue;
      this.steps.releaseEmptyCluster(this, ci);
    }
    this.pendingFree.length = 0;
  }

  /** Whether an aligned free run of 2^order exists: a free id or a usable cluster's run. */
  hasFreeRun(order: number): boolean {
    if (this.index.size < this.clusterCountMax) return true;
    const nr = 1 << order;
    for (const ci of this.index.values()) {
      if (order > 0 && ci.count > 0 && ci.order !== order) continue;
      for (let slot = 0; slot + nr <= ci.slots; slot += nr) {
        let free = true;
        for (let i = slot; i < slot + nr && free; i++) free = ci.word(i) === NULL_WORD;
        if (free) return true;
      }
    }
    return false;
  }

  /** Whether `ci` is one of the permanent clusters (it holds bad slots). */
  isPermanent(ci: VirtualCluster): boolean {
    return ci.badCount > 0;
  }

  isUsable(ci: VirtualCluster, order: number): boolean {
    if (ci.flags !== 'free' && ci.flags !== 'nonfull' && ci.flags !== 'frag') return false;
    return order === 0 || ci.count === 0 || ci.order === order;
  }

  /** xa_alloc(): the lowest id not in the index, or -1. */
  private xaAlloc(): number {
    for (let id = 0; id < this.clusterCountMax; id++) {
      if (!this.index.has(id)) return id;
    }
    return -1;
  }

  private createCluster(id: number): VirtualCluster {
    assertThat(!this.index.has(id), 'cluster id ', id, ' taken');
    assertThat(id < this.clusterCountMax, 'cluster id ', id, ' beyond the space');
    const ci = new VirtualCluster(id, this.clusterSlots);
    const table = ci.tableOf();
    for (let slot = 0; slot < ci.slots; slot++) {
      const offset = id * this.clusterSlots + slot;
      if (offset !== 0 && offset < this.slots) continue;
      table[slot] = BAD_WORD;
      ci.count++;
      ci.badCount++;
    }
    this.index.set(id, ci);
    if (this.everAllocated[id] === 1) this.marks.hit(mark['vcluster-id-reused']);
    this.everAllocated[id] = 1;
    this.marks.hit(mark['vcluster-created']);
    return ci;
  }

  private scanList(
    list: Set<VirtualCluster> | undefined,
    order: number,
    cpu: number,
    wordAt: WordAt,
  ): number {
    assert(list !== undefined, 'no virtual cluster list for that order');
    for (const ci of [...list]) {
      if (!list.has(ci)) continue;
      const found = this.scan(ci, 0, order, cpu, wordAt);
      if (found >= 0) return found;
    }
    return -1;
  }

  /** Scans `ci` from `start` for an aligned NULL run and takes it. */
  scan(ci: VirtualCluster, start: number, order: number, cpu: number, wordAt: WordAt) {
    assertThat(!ci.dead, 'scan of DEAD cluster ', ci.id);
    costs.clusterLocks++;
    const nr = 1 << order;
    const table = ci.tableOf();
    this.lists.move(ci, 'none');
    let found = -1;
    for (let slot = start - (start % nr); slot + nr <= ci.slots; slot += nr) {
      let free = true;
      for (let i = slot; i < slot + nr && free; i++) free = table[i] === NULL_WORD;
      if (!free) continue;
      if (ci.count === 0) ci.order = order;
      for (let i = 0; i < nr; i++) table[slot + i] = wordAt(i);
      costs.tableWrites += nr;
      ci.count += nr;
      this.inuse += nr;
      found = ci.id * this.clusterSlots + slot;
      const next = slot + nr;
      const offsets = this.percpu[cpu];
      assert(offsets !== undefined);
      offsets[order] = next < ci.slots ? ci.id * this.clusterSlots + next : -1;
      break;
    }
    if (ci.count === 0) {
      ci.order = 0;
      this.lists.move(ci, 'free');
    } else {
      this.lists.relocateAfterAlloc(ci);
    }
    return found;
  }
}

function allocFromPercpu(
  space: VirtualSpace,
  ci: VirtualCluster,
  start: number,
  order: number,
  cpu: number,
  wordAt: WordAt,
): number {
  return space.scan(ci, start, order, cpu, wordAt);
}

function releaseEmptyCluster(space: VirtualSpace, ci: VirtualCluster): void {
  space.lookupCache.forget(ci);
  if (space.isPermanent(ci)) return;
  assertThat(ci.flags === 'free', 'emptied cluster ', ci.id, ' on the ', ci.flags, ' list');
  space.lists.move(ci, 'dead');
  assertThat(space.index.delete(ci.id), 'cluster ', ci.id, ' missing from the index');
  for (const offsets of space.percpu) {
    for (let order = 0; order < offsets.length; order++) {
      if (Math.floor((offsets[order] ?? -1) / space.clusterSlots) === ci.id) offsets[order] = -1;
    }
  }
  space.marks.hit(mark['vcluster-freed']);
}

export const virtualSpaceSteps: VirtualSpaceSteps = {
  allocFromPercpu,
  releaseEmptyCluster,
  ...lookupCacheSteps,
};

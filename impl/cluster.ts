/**
 * A swap cluster: SWAPFILE_CLUSTER consecutive slots sharing one lock, one swap table
 * (Uint32Array of swap table words), a memcg table (Uint16Array of memcg ids, impl/memcg.ts),
 * a lazily allocated extend table for overflowed counts, an occupancy count, an order and a
 * flag naming the one list the cluster is on. Physical devices and the virtual swap space use
 * the same structure; a virtual cluster adds a virtual table, an index (its id in the cluster
 * index) and lookup-cache pins, and always has a memcg table (the memcg id of each vswap
 * descriptor).
 *
 * Not covered here: list membership transitions (impl/cluster-lists.ts) and counting
 * (impl/swap-count.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { costs } from './cost-counters.ts';

/**
 * The list a cluster is on. `none` is off-list (isolated during an allocation, or a
 * physical cluster of an offline device); `dead` is a virtual cluster erased from the index.
 */
export type ClusterFlag = 'none' | 'free' | 'nonfull' | 'frag' | 'full' | 'discard' | 'dead';

export class SwapCluster {
  /** Index of the cluster in its device (or id in the virtual cluster index). */
  readonly id: number;
  /** SWAPFILE_CLUSTER. */
  readonly slots: number;
  /** Occupied slots, including bad and cache-only slots (ci->count). */
  count = 0;
  /** Bad slots, fixed at swapon or cluster creation. */
  badCount = 0;
  flags: ClusterFlag = 'none';
  /** Order of the allocations the cluster serves (ci->order); 0 when empty. */
  order = 0;
  /** The swap table; null while the cluster is empty (ci->table). */
  table: Uint32Array | null = null;
  /**
   * The memcg id recorded for each slot (ci->memcg_table, 2 bytes a slot; MEMCG_ID_NONE for a
   * slot that records none). It lives and dies with the swap table, except that a physical
   * cluster of a design with virtual entries gets it only when it first holds a direct slot
   * (the RFC v2 deferral: clusters that only back virtual entries never need one).
   */
  memcgTable: Uint16Array | null = null;
  /** Real counts of slots whose word holds the sentinel (ci->extend_table). */
  extend: Uint32Array | null = null;
  /** Non-zero entries of `extend`; the table is freed when this drops to 0. */
  extendUsed = 0;

  constructor(id: number, slots: number) {
    assertThat(Number.isInteger(id) && id >= 0, 'cluster id ', id);
    assertThat(Number.isInteger(slots) && slots >= 2, 'cluster slots ', slots);
    this.id = id;
    this.slots = slots;
  }

  /** The table, asserting that it exists (a cluster with used slots has one). */
  tableOf(): Uint32Array {
    assertThat(this.table !== null, 'cluster ', this.id, ' has no swap table');
    assert(this.table.length === this.slots);
    return this.table;
  }

  /** Word at `slot`; a cluster without a table reads as all NULL (swap_table_get()). */
  word(slot: number): number {
    assertThat(slot >= 0 && slot < this.slots, 'slot ', slot, ' outside cluster ', this.id);
    costs.tableReads++;
    return this.table === null ? 0 : (this.table[slot] ?? 0);
  }

  /** Allocates the table for a cluster leaving the free list (swap_cluster_alloc_table()). */
  allocTable(): void {
    assertThat(this.table === null, 'cluster ', this.id, ' already has a table');
    assertThat(this.count === 0, 'cluster ', this.id, ' is not empty');
    this.table = new Uint32Array(this.slots);
  }

  /** Allocates the memcg table of a cluster that has a swap table (swap_cluster_alloc_table()
   * with CONFIG_MEMCG, or the RFC v2 deferred allocation). */
  allocMemcgTable(): void {
    assertThat(this.table !== null, 'cluster ', this.id, ' has no swap table for a memcg table');
    assertThat(this.memcgTable === null, 'cluster ', this.id, ' already has a memcg table');
    this.memcgTable = new Uint16Array(this.slots);
  }

  /** The memcg id recorded at `slot` (lookup_swap_cgroup_id()); none without a table. */
  memcgId(slot: number): number {
    assertThat(slot >= 0 && slot < this.slots, 'slot ', slot, ' outside cluster ', this.id);
    return this.memcgTable === null ? 0 : (this.memcgTable[slot] ?? 0);
  }

  /** Frees the table of an empty cluster (__free_cluster()), its memcg table with it. */
  freeTable(): void {
    assertThat(this.count === 0, 'cluster ', this.id, ' freed with count ', this.count);
    assertThat(this.extend === null, 'cluster ', this.id, ' freed with an extend table');
    assertThat(
      this.memcgTable?.every((id) => id === 0) ?? true,
      'cluster ',
      this.id,
      ' freed with memcg ids',
    );
    this.table = null;
    this.memcgTable = null;
  }
}

/** A cluster of the virtual swap space (struct swap_cluster_info_dynamic). */
export class VirtualCluster extends SwapCluster {
  /** Backing of each slot (impl/virtual-table-word.ts). */
  readonly vtable: Uint32Array;
  /** References held by per-CPU lookup caches in 'pinned' mode. */
  pins = 0;

  constructor(id: number, slots: number) {
    super(id, slots);
    this.vtable = new Uint32Array(slots);
    this.allocTable();
    this.allocMemcgTable();
  }

  get dead(): boolean {
    return this.flags === 'dead';
  }
}

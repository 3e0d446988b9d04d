/**
 * The cost report a design may give (SwapSystem.costs()): how much work its ops did and how
 * much metadata it kept, so that `swapcheck compare` and `swapcheck validate` can put designs
 * side by side. Counts are totals since the system was created; bytes are measured after every
 * op (or every `sampleEvery` ops) once costs() has been called for the first time (call it
 * right after creating the system), and again at every call.
 *
 * Sizes follow the kernel, not the simulation: every byte figure is computed from the one
 * layout defined here, `kernelLayout` (x86-64: 8-byte swap table, virtual table and reverse-map
 * words, 4-byte extend-table counts, the 2-byte memcg table of CONFIG_MEMCG, the structure sizes
 * of a 64-bit build), whatever width the simulation's own words have (its tables are
 * Uint32Arrays: the count of slots is what is measured, never the bytes of the typed array).
 *
 * Not covered here: how a design counts (impl/cost-counters.ts, impl/cost-metadata.ts), how
 * counts become time (properties/cost-model.ts) nor how the report is printed
 * (properties/compare*.ts).
 */

/** Work done by ops, totals since creation. */
export interface CostCounts {
  /** Ops applied. */
  readonly ops: number;
  /** Cluster index (xarray) lookups: xa_load() of a virtual cluster. */
  readonly indexLookups: number;
  /** Index nodes visited by those lookups (the tree height per lookup). */
  readonly indexNodesWalked: number;
  /** Per-CPU lookup cache hits (no index lookup). */
  readonly lookupCacheHits: number;
  /** Per-CPU lookup cache misses (an index lookup follows). */
  readonly lookupCacheMisses: number;
  /** Cached clusters dropped: the CPU moved to another cluster, or the cluster emptied. */
  readonly lookupCacheInvalidations: number;
  /** Cluster lock acquisitions: one per entry or folio resolution, allocation scan of a
   * cluster, and free batch. */
  readonly clusterLocks: number;
  /** Swap table and virtual table words read by op code. */
  readonly tableReads: number;
  /** Swap table and virtual table words written by op code. */
  readonly tableWrites: number;
  /** Reverse-map (Pointer word) installs, changes of the cache-only bit, and removals. */
  readonly rmapUpdates: number;
  /** Slots scanned by swapoff or reclaim to go from a physical slot to its entry (the rmap
   * walk of a kept reverse map, the virtual cluster scan of an elided one, the allocator's
   * reclaim scan). */
  readonly scanSlots: number;
  /** Backend changes that leave holders alone: zswap writeback to a new slot, swapoff of a
   * virtual entry's backing, reclaim of cache-only backing. */
  readonly redirections: number;
  /** Allocations that could not use the CPU's cached cluster and went to the lists. */
  readonly allocFallbacks: number;
}

/** Metadata bytes by component, at `kernelLayout`. */
export interface MetadataBytes {
  /** Swap table words of allocated tables (physical and virtual), Pointer words excluded. */
  readonly swapTable: number;
  /** Virtual table words of live virtual clusters. */
  readonly virtualTable: number;
  /** Pointer words in physical swap tables (zero when the reverse map is elided). */
  readonly reverseMap: number;
  /** Extend tables of clusters with an overflowed count. */
  readonly extendTables: number;
  /** What CONFIG_MEMCG adds, under the RFC v2 rule: the memcg_table pointer of every cluster
   * structure, and a memcg_table (2 B/slot) with every allocated swap table except a physical
   * one that has only ever held Pointer words since it was allocated (see MemcgTotals for the
   * eager allocation and for no memcg at all). */
  readonly memcgTables: number;
  /** Cluster structures (swap_cluster_info, swap_cluster_info_dynamic), memcg pointer excluded. */
  readonly clusterStructs: number;
  /** Cluster index (xarray) nodes. */
  readonly indexNodes: number;
  /** Per-CPU lookup cache pointers. */
  readonly lookupCaches: number;
  /** Allocation and bad bitmaps of bitmap-only devices. */
  readonly bitmaps: number;
}

/**
 * The memcg variants of the peak total. The kernel with CONFIG_MEMCG allocates a memcg_table
 * with every swap table (classic, RFC v1: `eager`); RFC v2 defers it for a physical cluster
 * until the cluster holds a direct slot (`MetadataBytes.memcgTables`, in peakTotalBytes).
 */
export interface MemcgTotals {
  /** Peak total without CONFIG_MEMCG: no memcg tables, no memcg pointers. */
  readonly peakTotalNoMemcg: number;
  /** Peak total with a memcg_table allocated with every swap table (RFC v1). */
  readonly peakTotalEager: number;
  /** Peak of the eager memcg tables and pointers alone. */
  readonly peakMemcgTablesEager: number;
}

export interface CostReport {
  readonly counts: CostCounts;
  /** After the last sample. */
  readonly bytes: MetadataBytes;
  /** Each component's own peak. */
  readonly peakBytes: MetadataBytes;
  /** Peak of the total (not the sum of the component peaks), memcg tables under the RFC v2
   * rule. */
  readonly peakTotalBytes: number;
  /** The other memcg variants; absent from a report that does not tell them apart. */
  readonly memcg?: MemcgTotals;
}

/** Options of the first costs() call. */
export interface CostOptions {
  /** Measure the metadata after every N-th op instead of after every op (the measurement
   * walks every slot, so a machine of 10^6 slots samples less often); costs() itself always
   * measures. */
  readonly sampleEvery?: number;
}

/** The metadata components, in presentation order. */
export const metadataComponents = [
  'swapTable',
  'virtualTable',
  'reverseMap',
  'extendTables',
  'memcgTables',
  'clusterStructs',
  'indexNodes',
  'lookupCaches',
  'bitmaps',
] as const satisfies readonly (keyof MetadataBytes)[];

/**
 * The layout every byte figure assumes: a 64-bit kernel (x86-64, 4 KiB pages), with the
 * structure sizes of the swap table series and the Swap Table Edition RFC. The one place
 * these numbers are defined; reports print `layoutSummary`.
 */
export const kernelLayout = {
  name: 'x86-64',
  /** One swap table word (atomic_long_t). */
  swapTableWord: 8,
  /** One virtual table word of a virtual cluster (RFC: unsigned long). */
  virtualTableWord: 8,
  /** One Pointer word (the reverse map) in a physical swap table. */
  reverseMapWord: 8,
  /** One extend table count (unsigned int), for every slot of a cluster with an overflow. */
  extendTableCount: 4,
  /** One memcg_table entry (an unsigned short memcg id) per slot, with CONFIG_MEMCG. */
  memcgTableEntry: 2,
  /** The memcg_table pointer CONFIG_MEMCG adds to each cluster structure. */
  memcgTablePointer: 8,
  /** struct swap_cluster_info without CONFIG_MEMCG: lock 4, count 2, flags 1, order 1,
   * table 8, extend_table 8, list 16. */
  cluster: 40,
  /** struct swap_cluster_info_dynamic: the above plus index (padded to 8), rcu_head 16 and
   * the virtual_table pointer 8. */
  virtualCluster: 72,
  /** struct xa_node (64 slots). */
  indexNode: 576,
  /** Slots per xarray node (XA_CHUNK_SHIFT 6). */
  indexFanout: 64,
  /** A per-CPU cluster pointer. */
  pointer: 8,
  /** One bitmap word (unsigned long): 64 slots. */
  bitmapWord: 8,
  bitmapWordSlots: 64,
} as const;

/** One line naming the layout, for reports. */
export const layoutSummary =
  `64-bit kernel layout (${kernelLayout.name}): swap table, virtual table and reverse-map ` +
  `words ${kernelLayout.swapTableWord} B per slot, extend table ${kernelLayout.extendTableCount} B per slot ` +
  `of a cluster with an overflowed count, memcg_table ${kernelLayout.memcgTableEntry} B per slot plus a ` +
  `${kernelLayout.memcgTablePointer} B pointer per cluster (CONFIG_MEMCG), swap_cluster_info ` +
  `${kernelLayout.cluster} B, swap_cluster_info_dynamic ${kernelLayout.virtualCluster} B, xa_node ` +
  `${kernelLayout.indexNode} B, bitmaps 2 bits per slot`;

/** The total of a MetadataBytes. */
export function totalBytes(bytes: MetadataBytes): number {
  return metadataComponents.reduce((sum, key) => sum + bytes[key], 0);
}

/** A MetadataBytes of zeros. */
export function zeroBytes(): MetadataBytes {
  return {
    swapTable: 0,
    virtualTable: 0,
    reverseMap: 0,
    extendTables: 0,
    memcgTables: 0,
    clusterStructs: 0,
    indexNodes: 0,
    lookupCaches: 0,
    bitmaps: 0,
  };
}

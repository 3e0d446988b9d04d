/**
 * The cost report a design may give (SwapSystem.costs()): how much work its ops did and how
 * much metadata it kept, so that `swapcheck compare` and `swapcheck validate` can put designs
 * side by side. Counts are totals since the system was created; bytes are measured after every
 * op once costs() has been called for the first time (call it right after creating the system).
 *
 * Sizes follow the simulation, not the kernel: a swap table word is 32 bits here (4 bytes per
 * slot) where the 64-bit kernel's is 8, so every per-slot table figure is half the kernel's.
 * Structure sizes that the simulation does not hold as bytes (cluster structs, xarray nodes,
 * per-CPU pointers) are charged with the 64-bit kernel's sizes listed in costBytes.
 *
 * Not covered here: how a design counts (impl/cost-counters.ts, impl/cost-metadata.ts) nor how
 * the report is printed (properties/compare.ts).
 */
// @ts-nocheck


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

/** Metadata bytes by component. */
export interface MetadataBytes {
  /** Swap table words of allocated tables (physical and virtual), Pointer words excluded. */
  readonly swapTable: number;
  /** Virtual table words of live virtual clusters. */
  readonly virtualTable: number;
  /** Pointer words in physical swap tables (zero when the reverse map is elided). */
  readonly reverseMap: number;
  /** Extend tables of clusters with an overflowed count. */
  readonly extendTables: number;
  /** Cluster structures (swap_cluster_info, swap_cluster_info_dynamic). */
  readonly clusterStructs: number;
  /** Cluster index (xarray) nodes. */
  readonly indexNodes: number;
  /** Per-CPU lookup cache pointers. */
  readonly lookupCaches: number;
  /** Allocation and bad bitmaps of bitmap-only devices. */
  readonly bitmaps: number;
}

export interface CostReport {
  readonly counts: CostCounts;
  /** After the last op. */
  readonly bytes: MetadataBytes;
  /** Each component's own peak. */
  readonly peakBytes: MetadataBytes;
  /** Peak of the total (not the sum of the component peaks). */
  readonly peakTotalBytes: number;
}

/** The metadata components, in presentation order. */
export const metadataComponents = [
  'swapTable', 'virtualTable', 'reverseMap', 'extendTables', 'clusterStructs', 'indexNodes',
  'lookupCaches', 'bitmaps',
] as const satisfies readonly (keyof MetadataBytes)[];

/** Sizes used for the bytes of a report. */
export const costBytes = {
  /** One swap table, virtual table or extend table word of the simulation (32 bits). */
  word: 4,
  /** struct swap_cluster_info on 64-bit: lock 4, count 2, flags 1, order 1, table 8,
   * extend_table 8, list 16. */
  cluster: 40,
  /** struct swap_cluster_info_dynamic: the above plus index (padded to 8), rcu_head 16 and
   * the virtual_table pointer 8. */
  virtualCluster: 72,
  /** struct xa_node on 64-bit (64 slots). */
  indexNode: 576,
  /** Slots per xarray node. */
  indexFanout: 64,
  /** A per-CPU cluster pointer. */
  pointer: 8,
} as const;

/** The total of a MetadataBytes. */
export function totalBytes(bytes: MetadataBytes): number {
  return metadataComponents.reduce((sum, key) => sum + bytes[key], 0);
}

/** A MetadataBytes of zeros. */
export function zeroBytes(): MetadataBytes {
  return {
    swapTable: 0, virtualTable: 0, reverseMap: 0, extendTables: 0, clusterStructs: 0,
    indexNodes: 0, lookupCaches: 0, bitmaps: 0,
  };
}

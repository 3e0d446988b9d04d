/**
 * Measures the metadata a kernel-shaped system holds, by component (lib/costs.ts), by walking
 * its devices and virtual clusters. It is O(slots), so KernelSwapSystem only calls it after
 * ops once costs have been asked for. Every size comes from `kernelLayout` (the 64-bit
 * kernel's): the walk counts slots, words and structures, never the simulation's own bytes.
 *
 * What is charged: every allocated swap table in full (a cluster's table exists while any slot
 * of it is used, so partly used clusters pay for their free slots), Pointer words as reverse
 * map rather than swap table, a virtual table per live virtual cluster, extend tables while
 * allocated, one cluster structure per cluster of an online table device and per live virtual
 * cluster, the xarray nodes that hold the live virtual cluster ids, a pointer per CPU for the
 * lookup cache, two bits per slot for bitmap devices; and for CONFIG_MEMCG a memcg_table
 * pointer per cluster structure and a memcg_table per swap table, measured twice: eagerly
 * (with every table, the classic kernel and RFC v1) and under the RFC v2 rule, which is the
 * memcg tables the designs hold (impl/cluster.ts: a physical table of a design with virtual
 * entries gets its memcg_table only once it holds a direct slot, one that is neither a Pointer
 * word nor bad, and keeps it until the table is freed; a virtual cluster always has one).
 *
 * Not charged: folios, zswap objects and the classic zswap tree, block data, per-CPU
 * allocation caches (every design has them), the static swap_cgroup array of kernels before
 * the per-cluster memcg table.
 */
import {
  kernelLayout,
  metadataComponents,
  totalBytes,
  zeroBytes,
  type CostCounts,
  type CostReport,
  type MetadataBytes,
} from '../lib/costs.ts';
import type { SwapState } from './swap-state.ts';
import { wordIsPointer } from './swap-table-word.ts';
import { indexNodeCount } from './xarray-geometry.ts';

/** One measurement: the components (memcg under the RFC v2 rule) and the eager memcg bytes. */
export interface MetadataSample {
  readonly bytes: MetadataBytes;
  readonly memcgTablesEager: number;
}

/** Measures `state`. */
export function measureMetadata(state: SwapState): MetadataSample {
  const layout = kernelLayout;
  const memcgPerSlot = layout.memcgTableEntry;
  let swapTable = 0;
  let reverseMap = 0;
  let extendTables = 0;
  let clusterStructs = 0;
  let bitmaps = 0;
  let memcgEager = 0;
  let memcgDeferred = 0;
  for (const device of state.devices) {
    if (!device.online) continue;
    if (device.kind === 'bitmap') {
      bitmaps += 2 * Math.ceil(device.config.slots / layout.bitmapWordSlots) * layout.bitmapWord;
      continue;
    }
    for (const ci of device.clusters) {
      clusterStructs += layout.cluster;
      memcgEager += layout.memcgTablePointer;
      memcgDeferred += layout.memcgTablePointer;
      if (ci.extend !== null) extendTables += ci.slots * layout.extendTableCount;
      const table = ci.table;
      if (table === null) continue;
      let pointers = 0;
      for (const word of table) {
        if (wordIsPointer(word)) pointers++;
      }
      reverseMap += pointers * layout.reverseMapWord;
      swapTable += (table.length - pointers) * layout.swapTableWord;
      memcgEager += table.length * memcgPerSlot;
      if (ci.memcgTable !== null) memcgDeferred += ci.memcgTable.length * memcgPerSlot;
    }
  }
  let virtualTable = 0;
  let indexNodes = 0;
  let lookupCaches = 0;
  const vspace = state.vspace;
  if (vspace !== null) {
    for (const ci of vspace.index.values()) {
      clusterStructs += layout.virtualCluster;
      swapTable += ci.slots * layout.swapTableWord;
      virtualTable += ci.vtable.length * layout.virtualTableWord;
      if (ci.extend !== null) extendTables += ci.slots * layout.extendTableCount;
      // A virtual cluster's table is the one its entries are charged through: always a memcg_table.
      const memcg = layout.memcgTablePointer + (ci.memcgTable?.length ?? 0) * memcgPerSlot;
      memcgEager += memcg;
      memcgDeferred += memcg;
    }
    indexNodes = indexNodeCount(vspace.index.keys()) * layout.indexNode;
    if (vspace.lookupCache.mode !== 'off') lookupCaches = vspace.lookupCache.cpus * layout.pointer;
  }
  return {
    bytes: {
      swapTable,
      virtualTable,
      reverseMap,
      extendTables,
      memcgTables: memcgDeferred,
      clusterStructs,
      indexNodes,
      lookupCaches,
      bitmaps,
    },
    memcgTablesEager: memcgEager,
  };
}

/** The current and peak metadata bytes of one system, sampled after ops. */
export class MetadataPeaks {
  private current: MetadataBytes = zeroBytes();
  private peak: Record<keyof MetadataBytes, number> = { ...zeroBytes() };
  private peakTotal = 0;
  private peakNoMemcg = 0;
  private peakEager = 0;
  private peakMemcgEager = 0;

  sample(measured: MetadataSample): void {
    const bytes = measured.bytes;
    this.current = bytes;
    for (const key of metadataComponents) this.peak[key] = Math.max(this.peak[key], bytes[key]);
    const total = totalBytes(bytes);
    this.peakTotal = Math.max(this.peakTotal, total);
    this.peakNoMemcg = Math.max(this.peakNoMemcg, total - bytes.memcgTables);
    this.peakEager = Math.max(
      this.peakEager,
      total - bytes.memcgTables + measured.memcgTablesEager,
    );
    this.peakMemcgEager = Math.max(this.peakMemcgEager, measured.memcgTablesEager);
  }

  report(counts: CostCounts): CostReport {
    return {
      counts,
      bytes: this.current,
      peakBytes: { ...this.peak },
      peakTotalBytes: this.peakTotal,
      memcg: {
        peakTotalNoMemcg: this.peakNoMemcg,
        peakTotalEager: this.peakEager,
        peakMemcgTablesEager: this.peakMemcgEager,
      },
    };
  }
}

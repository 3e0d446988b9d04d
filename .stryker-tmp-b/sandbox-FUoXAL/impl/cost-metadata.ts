/**
 * Measures the metadata a kernel-shaped system holds, by component (lib/costs.ts), by walking
 * its devices and virtual clusters. It is O(slots), so KernelSwapSystem only calls it after
 * each op once costs have been asked for.
 *
 * What is charged: every allocated swap table in full (a cluster's table exists while any slot
 * of it is used, so partly used clusters pay for their free slots), Pointer words as reverse
 * map rather than swap table, a virtual table per live virtual cluster, extend tables while
 * allocated, one cluster structure per cluster of an online table device and per live virtual
 * cluster, the xarray nodes that hold the live virtual cluster ids, a pointer per CPU for the
 * lookup cache, two bits per slot for bitmap devices.
 *
 * Not charged: folios, zswap objects and the classic zswap tree, block data, per-CPU
 * allocation caches (every design has them).
 */
// @ts-nocheck

import {
  costBytes, metadataComponents, totalBytes, zeroBytes, type CostCounts, type CostReport,
  type MetadataBytes,
} from '../lib/costs.ts';
import type { SwapState } from './swap-state.ts';
import { wordIsPointer } from './swap-table-word.ts';

/** Levels of an xarray whose largest index is `count - 1` (one level at least). */
export function indexHeight(count: number): number {
  let height = 1;
  for (let span = costBytes.indexFanout; span < count; span *= costBytes.indexFanout) height++;
  return height;
}

/** The xarray nodes needed to hold `ids` (a single node at least while any id is held). */
export function indexNodeCount(ids: Iterable<number>): number {
  const sorted = [...ids];
  if (sorted.length === 0) return 0;
  const maxId = Math.max(...sorted);
  let nodes = 0;
  let span = costBytes.indexFanout;
  // Level by level from the leaves: one node per distinct id / span, until one node is left.
  for (;;) {
    const level = new Set(sorted.map((id) => Math.floor(id / span)));
    nodes += level.size;
    if (maxId < span) return nodes;
    span *= costBytes.indexFanout;
  }
}

export function measureMetadata(state: SwapState): MetadataBytes {
  let swapTable = 0;
  let reverseMap = 0;
  let extendTables = 0;
  let clusterStructs = 0;
  let bitmaps = 0;
  for (const device of state.devices) {
    if (!device.online) continue;
    if (device.kind === 'bitmap') {
      bitmaps += 2 * Math.ceil(device.config.slots / 32) * costBytes.word;
      continue;
    }
    for (const ci of device.clusters) {
      clusterStructs += costBytes.cluster;
      if (ci.extend !== null) extendTables += ci.slots * costBytes.word;
      const table = ci.table;
      if (table === null) continue;
      for (const word of table) {
        if (wordIsPointer(word)) reverseMap += costBytes.word;
        else swapTable += costBytes.word;
      }
    }
  }
  let virtualTable = 0;
  let indexNodes = 0;
  let lookupCaches = 0;
  const vspace = state.vspace;
  if (vspace !== null) {
    for (const ci of vspace.index.values()) {
      clusterStructs += costBytes.virtualCluster;
      swapTable += ci.slots * costBytes.word;
      virtualTable += ci.vtable.length * costBytes.word;
      if (ci.extend !== null) extendTables += ci.slots * costBytes.word;
    }
    indexNodes = indexNodeCount(vspace.index.keys()) * costBytes.indexNode;
    if (vspace.lookupCache.mode !== 'off') lookupCaches = vspace.lookupCache.cpus * costBytes.pointer;
  }
  return {
    swapTable, virtualTable, reverseMap, extendTables, clusterStructs, indexNodes, lookupCaches,
    bitmaps,
  };
}

/** The current and peak metadata bytes of one system, sampled after every op. */
export class MetadataPeaks {
  private current: MetadataBytes = zeroBytes();
  private peak: Record<keyof MetadataBytes, number> = { ...zeroBytes() };
  private peakTotal = 0;

  sample(bytes: MetadataBytes): void {
    this.current = bytes;
    for (const key of metadataComponents) this.peak[key] = Math.max(this.peak[key], bytes[key]);
    this.peakTotal = Math.max(this.peakTotal, totalBytes(bytes));
  }

  report(counts: CostCounts): CostReport {
    return { counts, bytes: this.current, peakBytes: { ...this.peak }, peakTotalBytes: this.peakTotal };
  }
}

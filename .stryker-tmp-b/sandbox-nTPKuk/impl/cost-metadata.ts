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
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { costBytes, metadataComponents, totalBytes, zeroBytes, type CostCounts, type CostReport, type MetadataBytes } from '../lib/costs.ts';
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
  if (stryMutAct_9fa48("2") ? sorted.length !== 0 : stryMutAct_9fa48("1") ? false : stryMutAct_9fa48("0") ? true : (stryCov_9fa48("0", "1", "2"), sorted.length === 0)) return 0;
  const maxId = Math.max(...sorted);
  let nodes = 0;
  let span = costBytes.indexFanout;
  // Level by level from the leaves: one node per distinct id / span, until one node is left.
  for (;;) {
    const level = new Set(sorted.map(id => Math.floor(id / span)));
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
    if (stryMutAct_9fa48("5") ? false : stryMutAct_9fa48("4") ? true : stryMutAct_9fa48("3") ? device.online : (stryCov_9fa48("3", "4", "5"), !device.online)) continue;
    if (device.kind === 'bitmap') {
      bitmaps += stryMutAct_9fa48("6") ? 2 * Math.ceil(device.config.slots / 32) / costBytes.word : (stryCov_9fa48("6"), (stryMutAct_9fa48("7") ? 2 / Math.ceil(device.config.slots / 32) : (stryCov_9fa48("7"), 2 * Math.ceil(stryMutAct_9fa48("8") ? device.config.slots * 32 : (stryCov_9fa48("8"), device.config.slots / 32)))) * costBytes.word);
      continue;
    }
    for (const ci of device.clusters) {
      clusterStructs += costBytes.cluster;
      if (stryMutAct_9fa48("11") ? ci.extend === null : stryMutAct_9fa48("10") ? false : stryMutAct_9fa48("9") ? true : (stryCov_9fa48("9", "10", "11"), ci.extend !== null)) stryMutAct_9fa48("12") ? extendTables -= ci.slots * costBytes.word : (stryCov_9fa48("12"), extendTables += stryMutAct_9fa48("13") ? ci.slots / costBytes.word : (stryCov_9fa48("13"), ci.slots * costBytes.word));
      const table = ci.table;
      if (table === null) continue;
      for (const word of table) {
        if (wordIsPointer(word)) reverseMap += costBytes.word;else swapTable += costBytes.word;
      }
    }
  }
  let virtualTable = 0;
  let indexNodes = 0;
  let lookupCaches = 0;
  const vspace = state.vspace;
  if (vspace !== null) {
    for (const ci of vspace.index.values()) {
      stryMutAct_9fa48("14") ? clusterStructs -= costBytes.virtualCluster : (stryCov_9fa48("14"), clusterStructs += costBytes.virtualCluster);
      stryMutAct_9fa48("15") ? swapTable -= ci.slots * costBytes.word : (stryCov_9fa48("15"), swapTable += stryMutAct_9fa48("16") ? ci.slots / costBytes.word : (stryCov_9fa48("16"), ci.slots * costBytes.word));
      virtualTable += stryMutAct_9fa48("17") ? ci.vtable.length / costBytes.word : (stryCov_9fa48("17"), ci.vtable.length * costBytes.word);
      if (stryMutAct_9fa48("20") ? ci.extend === null : stryMutAct_9fa48("19") ? false : stryMutAct_9fa48("18") ? true : (stryCov_9fa48("18", "19", "20"), ci.extend !== null)) stryMutAct_9fa48("21") ? extendTables -= ci.slots * costBytes.word : (stryCov_9fa48("21"), extendTables += stryMutAct_9fa48("22") ? ci.slots / costBytes.word : (stryCov_9fa48("22"), ci.slots * costBytes.word));
    }
    indexNodes = stryMutAct_9fa48("23") ? indexNodeCount(vspace.index.keys()) / costBytes.indexNode : (stryCov_9fa48("23"), indexNodeCount(vspace.index.keys()) * costBytes.indexNode);
    if (vspace.lookupCache.mode !== 'off') lookupCaches = vspace.lookupCache.cpus * costBytes.pointer;
  }
  return {
    swapTable,
    virtualTable,
    reverseMap,
    extendTables,
    clusterStructs,
    indexNodes,
    lookupCaches,
    bitmaps
  };
}

/** The current and peak metadata bytes of one system, sampled after every op. */
export class MetadataPeaks {
  private current: MetadataBytes = zeroBytes();
  private peak: Record<keyof MetadataBytes, number> = {
    ...zeroBytes()
  };
  private peakTotal = 0;
  sample(bytes: MetadataBytes): void {
    this.current = bytes;
    for (const key of metadataComponents) this.peak[key] = stryMutAct_9fa48("24") ? Math.min(this.peak[key], bytes[key]) : (stryCov_9fa48("24"), Math.max(this.peak[key], bytes[key]));
    this.peakTotal = Math.max(this.peakTotal, totalBytes(bytes));
  }
  report(counts: CostCounts): CostReport {
    return {
      counts,
      bytes: this.current,
      peakBytes: {
        ...this.peak
      },
      peakTotalBytes: this.peakTotal
    };
  }
}
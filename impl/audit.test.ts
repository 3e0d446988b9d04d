/**
 * Canaries for the audit (impl/audit.ts): for every check() it makes, a direct corruption of a
 * live system that the audit must report with that check's id (InvariantViolation.check), not
 * merely with its invariant's name. The ids are read from the source, so a new check without
 * a corruption here fails the first test. Each corruption starts from a short op sequence the
 * audit passes and breaks exactly what the check checks, through the whole audit (audit()),
 * the audit of what an op touched (auditTouched(), for the checks only it makes) or the audit
 * after a drain (auditEmpty()).
 *
 * Not covered here: catalogued mutants (properties/canary.test.ts), the comparison with the
 * model (properties/oracle-fields.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configTinyMemcg, type Config } from '../lib/config.ts';
import { InvariantViolation, type InvariantName } from '../lib/invariant.ts';
import type { Op } from '../lib/ops.ts';
import { SwapCluster, type VirtualCluster } from './cluster.ts';
import { designs } from '../lib/designs.ts';
import { swpEntry } from './entry-value.ts';
import { holderWithExclusive, presentToHolderWord, swapToHolderWord } from './holder-word.ts';
import { memcgToId } from './memcg.ts';
import type { EntryLoc, SwapState } from './swap-state.ts';
import { KernelSwapSystem } from './swap-system.ts';
import {
  COUNT_SHIFT,
  pfnToWord,
  pointerToWord,
  shadowToWord,
  wordToPointerOffset,
  wordWithCount,
  wordWithZero,
} from './swap-table-word.ts';
import type { TableDevice } from './table-device.ts';
import type { BitmapDevice } from './bitmap-device.ts';
import { physToVtWord, vtWordToPhysOffset, zswapToVtWord } from './virtual-table-word.ts';

const auditSource = readFileSync(join(import.meta.dirname, 'audit.ts'), 'utf8');
/** Stryker's instrumented copy (docs/mutation-testing.md) rewrites the calls: the tests that
 * read the source then have nothing to read. */
const instrumented = auditSource.includes('stryMutAct_');
/** Every check of impl/audit.ts as `invariant/id`, in source order. */
const checks = [
  ...auditSource.matchAll(/check\([^;]*?,\s*'([a-z-]+)',\s*'([a-z0-9-]+)',\s*\(\)\s*=>/gs),
].map((match) => `${match[1] as string}/${match[2] as string}`);
const checkIds = checks.map((check) => check.split('/')[1] as string);

/** Zswap off: writeout goes to disk. */
const configDisk: Config = { ...configTinyMemcg, zswapEnabled: false };

/** Holder 0's page (content 5) in the swap cache at a fresh entry E (count 0, dirty folio 1);
 * holder 1 maps folio 2 (not cached). Holders 0-7 are in memcg 0. */
const cachedOps: readonly Op[] = [
  { op: 'swapon', device: 0, cpu: 0 },
  { op: 'fault', holder: 0, order: 0, cpu: 0 },
  { op: 'write', holder: 0, value: 5, cpu: 0 },
  { op: 'allocSwap', holder: 0, cpu: 0 },
  { op: 'fault', holder: 1, order: 0, cpu: 0 },
];
/** Then E held by holder 0 (count 1) and written out: folio 1 clean in the swap cache. */
const writtenOps: readonly Op[] = [
  ...cachedOps,
  { op: 'unmap', holder: 0, cpu: 0 },
  { op: 'writeout', folio: 1, cpu: 0 },
];
/** Then folio 1 evicted: E swapped out (Shadow word, count 1) with its backend. */
const swappedOps: readonly Op[] = [...writtenOps, { op: 'evict', folio: 1, cpu: 0 }];
/** A device online and nothing else: what a drain leaves. */
const emptyOps: readonly Op[] = [{ op: 'swapon', device: 0, cpu: 0 }];

/** A live system after its setup, with what a corruption needs to find. */
interface Live {
  readonly system: KernelSwapSystem;
  readonly state: SwapState;
  /** The entry values allocSwap handed out, in order. */
  readonly entries: readonly number[];
}

type AuditKind = 'full' | 'touched' | 'empty';

interface Corruption {
  /** The invariant the check reports (kept here too, since the source is not what runs
   * under mutation testing). */
  readonly invariant: InvariantName;
  readonly design: string;
  readonly config?: Config;
  readonly ops: readonly Op[];
  /** Which audit must report it (the whole audit unless named). */
  readonly audit?: AuditKind;
  /** Breaks the state; returns the entry values the touched audit is given. */
  readonly corrupt: (live: Live) => readonly number[] | void;
}

function entryOf(live: Live, index = 0): number {
  const value = live.entries[index];
  if (value === undefined) throw new Error(`no entry ${index}`);
  return value;
}

function locOf(live: Live, index = 0): EntryLoc {
  return live.state.peek(entryOf(live, index), 0);
}

/** E's swap table. */
function tableOf(live: Live, index = 0): Uint32Array {
  return locOf(live, index).cluster.tableOf();
}

function tableDevice(state: SwapState, type: number): TableDevice {
  const device = state.devices[type];
  if (device?.kind !== 'table') throw new Error(`device ${type} is not a table device`);
  return device;
}

function bitmapDevice(state: SwapState, type: number): BitmapDevice {
  const device = state.devices[type];
  if (device?.kind !== 'bitmap') throw new Error(`device ${type} is not a bitmap device`);
  return device;
}

/** Sets the used bit of `slot` of a bitmap device behind its allocator's back. */
function setUsedBit(device: BitmapDevice, slot: number): void {
  const used = (device as unknown as { used: Uint32Array }).used;
  used[slot >>> 5] = ((used[slot >>> 5] ?? 0) | (1 << (slot & 31))) >>> 0;
}

/** The first cluster of device 0 that is empty (count 0, no table). */
function emptyCluster(state: SwapState): SwapCluster {
  const ci = tableDevice(state, 0).clusters.find((c) => c.count === 0 && c.table === null);
  if (ci === undefined) throw new Error('no empty cluster');
  return ci;
}

/** E's backing slot on device 0 (a virtual entry written to disk). */
function backingOf(live: Live): number {
  const loc = locOf(live);
  return vtWordToPhysOffset((loc.vcluster as VirtualCluster).vtable[loc.slot] ?? 0);
}

function vtableOf(live: Live): { vtable: Uint32Array; slot: number } {
  const loc = locOf(live);
  return { vtable: (loc.vcluster as VirtualCluster).vtable, slot: loc.slot };
}

/** The cluster each CPU's lookup cache holds, writable. */
function lookupCached(state: SwapState): (VirtualCluster | null)[] {
  return (state.vspace?.lookupCache as unknown as { cached: (VirtualCluster | null)[] }).cached;
}

function permanentCluster(state: SwapState): VirtualCluster {
  const ci = state.vspace?.index.get(0);
  if (ci === undefined) throw new Error('no permanent virtual cluster');
  return ci;
}

/** A free slot of E's cluster (E's neighbour). */
function freeNeighbour(live: Live): number {
  const loc = locOf(live);
  const table = loc.cluster.tableOf();
  const slot = [...table.keys()].find((s) => table[s] === 0);
  if (slot === undefined) throw new Error('no free slot beside E');
  return slot;
}

const corruptions: Readonly<Record<string, Corruption>> = {
  // auditState() and the held-entry check.
  'holder-entry-free': {
    invariant: 'liveness',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.holders[5] = swapToHolderWord(swpEntry(0, 9), false);
    },
  },
  // auditEntryLocal(): the touched audit of one entry.
  'local-zero-disk': {
    invariant: 'zero',
    design: 'classic',
    config: configDisk,
    ops: swappedOps,
    audit: 'touched',
    corrupt: (live) => {
      const table = tableOf(live);
      const slot = locOf(live).slot;
      table[slot] = wordWithZero(table[slot] ?? 0, true);
      return [entryOf(live)];
    },
  },
  'local-vtable-kind': {
    invariant: 'encoding',
    design: 'vswap-all',
    ops: cachedOps,
    audit: 'touched',
    corrupt: (live) => {
      const { vtable, slot } = vtableOf(live);
      vtable[slot] = 0b011;
      return [entryOf(live)];
    },
  },
  'local-zero-backend': {
    invariant: 'zero',
    design: 'vswap-all',
    ops: cachedOps,
    audit: 'touched',
    corrupt: (live) => {
      const { vtable, slot } = vtableOf(live);
      vtable[slot] = zswapToVtWord(1);
      const table = tableOf(live);
      table[slot] = wordWithZero(table[slot] ?? 0, true);
      return [entryOf(live)];
    },
  },
  'local-backing-offline': {
    invariant: 'device-lifetime',
    design: 'vswap-all',
    config: configDisk,
    ops: swappedOps,
    audit: 'touched',
    corrupt: (live) => {
      const { vtable, slot } = vtableOf(live);
      vtable[slot] = physToVtWord(1, 1);
      return [entryOf(live)];
    },
  },
  'local-backing-free-slot': {
    invariant: 'backend-ownership',
    design: 'vswap-direct',
    config: configDisk,
    ops: swappedOps,
    audit: 'touched',
    corrupt: (live) => {
      const { vtable, slot } = vtableOf(live);
      vtable[slot] = physToVtWord(0, backingOf(live) + 1);
      return [entryOf(live)];
    },
  },
  'local-backing-bad-slot': {
    invariant: 'liveness',
    design: 'vswap-direct',
    config: configDisk,
    ops: swappedOps,
    audit: 'touched',
    corrupt: (live) => {
      const { vtable, slot } = vtableOf(live);
      setUsedBit(bitmapDevice(live.state, 0), 6);
      vtable[slot] = physToVtWord(0, 6);
      return [entryOf(live)];
    },
  },
  'local-backing-pointer': {
    invariant: 'rmap-bijection',
    design: 'vswap-all',
    config: configDisk,
    ops: swappedOps,
    audit: 'touched',
    corrupt: (live) => {
      const backing = backingOf(live);
      const device = tableDevice(live.state, 0);
      const table = device.clusterOf(backing).tableOf();
      table[backing % device.clusterSlots] = pointerToWord(locOf(live).offset + 1, false);
      return [entryOf(live)];
    },
  },
  // auditHolders().
  'holder-word': {
    invariant: 'encoding',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.holders[5] = 0b100;
    },
  },
  'holder-dead-folio': {
    invariant: 'identity',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.holders[5] = presentToHolderWord(99, 0, false);
    },
  },
  'holder-outside-rmap': {
    invariant: 'identity',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.holders[5] = presentToHolderWord(2, 0, false);
    },
  },
  'present-exclusive-shared': {
    invariant: 'exclusive',
    design: 'classic',
    // A fork clears the exclusive bit of both mappings; holder 1 gets it back.
    ops: [...cachedOps, { op: 'fork', holder: 1, target: 2, cpu: 0 }],
    corrupt: ({ state }) => {
      state.holders[1] = holderWithExclusive(state.holders[1] ?? 0, true);
    },
  },
  'swap-exclusive-shared': {
    invariant: 'exclusive',
    design: 'classic',
    ops: [...swappedOps, { op: 'fork', holder: 0, target: 3, cpu: 0 }],
    corrupt: (live) => {
      live.state.holders[0] = swapToHolderWord(entryOf(live), true);
    },
  },
  // auditTableDevice().
  'offline-table-metadata': {
    invariant: 'device-lifetime',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      tableDevice(state, 1).inuse = 1;
    },
  },
  'offline-zswap-objects': {
    invariant: 'device-lifetime',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.zswapTree.store(1, 1, state.zswap.store(7));
    },
  },
  'table-not-write-ok': {
    invariant: 'allocation-fence',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      tableDevice(state, 0).writeOk = false;
    },
  },
  'memcg-table-without-table': {
    invariant: 'memcg-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      emptyCluster(state).memcgTable = new Uint16Array(4);
    },
  },
  'memcg-table-missing': {
    invariant: 'memcg-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      locOf(live).cluster.memcgTable = null;
    },
  },
  'table-free-slot-memcg': {
    invariant: 'memcg-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      const ci = locOf(live).cluster;
      (ci.memcgTable as Uint16Array)[freeNeighbour(live)] = memcgToId(0);
    },
  },
  'physical-entry-all-virtual': {
    invariant: 'encoding',
    design: 'vswap-all',
    config: configDisk,
    ops: swappedOps,
    corrupt: (live) => {
      const device = tableDevice(live.state, 0);
      const backing = backingOf(live);
      const ci = device.clusterOf(backing);
      const table = ci.tableOf();
      const slot = [...table.keys()].find((s) => table[s] === 0);
      if (slot === undefined) throw new Error('no free slot beside the backing');
      table[slot] = shadowToWord(0, 1, false);
      ci.count++;
    },
  },
  'zero-disk': {
    invariant: 'zero',
    design: 'classic',
    config: configDisk,
    ops: swappedOps,
    corrupt: (live) => {
      const table = tableOf(live);
      const slot = locOf(live).slot;
      table[slot] = wordWithZero(table[slot] ?? 0, true);
    },
  },
  'table-inuse': {
    invariant: 'device-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      tableDevice(state, 0).inuse++;
    },
  },
  'zswap-object-no-entry': {
    invariant: 'backend-ownership',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      live.state.zswapTree.store(0, locOf(live).offset + 1, live.state.zswap.store(7));
    },
  },
  // auditBitmapDevice().
  'bitmap-device-kind': {
    invariant: 'encoding',
    design: 'vswap-direct',
    ops: cachedOps,
    corrupt: ({ state }) => {
      (bitmapDevice(state, 0) as unknown as { kind: string }).kind = 'disk';
    },
  },
  'offline-bitmap-in-use': {
    invariant: 'device-lifetime',
    design: 'vswap-direct',
    ops: cachedOps,
    corrupt: ({ state }) => {
      bitmapDevice(state, 1).inuse = 1;
    },
  },
  'bitmap-not-write-ok': {
    invariant: 'allocation-fence',
    design: 'vswap-direct',
    ops: cachedOps,
    corrupt: ({ state }) => {
      bitmapDevice(state, 0).writeOk = false;
    },
  },
  'bitmap-bad-slot-used': {
    invariant: 'liveness',
    design: 'vswap-direct',
    ops: cachedOps,
    corrupt: ({ state }) => {
      setUsedBit(bitmapDevice(state, 0), 6);
    },
  },
  'bitmap-inuse': {
    invariant: 'device-accounting',
    design: 'vswap-direct',
    ops: cachedOps,
    corrupt: ({ state }) => {
      bitmapDevice(state, 0).inuse++;
    },
  },
  // auditPointer().
  'pointer-without-rmap': {
    invariant: 'encoding',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      const ci = locOf(live).cluster;
      ci.tableOf()[freeNeighbour(live)] = pointerToWord(1, false);
      ci.count++;
    },
  },
  'pointer-no-cluster': {
    invariant: 'rmap-bijection',
    design: 'vswap-all',
    config: configDisk,
    ops: swappedOps,
    corrupt: (live) => {
      const device = tableDevice(live.state, 0);
      const backing = backingOf(live);
      device.clusterOf(backing).tableOf()[backing % device.clusterSlots] = pointerToWord(28, false);
    },
  },
  'pointer-not-backed-there': {
    invariant: 'rmap-bijection',
    design: 'vswap-all',
    config: configDisk,
    ops: swappedOps,
    corrupt: (live) => {
      const device = tableDevice(live.state, 0);
      const backing = backingOf(live);
      device.clusterOf(backing).tableOf()[backing % device.clusterSlots] = pointerToWord(
        locOf(live).offset + 1,
        false,
      );
    },
  },
  'pointer-cache-only-bit': {
    invariant: 'rmap-bijection',
    design: 'vswap-all',
    config: configDisk,
    ops: swappedOps,
    corrupt: (live) => {
      const device = tableDevice(live.state, 0);
      const backing = backingOf(live);
      const table = device.clusterOf(backing).tableOf();
      const slot = backing % device.clusterSlots;
      table[slot] = pointerToWord(wordToPointerOffset(table[slot] ?? 0), true);
    },
  },
  // auditVirtualSpace().
  'index-dead-or-moved': {
    invariant: 'lookup-cache',
    design: 'vswap-all',
    ops: cachedOps,
    corrupt: (live) => {
      const ci = locOf(live).vcluster as VirtualCluster;
      live.state.vspace?.index.set(ci.id + 5, ci);
    },
  },
  'index-empty-cluster': {
    invariant: 'cluster-accounting',
    design: 'vswap-all',
    ops: cachedOps,
    corrupt: (live) => {
      locOf(live).cluster.count = 0;
    },
  },
  'vtable-kind': {
    invariant: 'encoding',
    design: 'vswap-all',
    ops: cachedOps,
    corrupt: (live) => {
      const { vtable, slot } = vtableOf(live);
      vtable[slot] = 0b011;
    },
  },
  'virtual-pointer-word': {
    invariant: 'encoding',
    design: 'vswap-all',
    ops: cachedOps,
    corrupt: (live) => {
      const ci = locOf(live).cluster;
      ci.tableOf()[freeNeighbour(live)] = pointerToWord(1, false);
      ci.count++;
    },
  },
  'virtual-free-slot-backend': {
    invariant: 'liveness',
    design: 'vswap-all',
    ops: cachedOps,
    corrupt: (live) => {
      const { vtable } = vtableOf(live);
      vtable[freeNeighbour(live)] = zswapToVtWord(3);
    },
  },
  'virtual-free-slot-memcg': {
    invariant: 'memcg-accounting',
    design: 'vswap-all',
    ops: cachedOps,
    corrupt: (live) => {
      (locOf(live).cluster.memcgTable as Uint16Array)[freeNeighbour(live)] = memcgToId(0);
    },
  },
  'virtual-zero-backend': {
    invariant: 'zero',
    design: 'vswap-all',
    ops: cachedOps,
    corrupt: (live) => {
      const { vtable, slot } = vtableOf(live);
      vtable[slot] = zswapToVtWord(1);
      const table = tableOf(live);
      table[slot] = wordWithZero(table[slot] ?? 0, true);
    },
  },
  'virtual-inuse': {
    invariant: 'cluster-accounting',
    design: 'vswap-all',
    ops: cachedOps,
    corrupt: ({ state }) => {
      (state.vspace as { inuse: number }).inuse++;
    },
  },
  // auditBacking().
  'backing-owned-twice': {
    invariant: 'backend-ownership',
    design: 'vswap-direct',
    config: configDisk,
    ops: [...swappedOps, { op: 'allocSwap', holder: 1, cpu: 0 }],
    corrupt: (live) => {
      const first = vtableOf(live);
      const loc = locOf(live, 1);
      (loc.vcluster as VirtualCluster).vtable[loc.slot] = first.vtable[first.slot] ?? 0;
    },
  },
  'backing-offline': {
    invariant: 'device-lifetime',
    design: 'vswap-direct',
    config: configDisk,
    ops: swappedOps,
    corrupt: (live) => {
      const { vtable, slot } = vtableOf(live);
      vtable[slot] = physToVtWord(1, 1);
    },
  },
  'backing-free-slot': {
    invariant: 'backend-ownership',
    design: 'vswap-direct',
    config: configDisk,
    ops: swappedOps,
    corrupt: (live) => {
      const { vtable, slot } = vtableOf(live);
      vtable[slot] = physToVtWord(0, backingOf(live) + 1);
    },
  },
  'backing-pointer': {
    invariant: 'rmap-bijection',
    design: 'vswap-all',
    config: configDisk,
    ops: swappedOps,
    corrupt: (live) => {
      // The Pointer word goes (as if its slot were freed); E's PHYS word still names the slot.
      const device = tableDevice(live.state, 0);
      const backing = backingOf(live);
      const ci = device.clusterOf(backing);
      ci.tableOf()[backing % device.clusterSlots] = 0;
      ci.count--;
      device.inuse--;
    },
  },
  // auditEntry(), auditMemcgId(), auditBackendOrBinding(), countOf().
  'count-held': {
    invariant: 'count-conservation',
    design: 'classic',
    ops: swappedOps,
    corrupt: (live) => {
      const table = tableOf(live);
      const slot = locOf(live).slot;
      table[slot] = wordWithCount(table[slot] ?? 0, 2);
    },
  },
  'shadow-unreferenced': {
    invariant: 'liveness',
    design: 'classic',
    ops: swappedOps,
    corrupt: (live) => {
      const table = tableOf(live);
      const slot = locOf(live).slot;
      table[slot] = wordWithCount(table[slot] ?? 0, 0);
      live.state.holders[0] = 0;
    },
  },
  'memcg-id-invalid': {
    invariant: 'memcg-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      (locOf(live).cluster.memcgTable as Uint16Array)[locOf(live).slot] = 999;
    },
  },
  'cached-folio-memcg': {
    invariant: 'memcg-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      (locOf(live).cluster.memcgTable as Uint16Array)[locOf(live).slot] = memcgToId(1);
    },
  },
  'memcg-charge-recount': {
    invariant: 'memcg-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      expect(state.memcg.tryCharge(memcgToId(0), 1)).toBe(true);
    },
  },
  'memcg-over-max': {
    invariant: 'memcg-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      (state.memcg as unknown as { max: (number | null)[] }).max[0] = 0;
    },
  },
  'swapped-out-no-backend': {
    invariant: 'content',
    design: 'classic',
    ops: swappedOps,
    corrupt: (live) => {
      live.state.zswapTree.erase(0, locOf(live).offset);
    },
  },
  'pfn-folio-not-cached': {
    invariant: 'cache-binding',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      tableOf(live)[locOf(live).slot] = pfnToWord(2, 0, false);
    },
  },
  'pfn-page-outside-folio': {
    invariant: 'cache-binding',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      const ci = locOf(live).cluster;
      ci.tableOf()[locOf(live).slot + 1] = pfnToWord(1, 0, false);
      ci.count++;
    },
  },
  'clean-folio-differs': {
    invariant: 'content',
    design: 'classic',
    ops: writtenOps,
    corrupt: ({ state }) => {
      state.folios.of(1).pages[0] = 6;
    },
  },
  'count-above-sentinel': {
    invariant: 'count-conservation',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      const table = tableOf(live);
      const slot = locOf(live).slot;
      table[slot] = (((table[slot] ?? 0) & ~(0xf << COUNT_SHIFT)) | (5 << COUNT_SHIFT)) >>> 0;
    },
  },
  'extend-below-sentinel': {
    invariant: 'count-conservation',
    design: 'classic',
    ops: swappedOps,
    corrupt: (live) => {
      const { cluster, slot } = locOf(live);
      const table = cluster.tableOf();
      table[slot] = wordWithCount(table[slot] ?? 0, live.state.counter.sentinel);
      cluster.extend = new Uint32Array(cluster.slots);
      cluster.extend[slot] = 1;
      cluster.extendUsed = 1;
    },
  },
  // auditCluster().
  'table-word-kind': {
    invariant: 'encoding',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      tableOf(live)[freeNeighbour(live)] = 0b1000;
    },
  },
  'extend-without-sentinel': {
    invariant: 'count-conservation',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      const ci = locOf(live).cluster;
      ci.extend = new Uint32Array(ci.slots);
      ci.extend[freeNeighbour(live)] = 5;
      ci.extendUsed = 1;
    },
  },
  'extend-table-use': {
    invariant: 'count-conservation',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      locOf(live).cluster.extend = new Uint32Array(4);
    },
  },
  'cluster-count': {
    invariant: 'cluster-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      locOf(live).cluster.count++;
    },
  },
  'cluster-bad-count': {
    invariant: 'cluster-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      locOf(live).cluster.badCount++;
    },
  },
  'cluster-table-iff-used': {
    invariant: 'cluster-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      emptyCluster(state).table = new Uint32Array(4);
    },
  },
  'free-cluster-empty-order-0': {
    invariant: 'cluster-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      emptyCluster(state).order = 1;
    },
  },
  'full-cluster-count': {
    invariant: 'cluster-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      locOf(live).cluster.flags = 'full';
    },
  },
  'partial-cluster-count': {
    invariant: 'cluster-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      emptyCluster(state).flags = 'nonfull';
    },
  },
  'cluster-off-list': {
    invariant: 'cluster-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      locOf(live).cluster.flags = 'none';
    },
  },
  // auditLists().
  'cluster-on-two-lists': {
    invariant: 'cluster-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      tableDevice(live.state, 0).lists.full.add(locOf(live).cluster);
    },
  },
  'cluster-on-no-list': {
    invariant: 'cluster-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      const ci = locOf(live).cluster;
      tableDevice(live.state, 0).lists.listOf(ci.flags, ci.order)?.delete(ci);
    },
  },
  'cluster-list-by-order': {
    invariant: 'cluster-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      // Still on one list, but on the list of another order than the cluster's.
      const ci = locOf(live).cluster;
      const lists = tableDevice(live.state, 0).lists;
      lists.listOf(ci.flags, ci.order)?.delete(ci);
      lists.listOf(ci.flags, ci.order + 1)?.add(ci);
    },
  },
  'list-size': {
    invariant: 'cluster-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      tableDevice(state, 0).lists.free.add(new SwapCluster(99, 4));
    },
  },
  // auditLookupCache(), auditLookupCachePins().
  'pins-count': {
    invariant: 'lookup-cache',
    design: 'vswap-direct-cached',
    ops: cachedOps,
    corrupt: (live) => {
      (locOf(live).vcluster as VirtualCluster).pins++;
    },
  },
  // The touched audit of no entry: the whole audit's lookups assert on such a cache first.
  'cache-when-off': {
    invariant: 'lookup-cache',
    design: 'vswap-all',
    ops: cachedOps,
    audit: 'touched',
    corrupt: (live) => {
      lookupCached(live.state)[0] = locOf(live).vcluster;
      return [];
    },
  },
  'pinned-dead': {
    invariant: 'lookup-cache',
    design: 'vswap-direct-cached',
    ops: cachedOps,
    audit: 'touched',
    corrupt: (live) => {
      const ci = locOf(live).vcluster as VirtualCluster;
      expect(lookupCached(live.state)).toContain(ci);
      ci.flags = 'dead';
      return [];
    },
  },
  // auditFolios().
  'folio-memcg-invalid': {
    invariant: 'memcg-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      (state.folios.of(2) as { memcg: number }).memcg = 999;
    },
  },
  'folio-order-pages': {
    invariant: 'identity',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.folios.of(2).pages.push(0);
    },
  },
  'folio-held-by-nothing': {
    invariant: 'identity',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      const folio = state.folios.of(2);
      folio.mappers.clear();
      folio.pageMaps[0] = 0;
      state.holders[1] = 0;
    },
  },
  'folio-clean-outside-cache': {
    invariant: 'content',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.folios.of(2).dirty = false;
    },
  },
  'rmap-holder-maps-other': {
    invariant: 'identity',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.folios.of(2).mappers.add(7);
    },
  },
  'page-map-counts': {
    invariant: 'identity',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.holders[1] = holderWithExclusive(state.holders[1] ?? 0, false);
      state.folios.of(2).pageMaps[0] = 2;
    },
  },
  'folio-page-unbound': {
    invariant: 'cache-binding',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      // Folio 2 claims the swap cache at E's free neighbour, whose word does not name it.
      const folio = live.state.folios.of(2);
      folio.swapcache = true;
      folio.swap = entryOf(live) + 1;
    },
  },
  // auditZswap().
  'zswap-handle-owners': {
    invariant: 'backend-ownership',
    design: 'classic',
    ops: swappedOps,
    corrupt: (live) => {
      const handle = live.state.zswapTree.load(0, locOf(live).offset);
      if (handle === null) throw new Error('E has no zswap object');
      live.state.zswap.free(handle);
    },
  },
  'zswap-pool-stored': {
    invariant: 'backend-ownership',
    design: 'classic',
    ops: swappedOps,
    corrupt: ({ state }) => {
      state.zswap.store(7);
    },
  },
  // auditCounters().
  'nr-swap-pages': {
    invariant: 'device-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.counters.nrSwapPages--;
    },
  },
  // auditAllocClaims(): the claims of the op just applied.
  'alloc-order': {
    invariant: 'cluster-accounting',
    design: 'classic',
    ops: cachedOps,
    corrupt: (live) => {
      live.state.allocated = { opSeq: live.state.opSeq, order: 1, value: entryOf(live) };
    },
  },
  'fallback-with-virtual-run': {
    invariant: 'allowance',
    design: 'vswap-rfc',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.vswapFallback = { opSeq: state.opSeq, order: 0 };
    },
  },
  'enospc-physical-run': {
    invariant: 'allowance',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.enospc = { opSeq: state.opSeq, order: 0, space: 'physical', tried: null };
    },
  },
  'enospc-tried-device-run': {
    invariant: 'allowance',
    design: 'classic',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.enospc = { opSeq: state.opSeq, order: 1, space: 'physical', tried: 0 };
    },
  },
  'enospc-virtual-run': {
    invariant: 'allowance',
    design: 'vswap-all',
    ops: cachedOps,
    corrupt: ({ state }) => {
      state.enospc = { opSeq: state.opSeq, order: 0, space: 'virtual', tried: null };
    },
  },
  // auditEmptyState(): after a drain.
  'drain-holders': {
    invariant: 'drain',
    design: 'classic',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      state.holders[3] = swapToHolderWord(swpEntry(0, 1), false);
    },
  },
  'drain-folios': {
    invariant: 'drain',
    design: 'classic',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      state.folios.alloc(0, [0], true, memcgToId(null));
    },
  },
  'drain-zswap': {
    invariant: 'drain',
    design: 'classic',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      state.zswap.store(7);
    },
  },
  'drain-memcg-charge': {
    invariant: 'drain',
    design: 'classic',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      expect(state.memcg.tryCharge(memcgToId(0), 1)).toBe(true);
    },
  },
  'drain-device-inuse': {
    invariant: 'drain',
    design: 'classic',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      tableDevice(state, 0).inuse = 1;
    },
  },
  'drain-cluster-count': {
    invariant: 'drain',
    design: 'classic',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      emptyCluster(state).extend = new Uint32Array(4);
    },
  },
  'drain-cluster-table': {
    invariant: 'drain',
    design: 'classic',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      emptyCluster(state).table = new Uint32Array(4);
    },
  },
  'drain-virtual-inuse': {
    invariant: 'drain',
    design: 'vswap-all',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      (state.vspace as { inuse: number }).inuse = 1;
    },
  },
  'drain-virtual-cluster': {
    invariant: 'drain',
    design: 'vswap-all',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      permanentCluster(state).count++;
    },
  },
  'drain-virtual-extend-vtable': {
    invariant: 'drain',
    design: 'vswap-all',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      permanentCluster(state).vtable[1] = zswapToVtWord(1);
    },
  },
  'drain-virtual-memcg': {
    invariant: 'drain',
    design: 'vswap-all',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      (permanentCluster(state).memcgTable as Uint16Array)[1] = memcgToId(0);
    },
  },
  'drain-virtual-pins': {
    invariant: 'drain',
    design: 'vswap-direct-cached',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      permanentCluster(state).pins = 1;
    },
  },
  'drain-cache-pins': {
    invariant: 'drain',
    design: 'vswap-direct-cached',
    ops: emptyOps,
    audit: 'empty',
    corrupt: ({ state }) => {
      lookupCached(state)[0] = permanentCluster(state);
    },
  },
};

/** Builds the corruption's system, checks that its audit passes, corrupts it and returns the
 * check the audit reports as `invariant/id` (or null when it reports none). */
function reportedCheck(corruption: Corruption): string | null {
  const knobs = designs[corruption.design]?.knobs;
  if (knobs === undefined) throw new Error(`no design ${corruption.design}`);
  const system = new KernelSwapSystem(corruption.config ?? configTinyMemcg, knobs);
  const entries: number[] = [];
  for (const op of corruption.ops) {
    const outcome = system.apply(op);
    expect(outcome.errno, JSON.stringify(op)).toBe('OK');
    if (op.op === 'allocSwap' && outcome.entry !== undefined) entries.push(outcome.entry);
  }
  const live: Live = { system, state: system.state, entries };
  const kind = corruption.audit ?? 'full';
  const run = (values: readonly number[]) => {
    if (kind === 'full') system.audit();
    else if (kind === 'touched') system.auditTouched(values);
    else system.auditEmpty();
  };
  expect(() => run(entries)).not.toThrow();
  const values = corruption.corrupt(live) ?? entries;
  try {
    run(values);
  } catch (error) {
    if (error instanceof InvariantViolation) return `${error.invariant}/${error.check ?? ''}`;
    throw error;
  }
  return null;
}

describe('the audit checks', () => {
  it.skipIf(instrumented)('have unique ids, one per check() call of impl/audit.ts', () => {
    const calls = [...auditSource.matchAll(/\bcheck\(/g)].length;
    expect(checkIds.length).toBe(calls);
    expect(new Set(checkIds).size).toBe(checkIds.length);
    expect(checkIds.length).toBeGreaterThanOrEqual(99);
  });

  it.skipIf(instrumented)('each have a corruption here, naming its invariant', () => {
    expect(Object.keys(corruptions).sort()).toEqual([...checkIds].sort());
    for (const check of checks) {
      const [invariant, id] = check.split('/') as [string, string];
      expect(corruptions[id]?.invariant, id).toBe(invariant);
    }
  });
});

describe.each(Object.keys(corruptions))('the audit check %s', (id) => {
  it('reports its direct corruption by its invariant and id', () => {
    const corruption = corruptions[id] as Corruption;
    expect(reportedCheck(corruption)).toBe(`${corruption.invariant}/${id}`);
  });
});

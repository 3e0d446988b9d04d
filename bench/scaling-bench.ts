/**
 * Cost growth: checked nanoseconds per op with 10^3 .. 10^6 live swapped-out entries. A
 * machine sized for n entries (order-9 folios, 512-slot clusters, 2.5 n physical slots so
 * swap is never "full") is populated through the checker (fault, allocSwap, unmap of every
 * page, writeout, evict, per folio), then a fixed mix of ops on random holders is timed:
 * swapin of a swapped-out holder (read or swap-cache hit) and unmap of a holder mapped from
 * the swap cache, with every 16th op writing a folio out and evicting it again. The time is
 * timed on this process's CPU and split into the model (its ops, footprints and views), the
 * design (its ops, per-item views and auditTouched()) and the checker's own work, by the shares
 * of wall time each part took (a CPU-time read per call would cost more than the calls). The
 * timed ops get footprint checks only; a full check is timed on its own (CPU) and reported
 * amortized over n ops, the interval at which its cost per op would stay constant (campaigns
 * use a fixed 64, checkerOptionsCampaign, which at this size would let full checks dominate).
 * Memory: the heap and array buffers in use after a garbage collection, before the checker is
 * built and after it is populated, divided by the live entries: model + design + checker bytes
 * per live entry (needs node's --expose-gc; null without it).
 *
 * Not covered here: throughput on the default config (bench/campaign-bench.ts).
 */
import type { Config, DeviceConfig } from '../lib/config.ts';
import { configLimits, validateConfig } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { Checker } from '../properties/checker.ts';
import { Prng } from '../properties/prng.ts';
import { describeFailure } from '../properties/report.ts';
import { checkerFor, type DesignUnderTest } from '../properties/run.ts';
import { cpuMsSince } from './measure.ts';

const folioOrder = 9;
const folioPages = 2 ** folioOrder;

export interface ScalingPoint {
  readonly design: string;
  readonly liveEntries: number;
  readonly populateMs: number;
  readonly ops: number;
  /** Checked CPU nanoseconds per op, and its parts. */
  readonly nsPerOp: number;
  readonly modelNsPerOp: number;
  readonly implNsPerOp: number;
  readonly checksNsPerOp: number;
  /** One full check at this size, and its cost per op when run every `liveEntries` ops. */
  readonly fullCheckMs: number;
  readonly fullCheckNsPerOpAmortized: number;
  /** Heap and array-buffer bytes of model + design + checker per live entry (null without
   * --expose-gc). */
  readonly bytesPerEntry: number | null;
}

/** Bytes in use after a full garbage collection, or null when gc() is not exposed. */
function bytesInUse(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return null;
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** A machine for `liveEntries` swapped-out entries. */
export function scaleConfig(liveEntries: number): Config {
  const folios = Math.ceil(liveEntries / folioPages);
  const pages = folios * folioPages;
  const slotsWanted = Math.ceil((pages * 2.5) / folioPages) * folioPages + folioPages;
  const deviceCount = Math.ceil(slotsWanted / configLimits.deviceSlotsMax);
  const perDevice = Math.ceil(slotsWanted / deviceCount / folioPages) * folioPages;
  const device: DeviceConfig = {
    slots: perDevice,
    bad: [],
    priority: 10,
    synchronousIo: false,
    discard: false,
  };
  const config: Config = {
    holders: pages + folioPages,
    cpus: 4,
    clusterSlots: folioPages,
    countBits: 4,
    orderMax: folioOrder,
    devices: Array.from({ length: deviceCount }, () => device),
    zswapEnabled: false,
    zswapCapacity: 0,
    vswapSlots: Math.min(configLimits.vswapSlotsMax, pages + 4 * folioPages),
  };
  const problem = validateConfig(config);
  if (problem !== null) throw new Error(`scale config for ${liveEntries}: ${problem}`);
  return config;
}

function must(checker: Checker, op: Op): void {
  const failure = checker.step(op);
  if (failure !== null) throw new Error(`benchmark op failed: ${describeFailure(failure)}`);
}

/** The folio a present holder maps. */
function folioOf(checker: Checker, holder: number): number {
  const view = checker.model.holderView(holder);
  if (view.kind !== 'present') throw new Error(`holder ${holder} maps no folio`);
  return view.folio;
}

/** Swaps out `folios` order-9 folios: every page becomes a swapped-out entry with count 1. */
export function populate(checker: Checker, config: Config, folios: number): void {
  for (let device = 0; device < config.devices.length; device++)
    must(checker, { op: 'swapon', device, cpu: 0 });
  for (let f = 0; f < folios; f++) {
    const head = f * folioPages;
    const cpu = f % config.cpus;
    must(checker, { op: 'fault', holder: head, order: folioOrder, cpu });
    const folio = folioOf(checker, head);
    must(checker, { op: 'allocSwap', holder: head, cpu });
    for (let page = 0; page < folioPages; page++)
      must(checker, { op: 'unmap', holder: head + page, cpu });
    must(checker, { op: 'writeout', folio, cpu });
    must(checker, { op: 'evict', folio, cpu });
  }
}

/** Times `fn` into `total` (milliseconds). */
function timed<T>(total: { ms: number }, fn: () => T): T {
  const started = performance.now();
  try {
    return fn();
  } finally {
    total.ms += performance.now() - started;
  }
}

export function benchScaling(
  design: DesignUnderTest,
  liveEntries: number,
  ops: number,
  seed: number,
): ScalingPoint {
  const config = scaleConfig(liveEntries);
  const folios = Math.ceil(liveEntries / folioPages);
  const bytesBefore = bytesInUse();
  const checker = checkerFor(design, config, {
    fullCheckEvery: Number.MAX_SAFE_INTEGER,
    modelSelfCheck: true,
  });
  const populateStarted = performance.now();
  populate(checker, config, folios);
  const populateMs = performance.now() - populateStarted;
  const bytesAfter = bytesInUse();
  const populated = folios * folioPages;
  const bytesPerEntry =
    bytesBefore === null || bytesAfter === null ? null : (bytesAfter - bytesBefore) / populated;
  const modelTime = { ms: 0 };
  const implTime = { ms: 0 };
  const model = checker.model;
  const system = checker.system;
  // The model's part: its op and the views the checker reads of it; the design's part: its
  // op, its per-item views and auditTouched(); the rest is the checker's own.
  const modelApply = model.apply.bind(model);
  const modelFootprint = model.footprint.bind(model);
  const modelHolder = model.holderView.bind(model);
  const modelEntry = model.entryView.bind(model);
  const modelFolio = model.folioView.bind(model);
  model.apply = (op, choices) => timed(modelTime, () => modelApply(op, choices));
  model.footprint = () => timed(modelTime, modelFootprint);
  model.holderView = (index) => timed(modelTime, () => modelHolder(index));
  model.entryView = (serial) => timed(modelTime, () => modelEntry(serial));
  model.folioView = (id) => timed(modelTime, () => modelFolio(id));
  const systemApply = system.apply.bind(system);
  system.apply = (op) => timed(implTime, () => systemApply(op));
  if (
    system.observeHolder === undefined ||
    system.observeEntry === undefined ||
    system.observeFolio === undefined ||
    system.auditTouched === undefined
  ) {
    throw new Error(`${design.name} has no per-item views: its checks are full after every op`);
  }
  const observeHolder = system.observeHolder.bind(system);
  const observeEntry = system.observeEntry.bind(system);
  const observeFolio = system.observeFolio.bind(system);
  const auditTouched = system.auditTouched.bind(system);
  system.observeHolder = (holder) => timed(implTime, () => observeHolder(holder));
  system.observeEntry = (value, cpu) => timed(implTime, () => observeEntry(value, cpu));
  system.observeFolio = (id) => timed(implTime, () => observeFolio(id));
  system.auditTouched = (values) => timed(implTime, () => auditTouched(values));
  const prng = new Prng(seed);
  let lastUnmapped: number | null = null;
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < ops; i++) {
    const cpu = i % config.cpus;
    if (i % 16 === 15 && lastUnmapped !== null) {
      // Write the last unmapped swap-cache folio out and evict it, if nothing maps it.
      const folio = lastUnmapped;
      lastUnmapped = null;
      must(checker, { op: 'writeout', folio, cpu });
      must(checker, { op: 'evict', folio, cpu });
      continue;
    }
    const holder = prng.below(populated);
    const view = checker.model.holderView(holder);
    if (view.kind === 'swap') {
      must(checker, { op: 'swapin', holder, order: 0, cpu });
    } else {
      lastUnmapped = folioOf(checker, holder);
      must(checker, { op: 'unmap', holder, cpu });
    }
  }
  const totalWallMs = performance.now() - started;
  const totalMs = cpuMsSince(cpuStarted);
  // Read before the full check, which reads the same wrapped views item by item.
  const modelMs = modelTime.ms;
  const implMs = implTime.ms;
  const fullStarted = process.cpuUsage();
  const failure = checker.checkFully();
  const fullCheckMs = cpuMsSince(fullStarted);
  if (failure !== null) throw new Error(`full check failed: ${describeFailure(failure)}`);
  // CPU time per op, split by the parts' shares of the wall time.
  const ns = (wallMs: number) => (totalMs * 1e6 * (wallMs / totalWallMs)) / ops;
  return {
    design: design.name,
    liveEntries,
    populateMs,
    ops,
    nsPerOp: (totalMs * 1e6) / ops,
    modelNsPerOp: ns(modelMs),
    implNsPerOp: ns(implMs),
    checksNsPerOp: ns(totalWallMs - modelMs - implMs),
    fullCheckMs,
    fullCheckNsPerOpAmortized: (fullCheckMs * 1e6) / Math.max(64, liveEntries),
    bytesPerEntry,
  };
}

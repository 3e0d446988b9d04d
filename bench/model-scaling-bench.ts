/**
 * The reference model's cost per op against the number of live entries, model only: no design,
 * no checker. A machine sized for n swapped-out entries (bench/scaling-bench.ts's, plus one
 * memcg with a generous swap.max over the populated holders, so memcg accounting is asked on
 * every allocation and swapin) is populated through the model alone (fault, allocSwap, unmap
 * of every page, writeout, evict, per order-9 folio), then a deterministic mix is timed:
 * swapin of a swapped-out holder (a quarter of them write faults), unmap of a holder mapped
 * from the swap cache, allocSwap of a page whose swap cache a write fault freed, a store to a
 * present page, fork of a holder into a spare holder and its zap, and every 16th op a writeout
 * and evict of the last unmapped folio. After each op the model is asked what the checker asks
 * of it per op (footprint(), the view of every holder, entry and folio the footprint names,
 * globalView(), vmSwapFull()), and that is timed as part of the op. The time is this process's
 * CPU time (a loaded machine moves it less than wall time), the median of five batches, after
 * an untimed warm-up on a small machine; garbage collection during the batches is shown apart
 * (wall time), as is one selfCheck() (the index check and the invariants) at the end.
 *
 * `--checker` also runs bench/scaling-bench.ts (classic, checked) at the same sizes, when the
 * harness runs on this tree; when it does not, it says why.
 *
 * Run: `npm run bench:model -- [--sizes 1000,1000000] [--ops N] [--checker]` (the heap figure
 * needs node's --expose-gc, which the script passes).
 *
 * Not covered here: the design's cost and the checker's (bench/scaling-bench.ts), throughput on
 * the default config (bench/campaign-bench.ts).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { devicePages, validateConfig } from '../lib/config.ts';
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { Outcome } from '../lib/outcome.ts';
import { SwapModel } from '../model/swap-model.ts';
import { Prng } from '../properties/prng.ts';
import { scaleConfig } from './scaling-bench.ts';

const folioOrder = 9;
const folioPages = 2 ** folioOrder;
const OK: Outcome = { errno: 'OK' };
const batchCount = 5;

export interface ModelScalingPoint {
  readonly liveEntries: number;
  readonly populateMs: number;
  readonly ops: number;
  /** Model nanoseconds (CPU time) per op: the op and the per-op questions the checker asks
   * (the median of five batches). */
  readonly nsPerOp: number;
  /** Heap after populating, per live entry (null without --expose-gc). */
  readonly heapBytesPerEntry: number | null;
  /** One SwapModel.selfCheck() (index check and invariants) after the timed ops. */
  readonly selfCheckMs: number;
  /** When the timed ops ran (performance.now()), to attribute garbage collections to them. */
  readonly timed: { readonly start: number; readonly end: number };
}

/** bench/scaling-bench.ts's machine, with the populated holders in one memcg. */
export function modelScaleConfig(liveEntries: number): Config {
  const base = scaleConfig(liveEntries);
  const populated = Math.ceil(liveEntries / folioPages) * folioPages;
  const config: Config = { ...base, memcgs: [{ holders: populated, swapMax: 4 * populated }] };
  const problem = validateConfig(config);
  if (problem !== null) throw new Error(`model scale config for ${liveEntries}: ${problem}`);
  return config;
}

/** The model and the questions the checker asks it after each op. */
class Driver {
  readonly model: SwapModel;
  readonly config: Config;
  ops = 0;

  constructor(config: Config) {
    this.config = config;
    this.model = new SwapModel(config);
  }

  /** Applies one op to the model alone (populating: the timed mix uses check()). */
  apply(op: Op, choices: Outcome = OK): Outcome {
    const step = this.model.apply(op, choices);
    if (!step.ok) throw new Error(`model rejected ${JSON.stringify(op)}: ${step.reason}`);
    this.ops += 1;
    return step.outcome;
  }

  /** Applies one op, then reads what the checker and the generator read of the model per op. */
  check(op: Op, choices: Outcome = OK): Outcome {
    const outcome = this.apply(op, choices);
    const footprint = this.model.footprint();
    for (const holder of footprint.holders) this.model.holderView(holder);
    for (const serial of footprint.entries) this.model.entryView(serial);
    for (const id of footprint.folios) this.model.folioView(id);
    this.model.globalView();
    this.model.vmSwapFull();
    return outcome;
  }

  /** The first online device with `pages` free slots, as an allocSwap choice. */
  deviceFor(pages: number): Outcome {
    const devices = this.model.globalView().devices;
    const device = devices.findIndex((view, index) => {
      const config = this.config.devices[index];
      return view.online && config !== undefined && devicePages(config) - view.inuse >= pages;
    });
    if (device < 0) throw new Error(`no device has ${pages} free slots`);
    return { errno: 'OK', virtual: false, device };
  }

  folioOf(holder: number): number {
    const view = this.model.holderView(holder);
    if (view.kind !== 'present') throw new Error(`holder ${holder} maps no folio`);
    return view.folio;
  }
}

/** Swaps out `folios` order-9 folios: every page becomes a swapped-out entry with count 1. */
function populate(driver: Driver, folios: number): void {
  const cpu = 0;
  for (let device = 0; device < driver.config.devices.length; device++)
    driver.apply({ op: 'swapon', device, cpu });
  for (let f = 0; f < folios; f++) {
    const head = f * folioPages;
    driver.apply({ op: 'fault', holder: head, order: folioOrder, cpu });
    const folio = driver.folioOf(head);
    driver.apply({ op: 'allocSwap', holder: head, cpu }, driver.deviceFor(folioPages));
    for (let page = 0; page < folioPages; page++)
      driver.apply({ op: 'unmap', holder: head + page, cpu });
    driver.apply({ op: 'writeout', folio, cpu });
    driver.apply({ op: 'evict', folio, cpu });
  }
}

/** One step of the timed mix on a random populated holder. */
function mixStep(
  driver: Driver,
  prng: Prng,
  i: number,
  populated: number,
  state: { lastUnmapped: number | null },
): void {
  const cpu = i % driver.config.cpus;
  const spare = driver.config.holders - 1;
  if (i % 16 === 15 && state.lastUnmapped !== null) {
    const folio = state.lastUnmapped;
    state.lastUnmapped = null;
    driver.check({ op: 'writeout', folio, cpu });
    driver.check({ op: 'evict', folio, cpu });
    return;
  }
  if (i % 8 === 7) {
    if (driver.model.holderView(spare).kind !== 'empty')
      driver.check({ op: 'zap', holder: spare, cpu });
    else driver.check({ op: 'fork', holder: prng.below(populated), target: spare, cpu });
    return;
  }
  const holder = prng.below(populated);
  const view = driver.model.holderView(holder);
  if (view.kind === 'swap') {
    driver.check({ op: 'swapin', holder, order: 0, cpu, write: prng.chance(0.25) });
    return;
  }
  if (view.kind !== 'present') return;
  if (prng.chance(0.125)) {
    driver.check({ op: 'write', holder, value: 1 + prng.below(1000), cpu });
    return;
  }
  if (driver.model.folioView(view.folio)?.cached === true) {
    state.lastUnmapped = view.folio;
    driver.check({ op: 'unmap', holder, cpu });
    return;
  }
  driver.check({ op: 'allocSwap', holder, cpu }, driver.deviceFor(1));
}

/** Populates a model with `liveEntries` swapped-out entries and times `ops` mixed ops. */
export function benchModelScaling(
  liveEntries: number,
  ops: number,
  seed: number,
): ModelScalingPoint {
  const config = modelScaleConfig(liveEntries);
  const folios = Math.ceil(liveEntries / folioPages);
  const driver = new Driver(config);
  const populateStarted = performance.now();
  populate(driver, folios);
  const populateMs = performance.now() - populateStarted;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBytesPerEntry =
    gc === undefined ? null : process.memoryUsage().heapUsed / (folios * folioPages);
  const prng = new Prng(seed);
  const state = { lastUnmapped: null as number | null };
  // Five batches of ops/5 ops each, one after the other on the same machine; the median batch.
  // CPU time of this process, so that other processes on a loaded machine count less.
  const batches: number[] = [];
  let step = 0;
  const start = performance.now();
  for (let batch = 0; batch < batchCount; batch++) {
    driver.ops = 0;
    const started = process.cpuUsage();
    for (; driver.ops < ops / batchCount; step++)
      mixStep(driver, prng, step, folios * folioPages, state);
    const used = process.cpuUsage(started);
    batches.push(((used.user + used.system) * 1e3) / driver.ops);
  }
  const end = performance.now();
  driver.model.selfCheck();
  const selfCheckMs = performance.now() - end;
  const nsPerOp = batches.sort((a, b) => a - b)[Math.floor(batchCount / 2)] as number;
  return {
    liveEntries,
    populateMs,
    ops,
    nsPerOp,
    heapBytesPerEntry,
    selfCheckMs,
    timed: { start, end },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sizes: { type: 'string' }, ops: { type: 'string' }, checker: { type: 'boolean' } },
    strict: true,
  });
  const sizes = (values.sizes ?? '1000,1000000').split(',').map(Number);
  const ops = Number(values.ops ?? '2000');
  const seed = 20261125;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const collections: { start: number; duration: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      collections.push({ start: entry.startTime, duration: entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  log(
    'model alone: ns (CPU) per op (op + per-op views), of which garbage collection (wall), populate time, one selfCheck(), heap per live entry',
  );
  // A small machine first, untimed, so that the first size is not measured cold.
  benchModelScaling(1_000, Math.min(ops, 20_000), seed);
  for (const size of sizes) {
    const point = benchModelScaling(size, ops, seed);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { start, end } = point.timed;
    const gcMs = collections
      .filter((gc) => gc.start >= start && gc.start < end)
      .reduce((sum, gc) => sum + gc.duration, 0);
    const gc = Math.round((gcMs * 1e6) / point.ops).toLocaleString('en-US');
    const heap =
      point.heapBytesPerEntry === null ? '-' : `${Math.round(point.heapBytesPerEntry)} B`;
    log(
      `${String(point.liveEntries).padStart(9)} entries  ${Math.round(point.nsPerOp).toLocaleString('en-US').padStart(12)} ns/op` +
        `  (GC ${gc})  (${point.ops} ops)  populate ${Math.round(point.populateMs)} ms  selfCheck ${Math.round(point.selfCheckMs)} ms  heap ${heap}/entry`,
    );
  }
  observer.disconnect();
  if (values.checker !== true) return;
  const { benchScaling } = await import('./scaling-bench.ts');
  const { resolveDesign } = await import('../properties/design-registry.ts');
  for (const size of sizes) {
    try {
      const point = benchScaling(resolveDesign('classic'), size, Math.min(ops, 1000), seed);
      log(
        `classic checked at ${size}: ${Math.round(point.nsPerOp)} ns/op (model ${Math.round(point.modelNsPerOp)})`,
      );
    } catch (error) {
      log(
        `classic checked at ${size}: does not run on this tree: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
  }
}

if (process.argv[1]?.endsWith('model-scaling-bench.js') === true) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `model-scaling-bench: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}

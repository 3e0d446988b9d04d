/**
 * Workloads at kernel scale for `swapcheck compare --scale`: n swapped-out pages (10^4 to
 * 10^6) on a machine with the kernel's geometry (512-slot clusters, 4-bit counts, order-9
 * folios), so that per-cluster structures, partly used tables and the cluster index are
 * measured where they amortize as on a real machine. The op stream is written out directly,
 * not drawn and resolved against the model as the six mix workloads are (resolving costs time
 * linear in the machine per op): its folio ids are known because only its faults create
 * folios before it refers to one.
 *
 * The stream, for F = n / 512 folios (n rounded up to a multiple of 512):
 * 1. populate: swapon both devices (of equal priority: allocations alternate between them);
 *    per folio, fault an order-9 folio, write its first page
 *    (every 8th folio is left zero-filled: the zero flag), allocSwap, unmap its 512 pages,
 *    writeout and evict it. zswap holds half of the pages; the other folios go to disk.
 * 2. writeback: zswapWriteback of one page of every folio stored in zswap (redirections).
 * 3. churn: swapin one page of every 4th folio, zap 32 pages of every 4th folio (holes in
 *    clusters, as a long-running machine has).
 * Costs are sampled every n / 32 ops and after each phase; userspace views after each phase.
 *
 * Not covered here: the six mix workloads (properties/workloads.ts) and running a stream
 * (properties/compare.ts).
 */
import type { Config, DeviceConfig } from '../lib/config.ts';
import { configLimits, validateConfig } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { InputError } from './trace.ts';

const folioOrder = 9;
const folioPages = 2 ** folioOrder;
const cpus = 4;

/** Smallest and largest sizes: one folio, and what the virtual space can hold. */
export const scalePagesMin = folioPages;
export const scalePagesMax = configLimits.vswapSlotsMax - 8 * folioPages;

export interface ScaleStream {
  readonly ops: Op[];
  /** Indices of the last op of each phase (populate, writeback, churn). */
  readonly checkpoints: readonly number[];
}

/** Pages of a scale workload asked for `pages`: a whole number of folios. */
export function scalePages(pages: number): number {
  return Math.ceil(pages / folioPages) * folioPages;
}

/** The machine for `pages` swapped-out pages. */
export function scaleConfig(pages: number): Config {
  const whole = scalePages(pages);
  // Two devices of 3/4 n each and of equal priority: allocations alternate between them
  // (plist_requeue()), so each takes about half the pages and every page fits on disk
  // (classic's entries are all physical) with room to spare. A large allocation fails on the
  // first device it tries (swap_alloc_slow()), so neither device may fill: with a lower
  // priority for the second, the first would take every folio until it had no free cluster.
  const deviceSlots = Math.ceil((whole * 0.75) / folioPages) * folioPages + folioPages;
  const device = (priority: number, synchronousIo: boolean): DeviceConfig => ({
    slots: deviceSlots,
    bad: [],
    priority,
    synchronousIo,
    discard: false,
  });
  const config: Config = {
    holders: whole + folioPages,
    cpus,
    clusterSlots: folioPages,
    countBits: 4,
    orderMax: folioOrder,
    devices: [device(10, false), device(10, true)],
    zswapEnabled: true,
    zswapCapacity: Math.floor(whole / 2 / folioPages) * folioPages,
    vswapSlots: whole + 4 * folioPages,
  };
  const problem = validateConfig(config);
  if (problem !== null) throw new InputError(`--scale ${pages}: ${problem}`);
  return config;
}

/** The stream of the scale workload of `pages` pages (see the header). */
export function scaleStream(pages: number): ScaleStream {
  const config = scaleConfig(pages);
  const folios = scalePages(pages) / folioPages;
  const ops: Op[] = [];
  const checkpoints: number[] = [];
  for (let device = 0; device < config.devices.length; device++)
    ops.push({ op: 'swapon', device, cpu: device % cpus });
  let zswapRoom = config.zswapCapacity;
  const inZswap: number[] = [];
  for (let f = 0; f < folios; f++) {
    const head = f * folioPages;
    const cpu = f % cpus;
    const folio = f + 1;
    const zero = f % 8 === 7;
    ops.push({ op: 'fault', holder: head, order: folioOrder, cpu });
    if (!zero) ops.push({ op: 'write', holder: head, value: f + 1, cpu });
    ops.push({ op: 'allocSwap', holder: head, cpu });
    for (let page = 0; page < folioPages; page++)
      ops.push({ op: 'unmap', holder: head + page, cpu });
    ops.push({ op: 'writeout', folio, cpu }, { op: 'evict', folio, cpu });
    if (!zero && zswapRoom >= folioPages) {
      zswapRoom -= folioPages;
      inZswap.push(f);
    }
  }
  checkpoints.push(ops.length - 1);
  for (const f of inZswap)
    ops.push({ op: 'zswapWriteback', holder: f * folioPages + 1, cpu: f % cpus });
  checkpoints.push(ops.length - 1);
  for (let f = 0; f < folios; f += 4)
    ops.push({ op: 'swapin', holder: f * folioPages + 2, order: 0, cpu: f % cpus });
  for (let f = 1; f < folios; f += 4) {
    for (let page = 0; page < 32; page++)
      ops.push({ op: 'zap', holder: f * folioPages + 64 + page, cpu: f % cpus });
  }
  checkpoints.push(ops.length - 1);
  return { ops, checkpoints };
}

/** Parses `--scale` values: comma-separated page counts, integers or `1e5`-style. */
export function parseScaleSizes(values: readonly string[]): number[] {
  const sizes: number[] = [];
  for (const text of values.flatMap((value) => value.split(','))) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    const size = /^\d+(e\d+)?$/i.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isInteger(size) || size < scalePagesMin || size > scalePagesMax) {
      throw new InputError(
        `--scale: expected page counts in ${scalePagesMin}..${scalePagesMax} (e.g. 1e4,1e5), got '${trimmed}'`,
      );
    }
    if (!sizes.includes(size)) sizes.push(size);
  }
  if (sizes.length === 0) throw new InputError('--scale: expected at least one page count');
  return sizes;
}

/** The workload name of a size: `scale-1e5` for powers of ten, else `scale-N`. */
export function scaleName(pages: number): string {
  const exponent = Math.log10(pages);
  return Number.isInteger(exponent) ? `scale-1e${exponent}` : `scale-${pages}`;
}

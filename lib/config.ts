/**
 * The configuration of one simulated machine: holders (page-table slots), CPUs, swap devices,
 * cluster geometry, count width, zswap, the virtual swap space and the memory cgroups. The model and every design
 * read the same Config, so a trace carries it whole.
 *
 * Not covered here: which design runs (lib/system.ts) and how configs are parsed from files
 * (cli/).
 */
import { assert } from './assert.ts';

/** One physical swap device, as swapon would see its header. */
export interface DeviceConfig {
  /** `si->max`: slots including the header slot 0. */
  readonly slots: number;
  /** Bad slots listed in the header (slot 0 is always bad and need not be listed). */
  readonly bad: readonly number[];
  /** Swap priority; higher is tried first, ties round-robin. */
  readonly priority: number;
  /** SWP_SYNCHRONOUS_IO: swapin frees the swap cache eagerly after mapping. */
  readonly synchronousIo: boolean;
  /** SWP_PAGE_DISCARD: freed clusters pass through the discard list before reuse. */
  readonly discard: boolean;
}

/**
 * One cgroup v2 memory cgroup: a run of consecutive holders (a process's pages) and its
 * `memory.swap.max` in pages (null: "max", no limit).
 */
export interface MemcgConfig {
  /** How many holders belong to it; the runs follow each other from holder 0. */
  readonly holders: number;
  /** memory.swap.max in pages, or null for no limit. */
  readonly swapMax: number | null;
}

export interface Config {
  /** Number of page-table slots (holders), numbered from 0. */
  readonly holders: number;
  /** Number of simulated CPUs; every op names one. */
  readonly cpus: number;
  /** SWAPFILE_CLUSTER: slots per cluster, a power of two. */
  readonly clusterSlots: number;
  /** Width of the count field of a swap table word (2..4); its maximum is the sentinel. */
  readonly countBits: number;
  /** Largest folio order that fault may create; at most log2(clusterSlots). */
  readonly orderMax: number;
  /** Physical devices, indexed from 0 (the swap type). */
  readonly devices: readonly DeviceConfig[];
  /** zswap_enabled at boot. */
  readonly zswapEnabled: boolean;
  /** How many compressed pages the zswap pool holds before stores fail. */
  readonly zswapCapacity: number;
  /** Size of the virtual swap space in slots (slot 0 is reserved, as in the RFC). */
  readonly vswapSlots: number;
  /**
   * Memory cgroups below the root, in holder order: the first `memcgs[0].holders` holders
   * belong to memcg 0, the next run to memcg 1, and so on; holders after the last run belong
   * to the root cgroup, whose swap is never charged. Absent: every holder is in the root.
   */
  readonly memcgs?: readonly MemcgConfig[];
}

/** The small machine: 2-bit counts and 4-slot clusters, so overflow and boundaries are hit. */
export const configTiny: Config = {
  holders: 32,
  cpus: 2,
  clusterSlots: 4,
  countBits: 2,
  orderMax: 1,
  devices: [
    { slots: 16, bad: [6], priority: 10, synchronousIo: false, discard: false },
    { slots: 10, bad: [], priority: 5, synchronousIo: true, discard: true },
  ],
  zswapEnabled: true,
  zswapCapacity: 6,
  vswapSlots: 32,
};

/** The default machine: wider counts and clusters, more holders and CPUs. */
export const configDefault: Config = {
  holders: 128,
  cpus: 4,
  clusterSlots: 16,
  countBits: 4,
  orderMax: 2,
  devices: [
    { slots: 48, bad: [17, 40], priority: 10, synchronousIo: false, discard: false },
    { slots: 32, bad: [], priority: 10, synchronousIo: true, discard: true },
    { slots: 24, bad: [5], priority: 1, synchronousIo: false, discard: true },
  ],
  zswapEnabled: true,
  zswapCapacity: 40,
  vswapSlots: 512,
};

/** The tiny machine booted with zswap off: large swapin stays possible until zswap is on. */
export const configTinyDisk: Config = { ...configTiny, zswapEnabled: false };

/** The default machine booted with zswap off. */
export const configDefaultDisk: Config = { ...configDefault, zswapEnabled: false };

/**
 * The tiny machine with two memory cgroups: holders 0-7 limited to 3 pages of swap (so the
 * charge fails and mem_cgroup_swap_full() holds early), holders 8-15 unlimited, the rest in
 * the root cgroup.
 */
export const configTinyMemcg: Config = {
  ...configTiny,
  memcgs: [
    { holders: 8, swapMax: 3 },
    { holders: 8, swapMax: null },
  ],
};

/** Named configs for traces and the command line. */
export const configPresets = {
  tiny: configTiny,
  default: configDefault,
  'tiny-disk': configTinyDisk,
  'default-disk': configDefaultDisk,
  'tiny-memcg': configTinyMemcg,
} as const satisfies Record<string, Config>;

export type ConfigPresetName = keyof typeof configPresets;

/** Limits that the encodings in impl/ rely on; validateConfig enforces them. */
export const configLimits = {
  /** Enough for 10^6 live swapped-out entries (the scaling benchmark); page-table words do
   * not encode the holder index, so this bounds memory, not an encoding. */
  holdersMax: 1 << 21,
  cpusMax: 8,
  devicesMax: 8,
  deviceSlotsMax: 1 << 20,
  vswapSlotsMax: 1 << 20,
  clusterSlotsMax: 512,
  countBitsMin: 2,
  countBitsMax: 4,
  memcgsMax: 16,
} as const;

/** Returns null when `config` is usable, else a one-line reason. */
export function validateConfig(config: Config): string | null {
  const isPowerOfTwo = (n: number) => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
  if (!Number.isInteger(config.holders) || config.holders < 2)
    return 'holders must be an integer >= 2';
  if (config.holders > configLimits.holdersMax)
    return `holders must be <= ${configLimits.holdersMax}`;
  if (!Number.isInteger(config.cpus) || config.cpus < 1 || config.cpus > configLimits.cpusMax) {
    return `cpus must be an integer in 1..${configLimits.cpusMax}`;
  }
  if (!isPowerOfTwo(config.clusterSlots) || config.clusterSlots < 2) {
    return 'clusterSlots must be a power of two >= 2';
  }
  if (config.clusterSlots > configLimits.clusterSlotsMax) {
    return `clusterSlots must be <= ${configLimits.clusterSlotsMax}`;
  }
  if (
    !Number.isInteger(config.countBits) ||
    config.countBits < configLimits.countBitsMin ||
    config.countBits > configLimits.countBitsMax
  ) {
    return `countBits must be an integer in ${configLimits.countBitsMin}..${configLimits.countBitsMax}`;
  }
  if (
    !Number.isInteger(config.orderMax) ||
    config.orderMax < 0 ||
    2 ** config.orderMax > config.clusterSlots
  ) {
    return 'orderMax must be an integer with 2^orderMax <= clusterSlots';
  }
  if (config.devices.length > configLimits.devicesMax)
    return `at most ${configLimits.devicesMax} devices`;
  for (const [index, device] of config.devices.entries()) {
    if (
      !Number.isInteger(device.slots) ||
      device.slots < 2 ||
      device.slots > configLimits.deviceSlotsMax
    ) {
      return `devices[${index}].slots must be an integer in 2..${configLimits.deviceSlotsMax}`;
    }
    for (const slot of device.bad) {
      if (!Number.isInteger(slot) || slot < 1 || slot >= device.slots) {
        return `devices[${index}].bad has slot ${slot} outside 1..${device.slots - 1}`;
      }
    }
    if (new Set(device.bad).size !== device.bad.length)
      return `devices[${index}].bad has duplicates`;
    if (!Number.isInteger(device.priority)) return `devices[${index}].priority must be an integer`;
  }
  if (!Number.isInteger(config.zswapCapacity) || config.zswapCapacity < 0) {
    return 'zswapCapacity must be an integer >= 0';
  }
  if (
    !Number.isInteger(config.vswapSlots) ||
    config.vswapSlots < config.clusterSlots ||
    config.vswapSlots > configLimits.vswapSlotsMax
  ) {
    return `vswapSlots must be an integer in clusterSlots..${configLimits.vswapSlotsMax}`;
  }
  return validateMemcgs(config);
}

/** Why the memcg runs of `config` are unusable, or null. A run's length is a multiple of
 * 2^orderMax so that an aligned large folio never spans two cgroups. */
function validateMemcgs(config: Config): string | null {
  const memcgs = config.memcgs ?? [];
  if (memcgs.length > configLimits.memcgsMax) return `at most ${configLimits.memcgsMax} memcgs`;
  let covered = 0;
  for (const [index, memcg] of memcgs.entries()) {
    const folioPages = 2 ** config.orderMax;
    if (!Number.isInteger(memcg.holders) || memcg.holders < 1 || memcg.holders % folioPages !== 0) {
      return `memcgs[${index}].holders must be a positive multiple of 2^orderMax (${folioPages})`;
    }
    if (memcg.swapMax !== null && (!Number.isInteger(memcg.swapMax) || memcg.swapMax < 0)) {
      return `memcgs[${index}].swapMax must be an integer >= 0 or null`;
    }
    covered += memcg.holders;
  }
  if (covered > config.holders)
    return `memcgs cover ${covered} holders, more than the ${config.holders} configured`;
  return null;
}

/** The memcg holder `holder` belongs to (index into Config.memcgs), or null for the root. */
export function memcgOfHolder(config: Config, holder: number): number | null {
  let end = 0;
  for (const [index, memcg] of (config.memcgs ?? []).entries()) {
    end += memcg.holders;
    if (holder < end) return index;
  }
  return null;
}

/** Asserting form of validateConfig, for code paths that received an already-checked config. */
export function assertConfig(config: Config): void {
  const reason = validateConfig(config);
  assert(reason === null, () => `invalid config: ${reason}`);
}

/** Usable pages of a device: slots less the header and the listed bad slots (si->pages). */
export function devicePages(device: DeviceConfig): number {
  return device.slots - 1 - device.bad.length;
}

/** The sentinel count value of a swap table word: 2^countBits - 1 (SWP_TB_COUNT_MAX). */
export function countSentinel(config: Config): number {
  return 2 ** config.countBits - 1;
}

/**
 * The configurations the explorer runs on: machines small enough that every op sequence up to
 * a few ops, or every schedule of a few concurrent ops, can be enumerated. Three holders, two
 * CPUs, 2-slot clusters and 2-bit counts keep the boundaries of the tiny preset (count
 * overflow, cluster lists) within reach; one disk device and one SWP_SYNCHRONOUS_IO device
 * keep both swapin paths.
 *
 * Not covered here: the campaign configs of `swapcheck run` (lib/config.ts).
 */
// @ts-nocheck

import type { Config } from '../lib/config.ts';
import { configTiny } from '../lib/config.ts';

/** The explorer's machine: holders 0..2, devices 0 (disk) and 1 (synchronous I/O). */
export const configExplore: Config = {
  ...configTiny,
  holders: 3,
  cpus: 2,
  clusterSlots: 2,
  orderMax: 0,
  devices: [
    { slots: 9, bad: [], priority: 10, synchronousIo: false, discard: false },
    { slots: 5, bad: [], priority: 5, synchronousIo: true, discard: false },
  ],
  zswapEnabled: false,
  zswapCapacity: 2,
  vswapSlots: 16,
};

/** The same machine booted with zswap on. */
export const configExploreZswap: Config = { ...configExplore, zswapEnabled: true };

/** Named explorer configs for the command line and traces. */
export const exploreConfigs = {
  explore: configExplore,
  'explore-zswap': configExploreZswap,
} as const satisfies Record<string, Config>;

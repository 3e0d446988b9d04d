/**
 * The userspace view of an observation: what a program or a tool can see of a swap system on a
 * running kernel, without any kernel-internal names. A page-table slot is seen through
 * `/proc/PID/pagemap` (present with a page frame, or swapped with a swap type and offset) and
 * `mincore()` (whether a swapped-out page is in the swap cache); a present page's content by
 * reading it; the rest through `/proc/swaps` (each device's size and used pages) and
 * `/proc/meminfo` (SwapTotal, SwapFree, SwapCached, Zswapped) and each memory cgroup's
 * `memory.swap.current`.
 *
 * Userspace cannot see identities, only equalities: two slots show the same page frame exactly
 * when they map the same page, and the same swap type and offset exactly when they hold the
 * same swap entry. So a view names pages and entries by opaque share keys (`f3.0`, `e7`), and
 * a comparison asks that the keys partition the slots the same way as the kernel's frames and
 * offsets do.
 *
 * Not covered here: how a kernel's output is read into this shape (kernel/), and what a
 * particular kernel release shows differently (kernel/profile.ts).
 */
import type { Config } from './config.ts';
import { devicePages } from './config.ts';
import type { Observation } from './observation.ts';

/** One page-table slot as pagemap and mincore show it. */
export type UserspaceHolder =
  | { readonly kind: 'empty' }
  /** Present: `page` is a share key (equal exactly when two slots map the same page). */
  | { readonly kind: 'present'; readonly page: string; readonly content: number }
  /** Swapped out: `entry` is a share key (equal exactly when two slots hold the same entry);
   * `device` is the physical device whose swap type pagemap shows, null for a virtual entry
   * (its type is the virtual device's); `cached` is mincore's answer. */
  | {
      readonly kind: 'swapped';
      readonly entry: string;
      readonly device: number | null;
      readonly cached: boolean;
    };

/** One line of /proc/swaps; an offline device has none. */
export interface UserspaceDevice {
  readonly online: boolean;
  /** Size column, in pages: usable slots (si->pages). */
  readonly sizePages: number;
  /** Used column, in pages (si->inuse_pages). */
  readonly usedPages: number;
}

export interface UserspaceView {
  readonly holders: readonly UserspaceHolder[];
  /** In config order. */
  readonly devices: readonly UserspaceDevice[];
  /** /proc/meminfo SwapTotal and SwapFree, in pages. */
  readonly swapTotalPages: number;
  readonly swapFreePages: number;
  /** /proc/meminfo SwapCached, in pages: every page of every swap-cache folio. */
  readonly swapCachedPages: number;
  /** /proc/meminfo Zswapped (or debugfs zswap/stored_pages): pages held by zswap. */
  readonly zswapStoredPages: number;
  /** memory.swap.current of each memcg of Config.memcgs, in pages, in config order. */
  readonly memcgSwapCurrentPages: readonly number[];
}

/** The share key of page `page` of folio `folio`. */
export function pageKey(folio: number, page: number): string {
  return `f${folio}.${page}`;
}

/** The share key of the entry named `entry` in an observation. */
export function entryKey(entry: number): string {
  return `e${entry}`;
}

/** Projects an observation to what userspace can see of it. */
export function userspaceViewOf(observation: Observation, config: Config): UserspaceView {
  const entries = new Map(observation.entries.map((entry) => [entry.entry, entry]));
  const holders = observation.holders.map((holder): UserspaceHolder => {
    switch (holder.kind) {
      case 'empty':
        return { kind: 'empty' };
      case 'present':
        return {
          kind: 'present',
          page: pageKey(holder.folio, holder.page),
          content: holder.content,
        };
      case 'swap': {
        const entry = entries.get(holder.entry);
        return {
          kind: 'swapped',
          entry: entryKey(holder.entry),
          device: entry === undefined || entry.virtual ? null : entry.device,
          cached: entry?.cache !== null && entry?.cache !== undefined,
        };
      }
    }
  });
  const devices = observation.devices.map((device, index): UserspaceDevice => {
    const deviceConfig = config.devices[index];
    return {
      online: device.online,
      sizePages: deviceConfig === undefined ? 0 : devicePages(deviceConfig),
      usedPages: device.online ? device.inuse : 0,
    };
  });
  const swapTotalPages = devices.reduce(
    (sum, device) => sum + (device.online ? device.sizePages : 0),
    0,
  );
  const swapCachedPages = observation.folios.reduce(
    (sum, folio) => sum + (folio.cached ? folio.pages.length : 0),
    0,
  );
  return {
    holders,
    devices,
    swapTotalPages,
    swapFreePages: observation.swapFreePages,
    swapCachedPages,
    zswapStoredPages: observation.zswapStored,
    memcgSwapCurrentPages: [...observation.memcgSwapCurrent],
  };
}

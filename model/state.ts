/**
 * The state of the reference model and the read-only questions asked of it. Everything is a
 * plain Map or array of plain objects keyed by semantic ids (holder index, folio id, entry
 * serial), so a snapshot is one structuredClone and every lookup is a key lookup or a linear
 * scan that a reader can check by eye. docs/semantics.md ("State") is the text these types transcribe.
 *
 * Not covered here: the ops that change the state (model/swap-model.ts), the invariants
 * (model/invariants.ts) and the projection to an Observation (model/observe.ts).
 */
import { assert, unreachable } from '../lib/assert.ts';
import { devicePages } from '../lib/config.ts';
import type { Config, DeviceConfig } from '../lib/config.ts';

/** What a page-table slot holds. `exclusive`: for a present page, PageAnonExclusive as this
 * mapping sees it (a store writes in place); for a swap entry, the swap PTE's exclusive bit. */
export type Holder =
  | { readonly kind: 'empty' }
  | { readonly kind: 'present'; readonly folio: number; readonly page: number; readonly exclusive: boolean }
  | { readonly kind: 'swap'; readonly entry: number; readonly exclusive: boolean };

/** Where an entry's data lives besides the swap cache; `zero` is the zero flag. */
export type Backend =
  | { readonly kind: 'none' }
  | { readonly kind: 'zero' }
  | { readonly kind: 'zswap'; readonly content: number }
  | { readonly kind: 'disk'; readonly content: number; readonly device: number };

/** The swap space an entry's own slot belongs to, fixed at allocation. */
export type EntrySpace =
  | { readonly kind: 'physical'; readonly device: number }
  | { readonly kind: 'virtual' };

/** A swap entry; its serial is its identity (a reused impl value is a new serial). */
export interface Entry {
  readonly serial: number;
  /** The number of holders holding the entry. */
  count: number;
  /** A workingset shadow is stored for the entry. */
  shadow: boolean;
  backend: Backend;
  /** A physical entry's zswap object left behind by a zero writeout (counted in the pool
   * until the slot is freed or the next non-zero writeout). */
  staleZswap: boolean;
  readonly space: EntrySpace;
  /** The memcg recorded for the entry at allocation (its folio's), null for the root. */
  readonly memcg: number | null;
}

/** A folio: 2^order pages with one content value each. */
export interface Folio {
  readonly id: number;
  order: number;
  pages: number[];
  dirty: boolean;
  /** The entries its pages are bound to in the swap cache (page i to entry i), or null. */
  swap: number[] | null;
  /** The memcg the folio is charged to (folio_memcg()), null for the root. */
  readonly memcg: number | null;
}

/** A physical device as swapon and swapoff leave it. */
export interface DeviceState {
  online: boolean;
  writeOk: boolean;
}

export interface ModelState {
  holders: Holder[];
  /** Live folios by id. */
  folios: Map<number, Folio>;
  /** Live entries by serial. */
  entries: Map<number, Entry>;
  /** One per Config.devices, in config order. */
  devices: DeviceState[];
  zswapEnabled: boolean;
  /** The id the next new folio gets. */
  nextFolio: number;
  /** The serial the next new entry gets. */
  nextSerial: number;
}

/** The boot state: empty holders, devices offline, no folios, no entries. */
export function initialState(config: Config): ModelState {
  return {
    holders: Array.from({ length: config.holders }, (): Holder => ({ kind: 'empty' })),
    folios: new Map(),
    entries: new Map(),
    devices: config.devices.map(() => ({ online: false, writeOk: false })),
    zswapEnabled: config.zswapEnabled,
    nextFolio: 1,
    nextSerial: 1,
  };
}

/** True when `value` is an integer in 0 .. limit-1. */
export function inRange(value: number, limit: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < limit;
}

/** The holder at index `holder`. Context: the index is in range (asserted). */
export function holderAt(state: ModelState, holder: number): Holder {
  const value = state.holders[holder];
  assert(value !== undefined, `holder ${holder} out of range`);
  return value;
}

/** The live folio `id`. Context: it is live (asserted). */
export function folioAt(state: ModelState, id: number): Folio {
  const folio = state.folios.get(id);
  assert(folio !== undefined, `folio ${id} is not live`);
  return folio;
}

/** The live entry `serial`. Context: it is live (asserted). */
export function entryAt(state: ModelState, serial: number): Entry {
  const entry = state.entries.get(serial);
  assert(entry !== undefined, `entry ${serial} is not live`);
  return entry;
}

/** The entries of a swap-cache folio, page order. Context: the folio is cached (asserted). */
export function folioEntries(state: ModelState, folio: Folio): Entry[] {
  assert(folio.swap !== null, `folio ${folio.id} is not in the swap cache`);
  return folio.swap.map((serial) => entryAt(state, serial));
}

/** The swap-cache folio and page an entry is bound to, or null; a scan over all folios. */
export function cacheOf(
  state: ModelState,
  serial: number,
): { readonly folio: Folio; readonly page: number } | null {
  for (const folio of state.folios.values()) {
    const page = folio.swap?.indexOf(serial) ?? -1;
    if (page >= 0) return { folio, page };
  }
  return null;
}

/** Indices of the holders holding entry `serial`, ascending. */
export function holdersOf(state: ModelState, serial: number): number[] {
  const result: number[] = [];
  state.holders.forEach((holder, index) => {
    if (holder.kind === 'swap' && holder.entry === serial) result.push(index);
  });
  return result;
}

/** True when some holder is present on a page of folio `id`. */
export function isMapped(state: ModelState, id: number): boolean {
  return state.holders.some((holder) => holder.kind === 'present' && holder.folio === id);
}

/** Indices of the holders present on folio `id` (on page `page` when given), ascending. */
export function mappersOf(state: ModelState, id: number, page?: number): number[] {
  const result: number[] = [];
  state.holders.forEach((holder, index) => {
    if (holder.kind === 'present' && holder.folio === id && (page === undefined || holder.page === page)) result.push(index);
  });
  return result;
}

/** Every entry bound to the swap-cache folio has count 0. Context: it is cached (asserted). */
export function isUnused(state: ModelState, folio: Folio): boolean {
  return folioEntries(state, folio).every((entry) => entry.count === 0);
}

/** The physical device an entry occupies: its slot's, or its disk backing's if virtual. */
export function entryDevice(entry: Entry): number | null {
  if (entry.space.kind === 'physical') return entry.space.device;
  return entry.backend.kind === 'disk' ? entry.backend.device : null;
}

/** The content a backend stores, or null for `none`. */
export function backendContent(backend: Backend): number | null {
  switch (backend.kind) {
    case 'none':
      return null;
    case 'zero':
      return 0;
    case 'zswap':
    case 'disk':
      return backend.content;
    default:
      return unreachable(backend);
  }
}

/** What a read of the entry returns: the cached page, else the backend's content.
 * @param cache the entry's binding when the caller has it, else found by a scan. */
export function entryContent(
  state: ModelState,
  entry: Entry,
  cache: { readonly folio: Folio; readonly page: number } | null = cacheOf(state, entry.serial),
): number | 'lost' {
  if (cache !== null) return pageContent(cache.folio, cache.page);
  return backendContent(entry.backend) ?? 'lost';
}

/** The content of page `page` of `folio`. Context: the page exists (asserted). */
export function pageContent(folio: Folio, page: number): number {
  const content = folio.pages[page];
  assert(content !== undefined, `folio ${folio.id} has no page ${page}`);
  return content;
}

/** inuse(d): physical entries with a slot on d plus virtual entries backed on d. */
export function inuse(state: ModelState, device: number): number {
  let count = 0;
  for (const entry of state.entries.values()) {
    if (entryDevice(entry) === device) count += 1;
  }
  return count;
}

/** The configuration of device d. Context: d is in range (asserted). */
export function deviceConfigAt(config: Config, device: number): DeviceConfig {
  const deviceConfig = config.devices[device];
  assert(deviceConfig !== undefined, `device ${device} out of range`);
  return deviceConfig;
}

/** pages(d): usable slots of device d. */
export function pages(config: Config, device: number): number {
  return devicePages(deviceConfigAt(config, device));
}

/** Free usable slots of device d: pages(d) - inuse(d). */
export function freePages(state: ModelState, config: Config, device: number): number {
  return pages(config, device) - inuse(state, device);
}

/** Some online, write-ok device has a free page: an order-0 physical allocation cannot fail. */
export function hasWritableFreePage(state: ModelState, config: Config): boolean {
  return state.devices.some(
    (device, index) => device.online && device.writeOk && freePages(state, config, index) > 0,
  );
}

/** The virtual space has a free slot (slot 0 is reserved): an order-0 virtual allocation
 * cannot fail. */
export function hasVirtualRoom(state: ModelState, config: Config): boolean {
  return virtualEntries(state) < config.vswapSlots - 1;
}

/** nr_swap_pages: free usable slots over online devices. */
export function swapFreePages(state: ModelState, config: Config): number {
  let total = 0;
  state.devices.forEach((device, index) => {
    if (device.online) total += freePages(state, config, index);
  });
  return total;
}

/** total_swap_pages: usable slots over online devices. */
export function swapTotalPages(state: ModelState, config: Config): number {
  let total = 0;
  state.devices.forEach((device, index) => {
    if (device.online) total += pages(config, index);
  });
  return total;
}

/** vm_swap_full(): more than half of the online swap space is in use. */
export function vmSwapFull(state: ModelState, config: Config): boolean {
  // include/linux/swap.h: vm_swap_full()
  return swapFreePages(state, config) * 2 < swapTotalPages(state, config);
}

/** Compressed objects held by the zswap pool: zswap backends and stale objects. */
export function zswapStored(state: ModelState): number {
  let count = 0;
  for (const entry of state.entries.values()) {
    if (entry.backend.kind === 'zswap') count += 1;
    if (entry.staleZswap) count += 1;
  }
  return count;
}

/**
 * The entry is charged to its memcg's swap counter: it has a memcg below the root and is
 * physically backed (a physical slot, or a virtual entry's disk backing; RFC v1/v2 patch 4
 * "only charge physical swap entries").
 */
export function isCharged(entry: Entry): boolean {
  return entry.memcg !== null && entryDevice(entry) !== null;
}

/** memory.swap.current of memcg `memcg`: its charged entries, in pages. */
export function memcgSwapCurrent(state: ModelState, memcg: number): number {
  let count = 0;
  for (const entry of state.entries.values()) {
    if (entry.memcg === memcg && isCharged(entry)) count += 1;
  }
  return count;
}

/** memory.swap.max of memcg `memcg`, or null for no limit. */
export function memcgSwapMax(config: Config, memcg: number): number | null {
  const memcgConfig = config.memcgs?.[memcg];
  assert(memcgConfig !== undefined, `memcg ${memcg} out of range`);
  return memcgConfig.swapMax;
}

/** page_counter_try_charge() of `pages` pages of swap to `memcg` would exceed swap.max; the
 * root (null) is never charged. */
export function memcgChargeFails(state: ModelState, config: Config, memcg: number | null, pages: number): boolean {
  // mm/memcontrol.c: __mem_cgroup_try_charge_swap(), mm/page_counter.c: page_counter_try_charge()
  if (memcg === null) return false;
  const max = memcgSwapMax(config, memcg);
  return max !== null && memcgSwapCurrent(state, memcg) + pages > max;
}

/** mem_cgroup_swap_full(folio): vm_swap_full(), or the folio's memcg uses at least half of its
 * swap.max. */
export function memcgSwapFull(state: ModelState, config: Config, folio: Folio): boolean {
  // mm/memcontrol.c: mem_cgroup_swap_full()
  if (vmSwapFull(state, config)) return true;
  if (folio.memcg === null) return false;
  const max = memcgSwapMax(config, folio.memcg);
  return max !== null && memcgSwapCurrent(state, folio.memcg) * 2 >= max;
}

/** Live virtual entries (they occupy slots of the virtual space). */
export function virtualEntries(state: ModelState): number {
  let count = 0;
  for (const entry of state.entries.values()) {
    if (entry.space.kind === 'virtual') count += 1;
  }
  return count;
}

/**
 * The state of the reference model and the read-only questions asked of it. Everything is a
 * plain Map, Set or array of plain objects keyed by semantic ids (holder index, folio id, entry
 * serial), so a snapshot is one structuredClone. docs/semantics.md ("State") is the text these
 * types transcribe.
 *
 * Reverse questions (which folio page is an entry bound to, which holders hold an entry or map
 * a folio, how many entries use a device, ...) are defined by linear scans that a reader can
 * check by eye. Each scan stays here as the definition, and beside it an index answers the same
 * question in O(1): the index is written by exactly one setter (or one bind/unbind pair) of this
 * file, and every change to a field it depends on goes through that setter; the fields are
 * readonly in the types below so that nothing else can write them. checkIndexes() recomputes
 * every index by its scan and names the first one that differs (SwapModel.selfCheck() runs it).
 *
 * Not covered here: the ops that change the state (model/swap-model.ts), the invariants
 * (model/invariants.ts) and the projection to an Observation (model/observe.ts).
 */
import { AssertionError, assert, assertThat, unreachable } from '../lib/assert.ts';
import { devicePages } from '../lib/config.ts';
import type { Config, DeviceConfig } from '../lib/config.ts';

/** What a page-table slot holds. `exclusive`: for a present page, PageAnonExclusive as this
 * mapping sees it (a store writes in place); for a swap entry, the swap PTE's exclusive bit. */
export type Holder =
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'present';
      readonly folio: number;
      readonly page: number;
      readonly exclusive: boolean;
    }
  | { readonly kind: 'swap'; readonly entry: number; readonly exclusive: boolean };

/** Where an entry's data lives besides the swap cache; `zero` is the zero flag. */
export type Backend =
  | { readonly kind: 'none' }
  | { readonly kind: 'zero' }
  | { readonly kind: 'zswap'; readonly content: number }
  | { readonly kind: 'disk'; readonly content: number; readonly device: number };

/** The swap space an entry's own slot belongs to, fixed at allocation. */
export type EntrySpace =
  { readonly kind: 'physical'; readonly device: number } | { readonly kind: 'virtual' };

/** A swap entry; its serial is its identity (a reused impl value is a new serial). */
export interface Entry {
  readonly serial: number;
  /** The number of holders holding the entry. */
  count: number;
  /** A workingset shadow is stored for the entry. */
  shadow: boolean;
  /** Written only by setBackend(). */
  readonly backend: Backend;
  /** A physical entry's zswap object left behind by a zero writeout (counted in the pool
   * until the slot is freed or the next non-zero writeout). Written only by setStaleZswap(). */
  readonly staleZswap: boolean;
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
  /** The entries its pages are bound to in the swap cache (page i to entry i), or null.
   * Written only by bindCache() and unbindCache(). */
  readonly swap: readonly number[] | null;
  /** The memcg the folio is charged to (folio_memcg()), null for the root. */
  readonly memcg: number | null;
}

/** A physical device as swapon and swapoff leave it. */
export interface DeviceState {
  online: boolean;
  writeOk: boolean;
}

export interface ModelState {
  /** Written only by setHolder(). */
  readonly holders: readonly Holder[];
  /** Live folios by id. */
  readonly folios: Map<number, Folio>;
  /** Live entries by serial; added only by addEntry(), removed only by deleteEntry(). */
  readonly entries: ReadonlyMap<number, Entry>;
  /** One per Config.devices, in config order. */
  devices: DeviceState[];
  zswapEnabled: boolean;
  /** The id the next new folio gets. */
  nextFolio: number;
  /** The serial the next new entry gets. */
  nextSerial: number;
  /** What the scans of the "Indexes" section below would find; derived, never state of its
   * own. Replaced only by rebuildIndexes(). */
  index: ModelIndex;
}

/**
 * The indexes, each the answer of one scan kept up to date. A list of holders is removed when it
 * becomes empty, so that a key is present exactly when the scan finds something for it.
 */
export interface ModelIndex {
  /** cacheOf(), by entry serial. Kept by bindCache() and unbindCache(). */
  readonly cache: Map<number, CacheBinding>;
  /** holdersOf(), by entry serial: the swap holders of each held entry, ascending. Kept by
   * setHolder(). */
  readonly entryHolders: Map<number, number[]>;
  /** mappersOf(), by folio id: the present holders of each mapped folio, ascending. Kept by
   * setHolder(). */
  readonly folioMappers: Map<number, number[]>;
  /** inuse(), by device. Kept by addEntry(), deleteEntry() and setBackend(). */
  readonly inuse: number[];
  /** zswapStored(). Kept by addEntry(), deleteEntry(), setBackend() and setStaleZswap(). */
  zswapStored: number;
  /** virtualEntries(). Kept by addEntry() and deleteEntry(). */
  virtualEntries: number;
  /** memcgSwapCurrent(), by memcg. Kept by addEntry(), deleteEntry() and setBackend(). */
  readonly memcgCharged: number[];
}

/** An entry's swap-cache binding as the index keeps it: a folio id and a page of it. */
export interface CacheBinding {
  readonly folio: number;
  readonly page: number;
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
    index: {
      cache: new Map(),
      entryHolders: new Map(),
      folioMappers: new Map(),
      inuse: config.devices.map(() => 0),
      zswapStored: 0,
      virtualEntries: 0,
      memcgCharged: (config.memcgs ?? []).map(() => 0),
    },
  };
}

/** True when `value` is an integer in 0 .. limit-1. */
export function inRange(value: number, limit: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < limit;
}

/** The holder at index `holder`. Context: the index is in range (asserted). */
export function holderAt(state: ModelState, holder: number): Holder {
  const value = state.holders[holder];
  assertThat(value !== undefined, 'holder ', holder, ' out of range');
  return value;
}

/** The live folio `id`. Context: it is live (asserted). */
export function folioAt(state: ModelState, id: number): Folio {
  const folio = state.folios.get(id);
  assertThat(folio !== undefined, 'folio ', id, ' is not live');
  return folio;
}

/** The live entry `serial`. Context: it is live (asserted). */
export function entryAt(state: ModelState, serial: number): Entry {
  const entry = state.entries.get(serial);
  assertThat(entry !== undefined, 'entry ', serial, ' is not live');
  return entry;
}

/** The entries of a swap-cache folio, page order. Context: the folio is cached (asserted). */
export function folioEntries(state: ModelState, folio: Folio): Entry[] {
  assertThat(folio.swap !== null, 'folio ', folio.id, ' is not in the swap cache');
  return folio.swap.map((serial) => entryAt(state, serial));
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
 * @param cache the entry's binding when the caller has it, else looked up. */
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
  assertThat(content !== undefined, 'folio ', folio.id, ' has no page ', page);
  return content;
}

/** The configuration of device d. Context: d is in range (asserted). */
export function deviceConfigAt(config: Config, device: number): DeviceConfig {
  const deviceConfig = config.devices[device];
  assertThat(deviceConfig !== undefined, 'device ', device, ' out of range');
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

/**
 * The entry is charged to its memcg's swap counter: it has a memcg below the root and is
 * physically backed (a physical slot, or a virtual entry's disk backing; RFC v1/v2 patch 4
 * "only charge physical swap entries").
 */
export function isCharged(entry: Entry): boolean {
  return entry.memcg !== null && entryDevice(entry) !== null;
}

/** memory.swap.max of memcg `memcg`, or null for no limit. */
export function memcgSwapMax(config: Config, memcg: number): number | null {
  const memcgConfig = config.memcgs?.[memcg];
  assertThat(memcgConfig !== undefined, 'memcg ', memcg, ' out of range');
  return memcgConfig.swapMax;
}

/** page_counter_try_charge() of `pages` pages of swap to `memcg` would exceed swap.max; the
 * root (null) is never charged. */
export function memcgChargeFails(
  state: ModelState,
  config: Config,
  memcg: number | null,
  pages: number,
): boolean {
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

// Indexes. Each reverse question comes in three parts, in this order: its definition, a scan of
// the whole state named ...Scan(); the question itself, answered from the index; and the
// setters that keep the index, which are the only writers of the fields it depends on.
// checkIndexes() at the end compares every index with its scan.

/** The type with its readonly fields writable, for the setters below (their only writers). */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

// The swap-cache binding of each entry.

/** Definition of cacheOf(): entry folio.swap[page] is bound to that page of the folio; a scan
 * of the folios. */
export function cacheScan(state: ModelState): Map<number, CacheBinding> {
  const bindings = new Map<number, CacheBinding>();
  for (const folio of state.folios.values()) {
    folio.swap?.forEach((serial, page) => bindings.set(serial, { folio: folio.id, page }));
  }
  return bindings;
}

/** The swap-cache folio and page entry `serial` is bound to, or null. */
export function cacheOf(
  state: ModelState,
  serial: number,
): { readonly folio: Folio; readonly page: number } | null {
  const binding = state.index.cache.get(serial);
  return binding === undefined
    ? null
    : { folio: folioAt(state, binding.folio), page: binding.page };
}

/** Puts `folio` in the swap cache with page i bound to entry serials[i].
 * Context: the folio is not cached and no entry of `serials` is bound (asserted). */
export function bindCache(state: ModelState, folio: Folio, serials: readonly number[]): void {
  assert(folio.swap === null, () => `folio ${folio.id} is already in the swap cache`);
  serials.forEach((serial, page) => {
    assert(!state.index.cache.has(serial), () => `entry ${serial} is already bound`);
    state.index.cache.set(serial, { folio: folio.id, page });
  });
  (folio as Writable<Folio>).swap = serials;
}

/** Takes `folio` out of the swap cache: its entries are bound to nothing.
 * Context: the folio is cached (asserted). */
export function unbindCache(state: ModelState, folio: Folio): void {
  assertThat(folio.swap !== null, 'folio ', folio.id, ' is not in the swap cache');
  for (const serial of folio.swap) state.index.cache.delete(serial);
  (folio as Writable<Folio>).swap = null;
}

// The holders of each entry and the mappers of each folio.

/** Definition of holdersOf(): the swap holders of each entry; a scan of the holders. */
export function entryHoldersScan(state: ModelState): Map<number, number[]> {
  const holders = new Map<number, number[]>();
  state.holders.forEach((holder, index) => {
    if (holder.kind === 'swap') addMember(holders, holder.entry, index);
  });
  return holders;
}

/** Definition of mappersOf() and isMapped(): the present holders of each folio; a scan of the
 * holders. */
export function folioMappersScan(state: ModelState): Map<number, number[]> {
  const mappers = new Map<number, number[]>();
  state.holders.forEach((holder, index) => {
    if (holder.kind === 'present') addMember(mappers, holder.folio, index);
  });
  return mappers;
}

/** Indices of the holders holding entry `serial`, ascending. */
export function holdersOf(state: ModelState, serial: number): number[] {
  return [...(state.index.entryHolders.get(serial) ?? [])];
}

/** True when some holder is present on a page of folio `id`. */
export function isMapped(state: ModelState, id: number): boolean {
  return state.index.folioMappers.has(id);
}

/** Indices of the holders present on folio `id` (on page `page` when given), ascending. */
export function mappersOf(state: ModelState, id: number, page?: number): number[] {
  const mappers = state.index.folioMappers.get(id) ?? [];
  return mappers.filter((index) => page === undefined || presentPage(state, index) === page);
}

/** Sets holder `index`, keeping holdersOf() and mappersOf(). */
export function setHolder(state: ModelState, index: number, holder: Holder): void {
  const old = holderAt(state, index);
  if (old.kind === 'swap') removeMember(state.index.entryHolders, old.entry, index);
  if (old.kind === 'present') removeMember(state.index.folioMappers, old.folio, index);
  if (holder.kind === 'swap') addMember(state.index.entryHolders, holder.entry, index);
  if (holder.kind === 'present') addMember(state.index.folioMappers, holder.folio, index);
  (state.holders as Holder[])[index] = holder;
}

/** The page a present holder maps. Context: it is present (asserted). */
function presentPage(state: ModelState, index: number): number {
  const holder = holderAt(state, index);
  assert(holder.kind === 'present', () => `holder ${index} maps no page`);
  return holder.page;
}

/** Inserts `member` into the ascending list under `key`. */
function addMember(lists: Map<number, number[]>, key: number, member: number): void {
  const members = lists.get(key);
  if (members === undefined) {
    lists.set(key, [member]);
    return;
  }
  let at = members.length;
  while (at > 0 && (members[at - 1] as number) > member) at -= 1;
  members.splice(at, 0, member);
}

/** Removes `member` from the list under `key`, and the list once it is empty. */
function removeMember(lists: Map<number, number[]>, key: number, member: number): void {
  const members = lists.get(key);
  assert(members !== undefined, () => `index: nothing is kept under ${key}`);
  const at = members.indexOf(member);
  assert(at >= 0, () => `index: ${member} is not kept under ${key}`);
  members.splice(at, 1);
  if (members.length === 0) lists.delete(key);
}

// The entry counters: inuse(d), zswapStored(), virtualEntries() and memcgSwapCurrent(m).

/** Definition of inuse(d), for every device d: physical entries with a slot on d plus virtual
 * entries backed on d; a scan of the entries. */
export function inuseScan(state: ModelState): number[] {
  const counts = state.devices.map(() => 0);
  for (const entry of state.entries.values()) {
    const device = entryDevice(entry);
    if (device !== null) addCount(counts, device, 1);
  }
  return counts;
}

/** inuse(d): physical entries with a slot on d plus virtual entries backed on d. */
export function inuse(state: ModelState, device: number): number {
  const count = state.index.inuse[device];
  assert(count !== undefined, () => `device ${device} out of range`);
  return count;
}

/** Definition of zswapStored(): zswap backends plus stale zswap objects; a scan of the entries. */
export function zswapStoredScan(state: ModelState): number {
  let count = 0;
  for (const entry of state.entries.values()) {
    if (entry.backend.kind === 'zswap') count += 1;
    if (entry.staleZswap) count += 1;
  }
  return count;
}

/** Compressed objects held by the zswap pool: zswap backends and stale objects. */
export function zswapStored(state: ModelState): number {
  return state.index.zswapStored;
}

/** Definition of virtualEntries(): a scan of the entries. */
export function virtualEntriesScan(state: ModelState): number {
  let count = 0;
  for (const entry of state.entries.values()) {
    if (entry.space.kind === 'virtual') count += 1;
  }
  return count;
}

/** Live virtual entries (they occupy slots of the virtual space). */
export function virtualEntries(state: ModelState): number {
  return state.index.virtualEntries;
}

/** Definition of memcgSwapCurrent(m), for every memcg m: its charged entries; a scan of the
 * entries. */
export function memcgChargedScan(state: ModelState, config: Config): number[] {
  const counts = (config.memcgs ?? []).map(() => 0);
  for (const entry of state.entries.values()) {
    if (entry.memcg !== null && isCharged(entry)) addCount(counts, entry.memcg, 1);
  }
  return counts;
}

/** memory.swap.current of memcg `memcg`: its charged entries, in pages. */
export function memcgSwapCurrent(state: ModelState, memcg: number): number {
  const count = state.index.memcgCharged[memcg];
  assert(count !== undefined, () => `memcg ${memcg} out of range`);
  return count;
}

/** Adds (1) or takes away (-1) the entry's part of each entry counter: what the scans above
 * count, one entry at a time. */
function countEntry(state: ModelState, entry: Entry, delta: 1 | -1): void {
  const index = state.index;
  const device = entryDevice(entry);
  if (device !== null) addCount(index.inuse, device, delta);
  if (entry.backend.kind === 'zswap') index.zswapStored += delta;
  if (entry.staleZswap) index.zswapStored += delta;
  if (entry.space.kind === 'virtual') index.virtualEntries += delta;
  if (entry.memcg !== null && isCharged(entry)) addCount(index.memcgCharged, entry.memcg, delta);
}

function addCount(counts: number[], at: number, delta: number): void {
  const count = counts[at];
  assert(count !== undefined, () => `index: no counter ${at}`);
  counts[at] = count + delta;
}

/** Makes `entry` live. Context: its serial is not live yet (asserted). */
export function addEntry(state: ModelState, entry: Entry): void {
  assert(!state.entries.has(entry.serial), () => `entry ${entry.serial} is already live`);
  (state.entries as Map<number, Entry>).set(entry.serial, entry);
  countEntry(state, entry, 1);
}

/** Frees entry `serial`. Context: it is live, and bound to no folio page and held by no holder
 * (asserted). */
export function deleteEntry(state: ModelState, serial: number): void {
  const entry = entryAt(state, serial);
  assert(!state.index.cache.has(serial), () => `entry ${serial} is freed while in the swap cache`);
  assert(!state.index.entryHolders.has(serial), () => `entry ${serial} is freed while held`);
  countEntry(state, entry, -1);
  (state.entries as Map<number, Entry>).delete(serial);
}

/** Sets the backend of a live entry. Context: the entry is live (asserted). */
export function setBackend(state: ModelState, entry: Entry, backend: Backend): void {
  assert(state.entries.get(entry.serial) === entry, () => `entry ${entry.serial} is not live`);
  countEntry(state, entry, -1);
  (entry as Writable<Entry>).backend = backend;
  countEntry(state, entry, 1);
}

/** Sets whether a live entry has a stale zswap object. Context: it is live (asserted). */
export function setStaleZswap(state: ModelState, entry: Entry, stale: boolean): void {
  assert(state.entries.get(entry.serial) === entry, () => `entry ${entry.serial} is not live`);
  countEntry(state, entry, -1);
  (entry as Writable<Entry>).staleZswap = stale;
  countEntry(state, entry, 1);
}

// The check mode.

/** Every index as its scan finds it. */
function indexesByScan(state: ModelState, config: Config): ModelIndex {
  return {
    cache: cacheScan(state),
    entryHolders: entryHoldersScan(state),
    folioMappers: folioMappersScan(state),
    inuse: inuseScan(state),
    zswapStored: zswapStoredScan(state),
    virtualEntries: virtualEntriesScan(state),
    memcgCharged: memcgChargedScan(state, config),
  };
}

/**
 * Recomputes every index by its scan and throws an AssertionError naming the first index that
 * differs, and where. Linear in the state, like the invariant checks it runs beside.
 */
export function checkIndexes(state: ModelState, config: Config): void {
  const kept = state.index;
  const scanned = indexesByScan(state, config);
  sameMaps('cacheOf', 'entry', kept.cache, scanned.cache, sameBinding, showBinding);
  sameMaps('holdersOf', 'entry', kept.entryHolders, scanned.entryHolders, sameMembers, showMembers);
  sameMaps('mappersOf', 'folio', kept.folioMappers, scanned.folioMappers, sameMembers, showMembers);
  sameCounts('inuse', 'device', kept.inuse, scanned.inuse);
  sameCount('zswapStored', kept.zswapStored, scanned.zswapStored);
  sameCount('virtualEntries', kept.virtualEntries, scanned.virtualEntries);
  sameCounts('memcgSwapCurrent', 'memcg', kept.memcgCharged, scanned.memcgCharged);
}

/**
 * Replaces every index by its scan, for a state built or edited by hand (model tests): ops keep
 * the indexes through the setters above and never need this.
 * @internal
 */
export function rebuildIndexes(state: ModelState, config: Config): void {
  state.index = indexesByScan(state, config);
}

function sameMaps<T>(
  name: string,
  key: string,
  kept: ReadonlyMap<number, T>,
  scanned: ReadonlyMap<number, T>,
  same: (a: T, b: T) => boolean,
  show: (value: T | undefined) => string,
): void {
  const differs = (at: number) =>
    new AssertionError(
      `index ${name} differs from its scan at ${key} ${at}: kept ${show(kept.get(at))}, scanned ${show(scanned.get(at))}`,
    );
  for (const [at, value] of scanned) {
    const mine = kept.get(at);
    if (mine === undefined || !same(mine, value)) throw differs(at);
  }
  for (const at of kept.keys()) {
    if (!scanned.has(at)) throw differs(at);
  }
}

function sameCounts(
  name: string,
  key: string,
  kept: readonly number[],
  scanned: readonly number[],
): void {
  sameMaps(
    name,
    key,
    new Map(kept.entries()),
    new Map(scanned.entries()),
    (a, b) => a === b,
    String,
  );
}

function sameCount(name: string, kept: number, scanned: number): void {
  if (kept !== scanned)
    throw new AssertionError(
      `index ${name} differs from its scan: kept ${kept}, scanned ${scanned}`,
    );
}

function sameBinding(a: CacheBinding, b: CacheBinding): boolean {
  return a.folio === b.folio && a.page === b.page;
}

function showBinding(binding: CacheBinding | undefined): string {
  return binding === undefined ? 'none' : `folio ${binding.folio} page ${binding.page}`;
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((member, at) => member === b[at]);
}

function showMembers(members: readonly number[] | undefined): string {
  return members === undefined ? 'none' : `{${members.join(', ')}}`;
}

/**
 * The white-box audit of a kernel-shaped swap system (the brief's §7.3 invariants that apply
 * to one atomic op at a time), recomputing from the raw tables and comparing with what the
 * impl keeps incrementally. Every failure throws InvariantViolation naming the invariant and
 * the entry, slot, cluster and CPU involved. auditEmptyState() checks that a drained system
 * holds nothing.
 *
 * Checked: count conservation (table count and extend table against the holders), liveness
 * (a free slot is exactly NULL, a used entry is held or cached), cache binding (PFN words name
 * the right folio and page, both ways), shadow, zero flag exclusivity (a zswap object beside
 * it only as a physical slot's stale object), PTE exclusivity (an exclusive mapping is the only
 * one of its page, an exclusive swap PTE the only holder of its entry), cluster accounting
 * (count, flag and order against list membership, a free cluster at order 0, a large run only in a
 * cluster of its order), device accounting (inuse, nr_swap_pages,
 * total), device lifetime, backend ownership (zswap objects and backing slots owned once),
 * reverse-map bijection (PHYS(p) <-> Pointer(v) at p, C bit), encoding, lookup-cache
 * transparency (pins), identity (holders and folios agree), content (a live uncached entry
 * has a backend; a clean cached folio matches its backends), memcg accounting (every memcg's
 * swap counter equals the charged slots its memcg tables record, and stays within swap.max;
 * a used slot records a memcg, a free one none; a swap-cache folio is in its entries' memcg),
 * and the last allocation claims (-ENOSPC, a virtual-first allocation's fallback to a
 * physical device).
 *
 * Not covered here: comparison with the model (properties/), which catches wrong values that
 * are internally consistent.
 */
import { check } from '../lib/invariant.ts';
import type { SwapCluster, VirtualCluster } from './cluster.ts';
import type { ClusterLists } from './cluster-lists.ts';
import { memcgIdIsRecorded, memcgIdToIndex } from './memcg.ts';
import {
  ENTRY_OFFSET_MAX,
  ENTRY_TYPE_SHIFT,
  formatEntryValue,
  swpEntry,
  swpOffset,
  swpType,
  VSWAP_TYPE,
} from './entry-value.ts';
import { slotOf } from './observe.ts';
import {
  holderIsEmpty,
  holderIsExclusive,
  holderIsPresent,
  holderIsSwap,
  holderSwpExclusive,
  holderToEntry,
  holderToPage,
  holderToPfn,
} from './holder-word.ts';
import type { SwapState } from './swap-state.ts';
import {
  hex,
  wordIsBad,
  wordIsPfn,
  wordIsPointer,
  wordIsShadow,
  wordKind,
  wordToCacheOnly,
  wordToCount,
  wordToPfn,
  wordToPointerOffset,
  wordToZero,
} from './swap-table-word.ts';
import type { TableDevice } from './table-device.ts';
import {
  vtWordIsNone,
  vtWordIsPhys,
  vtWordIsZswap,
  vtWordKind,
  vtWordToHandle,
  vtWordToPhysOffset,
  vtWordToPhysType,
} from './virtual-table-word.ts';

/**
 * A number per swap slot, zero until set, keyed by (type, offset) or by entry value: one typed
 * array per swap space, sized to its clusters, so that a full audit of a million entries
 * counts in flat arrays rather than in Maps and Sets; a slot outside every space (which only a
 * corrupt word names) is kept in a Map.
 */
class SlotTable {
  private readonly spaces: Uint32Array[] = [];
  private readonly outside = new Map<string, number>();

  constructor(state: SwapState) {
    const clusterSlots = state.config.clusterSlots;
    const size = (slots: number) => Math.ceil(slots / clusterSlots) * clusterSlots;
    for (const device of state.devices)
      this.spaces[device.type] = new Uint32Array(size(device.config.slots));
    if (state.vspace !== null)
      this.spaces[VSWAP_TYPE] = new Uint32Array(size(state.config.vswapSlots));
  }

  get(type: number, offset: number): number {
    const space = this.spaces[type];
    if (space !== undefined && offset < space.length) return space[offset] as number;
    return this.outside.get(`${type}:${offset}`) ?? 0;
  }

  set(type: number, offset: number, n: number): void {
    const space = this.spaces[type];
    if (space !== undefined && offset < space.length) space[offset] = n;
    else this.outside.set(`${type}:${offset}`, n);
  }

  /** The number kept for the slot of entry value `value`. */
  ofValue(value: number): number {
    return this.get(value >>> ENTRY_TYPE_SHIFT, value & ENTRY_OFFSET_MAX);
  }

  setValue(value: number, n: number): void {
    this.set(value >>> ENTRY_TYPE_SHIFT, value & ENTRY_OFFSET_MAX, n);
  }
}

export function auditState(state: SwapState): void {
  const held = auditHolders(state);
  const seen = new SlotTable(state);
  const handles = new Map<number, number>();
  const backing = new SlotTable(state);
  const charged = new Array<number>(state.memcg.count).fill(0);
  for (const device of state.devices) {
    if (device.kind === 'table') auditTableDevice(state, device, held, seen, handles, charged);
    else auditBitmapDevice(state, device.type);
  }
  if (state.vspace !== null) auditVirtualSpace(state, held, seen, handles, backing, charged);
  // Every held entry was seen by the scans (the holders in order, so that the first entry
  // named is the first held one).
  for (const word of state.holders) {
    if (!holderIsSwap(word)) continue;
    const entry = holderToEntry(word);
    check(
      seen.ofValue(entry) !== 0,
      'liveness',
      'holder-entry-free',
      () => `a holder holds ${formatEntryValue(entry)}, which is free`,
    );
  }
  auditFolios(state);
  auditZswap(state, handles);
  auditCounters(state);
  auditMemcgCharges(state, charged);
  auditAllocClaims(state);
}

/**
 * The audit of what one op touched, run after every op between full audits: the clusters
 * holding `values` (count, bad slots, encoding, extend table, flag), the cache binding of
 * each of those entries that is in the swap cache, the per-CPU lookup-cache pins, the global
 * counters and the op's own -ENOSPC. Its cost does not grow with the number of live entries;
 * auditState() checks everything else (count conservation against the holders, lists, the
 * reverse map, zswap ownership) every so often and at the end of a run.
 */
export function auditTouched(state: SwapState, values: Iterable<number>): void {
  const clusters = new Map<SwapCluster, string>();
  for (const value of values) {
    const found = slotOf(state, value);
    if (found === null) continue;
    const { ci, slot } = found;
    const type = swpType(value);
    clusters.set(
      ci,
      type === VSWAP_TYPE ? `virtual cluster ${ci.id}` : `device ${type} cluster ${ci.id}`,
    );
    auditEntryLocal(state, value, ci, slot);
  }
  for (const [ci, at] of clusters) auditCluster(ci, at);
  auditLookupCachePins(state);
  auditCounters(state);
  auditMemcgLimits(state);
  auditAllocClaims(state);
}

/**
 * The checks of one used entry that need no scan of the holders or of other slots: swapped
 * out with a backend, cache binding, clean content equal to the backend's, one backend only
 * (zero flag against zswap or disk data), and for a virtual entry its backend word and, when
 * backed by a physical slot, that slot (online, allocated, not bad, pointing back).
 * The same rules as auditEntry(), auditTableDevice() and auditVirtualSpace() for that entry.
 */
function auditEntryLocal(state: SwapState, value: number, ci: SwapCluster, slot: number): void {
  const word = ci.word(slot);
  if (!wordIsShadow(word) && !wordIsPfn(word)) return;
  const name = () => formatEntryValue(value);
  auditBackendOrBinding(state, value, word);
  auditMemcgId(state, ci, slot, value);
  const type = swpType(value);
  const offset = swpOffset(value);
  if (type !== VSWAP_TYPE) {
    // A zswap object beside the zero flag is a stale one (a zero writeout of a physical slot).
    const device = state.devices[type];
    check(
      !wordToZero(word) || device?.store?.holdsData(offset) !== true,
      'zero',
      'local-zero-disk',
      () => `${name()} is zero and has data on disk`,
    );
    return;
  }
  const vt = (ci as VirtualCluster).vtable[slot] ?? 0;
  check(
    vtWordKind(vt) !== null,
    'encoding',
    'local-vtable-kind',
    () => `${name()} vtable ${hex(vt)}`,
  );
  check(
    vtWordIsNone(vt) || !wordToZero(word),
    'zero',
    'local-zero-backend',
    () => `${name()} is zero and has a backend`,
  );
  if (!vtWordIsPhys(vt)) return;
  const backingType = vtWordToPhysType(vt);
  const backing = vtWordToPhysOffset(vt);
  const device = state.devices[backingType];
  check(
    device !== undefined && device.online,
    'device-lifetime',
    'local-backing-offline',
    () => `${name()} backed on offline device ${backingType}`,
  );
  if (device.kind === 'bitmap') {
    check(
      device.isUsed(backing),
      'backend-ownership',
      'local-backing-free-slot',
      () => `${name()} backed by free slot ${backingType}:${backing}`,
    );
    check(
      !device.isBad(backing),
      'liveness',
      'local-backing-bad-slot',
      () => `bad slot ${backing} of device ${backingType} in use`,
    );
    return;
  }
  const pointer = device.clusterOf(backing).word(backing % device.clusterSlots);
  check(
    wordIsPointer(pointer) && wordToPointerOffset(pointer) === offset,
    'rmap-bijection',
    'local-backing-pointer',
    () => `${name()} backed by ${backingType}:${backing}, which holds ${hex(pointer)}`,
  );
  auditPointer(state, device, backing, pointer);
}

/**
 * Entry value -> holders count, checking holder words and present mappings, and exclusivity:
 * an exclusive mapping is the only mapping of its page (PageAnonExclusive), an exclusive swap
 * PTE the only holder of its entry (pte_swp_exclusive() only at count 1).
 */
function auditHolders(state: SwapState): SlotTable {
  const held = new SlotTable(state);
  const exclusiveSwap: number[] = [];
  state.holders.forEach((word, holder) => {
    if (holderIsSwap(word)) {
      const entry = holderToEntry(word);
      held.setValue(entry, held.ofValue(entry) + 1);
      if (holderSwpExclusive(word)) exclusiveSwap.push(holder);
      return;
    }
    if (holderIsEmpty(word)) return;
    check(
      holderIsPresent(word),
      'encoding',
      'holder-word',
      () => `holder ${holder} word ${hex(word)} invalid`,
    );
    const folio = state.folios.get(holderToPfn(word));
    const page = holderToPage(word);
    check(
      folio !== undefined && page < folio.pages.length,
      'identity',
      'holder-dead-folio',
      () => `holder ${holder} maps page ${page} of dead folio ${holderToPfn(word)}`,
    );
    check(
      folio.mappers.has(holder),
      'identity',
      'holder-outside-rmap',
      () => `holder ${holder} maps folio ${folio.pfn} outside its rmap`,
    );
    check(
      !holderIsExclusive(word) || folio.pageMaps[page] === 1,
      'exclusive',
      'present-exclusive-shared',
      () =>
        `holder ${holder} maps page ${page} of folio ${folio.pfn} exclusively, ` +
        `which ${folio.pageMaps[page] ?? 0} holders map`,
    );
  });
  for (const holder of exclusiveSwap) {
    const entry = holderToEntry(state.holders[holder] ?? 0);
    check(
      held.ofValue(entry) === 1,
      'exclusive',
      'swap-exclusive-shared',
      () =>
        `holder ${holder} holds ${formatEntryValue(entry)} exclusively, ` +
        `which ${held.ofValue(entry)} holders hold`,
    );
  }
  return held;
}

function auditTableDevice(
  state: SwapState,
  device: TableDevice,
  held: SlotTable,
  seen: SlotTable,
  handles: Map<number, number>,
  charged: number[],
): void {
  const where = `device ${device.type}`;
  if (!device.online) {
    check(
      device.clusters.length === 0 && device.inuse === 0 && !device.writeOk,
      'device-lifetime',
      'offline-table-metadata',
      () => `${where} is offline with metadata`,
    );
    check(
      state.zswapTree.countOf(device.type) === 0,
      'device-lifetime',
      'offline-zswap-objects',
      () => `${where} is offline with zswap objects`,
    );
    return;
  }
  check(
    device.writeOk,
    'allocation-fence',
    'table-not-write-ok',
    () => `${where} online but not write-ok`,
  );
  let used = 0;
  for (const ci of device.clusters) {
    const at = `${where} cluster ${ci.id}`;
    const bad = auditCluster(ci, at);
    used += ci.count - bad;
    // The memcg table lives with the swap table; deferred (RFC v2), only once a direct slot
    // needed it.
    check(
      ci.memcgTable === null || ci.table !== null,
      'memcg-accounting',
      'memcg-table-without-table',
      () => `${at} has a memcg table without a swap table`,
    );
    check(
      device.memcgDeferred || (ci.memcgTable === null) === (ci.table === null),
      'memcg-accounting',
      'memcg-table-missing',
      () =>
        `${at} has ${ci.table === null ? 'no' : 'a'} swap table and ` +
        `${ci.memcgTable === null ? 'no' : 'a'} memcg table`,
    );
    for (let slot = 0; slot < ci.slots; slot++) {
      const word = ci.word(slot);
      const offset = ci.id * ci.slots + slot;
      if (!wordIsShadow(word) && !wordIsPfn(word)) {
        check(
          !memcgIdIsRecorded(ci.memcgId(slot)),
          'memcg-accounting',
          'table-free-slot-memcg',
          () => `${at} slot ${slot} records memcg id ${ci.memcgId(slot)} without an entry`,
        );
      }
      if (wordIsPointer(word)) {
        auditPointer(state, device, offset, word);
        continue;
      }
      if (!wordIsShadow(word) && !wordIsPfn(word)) continue;
      const entry = swpEntry(device.type, offset);
      check(
        state.knobs.virtualEntries !== 'always',
        'encoding',
        'physical-entry-all-virtual',
        () => `${at} slot ${slot} holds physical entry ${formatEntryValue(entry)}`,
      );
      seen.set(device.type, offset, 1);
      auditEntry(state, entry, ci, slot, held);
      // A physical entry is charged for its whole life.
      countCharge(state, charged, ci.memcgId(slot));
      // A zswap object beside the zero flag is the stale object a zero writeout leaves.
      const handle = state.zswapTree.load(device.type, offset);
      if (handle !== null) handles.set(handle, (handles.get(handle) ?? 0) + 1);
      check(
        !wordToZero(word) || device.store?.holdsData(offset) !== true,
        'zero',
        'zero-disk',
        () => `${formatEntryValue(entry)} is zero and has data on disk`,
      );
    }
  }
  check(
    used === device.inuse,
    'device-accounting',
    'table-inuse',
    () => `${where} inuse_pages ${device.inuse}, tables say ${used}`,
  );
  for (const [offset] of state.zswapTree.entriesOf(device.type)) {
    const word = device.clusterOf(offset).word(offset % device.clusterSlots);
    check(
      wordIsShadow(word) || wordIsPfn(word),
      'backend-ownership',
      'zswap-object-no-entry',
      () => `zswap object at ${where} offset ${offset} owned by no entry`,
    );
  }
  auditLists(device.lists, device.clusters, where);
}

function auditBitmapDevice(state: SwapState, type: number): void {
  const device = state.devices[type];
  check(
    device !== undefined && device.kind === 'bitmap',
    'encoding',
    'bitmap-device-kind',
    () => `device ${type}`,
  );
  if (!device.online) {
    check(
      device.inuse === 0 && !device.writeOk,
      'device-lifetime',
      'offline-bitmap-in-use',
      () => `device ${type} is offline with slots in use`,
    );
    return;
  }
  check(
    device.writeOk,
    'allocation-fence',
    'bitmap-not-write-ok',
    () => `device ${type} online but not write-ok`,
  );
  let used = 0;
  for (let slot = 0; slot < device.config.slots; slot++) {
    if (!device.isUsed(slot)) continue;
    used++;
    check(
      !device.isBad(slot),
      'liveness',
      'bitmap-bad-slot-used',
      () => `bad slot ${slot} of device ${type} in use`,
    );
  }
  check(
    used === device.inuse,
    'device-accounting',
    'bitmap-inuse',
    () => `device ${type} inuse_pages ${device.inuse}, bitmap says ${used}`,
  );
}

/** A Pointer word at physical `offset`: its virtual entry must be backed exactly there. */
function auditPointer(state: SwapState, device: TableDevice, offset: number, word: number) {
  const at = `device ${device.type} offset ${offset}`;
  check(
    state.vspace !== null && state.knobs.reverseMap === 'kept',
    'encoding',
    'pointer-without-rmap',
    () => `${at} holds a Pointer word in a design without a reverse map`,
  );
  const voffset = wordToPointerOffset(word);
  const ci = state.vspace.index.get(Math.floor(voffset / state.config.clusterSlots));
  const value = swpEntry(VSWAP_TYPE, voffset);
  check(
    ci !== undefined,
    'rmap-bijection',
    'pointer-no-cluster',
    () => `${at} points at ${formatEntryValue(value)} in no cluster`,
  );
  const slot = voffset % ci.slots;
  const vt = ci.vtable[slot] ?? 0;
  check(
    vtWordIsPhys(vt) && vtWordToPhysType(vt) === device.type && vtWordToPhysOffset(vt) === offset,
    'rmap-bijection',
    'pointer-not-backed-there',
    () => `${at} points at ${formatEntryValue(value)}, which is not backed there`,
  );
  const entryWord = ci.word(slot);
  const cacheOnly = wordIsPfn(entryWord) && countOf(state, ci, slot) === 0;
  check(
    wordToCacheOnly(word) === cacheOnly,
    'rmap-bijection',
    'pointer-cache-only-bit',
    () =>
      `${at} C bit ${wordToCacheOnly(word)} but ${formatEntryValue(value)} cache-only ` +
      `${cacheOnly}`,
  );
}

function auditVirtualSpace(
  state: SwapState,
  held: SlotTable,
  seen: SlotTable,
  handles: Map<number, number>,
  backing: SlotTable,
  charged: number[],
): void {
  const vspace = state.vspace;
  if (vspace === null) return;
  let used = 0;
  for (const [id, ci] of vspace.index) {
    const at = `virtual cluster ${id}`;
    check(
      ci.id === id && !ci.dead,
      'lookup-cache',
      'index-dead-or-moved',
      () => `${at} in the index is DEAD or moved`,
    );
    check(
      ci.count > 0,
      'cluster-accounting',
      'index-empty-cluster',
      () => `${at} is empty but still indexed`,
    );
    const bad = auditCluster(ci, at);
    used += ci.count - bad;
    for (let slot = 0; slot < ci.slots; slot++) {
      const word = ci.word(slot);
      const vt = ci.vtable[slot] ?? 0;
      check(
        vtWordKind(vt) !== null,
        'encoding',
        'vtable-kind',
        () => `${at} slot ${slot} vtable ${hex(vt)}`,
      );
      if (!wordIsShadow(word) && !wordIsPfn(word)) {
        check(
          !wordIsPointer(word),
          'encoding',
          'virtual-pointer-word',
          () => `${at} slot ${slot} holds a Pointer`,
        );
        check(
          vtWordIsNone(vt),
          'liveness',
          'virtual-free-slot-backend',
          () => `${at} free slot ${slot} has a backend`,
        );
        check(
          !memcgIdIsRecorded(ci.memcgId(slot)),
          'memcg-accounting',
          'virtual-free-slot-memcg',
          () => `${at} free slot ${slot} records memcg id ${ci.memcgId(slot)}`,
        );
        continue;
      }
      const entry = swpEntry(VSWAP_TYPE, id * ci.slots + slot);
      seen.setValue(entry, 1);
      auditEntry(state, entry, ci, slot, held);
      check(
        vtWordIsNone(vt) || !wordToZero(word),
        'zero',
        'virtual-zero-backend',
        () => `${formatEntryValue(entry)} is zero and has a backend`,
      );
      if (vtWordIsZswap(vt)) {
        const handle = vtWordToHandle(vt);
        handles.set(handle, (handles.get(handle) ?? 0) + 1);
      }
      if (vtWordIsPhys(vt)) {
        auditBacking(state, entry, vt, backing);
        // A virtual entry is charged while it has disk backing (RFC patch 4).
        countCharge(state, charged, ci.memcgId(slot));
      }
    }
  }
  check(
    used === vspace.inuse,
    'cluster-accounting',
    'virtual-inuse',
    () => `virtual space inuse ${vspace.inuse}, tables say ${used}`,
  );
  auditLists(vspace.lists, [...vspace.index.values()], 'virtual space');
  auditLookupCache(state);
}

/** A PHYS word: the slot is allocated, owned once, and (kept rmap) points back. `owners`
 * keeps each backing slot's virtual entry (a non-zero value). */
function auditBacking(state: SwapState, entry: number, vt: number, owners: SlotTable) {
  const type = vtWordToPhysType(vt);
  const offset = vtWordToPhysOffset(vt);
  const key = () => `${type}:${offset}`;
  check(
    owners.get(type, offset) === 0,
    'backend-ownership',
    'backing-owned-twice',
    () =>
      `slot ${key()} backs ${formatEntryValue(entry)} and ` +
      `${formatEntryValue(owners.get(type, offset))}`,
  );
  owners.set(type, offset, entry);
  const device = state.devices[type];
  check(
    device !== undefined && device.online,
    'device-lifetime',
    'backing-offline',
    () => `${formatEntryValue(entry)} backed on offline device ${type}`,
  );
  if (device.kind === 'bitmap') {
    check(
      device.isUsed(offset),
      'backend-ownership',
      'backing-free-slot',
      () => `${formatEntryValue(entry)} backed by free slot ${key()}`,
    );
    return;
  }
  const word = device.clusterOf(offset).word(offset % device.clusterSlots);
  check(
    wordIsPointer(word) && wordToPointerOffset(word) === entry % 2 ** 20,
    'rmap-bijection',
    'backing-pointer',
    () => `${formatEntryValue(entry)} backed by ${key()}, which holds ${hex(word)}`,
  );
}

/** Count, cache binding, shadow and content of one used entry. */
function auditEntry(
  state: SwapState,
  entry: number,
  ci: SwapCluster,
  slot: number,
  held: SlotTable,
): void {
  const word = ci.word(slot);
  const name = () => formatEntryValue(entry);
  const count = countOf(state, ci, slot);
  check(
    count === held.ofValue(entry),
    'count-conservation',
    'count-held',
    () =>
      `${name()} (cluster ${ci.id} slot ${slot}) count ${count}, ` +
      `held by ${held.ofValue(entry)}`,
  );
  if (wordIsShadow(word))
    check(
      count > 0,
      'liveness',
      'shadow-unreferenced',
      () => `${name()} is neither held nor cached`,
    );
  auditBackendOrBinding(state, entry, word);
  auditMemcgId(state, ci, slot, entry);
}

/**
 * A used slot records a memcg (the root or a configured one: swap_cgroup_record() or
 * mem_cgroup_record_swap() at allocation), and a cached entry's is its folio's.
 */
function auditMemcgId(state: SwapState, ci: SwapCluster, slot: number, entry: number): void {
  const name = () => formatEntryValue(entry);
  const id = ci.memcgId(slot);
  check(
    state.memcg.isValid(id),
    'memcg-accounting',
    'memcg-id-invalid',
    () => `${name()} records memcg id ${id}`,
  );
  const word = ci.word(slot);
  if (!wordIsPfn(word)) return;
  const folio = state.folios.get(wordToPfn(word));
  check(
    folio === undefined || folio.memcg === id,
    'memcg-accounting',
    'cached-folio-memcg',
    () =>
      `${name()} records memcg id ${id}, its swap-cache folio ${folio?.pfn ?? -1} ` +
      `is charged to ${folio?.memcg ?? -1}`,
  );
}

/** Adds one charged page of memcg `id` (the root is never charged). */
function countCharge(state: SwapState, charged: number[], id: number): void {
  const index = memcgIdIsRecorded(id) ? memcgIdToIndex(id) : null;
  if (index === null) return;
  charged[index] = (charged[index] ?? 0) + 1;
}

/**
 * Every memcg's swap counter equals what the memcg tables say is charged to it (physical
 * entries, and virtual entries with disk backing), and none exceeds its swap.max.
 */
function auditMemcgCharges(state: SwapState, charged: readonly number[]): void {
  for (let index = 0; index < state.memcg.count; index++) {
    const counted = charged[index] ?? 0;
    check(
      state.memcg.current(index) === counted,
      'memcg-accounting',
      'memcg-charge-recount',
      () =>
        `memcg ${index} memory.swap.current ${state.memcg.current(index)}, ` +
        `its memcg tables charge ${counted}`,
    );
  }
  auditMemcgLimits(state);
}

/** No memcg's swap counter exceeds its swap.max (page_counter_try_charge() refuses it). */
function auditMemcgLimits(state: SwapState): void {
  for (let index = 0; index < state.memcg.count; index++) {
    const max = state.memcg.limit(index);
    check(
      max === null || state.memcg.current(index) <= max,
      'memcg-accounting',
      'memcg-over-max',
      () => `memcg ${index} memory.swap.current ${state.memcg.current(index)} over swap.max ${max}`,
    );
  }
}

/**
 * A swapped-out entry (Shadow word) has a backend; a cached one (PFN word) is bound to a live
 * swap-cache folio at its own page, and a clean folio's page equals the backend's copy.
 */
function auditBackendOrBinding(state: SwapState, entry: number, word: number): void {
  const name = () => formatEntryValue(entry);
  const loc = state.peek(entry, 0);
  if (wordIsShadow(word)) {
    check(
      state.backendKind(loc) !== 'none',
      'content',
      'swapped-out-no-backend',
      () => `${name()} swapped out with no backend`,
    );
    return;
  }
  const folio = state.folios.get(wordToPfn(word));
  check(
    folio !== undefined && folio.swapcache,
    'cache-binding',
    'pfn-folio-not-cached',
    () => `${name()} bound to folio ${wordToPfn(word)}, which is not in the swap cache`,
  );
  const page = entry - folio.swap;
  check(
    page >= 0 && page < folio.pages.length,
    'cache-binding',
    'pfn-page-outside-folio',
    () =>
      `${name()} bound to folio ${folio.pfn} whose entries start at ` +
      `${formatEntryValue(folio.swap)}`,
  );
  if (!folio.dirty) {
    check(
      state.peekBackend(loc) === folio.pages[page],
      'content',
      'clean-folio-differs',
      () => `${name()}: clean folio ${folio.pfn} page ${page} differs from its backend`,
    );
  }
}

function countOf(state: SwapState, ci: SwapCluster, slot: number): number {
  const word = ci.word(slot);
  const count = wordToCount(word);
  const sentinel = state.counter.sentinel;
  check(
    count <= sentinel,
    'count-conservation',
    'count-above-sentinel',
    () => `cluster ${ci.id} slot ${slot} count ${count} above sentinel ${sentinel}`,
  );
  if (count < sentinel) return count;
  const real = ci.extend?.[slot] ?? 0;
  check(
    real >= sentinel,
    'count-conservation',
    'extend-below-sentinel',
    () => `cluster ${ci.id} slot ${slot} saturated, extend table says ${real}`,
  );
  return real;
}

/** Count, bad slots, encoding, extend table and flag of one cluster; returns its bad count. */
function auditCluster(ci: SwapCluster, at: string): number {
  let used = 0;
  let bad = 0;
  let extendUsed = 0;
  for (let slot = 0; slot < ci.slots; slot++) {
    const word = ci.word(slot);
    check(
      wordKind(word) !== null,
      'encoding',
      'table-word-kind',
      () => `${at} slot ${slot} word ${hex(word)}`,
    );
    if (word !== 0) used++;
    if (wordIsBad(word)) bad++;
    const extend = ci.extend?.[slot] ?? 0;
    if (extend !== 0) extendUsed++;
    const saturated = (wordIsShadow(word) || wordIsPfn(word)) && extend !== 0;
    check(
      extend === 0 || saturated,
      'count-conservation',
      'extend-without-sentinel',
      () => `${at} slot ${slot} has extend count ${extend} without a saturated word`,
    );
  }
  check(
    used === ci.count,
    'cluster-accounting',
    'cluster-count',
    () => `${at} count ${ci.count}, table ${used}`,
  );
  check(
    bad === ci.badCount,
    'cluster-accounting',
    'cluster-bad-count',
    () => `${at} bad ${ci.badCount}, table ${bad}`,
  );
  check(
    extendUsed === ci.extendUsed && (ci.extend === null) === (extendUsed === 0),
    'count-conservation',
    'extend-table-use',
    () => `${at} extend table use ${ci.extendUsed}, found ${extendUsed}`,
  );
  check(
    (ci.table === null) === (ci.count === 0),
    'cluster-accounting',
    'cluster-table-iff-used',
    () => `${at} has count ${ci.count} and ${ci.table === null ? 'no' : 'a'} table`,
  );
  switch (ci.flags) {
    case 'free':
    case 'discard':
      check(
        ci.count === 0 && ci.order === 0,
        'cluster-accounting',
        'free-cluster-empty-order-0',
        () => `${at} is ${ci.flags} with count ${ci.count} order ${ci.order}`,
      );
      break;
    case 'full':
      check(
        ci.count === ci.slots,
        'cluster-accounting',
        'full-cluster-count',
        () => `${at} is full at ${ci.count}`,
      );
      break;
    case 'nonfull':
    case 'frag':
      check(
        ci.count > 0 && ci.count < ci.slots,
        'cluster-accounting',
        'partial-cluster-count',
        () => `${at} is ${ci.flags} at count ${ci.count}`,
      );
      break;
    case 'none':
    case 'dead':
      check(
        false,
        'cluster-accounting',
        'cluster-off-list',
        () => `${at} is ${ci.flags} between ops`,
      );
  }
  return bad;
}

/** Every cluster is on exactly one list, the one its flag and order name. */
function auditLists<C extends SwapCluster>(
  lists: ClusterLists<C>,
  clusters: readonly C[],
  at: string,
) {
  const onLists = new Set<SwapCluster>();
  for (const ci of lists.all()) {
    check(
      !onLists.has(ci),
      'cluster-accounting',
      'cluster-on-two-lists',
      () => `${at} cluster ${ci.id} on two lists`,
    );
    onLists.add(ci);
  }
  for (const ci of clusters) {
    check(
      onLists.has(ci),
      'cluster-accounting',
      'cluster-on-no-list',
      () => `${at} cluster ${ci.id} is on no list`,
    );
    check(
      lists.listOf(ci.flags, ci.order)?.has(ci) === true,
      'cluster-accounting',
      'cluster-list-by-order',
      () => `${at} cluster ${ci.id} (${ci.flags}, order ${ci.order}) is not on the list they name`,
    );
  }
  check(
    onLists.size === clusters.length,
    'cluster-accounting',
    'list-size',
    () => `${at} lists hold ${onLists.size} clusters, the device has ${clusters.length}`,
  );
}

function auditLookupCache(state: SwapState): void {
  const vspace = state.vspace;
  if (vspace === null) return;
  const pins = auditLookupCachePins(state);
  for (const ci of vspace.index.values()) {
    check(
      ci.pins === (pins.get(ci) ?? 0),
      'lookup-cache',
      'pins-count',
      () => `cluster ${ci.id} has ${ci.pins} pins, ${pins.get(ci) ?? 0} CPUs cache it`,
    );
  }
}

/** Every CPU's cached cluster is allowed by the mode and, when pinned, live and indexed;
 * returns the pins per cluster. */
function auditLookupCachePins(state: SwapState): Map<VirtualCluster, number> {
  const pins = new Map<VirtualCluster, number>();
  const vspace = state.vspace;
  if (vspace === null) return pins;
  const cache = vspace.lookupCache;
  for (let cpu = 0; cpu < cache.cpus; cpu++) {
    const ci = cache.cachedOf(cpu);
    if (ci === null) continue;
    check(
      cache.mode !== 'off',
      'lookup-cache',
      'cache-when-off',
      () => `cpu ${cpu} caches with the cache off`,
    );
    if (cache.mode === 'validated') continue;
    check(
      !ci.dead && vspace.index.get(ci.id) === ci,
      'lookup-cache',
      'pinned-dead',
      () => `cpu ${cpu} pins cluster ${ci.id}, which is DEAD or no longer indexed`,
    );
    pins.set(ci, (pins.get(ci) ?? 0) + 1);
  }
  return pins;
}

function auditFolios(state: SwapState): void {
  for (const folio of state.folios.all()) {
    const at = `folio ${folio.pfn}`;
    check(
      state.memcg.isValid(folio.memcg),
      'memcg-accounting',
      'folio-memcg-invalid',
      () => `${at} is charged to memcg id ${folio.memcg}`,
    );
    check(
      folio.pfn < state.folios.nextPfn && folio.pages.length === 2 ** folio.order,
      'identity',
      'folio-order-pages',
      () => `${at} has order ${folio.order} and ${folio.pages.length} pages`,
    );
    check(
      folio.mappers.size > 0 || folio.swapcache,
      'identity',
      'folio-held-by-nothing',
      () => `${at} is held by nothing`,
    );
    check(
      folio.swapcache || folio.dirty,
      'content',
      'folio-clean-outside-cache',
      () => `${at} is clean outside the swap cache`,
    );
    let maps = 0;
    for (const holder of folio.mappers) {
      const word = state.holders[holder] ?? 0;
      check(
        holderIsPresent(word) && holderToPfn(word) === folio.pfn,
        'identity',
        'rmap-holder-maps-other',
        () => `${at} rmap lists holder ${holder}, which maps something else`,
      );
      maps++;
    }
    const pageMaps = folio.pageMaps.reduce((sum, n) => sum + n, 0);
    check(
      pageMaps === maps,
      'identity',
      'page-map-counts',
      () => `${at} page map counts ${pageMaps}, rmap ${maps}`,
    );
    if (!folio.swapcache) continue;
    const locs = state.entriesOf(folio, 0);
    locs.forEach((loc, page) => {
      const word = state.word(loc);
      check(
        wordIsPfn(word) && wordToPfn(word) === folio.pfn,
        'cache-binding',
        'folio-page-unbound',
        () =>
          `${at} page ${page} bound to ${formatEntryValue(loc.value)}, ` +
          `which holds ${hex(word)}`,
      );
    });
  }
}

function auditZswap(state: SwapState, handles: Map<number, number>): void {
  for (const [handle, owners] of handles) {
    check(
      owners === 1 && state.zswap.isLive(handle),
      'backend-ownership',
      'zswap-handle-owners',
      () => `zswap handle ${handle} owned ${owners} times, live ${state.zswap.isLive(handle)}`,
    );
  }
  check(
    handles.size === state.zswap.stored,
    'backend-ownership',
    'zswap-pool-stored',
    () => `zswap pool holds ${state.zswap.stored} objects, entries own ${handles.size}`,
  );
}

function auditCounters(state: SwapState): void {
  let free = 0;
  let total = 0;
  for (const device of state.devices) {
    if (!device.online) continue;
    total += device.pages;
    free += device.pages - device.inuse;
  }
  check(
    free === state.counters.nrSwapPages && total === state.counters.totalSwapPages,
    'device-accounting',
    'nr-swap-pages',
    () =>
      `nr_swap_pages ${state.counters.nrSwapPages} total ` +
      `${state.counters.totalSwapPages}, devices say ${free} and ${total}`,
  );
}

/**
 * The allocation claims of the op just applied: an -ENOSPC had no aligned free run where it
 * looked (the virtual space; physically, every write-ok device, or for a large folio the one
 * device swap_alloc_slow() tried, not counting empty clusters still waiting for discard), and
 * a virtual-first allocation that fell back to a physical device found no aligned free run in
 * the virtual space.
 */
function auditAllocClaims(state: SwapState): void {
  // Order exclusivity (cluster_is_usable()): a large run lands only in an empty cluster, which
  // takes its order, or in one of its order; order-0 runs may steal from any cluster. A cluster
  // keeps its order until it is empty, so this holds after the op unless a failure path freed
  // the run and emptied the cluster (order 0 again).
  const alloc = state.allocated;
  if (alloc !== null && alloc.opSeq === state.opSeq && alloc.order > 0) {
    const found = slotOf(state, alloc.value);
    check(
      found === null || found.ci.count === 0 || found.ci.order === alloc.order,
      'cluster-accounting',
      'alloc-order',
      () =>
        `order-${alloc.order} run at ${formatEntryValue(alloc.value)} (cpu ${state.cpu}) in ` +
        `cluster ${found?.ci.id ?? -1} of order ${found?.ci.order ?? -1}`,
    );
  }
  const fallback = state.vswapFallback;
  if (fallback !== null && fallback.opSeq === state.opSeq) {
    check(
      !state.virtualSpace().hasFreeRun(fallback.order),
      'allowance',
      'fallback-with-virtual-run',
      () =>
        `fallback to physical at order ${fallback.order} (cpu ${state.cpu}) with a free virtual run`,
    );
  }
  const note = state.enospc;
  if (note === null || note.opSeq !== state.opSeq) return;
  if (note.space !== 'virtual' && note.tried === null) {
    check(
      !state.allocator.hasFreeRun(note.order),
      'allowance',
      'enospc-physical-run',
      () => `ENOSPC at order ${note.order} (cpu ${state.cpu}) with a free physical run`,
    );
  }
  if (note.space !== 'virtual' && note.tried !== null) {
    const device = state.devices[note.tried];
    const free =
      device?.kind === 'table'
        ? device.hasFreeRun(note.order, false)
        : device?.hasFreeRun(note.order);
    check(
      device !== undefined && free === false,
      'allowance',
      'enospc-tried-device-run',
      () =>
        `ENOSPC at order ${note.order} (cpu ${state.cpu}) with a free run on device ${note.tried ?? -1}, ` +
        'the device it tried',
    );
  }
  if (note.space !== 'physical') {
    check(
      !state.virtualSpace().hasFreeRun(note.order),
      'allowance',
      'enospc-virtual-run',
      () => `ENOSPC at order ${note.order} (cpu ${state.cpu}) with a free virtual run`,
    );
  }
}

/** After a drain: no entries, folios, zswap objects, tables, rmap words or pins are left. */
export function auditEmptyState(state: SwapState): void {
  check(
    state.holders.every((word) => word === 0),
    'drain',
    'drain-holders',
    () => 'a holder is not empty',
  );
  check(
    state.folios.size === 0,
    'drain',
    'drain-folios',
    () => `${state.folios.size} folios are live`,
  );
  check(
    state.zswap.stored === 0 && state.zswapTree.total === 0,
    'drain',
    'drain-zswap',
    () => `${state.zswap.stored} zswap objects are stored`,
  );
  for (let index = 0; index < state.memcg.count; index++) {
    check(
      state.memcg.current(index) === 0,
      'drain',
      'drain-memcg-charge',
      () => `memcg ${index} is still charged ${state.memcg.current(index)} pages of swap`,
    );
  }
  for (const device of state.devices) {
    check(
      device.inuse === 0,
      'drain',
      'drain-device-inuse',
      () => `device ${device.type} has ${device.inuse} in use`,
    );
    if (device.kind === 'table') {
      for (const ci of device.clusters) {
        check(
          ci.count === ci.badCount && ci.extend === null,
          'drain',
          'drain-cluster-count',
          () => `device ${device.type} cluster ${ci.id} count ${ci.count}`,
        );
        check(
          ci.badCount > 0 || ci.table === null,
          'drain',
          'drain-cluster-table',
          () => `device ${device.type} cluster ${ci.id} kept an empty table`,
        );
      }
    }
  }
  const vspace = state.vspace;
  if (vspace === null) return;
  check(
    vspace.inuse === 0,
    'drain',
    'drain-virtual-inuse',
    () => `${vspace.inuse} virtual slots in use`,
  );
  for (const ci of vspace.index.values()) {
    check(
      vspace.isPermanent(ci) && ci.count === ci.badCount,
      'drain',
      'drain-virtual-cluster',
      () => `virtual cluster ${ci.id} is live with count ${ci.count}`,
    );
    check(
      ci.extend === null && ci.vtable.every((vt) => vt === 0),
      'drain',
      'drain-virtual-extend-vtable',
      () => `virtual cluster ${ci.id} kept an extend table or a backend`,
    );
    check(
      ci.memcgTable?.every((id) => id === 0) ?? true,
      'drain',
      'drain-virtual-memcg',
      () => `virtual cluster ${ci.id} kept a memcg id`,
    );
    check(
      ci.pins === 0,
      'drain',
      'drain-virtual-pins',
      () => `virtual cluster ${ci.id} pinned ${ci.pins} times`,
    );
  }
  for (let cpu = 0; cpu < vspace.lookupCache.cpus; cpu++) {
    const ci = vspace.lookupCache.cachedOf(cpu);
    check(
      ci === null || vspace.lookupCache.mode !== 'pinned',
      'drain',
      'drain-cache-pins',
      () => `cpu ${cpu} still pins virtual cluster ${ci?.id ?? -1}`,
    );
  }
}

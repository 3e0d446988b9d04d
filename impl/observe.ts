/**
 * observe(): the design-independent projection of the impl's state (lib/observation.ts), read
 * through the design's own lookup paths. A swapped-out holder's content is read by resolving
 * its entry as CPU `holder % cpus` would (for a virtual entry, through that CPU's lookup cache,
 * without updating it) and then following the swap table word, the zero flag, the zswap index
 * or virtual table word and the device data; so a stale lookup-cache hit or a wrong reverse
 * map shows up as wrong content. Each holder shows its exclusive bit, each entry whether a
 * stale zswap object sits beside its zero flag and the memcg its memcg table records; each
 * memcg its swap page counter (memory.swap.current). Nothing here writes state.
 *
 * Not covered here: white-box invariants (impl/audit.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import type {
  DeviceView,
  EntryView,
  FolioView,
  HolderView,
  Observation,
  ObservationSummary,
} from '../lib/observation.ts';
import { VirtualCluster, type SwapCluster } from './cluster.ts';
import { swpEntry, swpOffset, swpType, VSWAP_TYPE } from './entry-value.ts';
import {
  holderIsExclusive,
  holderIsPresent,
  holderIsSwap,
  holderSwpExclusive,
  holderToEntry,
  holderToPage,
  holderToPfn,
} from './holder-word.ts';
import type { Folio } from './folio-table.ts';
import { memcgIdToIndex } from './memcg.ts';
import type { EntryLoc, SwapState } from './swap-state.ts';
import { wordIsPfn, wordIsShadow, wordToPfn, wordToShadow } from './swap-table-word.ts';

export function observeState(state: SwapState): Observation {
  const cpus = state.config.cpus;
  const lowestHolder = new Map<number, number>();
  const holders: HolderView[] = [];
  for (let holder = 0; holder < state.holders.length; holder++) {
    const word = state.holders[holder] ?? 0;
    if (holderIsSwap(word)) {
      const entry = holderToEntry(word);
      if (!lowestHolder.has(entry)) lowestHolder.set(entry, holder);
    }
    holders.push(observeHolder(state, holder));
  }
  const entries: EntryView[] = [];
  for (const { type, clusters } of spaces(state)) {
    for (const ci of clusters) {
      for (let slot = 0; slot < ci.slots; slot++) {
        const word = ci.word(slot);
        if (!wordIsShadow(word) && !wordIsPfn(word)) continue;
        const value = swpEntry(type, ci.id * ci.slots + slot);
        const cpu = (lowestHolder.get(value) ?? 0) % cpus;
        entries.push(entryView(state, locAt(state, ci, slot, value), cpu));
      }
    }
  }
  const folios: FolioView[] = state.folios.all().map(folioView);
  const devices: DeviceView[] = state.devices.map((device) => ({
    online: device.online,
    writeOk: device.writeOk,
    inuse: device.inuse,
  }));
  assert(holders.length === state.config.holders, 'one view per holder');
  assert(
    entries.every((e, i) => i === 0 || (entries[i - 1]?.entry ?? 0) < e.entry),
    'sorted',
  );
  return {
    holders,
    entries,
    folios,
    devices,
    swapFreePages: state.counters.nrSwapPages,
    zswapStored: state.zswap.stored,
    zswapEnabled: state.zswapEnabled,
    memcgSwapCurrent: state.memcg.snapshot(),
  };
}

/**
 * observeState() without the holder, entry and folio lists, with their lengths. The entries
 * are counted by the same scan; a cluster that sits where its id does not say (which
 * observeState() would list under its id, and slotOf() not find there) is not summarized:
 * that throws, and the caller reads observeState() instead.
 */
export function observeSummary(state: SwapState): ObservationSummary {
  let entryCount = 0;
  for (const device of state.devices) {
    if (device.kind !== 'table' || !device.online) continue;
    device.clusters.forEach((ci, index) => {
      assert(ci.id === index && ci.slots === device.clusterSlots, 'a cluster out of place');
      entryCount += usedSlots(ci);
    });
  }
  const vspace = state.vspace;
  if (vspace !== null) {
    for (const [id, ci] of vspace.index) {
      assert(ci.id === id && ci.slots === vspace.clusterSlots, 'a cluster out of place');
      entryCount += usedSlots(ci);
    }
  }
  return {
    holderCount: state.holders.length,
    entryCount,
    folioCount: state.folios.size,
    devices: state.devices.map((device) => ({
      online: device.online,
      writeOk: device.writeOk,
      inuse: device.inuse,
    })),
    swapFreePages: state.counters.nrSwapPages,
    zswapStored: state.zswap.stored,
    zswapEnabled: state.zswapEnabled,
    memcgSwapCurrent: state.memcg.snapshot(),
  };
}

/** The slots of `ci` that hold an entry (a Shadow or PFN word), as observeState() lists them. */
function usedSlots(ci: SwapCluster): number {
  let used = 0;
  for (let slot = 0; slot < ci.slots; slot++) {
    const word = ci.word(slot);
    if (wordIsShadow(word) || wordIsPfn(word)) used++;
  }
  return used;
}

/** The view of one holder, as observeState() shows it. */
export function observeHolder(state: SwapState, holder: number): HolderView {
  const word = state.holders[holder] ?? 0;
  if (holderIsPresent(word)) {
    const folio = state.folios.of(holderToPfn(word));
    const page = holderToPage(word);
    const exclusive = holderIsExclusive(word);
    return { kind: 'present', folio: folio.pfn, page, content: folio.pages[page] ?? 0, exclusive };
  }
  if (holderIsSwap(word)) {
    const entry = holderToEntry(word);
    const content = contentAt(state, entry, holder % state.config.cpus);
    return { kind: 'swap', entry, content, exclusive: holderSwpExclusive(word) };
  }
  return { kind: 'empty' };
}

/**
 * The view of the entry with value `value`, as observeState() shows it with content read on
 * `cpu`, or null when no live entry has that value. The slot is found the way the full scan
 * finds it (the device's cluster array, or the virtual index), not through a lookup cache.
 */
export function observeEntry(state: SwapState, value: number, cpu: number): EntryView | null {
  const found = slotOf(state, value);
  if (found === null) return null;
  const word = found.ci.word(found.slot);
  if (!wordIsShadow(word) && !wordIsPfn(word)) return null;
  return entryView(state, locAt(state, found.ci, found.slot, value), cpu);
}

/** The view of a live folio, or null when no live folio has that id. */
export function observeFolio(state: SwapState, id: number): FolioView | null {
  const folio = state.folios.get(id);
  return folio === undefined ? null : folioView(folio);
}

function folioView(folio: Folio): FolioView {
  return {
    id: folio.pfn,
    order: folio.order,
    dirty: folio.dirty,
    cached: folio.swapcache,
    pages: [...folio.pages],
  };
}

/** The cluster and slot where the full scan would find `value`, or null. */
export function slotOf(state: SwapState, value: number): { ci: SwapCluster; slot: number } | null {
  const type = swpType(value);
  const offset = swpOffset(value);
  if (type === VSWAP_TYPE) {
    const vspace = state.vspace;
    if (vspace === null) return null;
    const ci = vspace.index.get(Math.floor(offset / vspace.clusterSlots));
    return ci === undefined ? null : { ci, slot: offset % vspace.clusterSlots };
  }
  const device = state.devices[type];
  if (device === undefined || device.kind !== 'table' || !device.online) return null;
  const ci = device.clusters[Math.floor(offset / device.clusterSlots)];
  return ci === undefined ? null : { ci, slot: offset % device.clusterSlots };
}

/** The swap spaces holding entries, in entry-value order (physical types, then virtual). */
function spaces(state: SwapState): { type: number; clusters: SwapCluster[] }[] {
  const out: { type: number; clusters: SwapCluster[] }[] = [];
  for (const device of state.devices) {
    if (device.kind === 'table' && device.online) {
      out.push({ type: device.type, clusters: device.clusters });
    }
  }
  if (state.vspace !== null) {
    const clusters = [...state.vspace.index.values()].sort((a, b) => a.id - b.id);
    out.push({ type: VSWAP_TYPE, clusters });
  }
  return out;
}

/** The entry found at `slot` of `ci` by the scan (not through a lookup). */
function locAt(state: SwapState, ci: SwapCluster, slot: number, value: number): EntryLoc {
  if (ci instanceof VirtualCluster) return state.locOf(ci, slot);
  const loc = state.peek(value, 0);
  assertThat(loc.cluster === ci && loc.slot === slot, 'scan and lookup disagree on ', value);
  return loc;
}

function entryView(state: SwapState, loc: EntryLoc, cpu: number): EntryView {
  const word = state.word(loc);
  const folio = wordIsPfn(word) ? state.folios.get(wordToPfn(word)) : undefined;
  const cache = folio === undefined ? null : { folio: folio.pfn, page: loc.value - folio.swap };
  return {
    entry: loc.value,
    count: state.count(loc),
    cache,
    shadow: wordIsShadow(word) && wordToShadow(word) !== 0,
    backend: state.backendKind(loc),
    device: state.backendDevice(loc),
    virtual: loc.virtual,
    // A physical entry is found the same way on every CPU: where the scan found it.
    content: loc.virtual ? contentAt(state, loc.value, cpu) : contentOf(state, loc),
    staleZswap: state.hasStaleZswap(loc),
    memcg: recordedMemcg(state, loc),
  };
}

/** The memcg the entry's memcg table records (index into Config.memcgs, null for the root). */
function recordedMemcg(state: SwapState, loc: EntryLoc): number | null {
  const id = state.memcgIdOf(loc);
  assertThat(state.memcg.isValid(id), loc.value, ' records memcg id ', id);
  return memcgIdToIndex(id);
}

/** What a read of `entry` returns on `cpu`. */
function contentAt(state: SwapState, entry: number, cpu: number): number | 'lost' {
  const loc = state.peek(entry, cpu);
  const word = state.word(loc);
  if (!wordIsShadow(word) && !wordIsPfn(word)) return 'lost';
  return contentOf(state, loc);
}

function contentOf(state: SwapState, loc: EntryLoc): number | 'lost' {
  const word = state.word(loc);
  assertThat(wordIsShadow(word) || wordIsPfn(word), 'content of unused ', loc.value);
  if (wordIsPfn(word)) {
    const folio = state.folios.get(wordToPfn(word));
    if (folio === undefined || !folio.swapcache) return 'lost';
    return folio.pages[loc.value - folio.swap] ?? 'lost';
  }
  return state.peekBackend(loc) ?? 'lost';
}

/**
 * observe(): the design-independent projection of the impl's state (lib/observation.ts), read
 * through the design's own lookup paths. A swapped-out holder's content is read by resolving
 * its entry as CPU `holder % cpus` would (for a virtual entry, through that CPU's lookup cache,
 * without updating it) and then following the swap table word, the zero flag, the zswap index
 * or virtual table word and the device data; so a stale lookup-cache hit or a wrong reverse
 * map shows up as wrong content. Nothing here writes state.
 *
 * Not covered here: white-box invariants (impl/audit.ts).
 */
// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { assert } from '../lib/assert.ts';
import type { DeviceView, EntryView, FolioView, HolderView, Observation } from '../lib/observation.ts';
import { VirtualCluster, type SwapCluster } from './cluster.ts';
import { swpEntry, swpOffset, swpType, VSWAP_TYPE } from './entry-value.ts';
import { holderIsPresent, holderIsSwap, holderToEntry, holderToPage, holderToPfn } from './holder-word.ts';
import type { Folio } from './folio-table.ts';
import type { EntryLoc, SwapState } from './swap-state.ts';
import { wordIsPfn, wordIsShadow, wordToPfn, wordToShadow } from './swap-table-word.ts';
export function observeState(state: SwapState): Observation {
  const cpus = state.config.cpus;
  const lowestHolder = new Map<number, number>();
  const holders: HolderView[] = [];
  for (let holder = 0; holder < state.holders.length; holder++) {
    const word = stryMutAct_9fa48("0") ? state.holders[holder] && 0 : (stryCov_9fa48("0"), state.holders[holder] ?? 0);
    if (stryMutAct_9fa48("2") ? false : stryMutAct_9fa48("1") ? true : (stryCov_9fa48("1", "2"), holderIsSwap(word))) {
      if (stryMutAct_9fa48("3")) {
        {}
      } else {
        stryCov_9fa48("3");
        const entry = holderToEntry(word);
        if (stryMutAct_9fa48("6") ? false : stryMutAct_9fa48("5") ? true : stryMutAct_9fa48("4") ? lowestHolder.has(entry) : (stryCov_9fa48("4", "5", "6"), !lowestHolder.has(entry))) lowestHolder.set(entry, holder);
      }
    }
    holders.push(observeHolder(state, holder));
  }
  const entries: EntryView[] = [];
  for (const {
    type,
    clusters
  } of spaces(state)) {
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
  const devices: DeviceView[] = state.devices.map(device => ({
    online: device.online,
    writeOk: device.writeOk,
    inuse: device.inuse
  }));
  assert(holders.length === state.config.holders, 'one view per holder');
  assert(entries.every((e, i) => i === 0 || (entries[i - 1]?.entry ?? 0) < e.entry), 'sorted');
  return {
    holders,
    entries,
    folios,
    devices,
    swapFreePages: state.counters.nrSwapPages,
    zswapStored: state.zswap.stored,
    zswapEnabled: state.zswapEnabled
  };
}

/** The view of one holder, as observeState() shows it. */
export function observeHolder(state: SwapState, holder: number): HolderView {
  const word = state.holders[holder] ?? 0;
  if (holderIsPresent(word)) {
    const folio = state.folios.of(holderToPfn(word));
    const page = holderToPage(word);
    return {
      kind: 'present',
      folio: folio.pfn,
      page,
      content: folio.pages[page] ?? 0
    };
  }
  if (holderIsSwap(word)) {
    const entry = holderToEntry(word);
    return {
      kind: 'swap',
      entry,
      content: contentAt(state, entry, holder % state.config.cpus)
    };
  }
  return {
    kind: 'empty'
  };
}

/**
 * The view of the entry with value `value`, as observeState() shows it with content read on
 * `cpu`, or null when no live entry has that value. The slot is found the way the full scan
 * finds it (the device's cluster array, or the virtual index), not through a lookup cache.
 */
export function observeEntry(state: SwapState, value: number, cpu: number): EntryView | null {
  if (stryMutAct_9fa48("7")) {
    {}
  } else {
    stryCov_9fa48("7");
    const found = slotOf(state, value);
    if (stryMutAct_9fa48("10") ? found !== null : stryMutAct_9fa48("9") ? false : stryMutAct_9fa48("8") ? true : (stryCov_9fa48("8", "9", "10"), found === null)) return null;
    const word = found.ci.word(found.slot);
    if (stryMutAct_9fa48("13") ? !wordIsShadow(word) || !wordIsPfn(word) : stryMutAct_9fa48("12") ? false : stryMutAct_9fa48("11") ? true : (stryCov_9fa48("11", "12", "13"), (stryMutAct_9fa48("14") ? wordIsShadow(word) : (stryCov_9fa48("14"), !wordIsShadow(word))) && (stryMutAct_9fa48("15") ? wordIsPfn(word) : (stryCov_9fa48("15"), !wordIsPfn(word))))) return null;
    return entryView(state, locAt(state, found.ci, found.slot, value), cpu);
  }
}

/** The view of a live folio, or null when no live folio has that id. */
export function observeFolio(state: SwapState, id: number): FolioView | null {
  if (stryMutAct_9fa48("16")) {
    {}
  } else {
    stryCov_9fa48("16");
    const folio = state.folios.get(id);
    return (stryMutAct_9fa48("19") ? folio !== undefined : stryMutAct_9fa48("18") ? false : stryMutAct_9fa48("17") ? true : (stryCov_9fa48("17", "18", "19"), folio === undefined)) ? null : folioView(folio);
  }
}
function folioView(folio: Folio): FolioView {
  return {
    id: folio.pfn,
    order: folio.order,
    dirty: folio.dirty,
    cached: folio.swapcache,
    pages: [...folio.pages]
  };
}

/** The cluster and slot where the full scan would find `value`, or null. */
export function slotOf(state: SwapState, value: number): {
  ci: SwapCluster;
  slot: number;
} | null {
  if (stryMutAct_9fa48("20")) {
    {}
  } else {
    stryCov_9fa48("20");
    const type = swpType(value);
    const offset = swpOffset(value);
    if (stryMutAct_9fa48("23") ? type !== VSWAP_TYPE : stryMutAct_9fa48("22") ? false : stryMutAct_9fa48("21") ? true : (stryCov_9fa48("21", "22", "23"), type === VSWAP_TYPE)) {
      if (stryMutAct_9fa48("24")) {
        {}
      } else {
        stryCov_9fa48("24");
        const vspace = state.vspace;
        if (stryMutAct_9fa48("27") ? vspace !== null : stryMutAct_9fa48("26") ? false : stryMutAct_9fa48("25") ? true : (stryCov_9fa48("25", "26", "27"), vspace === null)) return null;
        const ci = vspace.index.get(Math.floor(stryMutAct_9fa48("28") ? offset * vspace.clusterSlots : (stryCov_9fa48("28"), offset / vspace.clusterSlots)));
        return (stryMutAct_9fa48("31") ? ci !== undefined : stryMutAct_9fa48("30") ? false : stryMutAct_9fa48("29") ? true : (stryCov_9fa48("29", "30", "31"), ci === undefined)) ? null : stryMutAct_9fa48("32") ? {} : (stryCov_9fa48("32"), {
          ci,
          slot: stryMutAct_9fa48("33") ? offset * vspace.clusterSlots : (stryCov_9fa48("33"), offset % vspace.clusterSlots)
        });
      }
    }
    const device = state.devices[type];
    if (stryMutAct_9fa48("36") ? (device === undefined || device.kind !== 'table') && !device.online : stryMutAct_9fa48("35") ? false : stryMutAct_9fa48("34") ? true : (stryCov_9fa48("34", "35", "36"), (stryMutAct_9fa48("38") ? device === undefined && device.kind !== 'table' : stryMutAct_9fa48("37") ? false : (stryCov_9fa48("37", "38"), (stryMutAct_9fa48("40") ? device !== undefined : stryMutAct_9fa48("39") ? false : (stryCov_9fa48("39", "40"), device === undefined)) || (stryMutAct_9fa48("42") ? device.kind === 'table' : stryMutAct_9fa48("41") ? false : (stryCov_9fa48("41", "42"), device.kind !== (stryMutAct_9fa48("43") ? "" : (stryCov_9fa48("43"), 'table')))))) || (stryMutAct_9fa48("44") ? device.online : (stryCov_9fa48("44"), !device.online)))) return null;
    const ci = device.clusters[Math.floor(stryMutAct_9fa48("45") ? offset * device.clusterSlots : (stryCov_9fa48("45"), offset / device.clusterSlots))];
    return (stryMutAct_9fa48("48") ? ci !== undefined : stryMutAct_9fa48("47") ? false : stryMutAct_9fa48("46") ? true : (stryCov_9fa48("46", "47", "48"), ci === undefined)) ? null : stryMutAct_9fa48("49") ? {} : (stryCov_9fa48("49"), {
      ci,
      slot: stryMutAct_9fa48("50") ? offset * device.clusterSlots : (stryCov_9fa48("50"), offset % device.clusterSlots)
    });
  }
}

/** The swap spaces holding entries, in entry-value order (physical types, then virtual). */
function spaces(state: SwapState): {
  type: number;
  clusters: SwapCluster[];
}[] {
  const out: {
    type: number;
    clusters: SwapCluster[];
  }[] = [];
  for (const device of state.devices) {
    if (device.kind === 'table' && device.online) {
      out.push({
        type: device.type,
        clusters: device.clusters
      });
    }
  }
  if (state.vspace !== null) {
    const clusters = stryMutAct_9fa48("51") ? [...state.vspace.index.values()] : (stryCov_9fa48("51"), (stryMutAct_9fa48("52") ? [] : (stryCov_9fa48("52"), [...state.vspace.index.values()])).sort(stryMutAct_9fa48("53") ? () => undefined : (stryCov_9fa48("53"), (a, b) => stryMutAct_9fa48("54") ? a.id + b.id : (stryCov_9fa48("54"), a.id - b.id))));
    out.push({
      type: VSWAP_TYPE,
      clusters
    });
  }
  return out;
}

/** The entry found at `slot` of `ci` by the scan (not through a lookup). */
function locAt(state: SwapState, ci: SwapCluster, slot: number, value: number): EntryLoc {
  if (stryMutAct_9fa48("56") ? false : stryMutAct_9fa48("55") ? true : (stryCov_9fa48("55", "56"), ci instanceof VirtualCluster)) return state.locOf(ci, slot);
  const loc = state.peek(value, 0);
  assert(loc.cluster === ci && loc.slot === slot, () => `scan and lookup disagree on ${value}`);
  return loc;
}
function entryView(state: SwapState, loc: EntryLoc, cpu: number): EntryView {
  const word = state.word(loc);
  const folio = wordIsPfn(word) ? state.folios.get(wordToPfn(word)) : undefined;
  const cache = folio === undefined ? null : {
    folio: folio.pfn,
    page: loc.value - folio.swap
  };
  return {
    entry: loc.value,
    count: state.count(loc),
    cache,
    shadow: wordIsShadow(word) && wordToShadow(word) !== 0,
    backend: state.backendKind(loc),
    device: state.backendDevice(loc),
    virtual: loc.virtual,
    content: contentAt(state, loc.value, cpu)
  };
}

/** What a read of `entry` returns on `cpu`. */
function contentAt(state: SwapState, entry: number, cpu: number): number | 'lost' {
  const loc = state.peek(entry, cpu);
  const word = state.word(loc);
  if (stryMutAct_9fa48("59") ? !wordIsShadow(word) || !wordIsPfn(word) : stryMutAct_9fa48("58") ? false : stryMutAct_9fa48("57") ? true : (stryCov_9fa48("57", "58", "59"), (stryMutAct_9fa48("60") ? wordIsShadow(word) : (stryCov_9fa48("60"), !wordIsShadow(word))) && (stryMutAct_9fa48("61") ? wordIsPfn(word) : (stryCov_9fa48("61"), !wordIsPfn(word))))) return stryMutAct_9fa48("62") ? "" : (stryCov_9fa48("62"), 'lost');
  return contentOf(state, loc);
}
function contentOf(state: SwapState, loc: EntryLoc): number | 'lost' {
  const word = state.word(loc);
  assert(wordIsShadow(word) || wordIsPfn(word), () => `content of unused ${loc.value}`);
  if (wordIsPfn(word)) {
    const folio = state.folios.get(wordToPfn(word));
    if (folio === undefined || !folio.swapcache) return stryMutAct_9fa48("63") ? "" : (stryCov_9fa48("63"), 'lost');
    return folio.pages[loc.value - folio.swap] ?? (stryMutAct_9fa48("64") ? "" : (stryCov_9fa48("64"), 'lost'));
  }
  return state.peekBackend(loc) ?? (stryMutAct_9fa48("65") ? "" : (stryCov_9fa48("65"), 'lost'));
}
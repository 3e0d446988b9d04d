/**
 * The model's Observation: the design-independent projection of its state that the harness
 * compares with an impl's after every op (lib/observation.ts). Entries are keyed by serial and
 * sorted; folios are sorted by id; devices come in config order. The content of a swap holder
 * is its entry's content: the cached page if the entry is in the swap cache, else its backend's.
 *
 * Not covered here: the impl side of the projection, and the translation of impl entry values
 * to serials (properties/checker.ts).
 */
import { unreachable } from '../lib/assert.ts';
import type { Config } from '../lib/config.ts';
import type {
  DeviceView,
  EntryView,
  FolioView,
  HolderView,
  Observation,
} from '../lib/observation.ts';
import {
  cacheOf,
  entryAt,
  entryContent,
  entryDevice,
  folioAt,
  inuse,
  memcgSwapCurrent,
  pageContent,
  swapFreePages,
  zswapStored,
} from './state.ts';
import type { Entry, Folio, Holder, ModelState } from './state.ts';

/** Projects the state to an Observation. */
export function observeState(state: ModelState, config: Config): Observation {
  const entries = [...state.entries.values()].sort((a, b) => a.serial - b.serial);
  const folios = [...state.folios.values()].sort((a, b) => a.id - b.id);
  return {
    holders: state.holders.map((holder) => holderViewOf(state, holder)),
    entries: entries.map((entry) => entryViewOf(state, entry)),
    folios: folios.map(folioViewOf),
    ...globalViewOf(state, config),
  };
}

/** The parts of the Observation that are not per holder, entry or folio. */
export type GlobalView = Pick<
  Observation,
  'devices' | 'swapFreePages' | 'zswapStored' | 'zswapEnabled' | 'memcgSwapCurrent'
>;

/** Devices, free swap pages, zswap and memcg swap usage as observeState() shows them. */
export function globalViewOf(state: ModelState, config: Config): GlobalView {
  return {
    devices: state.devices.map((device, index): DeviceView => ({
      online: device.online,
      writeOk: device.writeOk,
      inuse: inuse(state, index),
    })),
    swapFreePages: swapFreePages(state, config),
    zswapStored: zswapStored(state),
    zswapEnabled: state.zswapEnabled,
    memcgSwapCurrent: (config.memcgs ?? []).map((_, memcg) => memcgSwapCurrent(state, memcg)),
  };
}

/** The view of one holder. */
export function holderViewOf(state: ModelState, holder: Holder): HolderView {
  switch (holder.kind) {
    case 'empty':
      return { kind: 'empty' };
    case 'present': {
      const content = pageContent(folioAt(state, holder.folio), holder.page);
      return {
        kind: 'present',
        folio: holder.folio,
        page: holder.page,
        content,
        exclusive: holder.exclusive,
      };
    }
    case 'swap': {
      const content = entryContent(state, entryAt(state, holder.entry));
      return { kind: 'swap', entry: holder.entry, content, exclusive: holder.exclusive };
    }
    default:
      return unreachable(holder);
  }
}

/** The view of one live entry. */
export function entryViewOf(state: ModelState, entry: Entry): EntryView {
  const cache = cacheOf(state, entry.serial);
  return {
    entry: entry.serial,
    count: entry.count,
    cache: cache === null ? null : { folio: cache.folio.id, page: cache.page },
    shadow: entry.shadow,
    backend: entry.backend.kind,
    device: entryDevice(entry),
    virtual: entry.space.kind === 'virtual',
    content: entryContent(state, entry, cache),
    staleZswap: entry.staleZswap,
    memcg: entry.memcg,
  };
}

/** The view of one live folio. */
export function folioViewOf(folio: Folio): FolioView {
  return {
    id: folio.id,
    order: folio.order,
    dirty: folio.dirty,
    cached: folio.swap !== null,
    pages: [...folio.pages],
  };
}

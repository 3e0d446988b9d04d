/**
 * The candidate sets the template resolver picks its targets from (properties/op-template.ts),
 * each defined here by a predicate and a scan of the model's observation: the holders that are
 * empty, present, swapped out, present on a swap-cache folio, holding a zswap or a shared
 * entry, ...; the aligned runs of empty holders a fault of each order can take; the live
 * folios that are large, cached, cached and unmapped (dirty or clean). A resolver reads a set
 * in id order: its size, its k-th smallest member, how many members lie below an id (so that
 * it can pick among the hot ids). The same template then resolves to the same op whichever
 * way the sets were found.
 *
 * The scans here (scanCandidates()) are the definition, and what resolveTemplate() uses for a
 * one-off observation. The campaign runner keeps the same sets up to date from each op's
 * footprint instead (properties/candidate-sets.ts), and checks them against these scans in
 * the suite.
 *
 * Not covered here: how a template picks among the candidates (op-template.ts).
 */
import type { Config } from '../lib/config.ts';
import type {
  BackendKind,
  EntryView,
  FolioView,
  HolderView,
  Observation,
} from '../lib/observation.ts';
import type { IdSelection } from './ordered-id-set.ts';

/**
 * Holder sets, by index:
 * - empty, present, swap: the holder view's kind; used: present or swap;
 * - presentCached / presentUncached: present on a folio that is / is not in the swap cache;
 * - finishing: present on a swap-cache folio that is large and partly unmapped (some of its
 *   pages, not all, mapped by a holder);
 * - swapZswap: swapped out to an entry stored in zswap;
 * - swapShared: swapped out to an entry with a count of two or more;
 * - swapLastOfMappedCache: the last reference (count one) of an entry whose swap-cache folio
 *   a holder maps.
 */
export const holderSetNames = [
  'empty',
  'present',
  'swap',
  'used',
  'presentCached',
  'presentUncached',
  'finishing',
  'swapZswap',
  'swapShared',
  'swapLastOfMappedCache',
] as const;
export type HolderSetName = (typeof holderSetNames)[number];

/**
 * Folio sets, by id, over the live folios: all of them; large (order above 0); cached (in the
 * swap cache); unmappedCached (cached, no holder maps it), and of those unmappedDirty and
 * unmappedClean.
 */
export const folioSetNames = [
  'all',
  'large',
  'cached',
  'unmappedCached',
  'unmappedDirty',
  'unmappedClean',
] as const;
export type FolioSetName = (typeof folioSetNames)[number];

/** The candidate sets as a resolver reads them. */
export interface Candidates {
  holders(name: HolderSetName): IdSelection;
  /** The first holders of the aligned runs of 2^order empty holders (within the config). */
  faultStarts(order: number): IdSelection;
  folios(name: FolioSetName): IdSelection;
  /** Indices of the devices that are online (true) or offline (false), ascending. */
  devices(online: boolean): readonly number[];
}

/** What the holder predicates read beyond the holder's own view. */
export interface CandidateFacts {
  folioCached(id: number): boolean;
  /** Some page of the folio is mapped by a present holder. */
  folioMapped(id: number): boolean;
  /** A large folio some but not all of whose pages a present holder maps. */
  folioPartlyMapped(id: number): boolean;
  /** The live entry's count, backend and swap-cache folio; undefined when not live. */
  entry(serial: number): EntryFacts | undefined;
}

export interface EntryFacts {
  readonly count: number;
  readonly backend: BackendKind;
  readonly cacheFolio: number | null;
}

/** Whether holder `view` belongs to the holder set `name`. */
export function holderIn(name: HolderSetName, view: HolderView, facts: CandidateFacts): boolean {
  switch (name) {
    case 'empty':
      return view.kind === 'empty';
    case 'present':
      return view.kind === 'present';
    case 'swap':
      return view.kind === 'swap';
    case 'used':
      return view.kind !== 'empty';
    case 'presentCached':
      return view.kind === 'present' && facts.folioCached(view.folio);
    case 'presentUncached':
      return view.kind === 'present' && !facts.folioCached(view.folio);
    case 'finishing':
      return (
        view.kind === 'present' &&
        facts.folioCached(view.folio) &&
        facts.folioPartlyMapped(view.folio)
      );
    case 'swapZswap':
      return view.kind === 'swap' && facts.entry(view.entry)?.backend === 'zswap';
    case 'swapShared':
      return view.kind === 'swap' && (facts.entry(view.entry)?.count ?? 0) >= 2;
    case 'swapLastOfMappedCache': {
      if (view.kind !== 'swap') return false;
      const entry = facts.entry(view.entry);
      return (
        entry !== undefined &&
        entry.count === 1 &&
        entry.cacheFolio !== null &&
        facts.folioMapped(entry.cacheFolio)
      );
    }
  }
}

/** What the folio predicates read: the folio's view and whether a holder maps it. */
export interface FolioFacts {
  readonly order: number;
  readonly cached: boolean;
  readonly dirty: boolean;
}

/** Whether live folio `folio` belongs to the folio set `name`. */
export function folioIn(name: FolioSetName, folio: FolioFacts, mapped: boolean): boolean {
  switch (name) {
    case 'all':
      return true;
    case 'large':
      return folio.order > 0;
    case 'cached':
      return folio.cached;
    case 'unmappedCached':
      return folio.cached && !mapped;
    case 'unmappedDirty':
      return folio.cached && !mapped && folio.dirty;
    case 'unmappedClean':
      return folio.cached && !mapped && !folio.dirty;
  }
}

/** Whether the 2^order holders from `start` are all empty and within the config. */
export function faultStartFree(
  config: Config,
  holders: readonly HolderView[],
  order: number,
  start: number,
): boolean {
  const size = 2 ** order;
  if (start % size !== 0 || start + size > config.holders) return false;
  for (let i = start; i < start + size; i++) if (holders[i]?.kind !== 'empty') return false;
  return true;
}

/** A sorted array read as an IdSelection. */
export class SortedIds implements IdSelection {
  private readonly ids: readonly number[];

  constructor(ids: readonly number[]) {
    this.ids = ids;
  }

  get size(): number {
    return this.ids.length;
  }

  at(k: number): number {
    return this.ids[k] as number;
  }

  has(id: number): boolean {
    return this.ids[this.rank(id)] === id;
  }

  rank(id: number): number {
    let low = 0;
    let high = this.ids.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.ids[middle] as number) < id) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** Distinct pages of each folio mapped by a present holder (one pass over the holders). */
function mappedPagesOf(holders: readonly HolderView[]): Map<number, Set<number>> {
  const mappedPages = new Map<number, Set<number>>();
  for (const view of holders) {
    if (view.kind !== 'present') continue;
    const pages = mappedPages.get(view.folio) ?? new Set<number>();
    pages.add(view.page);
    mappedPages.set(view.folio, pages);
  }
  return mappedPages;
}

/** The facts of an observation, each part found when first asked. */
class ObservationFacts implements CandidateFacts {
  private folios: Map<number, FolioView> | null = null;
  private entries: Map<number, EntryFacts> | null = null;
  private mappedPages: Map<number, Set<number>> | null = null;
  private readonly observation: Observation;

  constructor(observation: Observation) {
    this.observation = observation;
  }

  folio(id: number): FolioView | undefined {
    this.folios ??= new Map(this.observation.folios.map((f) => [f.id, f]));
    return this.folios.get(id);
  }

  folioCached(id: number): boolean {
    return this.folio(id)?.cached === true;
  }

  mappedPageCount(id: number): number {
    this.mappedPages ??= mappedPagesOf(this.observation.holders);
    return this.mappedPages.get(id)?.size ?? 0;
  }

  folioMapped(id: number): boolean {
    return this.mappedPageCount(id) > 0;
  }

  folioPartlyMapped(id: number): boolean {
    const folio = this.folio(id);
    const mapped = this.mappedPageCount(id);
    return folio !== undefined && folio.order > 0 && mapped > 0 && mapped < folio.pages.length;
  }

  entry(serial: number): EntryFacts | undefined {
    this.entries ??= new Map(
      this.observation.entries.map((e: EntryView) => [
        e.entry,
        { count: e.count, backend: e.backend, cacheFolio: e.cache?.folio ?? null },
      ]),
    );
    return this.entries.get(serial);
  }
}

/** The candidate sets of one observation, each found by its scan when first read. */
export function scanCandidates(config: Config, observation: Observation): Candidates {
  const facts = new ObservationFacts(observation);
  const holderSets = new Map<HolderSetName, SortedIds>();
  const folioSets = new Map<FolioSetName, SortedIds>();
  const starts = new Map<number, SortedIds>();
  return {
    holders(name) {
      let set = holderSets.get(name);
      if (set === undefined) {
        const ids: number[] = [];
        observation.holders.forEach((view, index) => {
          if (holderIn(name, view, facts)) ids.push(index);
        });
        set = new SortedIds(ids);
        holderSets.set(name, set);
      }
      return set;
    },
    faultStarts(order) {
      let set = starts.get(order);
      if (set === undefined) {
        const ids: number[] = [];
        for (let start = 0; start < config.holders; start++)
          if (faultStartFree(config, observation.holders, order, start)) ids.push(start);
        set = new SortedIds(ids);
        starts.set(order, set);
      }
      return set;
    },
    folios(name) {
      let set = folioSets.get(name);
      if (set === undefined) {
        const ids = observation.folios
          .filter((folio) => folioIn(name, folio, facts.folioMapped(folio.id)))
          .map((folio) => folio.id);
        set = new SortedIds(ids);
        folioSets.set(name, set);
      }
      return set;
    },
    devices(online) {
      return observation.devices.flatMap((d, i) => (d.online === online ? [i] : []));
    },
  };
}

/**
 * The candidate sets of properties/candidates.ts, kept up to date op by op instead of found
 * by scanning every holder, entry and folio before each op: the campaign runner's template
 * resolution then costs O(log n) per read and does not grow with the machine.
 *
 * After each op the sets read what the model says the op reached (SwapModel.footprint(): the
 * holders it wrote, the entries and folios it changed) and re-decide membership only where it
 * can have changed: the holders the op wrote; the holders of the entries it changed; and for
 * each folio it changed or whose mapping changed, the folio itself, the holders that map it
 * and the holders of the entries in its swap cache. For that they keep, beside the sets, the
 * facts the predicates read (each live folio's order, cached and dirty bits, which holders map
 * which of its pages; each live entry's count, backend and swap-cache folio; which holders
 * hold it). The membership masks computed here (holderMask(), folioMask()) are the
 * predicates of candidates.ts holderIn() and folioIn() worked out in one pass. An op that may
 * have reached everything (swapon, swapoff) is taken in from the whole observation instead:
 * O(holders + entries + folios), as the full check the checker runs after those ops.
 *
 * Each set is an OrderedIdSet (ids in order, k-th member and rank in O(log n)), so a resolver
 * picks exactly the member the scan would have picked for the same template. check()
 * recomputes every set by its scan and names the first that differs; the suite runs it after
 * every op (properties/candidate-sets.test.ts).
 *
 * Not covered here: the sets' definitions (candidates.ts), how a template picks (op-template.ts).
 */
import { AssertionError } from '../lib/assert.ts';
import type { Config } from '../lib/config.ts';
import type { HolderView, Observation } from '../lib/observation.ts';
import type { SwapModel } from '../model/swap-model.ts';
import type {
  Candidates,
  EntryFacts,
  FolioFacts,
  FolioSetName,
  HolderSetName,
} from './candidates.ts';
import { folioSetNames, holderSetNames, scanCandidates } from './candidates.ts';
import type { IdSelection } from './ordered-id-set.ts';
import { OrderedIdSet } from './ordered-id-set.ts';

/** What the sets read of the checker: the model (its footprint and per-item views) and the
 * observation whose holder views are the model's after the last op. */
export interface CandidateSource {
  readonly model: SwapModel;
  readonly observation: Observation;
}

/** The bit of each holder set in a holder's membership mask. */
function holderBit(name: HolderSetName): number {
  return 1 << holderSetNames.indexOf(name);
}
const empty = holderBit('empty');
const present = holderBit('present');
const swap = holderBit('swap');
const used = holderBit('used');
const presentCached = holderBit('presentCached');
const presentUncached = holderBit('presentUncached');
const finishing = holderBit('finishing');
const swapZswap = holderBit('swapZswap');
const swapShared = holderBit('swapShared');
const swapLastOfMappedCache = holderBit('swapLastOfMappedCache');

/** The bit of each folio set in a folio's membership mask. */
function folioBit(name: FolioSetName): number {
  return 1 << folioSetNames.indexOf(name);
}
const folioAll = folioBit('all');
const folioLarge = folioBit('large');
const folioCached = folioBit('cached');
const folioUnmappedCached = folioBit('unmappedCached');
const folioUnmappedDirty = folioBit('unmappedDirty');
const folioUnmappedClean = folioBit('unmappedClean');

/** The folio sets' first capacity (they grow by doubling past it). */
const folioIdsFirst = 128;

interface FolioKept extends FolioFacts {
  readonly pages: number;
}

/** The fault starts of one order, kept as aligned block numbers and read as holder ids. */
class BlockStarts implements IdSelection {
  readonly blocks: OrderedIdSet;
  private readonly blockSize: number;

  constructor(blockSize: number, holders: number) {
    this.blockSize = blockSize;
    this.blocks = new OrderedIdSet(Math.ceil(holders / blockSize));
  }

  get size(): number {
    return this.blocks.size;
  }

  at(k: number): number {
    return this.blocks.at(k) * this.blockSize;
  }

  rank(id: number): number {
    return this.blocks.rank(Math.ceil(id / this.blockSize));
  }

  has(id: number): boolean {
    return id % this.blockSize === 0 && this.blocks.has(id / this.blockSize);
  }
}

export class CandidateSets implements Candidates {
  private readonly config: Config;
  private readonly source: CandidateSource;
  /** The holder views the sets were last decided on (by index). */
  private readonly views: HolderView[] = [];
  private readonly holderMasks: Uint16Array;
  private readonly holderSets: readonly OrderedIdSet[];
  private readonly holderSetByName: Readonly<Record<HolderSetName, OrderedIdSet>>;
  private readonly folioMasks = new Map<number, number>();
  /** Folio ids only grow: the folio sets start with room for a run's worth of them. */
  private readonly folioSets = folioSetNames.map(() => new OrderedIdSet(folioIdsFirst));
  private readonly folioSetByName = Object.fromEntries(
    folioSetNames.map((name, i) => [name, this.folioSets[i] as OrderedIdSet]),
  ) as Readonly<Record<FolioSetName, OrderedIdSet>>;
  /** Scratch sets of afterStep(): what to decide again. */
  private readonly holdersChanged = new Set<number>();
  private readonly foliosChanged = new Set<number>();
  /** Per order: empty holders in each aligned block, and the blocks wholly empty. */
  private readonly emptyInBlock: Uint32Array[] = [];
  private readonly starts: BlockStarts[] = [];
  private readonly folioFacts = new Map<number, FolioKept>();
  /** Present holders by folio, and per folio how many of them map each page. */
  private readonly folioHolders = new Map<number, Set<number>>();
  private readonly folioPageHolders = new Map<number, Map<number, number>>();
  private readonly entryFacts = new Map<number, EntryFacts>();
  /** Swapped-out holders by entry serial. */
  private readonly entryHolders = new Map<number, Set<number>>();
  /** Entries by the folio that is their swap cache. */
  private readonly cacheEntries = new Map<number, Set<number>>();

  constructor(config: Config, source: CandidateSource) {
    this.config = config;
    this.source = source;
    this.holderSets = holderSetNames.map(() => new OrderedIdSet(config.holders));
    this.holderSetByName = Object.fromEntries(
      holderSetNames.map((name, i) => [name, this.holderSets[i] as OrderedIdSet]),
    ) as Readonly<Record<HolderSetName, OrderedIdSet>>;
    this.holderMasks = new Uint16Array(config.holders);
    for (let order = 0; order <= config.orderMax; order++) {
      this.emptyInBlock.push(new Uint32Array(Math.ceil(config.holders / 2 ** order)));
      this.starts.push(new BlockStarts(2 ** order, config.holders));
    }
    // Start from a machine of empty holders and no entries or folios, then take the state in.
    const emptyView: HolderView = { kind: 'empty' };
    for (let index = 0; index < config.holders; index++) this.views.push(emptyView);
    this.emptyInBlock.forEach((counts, order) => {
      const size = 2 ** order;
      counts.forEach((_, block) => {
        counts[block] = Math.min(size, config.holders - block * size);
      });
      const starts = (this.starts[order] as BlockStarts).blocks;
      starts.assign(counts.length, (block) => counts[block] === size);
    });
    this.resync(true);
  }

  holders(name: HolderSetName): IdSelection {
    return this.holderSetByName[name];
  }

  faultStarts(order: number): IdSelection {
    return this.starts[order] as BlockStarts;
  }

  folios(name: FolioSetName): IdSelection {
    return this.folioSetByName[name];
  }

  devices(online: boolean): readonly number[] {
    const onlineDevices = this.source.model.onlineDevices();
    if (online) return onlineDevices;
    const offline: number[] = [];
    for (let i = 0; i < this.config.devices.length; i++)
      if (!onlineDevices.includes(i)) offline.push(i);
    return offline;
  }

  private folioCached(id: number): boolean {
    return this.folioFacts.get(id)?.cached === true;
  }

  /** A large folio some but not all of whose pages a present holder maps. */
  private folioPartlyMapped(id: number): boolean {
    const folio = this.folioFacts.get(id);
    const mapped = this.folioPageHolders.get(id)?.size ?? 0;
    return folio !== undefined && folio.order > 0 && mapped > 0 && mapped < folio.pages;
  }

  /** Brings the sets up to date with the op the model applied last. */
  afterStep(): void {
    const { model, observation } = this.source;
    const footprint = model.footprint();
    if (footprint.everything) {
      this.resync(false);
      return;
    }
    const { holdersChanged, foliosChanged } = this;
    holdersChanged.clear();
    foliosChanged.clear();
    const holders = observation.holders;
    for (const index of footprint.holders) {
      holdersChanged.add(index);
      this.relink(index, holders[index] as HolderView);
    }
    for (const serial of footprint.entries) {
      const view = model.entryView(serial);
      this.setEntry(
        serial,
        view === null
          ? undefined
          : { count: view.count, backend: view.backend, cacheFolio: view.cache?.folio ?? null },
      );
    }
    for (const id of footprint.folios) {
      foliosChanged.add(id);
      const view = model.folioView(id);
      if (view === null) this.folioFacts.delete(id);
      else
        this.folioFacts.set(id, {
          order: view.order,
          cached: view.cached,
          dirty: view.dirty,
          pages: view.pages.length,
        });
    }
    this.decideChanged(footprint.entries);
  }

  /**
   * Takes in a state that any part of may have changed (after swapon and swapoff): relinks
   * the holders whose links changed, and sets the facts of every live entry and folio from
   * the observation (O(holders + entries + folios), as the full check the checker runs after
   * those ops). `all` decides every holder and folio again (the first time).
   */
  private resync(all: boolean): void {
    const { holdersChanged, foliosChanged } = this;
    const observation = this.source.observation;
    holdersChanged.clear();
    foliosChanged.clear();
    const holders = observation.holders;
    for (let index = 0; index < holders.length; index++) {
      const relinked = this.relink(index, holders[index] as HolderView);
      if (relinked && !all) holdersChanged.add(index);
    }
    const entries: number[] = [];
    const live = new Set<number>();
    for (const view of observation.entries) {
      live.add(view.entry);
      const kept = this.entryFacts.get(view.entry);
      const cacheFolio = view.cache?.folio ?? null;
      if (
        kept === undefined ||
        kept.count !== view.count ||
        kept.backend !== view.backend ||
        kept.cacheFolio !== cacheFolio
      ) {
        this.setEntry(view.entry, { count: view.count, backend: view.backend, cacheFolio });
        entries.push(view.entry);
      }
    }
    for (const serial of this.entryFacts.keys()) {
      if (!live.has(serial)) {
        this.setEntry(serial, undefined);
        entries.push(serial);
      }
    }
    const folios = new Set<number>();
    for (const view of observation.folios) {
      folios.add(view.id);
      const kept = this.folioFacts.get(view.id);
      if (
        all ||
        kept === undefined ||
        kept.order !== view.order ||
        kept.cached !== view.cached ||
        kept.dirty !== view.dirty ||
        kept.pages !== view.pages.length
      ) {
        this.folioFacts.set(view.id, {
          order: view.order,
          cached: view.cached,
          dirty: view.dirty,
          pages: view.pages.length,
        });
        foliosChanged.add(view.id);
      }
    }
    for (const id of this.folioFacts.keys()) {
      if (!folios.has(id)) {
        this.folioFacts.delete(id);
        foliosChanged.add(id);
      }
    }
    if (all) this.decideAll();
    else this.decideChanged(entries);
  }

  /** Decides every folio and holder; the holder sets are built from the masks in linear time. */
  private decideAll(): void {
    for (const id of this.foliosChanged) this.decideFolio(id);
    const { views, holderMasks } = this;
    for (let index = 0; index < this.config.holders; index++)
      holderMasks[index] = this.holderMask(views[index] as HolderView);
    this.holderSets.forEach((set, i) => {
      set.assign(this.config.holders, (index) => (((holderMasks[index] ?? 0) >> i) & 1) === 1);
    });
  }

  /** Decides again the folios in foliosChanged and the holders their changes and those of
   * `entries` can reach, with the holders in holdersChanged. */
  private decideChanged(entries: readonly number[]): void {
    const { holdersChanged, foliosChanged } = this;
    for (const serial of entries)
      for (const index of this.entryHolders.get(serial) ?? []) holdersChanged.add(index);
    for (const id of foliosChanged) {
      this.decideFolio(id);
      for (const index of this.folioHolders.get(id) ?? []) holdersChanged.add(index);
      for (const serial of this.cacheEntries.get(id) ?? [])
        for (const index of this.entryHolders.get(serial) ?? []) holdersChanged.add(index);
    }
    for (const index of holdersChanged) this.decideHolder(index);
  }

  /** Moves holder `index`'s links to what `view` shows; false when they are the same. A
   * folio whose mapping changes joins foliosChanged. */
  private relink(index: number, view: HolderView): boolean {
    const old = this.views[index] as HolderView;
    if (sameLinks(old, view)) return false;
    this.unlink(index, old);
    this.link(index, view);
    return true;
  }

  /**
   * Recomputes every set by its scan (candidates.ts scanCandidates()) and throws an
   * AssertionError naming the first that differs from the kept one.
   */
  check(): void {
    const scan = scanCandidates(this.config, this.source.observation);
    const differ = (what: string, kept: IdSelection, scanned: IdSelection) => {
      const keptIds = idsOf(kept);
      const scannedIds = idsOf(scanned);
      if (keptIds.join() !== scannedIds.join())
        throw new AssertionError(
          `candidate set ${what}: kept [${keptIds.join(', ')}], scan [${scannedIds.join(', ')}]`,
        );
    };
    for (const name of holderSetNames)
      differ(`holders ${name}`, this.holders(name), scan.holders(name));
    for (let order = 0; order <= this.config.orderMax; order++)
      differ(`fault starts of order ${order}`, this.faultStarts(order), scan.faultStarts(order));
    for (const name of folioSetNames)
      differ(`folios ${name}`, this.folios(name), scan.folios(name));
    for (const online of [true, false]) {
      const kept = this.devices(online).join();
      const scanned = scan.devices(online).join();
      if (kept !== scanned)
        throw new AssertionError(
          `candidate devices online=${online}: kept [${kept}], scan [${scanned}]`,
        );
    }
  }

  /** Drops the links of holder `index`'s view `view` (its folio page or its entry). */
  private unlink(index: number, view: HolderView): void {
    if (view.kind === 'present') {
      this.foliosChanged.add(view.folio);
      const holders = this.folioHolders.get(view.folio);
      holders?.delete(index);
      if (holders?.size === 0) this.folioHolders.delete(view.folio);
      const pages = this.folioPageHolders.get(view.folio);
      const count = (pages?.get(view.page) ?? 0) - 1;
      if (count > 0) pages?.set(view.page, count);
      else pages?.delete(view.page);
      if (pages?.size === 0) this.folioPageHolders.delete(view.folio);
    } else if (view.kind === 'swap') {
      const holders = this.entryHolders.get(view.entry);
      holders?.delete(index);
      if (holders?.size === 0) this.entryHolders.delete(view.entry);
    } else {
      this.countEmpty(index, -1);
    }
  }

  /** Links holder `index` to what its new view `view` shows, and keeps the view. */
  private link(index: number, view: HolderView): void {
    this.views[index] = view;
    if (view.kind === 'present') {
      this.foliosChanged.add(view.folio);
      addTo(this.folioHolders, view.folio, index);
      let pages = this.folioPageHolders.get(view.folio);
      if (pages === undefined) {
        pages = new Map();
        this.folioPageHolders.set(view.folio, pages);
      }
      pages.set(view.page, (pages.get(view.page) ?? 0) + 1);
    } else if (view.kind === 'swap') {
      addTo(this.entryHolders, view.entry, index);
    } else {
      this.countEmpty(index, 1);
    }
  }

  /** Counts holder `index` in or out (`delta`) of the empty holders of its aligned blocks. */
  private countEmpty(index: number, delta: number): void {
    for (let order = 0; order <= this.config.orderMax; order++) {
      const size = 2 ** order;
      const block = Math.floor(index / size);
      const counts = this.emptyInBlock[order] as Uint32Array;
      const count = (counts[block] ?? 0) + delta;
      counts[block] = count;
      const inside = (block + 1) * size <= this.config.holders;
      (this.starts[order] as BlockStarts).blocks.set(block, inside && count === size);
    }
  }

  private setEntry(serial: number, facts: EntryFacts | undefined): void {
    const oldFolio = this.entryFacts.get(serial)?.cacheFolio ?? null;
    const newFolio = facts?.cacheFolio ?? null;
    if (oldFolio !== newFolio) {
      if (oldFolio !== null) {
        const entries = this.cacheEntries.get(oldFolio);
        entries?.delete(serial);
        if (entries?.size === 0) this.cacheEntries.delete(oldFolio);
      }
      if (newFolio !== null) addTo(this.cacheEntries, newFolio, serial);
    }
    if (facts === undefined) this.entryFacts.delete(serial);
    else this.entryFacts.set(serial, facts);
  }

  /** The holder sets `view` belongs to, as a mask: candidates.ts holderIn() for every set. */
  private holderMask(view: HolderView): number {
    if (view.kind === 'empty') return empty;
    if (view.kind === 'present') {
      if (!this.folioCached(view.folio)) return present | used | presentUncached;
      const partly = this.folioPartlyMapped(view.folio);
      return present | used | presentCached | (partly ? finishing : 0);
    }
    let mask = swap | used;
    const entry = this.entryFacts.get(view.entry);
    if (entry === undefined) return mask;
    if (entry.backend === 'zswap') mask |= swapZswap;
    if (entry.count >= 2) mask |= swapShared;
    if (entry.count === 1 && entry.cacheFolio !== null && this.folioHolders.has(entry.cacheFolio))
      mask |= swapLastOfMappedCache;
    return mask;
  }

  private decideHolder(index: number): void {
    const mask = this.holderMask(this.views[index] as HolderView);
    const old = this.holderMasks[index] ?? 0;
    if (mask === old) return;
    this.holderMasks[index] = mask;
    updateSets(this.holderSets, index, old, mask);
  }

  /** The folio sets a live folio belongs to, as a mask: candidates.ts folioIn() for every set. */
  private folioMask(id: number): number {
    const folio = this.folioFacts.get(id);
    if (folio === undefined) return 0;
    let mask = folioAll | (folio.order > 0 ? folioLarge : 0);
    if (!folio.cached) return mask;
    mask |= folioCached;
    if (this.folioHolders.has(id)) return mask;
    return mask | folioUnmappedCached | (folio.dirty ? folioUnmappedDirty : folioUnmappedClean);
  }

  private decideFolio(id: number): void {
    const mask = this.folioMask(id);
    const old = this.folioMasks.get(id) ?? 0;
    if (mask === old) return;
    if (mask === 0) this.folioMasks.delete(id);
    else this.folioMasks.set(id, mask);
    updateSets(this.folioSets, id, old, mask);
  }
}

/** Adds `id` to the sets whose bit `mask` gained over `old`, and deletes it from those it lost. */
function updateSets(sets: readonly OrderedIdSet[], id: number, old: number, mask: number): void {
  for (let changed = old ^ mask, i = 0; changed !== 0; changed >>= 1, i++) {
    if ((changed & 1) !== 0) (sets[i] as OrderedIdSet).set(id, ((mask >> i) & 1) === 1);
  }
}

/** Two holder views link the same folio page or entry (or are both empty). */
function sameLinks(a: HolderView, b: HolderView): boolean {
  if (a.kind === 'present') return b.kind === 'present' && a.folio === b.folio && a.page === b.page;
  if (a.kind === 'swap') return b.kind === 'swap' && a.entry === b.entry;
  return b.kind === 'empty';
}

function addTo(map: Map<number, Set<number>>, key: number, value: number): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

/** The members of a selection in order. */
function idsOf(selection: IdSelection): number[] {
  const ids: number[] = [];
  for (let k = 0; k < selection.size; k++) ids.push(selection.at(k));
  return ids;
}

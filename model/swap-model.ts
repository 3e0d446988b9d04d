/**
 * The reference model of swap-entry semantics: docs/semantics.md written as code, with plain
 * Maps, linear scans and one short method per op. It is meant to be read next to that page;
 * where the two disagree, the page is right and this file has a bug.
 *
 * A page-table slot (a holder) is in one of three states:
 *
 * 1. empty: nothing is mapped.
 * 2. present: it maps page k of a folio.
 * 3. swap: it holds a swap entry.
 *
 * A swap entry, from allocSwap until it is freed, is in one of these states:
 *
 * 1. free: it does not exist (its serial is never reused).
 * 2. cached: a swap-cache folio page is bound to it; its count may be 0 (cache-only).
 * 3. swapped out: not cached, count > 0, and its data lives in the backend, which is the zero
 *    flag, a zswap object or a disk slot; a shadow may be stored.
 *
 * Its backend is `none` (only while cached), `zero`, `zswap` (with the content) or `disk`
 * (with the content and the device). A physical entry occupies a slot on its device for its
 * whole life; a virtual entry occupies a disk slot only while its backend is `disk`.
 *
 * Entry identity is the serial: every allocSwap creates new serials (a new generation), even
 * when the impl reuses the same entry values. Folio ids are never reused either.
 *
 * Design choices. `apply` receives the impl's outcome for the same op and reads only its
 * design-choice fields, only where the contract gives the op that choice: `virtual`, `device`,
 * `reclaimed`, `order` (large swapin), and the errno where ENOSPC or ENOMEM is allowed. An
 * illegal choice gives `{ ok: false, reason }` and leaves the state unchanged.
 *
 * Outcome fields the model reports (absent fields are left out, never set to undefined):
 * - `errno` always; a failing op reports only its errno, except allocSwap's ENOMEM, which also
 *   reports the reclaims that stay.
 * - `how` on write, writeout and swapin.
 * - `order` on a successful swapin that read (not on a cache hit).
 * - `freedCache` on every successful swapin and on a zap of a swap entry.
 * - `virtual` on a successful allocSwap; `device` on a successful allocSwap of physical
 *   entries, on a writeout that allocated disk backing, and on a zswapWriteback of a virtual
 *   entry.
 * - `reclaimed` only when non-empty, and only where reclaims are allowed.
 *
 * Not covered here: concurrency (every op is atomic), the checking of impl entry values for
 * contiguity and alignment (properties/checker.ts), and the impl's audits.
 */
import { assertThat, unreachable } from '../lib/assert.ts';
import { countSentinel, memcgOfHolder } from '../lib/config.ts';
import type { Config } from '../lib/config.ts';
import type {
  BackendKind,
  EntryView,
  FolioView,
  HolderView,
  Observation,
} from '../lib/observation.ts';
import type {
  AllocSwapOp,
  EvictOp,
  FaultOp,
  ForkOp,
  FreeSwapCacheOp,
  Op,
  SetZswapOp,
  SplitOp,
  SwapinOp,
  SwapoffOp,
  SwaponOp,
  UnmapOp,
  WriteOp,
  WriteoutOp,
  ZapOp,
  ZswapWritebackOp,
} from '../lib/ops.ts';
import type { Errno, How, Outcome, Reclaim } from '../lib/outcome.ts';
import { checkInvariants } from './invariants.ts';
import { entryViewOf, folioViewOf, globalViewOf, holderViewOf, observeState } from './observe.ts';
import type { GlobalView } from './observe.ts';
import {
  addEntry,
  bindCache,
  cacheOf,
  checkIndexes,
  deleteEntry,
  deviceConfigAt,
  entryAt,
  entryDevice,
  folioAt,
  folioEntries,
  freePages,
  hasVirtualRoom,
  hasWritableFreePage,
  holderAt,
  holdersOf,
  inRange,
  initialState,
  isMapped,
  isUnused,
  mappersOf,
  memcgChargeFails,
  memcgSwapFull,
  pageContent,
  setBackend,
  setHolder,
  setStaleZswap,
  unbindCache,
  virtualEntries,
  vmSwapFull,
  zswapStored,
} from './state.ts';
import type { Backend, Entry, EntrySpace, Folio, Holder, ModelState } from './state.ts';

/** What one op reached (see SwapModel.footprint()): holder indices, entry serials, folio
 * ids; `everything` when the op may have changed any of them (swapon, swapoff). */
export interface Footprint {
  readonly holders: readonly number[];
  readonly entries: readonly number[];
  readonly folios: readonly number[];
  readonly everything: boolean;
}

interface MutableFootprint {
  readonly holders: Set<number>;
  readonly entries: Set<number>;
  readonly folios: Set<number>;
  everything: boolean;
}

function emptyFootprint(): MutableFootprint {
  return { holders: new Set(), entries: new Set(), folios: new Set(), everything: false };
}

/** The result of one op: the model's outcome and the new serials, or a rejected choice. */
export type ModelStep =
  | { readonly ok: true; readonly outcome: Outcome; readonly created: readonly number[] }
  | { readonly ok: false; readonly reason: string };

/** A live folio as the harness sees it when it picks ops. */
export interface FolioSummary {
  readonly id: number;
  readonly order: number;
  readonly cached: boolean;
  readonly mapped: boolean;
  readonly dirty: boolean;
}

/** A live entry as the harness sees it when it picks ops. */
export interface EntrySummary {
  readonly serial: number;
  readonly count: number;
  readonly cached: boolean;
  readonly backend: BackendKind;
  readonly virtual: boolean;
  readonly device: number | null;
}

function done(outcome: Outcome, created: readonly number[] = []): ModelStep {
  return { ok: true, outcome, created };
}

/** An outcome that reports only its errno. */
function status(errno: Errno): ModelStep {
  return done({ errno });
}

function illegal(reason: string): ModelStep {
  return { ok: false, reason };
}

/** The outcome with `reclaimed` added when the list is non-empty. */
function withReclaimed(outcome: Outcome, reclaimed: readonly Reclaim[]): Outcome {
  return reclaimed.length === 0 ? outcome : { ...outcome, reclaimed: [...reclaimed] };
}

/** How a swapin reads each backend kind. */
/** Why a large read or a whole-folio mapping of swap PTEs with mixed exclusive bits fails. */
const mixedExclusive =
  'the swap PTEs of a large read differ in their exclusive bit (swap_pte_batch())';

const readHow: Readonly<Record<Exclude<BackendKind, 'none'>, How>> = {
  zero: 'read-zero',
  zswap: 'read-zswap',
  disk: 'read-disk',
};

/**
 * The keys of a map in ascending order (serials and folio ids mostly come in order already,
 * which Array.prototype.sort's TimSort takes in one pass).
 */
function sortedKeys(map: ReadonlyMap<number, unknown>): number[] {
  return [...map.keys()].sort((a, b) => a - b);
}

export class SwapModel {
  readonly config: Config;
  private state: ModelState;
  /**
   * How to take back what the current op changed before it validated every design choice.
   * Only three steps change the state before a choice can still be rejected: the reclaims an
   * op reports (they free space that the later device or space check counts on) and the
   * release of a virtual folio's partial disk backing before writeout chooses a device. Each
   * records its inverse here; `apply` runs them in reverse on a rejection. (This replaced a
   * structuredClone of the whole state per op, which cost a quarter of the checker's time
   * and grew with the number of live entries.)
   */
  private undo: (() => void)[] = [];
  /** What the current (or last) op reached: see footprint(). */
  private touched: MutableFootprint = emptyFootprint();

  /** Boots the machine: devices offline, zswap as configured, ids and serials from 1. */
  constructor(config: Config) {
    this.config = config;
    this.state = initialState(config);
  }

  /**
   * Applies one op, following the impl's design choices where the contract allows them.
   * @param op the op to apply.
   * @param choices the impl's outcome for the same op; only its design-choice fields are read.
   * @returns the model's outcome and new serials, or the reason the choices are illegal (the
   * state is then unchanged).
   */
  apply(op: Op, choices: Outcome): ModelStep {
    this.touched = emptyFootprint();
    if (!inRange(op.cpu, this.config.cpus)) return status('EINVAL');
    this.undo = [];
    const step = this.dispatch(op, choices);
    if (!step.ok) for (const undo of this.undo.reverse()) undo();
    this.undo = [];
    return step;
  }

  /** The design-independent projection of the state. */
  observe(): Observation {
    return observeState(this.state, this.config);
  }

  /**
   * What the last op reached, for the harness's per-op checks between full observations:
   * every holder it wrote, every entry and folio it looked up, created or changed, and the
   * entries bound to those folios (their content is the folio's). It is a superset of what
   * changed; swapon and swapoff reach everything. The harness adds the holders that refer to
   * these entries and folios itself, and compares the full observation every so often, which
   * also checks this footprint: a change outside it is reported as a model fault.
   */
  footprint(): Footprint {
    const { holders, entries, folios, everything } = this.touched;
    const bound = new Set(entries);
    for (const id of folios) {
      for (const serial of this.state.folios.get(id)?.swap ?? []) bound.add(serial);
    }
    return { holders: [...holders], entries: [...bound], folios: [...folios], everything };
  }

  /** The view of one holder, as observe() shows it. */
  holderView(index: number): HolderView {
    return holderViewOf(this.state, holderAt(this.state, index));
  }

  /** The view of a live entry, as observe() shows it, or null once it is freed. */
  entryView(serial: number): EntryView | null {
    const entry = this.state.entries.get(serial);
    return entry === undefined ? null : entryViewOf(this.state, entry);
  }

  /** The view of a live folio, as observe() shows it, or null once it is freed. */
  folioView(id: number): FolioView | null {
    const folio = this.state.folios.get(id);
    return folio === undefined ? null : folioViewOf(folio);
  }

  /** How many holders observe() shows. */
  get holderCount(): number {
    return this.state.holders.length;
  }

  /** The serials of the live entries, in the order observe() lists them (ascending). */
  entrySerials(): number[] {
    return sortedKeys(this.state.entries);
  }

  /** The ids of the live folios, in the order observe() lists them (ascending). */
  folioIds(): number[] {
    return sortedKeys(this.state.folios);
  }

  /** Devices, free swap pages and zswap, as observe() shows them. */
  globalView(): GlobalView {
    return globalViewOf(this.state, this.config);
  }

  /** The entry with this serial is live. */
  isLive(serial: number): boolean {
    return this.state.entries.has(serial);
  }

  /** Checks that every index agrees with the scan that defines it, then the model's own
   * invariants; throws an AssertionError on a difference or a violation. */
  selfCheck(): void {
    checkIndexes(this.state, this.config);
    checkInvariants(this.state, this.config);
  }

  /** How many live entries are virtual (the virtual space's used slots, slot 0 aside). */
  virtualEntryCount(): number {
    return virtualEntries(this.state);
  }

  get zswapEnabled(): boolean {
    return this.state.zswapEnabled;
  }

  /** vm_swap_full(): more than half of the online swap space is in use. */
  vmSwapFull(): boolean {
    return vmSwapFull(this.state, this.config);
  }

  /** The present holders that map folio `id`, ascending (none once it is unmapped or freed). */
  mappersOf(id: number): readonly number[] {
    return mappersOf(this.state, id);
  }

  /** A copy of the holders, by index. */
  holders(): readonly Holder[] {
    return [...this.state.holders];
  }

  /** Live folios, by id. */
  liveFolios(): readonly FolioSummary[] {
    return [...this.state.folios.values()]
      .sort((a, b) => a.id - b.id)
      .map((folio) => ({
        id: folio.id,
        order: folio.order,
        cached: folio.swap !== null,
        mapped: isMapped(this.state, folio.id),
        dirty: folio.dirty,
      }));
  }

  /** Live entries, by serial. */
  liveEntries(): readonly EntrySummary[] {
    return [...this.state.entries.values()]
      .sort((a, b) => a.serial - b.serial)
      .map((entry) => ({
        serial: entry.serial,
        count: entry.count,
        cached: cacheOf(this.state, entry.serial) !== null,
        backend: entry.backend.kind,
        virtual: entry.space.kind === 'virtual',
        device: entryDevice(entry),
      }));
  }

  /** Indices of the online devices, ascending. */
  onlineDevices(): readonly number[] {
    return this.state.devices.flatMap((device, index) => (device.online ? [index] : []));
  }

  private dispatch(op: Op, choices: Outcome): ModelStep {
    switch (op.op) {
      case 'swapon':
        return this.swapon(op);
      case 'swapoff':
        return this.swapoff(op);
      case 'fault':
        return this.fault(op);
      case 'write':
        return this.write(op);
      case 'fork':
        return this.fork(op, choices);
      case 'allocSwap':
        return this.allocSwap(op, choices);
      case 'unmap':
        return this.unmap(op, choices);
      case 'writeout':
        return this.writeout(op, choices);
      case 'evict':
        return this.evict(op);
      case 'swapin':
        return this.swapin(op, choices);
      case 'zap':
        return this.zap(op);
      case 'freeSwapCache':
        return this.freeSwapCache(op);
      case 'zswapWriteback':
        return this.zswapWriteback(op, choices);
      case 'split':
        return this.split(op);
      case 'setZswap':
        return this.setZswap(op);
      default:
        return unreachable(op);
    }
  }

  /** An offline device comes online, write-ok and empty. */
  private swapon(op: SwaponOp): ModelStep {
    this.touched.everything = true;
    // mm/swapfile.c: sys_swapon()
    const device = this.state.devices[op.device];
    if (device === undefined) return status('EINVAL');
    if (device.online) return status('EBUSY');
    device.online = true;
    device.writeOk = true;
    return status('OK');
  }

  /** Stops allocation on the device, moves every entry's data off it, takes it offline. */
  private swapoff(op: SwapoffOp): ModelStep {
    this.touched.everything = true;
    // mm/swapfile.c: sys_swapoff(), try_to_unuse()
    const device = this.state.devices[op.device];
    if (device === undefined || !device.online) return status('EINVAL');
    device.writeOk = false;
    for (const serial of this.entriesOn(op.device)) {
      const entry = this.state.entries.get(serial);
      // An entry is gone here when an earlier entry of its large folio freed the folio.
      if (entry === undefined) continue;
      if (entry.space.kind === 'virtual') this.unuseVirtual(entry);
      else this.unusePhysical(entry);
    }
    device.online = false;
    return status('OK');
  }

  /**
   * The serials whose data is on `device`, in swapoff order: held entries by their lowest
   * holder, then cache-only entries by folio id and page.
   */
  private entriesOn(device: number): number[] {
    const onDevice = (entry: Entry) => entryDevice(entry) === device;
    const lowestHolder = (entry: Entry) => Math.min(...holdersOf(this.state, entry.serial));
    const held = [...this.state.entries.values()]
      .filter((entry) => onDevice(entry) && entry.count > 0)
      .sort((a, b) => lowestHolder(a) - lowestHolder(b));
    const cacheOnly = [...this.state.folios.values()]
      .sort((a, b) => a.id - b.id)
      .flatMap((folio) => folio.swap ?? [])
      .map((serial) => this.entry(serial))
      .filter((entry) => onDevice(entry) && entry.count === 0);
    return [...held, ...cacheOnly].map((entry) => entry.serial);
  }

  /** try_to_unuse() of a physical entry: every holder maps its page, then the cache goes. */
  private unusePhysical(entry: Entry): void {
    // mm/swapfile.c: unuse_pte(), folio_free_swap()
    const cache = this.cacheOf(entry.serial) ?? { folio: this.readIntoCache([entry], 0), page: 0 };
    for (const holder of holdersOf(this.state, entry.serial)) {
      // The mapping is exclusive when the swap PTE was (unuse_pte(): RMAP_EXCLUSIVE).
      const exclusive = this.swapExclusive(holder);
      this.setHolder(holder, {
        kind: 'present',
        folio: cache.folio.id,
        page: cache.page,
        exclusive,
      });
      entry.count -= 1;
    }
    const entries = this.entriesOf(cache.folio);
    if (entries.every((each) => each.count === 0)) this.folioFreeSwap(cache.folio);
  }

  /** vswap swapoff of a virtual entry backed on the device: the data moves into memory. */
  private unuseVirtual(entry: Entry): void {
    const cache = this.cacheOf(entry.serial);
    const folio = cache === null ? this.readIntoCache([entry], 0) : cache.folio;
    setBackend(this.state, entry, { kind: 'none' });
    folio.dirty = true;
  }

  /** A new folio of 2^order zero pages mapped at the aligned holders. */
  private fault(op: FaultOp): ModelStep {
    // mm/memory.c: do_anonymous_page()
    const range = this.alignedRange(op.holder, op.order);
    if (range === null) return status('EINVAL');
    if (range.some((holder) => holderAt(this.state, holder).kind !== 'empty')) {
      return status('EINVAL');
    }
    // The new folio is charged to the faulting process's memcg (mem_cgroup_charge()).
    const folio = this.newFolio(
      op.order,
      range.map(() => 0),
      true,
      null,
      memcgOfHolder(this.config, op.holder),
    );
    range.forEach((holder, page) => {
      // folio_add_new_anon_rmap(..., RMAP_EXCLUSIVE)
      this.setHolder(holder, { kind: 'present', folio: folio.id, page, exclusive: true });
    });
    return status('OK');
  }

  /**
   * A store: in place through an exclusive mapping; otherwise the write fault of do_wp_page():
   * reuse of a page nothing else holds (freeing its swap cache), or a copy.
   */
  private write(op: WriteOp): ModelStep {
    // mm/memory.c: handle_pte_fault(), do_wp_page()
    const holder = this.state.holders[op.holder];
    if (holder?.kind !== 'present') return status('EINVAL');
    if (holder.exclusive) {
      const folio = this.folio(holder.folio);
      folio.pages[holder.page] = op.value;
      folio.dirty = true;
      return done({ errno: 'OK', how: 'in-place', freedCache: false });
    }
    const fault = this.writeFault(op.holder, op.value);
    return done({ errno: 'OK', how: fault.how, freedCache: fault.freedCache });
  }

  /**
   * do_wp_page() on a non-exclusive present holder: reuse when the folio is order 0, no other
   * holder maps the page, and the folio is not in the swap cache or is unused there (then
   * folio_free_swap()); else copy to a new order-0 folio, after which the old folio goes if
   * nothing holds it, or leaves the swap cache if it is there unmapped and unused
   * (wp_page_copy() -> free_swap_cache()). The mapping ends exclusive. `value` is stored, or
   * the page's content kept when null (a write-fault swapin stores nothing).
   */
  private writeFault(
    index: number,
    value: number | null,
  ): { how: 'reuse' | 'cow'; freedCache: boolean } {
    // mm/memory.c: do_wp_page(), wp_can_reuse_anon_folio(), wp_page_copy()
    const holder = holderAt(this.state, index);
    assertThat(
      holder.kind === 'present' && !holder.exclusive,
      'holder ',
      index,
      ' is not a non-exclusive present page',
    );
    const folio = this.folio(holder.folio);
    const content = value ?? pageContent(folio, holder.page);
    const alone = mappersOf(this.state, folio.id, holder.page).length === 1;
    const reusable =
      folio.order === 0 && alone && (folio.swap === null || isUnused(this.state, folio));
    if (reusable) {
      const freedCache = folio.swap !== null;
      if (freedCache) this.folioFreeSwap(folio);
      this.setHolder(index, {
        kind: 'present',
        folio: folio.id,
        page: holder.page,
        exclusive: true,
      });
      folio.pages[holder.page] = content;
      folio.dirty = true;
      return { how: 'reuse', freedCache };
    }
    const copy = this.newFolio(0, [content], true, null, memcgOfHolder(this.config, index));
    this.setHolder(index, { kind: 'present', folio: copy.id, page: 0, exclusive: true });
    return { how: 'cow', freedCache: this.releaseUnmapped(folio) };
  }

  /**
   * free_swap_cache(): a folio no holder maps any more goes when nothing else holds it, and
   * leaves the swap cache (with its entries) when it is there and unused. Returns whether a
   * swap cache was freed.
   */
  private releaseUnmapped(folio: Folio): boolean {
    // mm/swap_state.c: free_swap_cache() (via free_pages_and_swap_cache() on a zap)
    if (isMapped(this.state, folio.id)) return false;
    if (folio.swap === null) {
      this.releaseIfUnused(folio);
      return false;
    }
    if (!isUnused(this.state, folio)) return false;
    this.folioFreeSwap(folio);
    return true;
  }

  /** Copies a holder into an empty target; a swap entry gains a reference. */
  private fork(op: ForkOp, choices: Outcome): ModelStep {
    // kernel/fork.c: copy_nonpresent_pte()
    const source = this.state.holders[op.holder];
    const target = this.state.holders[op.target];
    if (source === undefined || target?.kind !== 'empty' || op.target === op.holder) {
      return status('EINVAL');
    }
    switch (source.kind) {
      case 'empty':
        return status('EINVAL');
      case 'present':
        // copy_present_pte(): the page is no longer exclusive, for every mapping of it.
        for (const index of mappersOf(this.state, source.folio, source.page)) {
          this.setHolder(index, { ...source, exclusive: false });
        }
        this.setHolder(op.target, { ...source, exclusive: false });
        return status('OK');
      case 'swap': {
        // copy_nonpresent_pte(): the parent's swap PTE loses its exclusive bit.
        const step = this.dup(op.target, source.entry, op.failAlloc === true, choices, false);
        if (step.ok && step.outcome.errno === 'OK')
          this.setHolder(op.holder, { ...source, exclusive: false });
        return step;
      }
      default:
        return unreachable(source);
    }
  }

  /**
   * Stores entry `serial` in `holder` and takes a reference. The step from countSentinel - 1
   * to countSentinel with failAlloc may fail with ENOMEM (a design choice): the cluster had
   * no extend table and could not allocate one.
   */
  private dup(
    holder: number,
    serial: number,
    failAlloc: boolean,
    choices: Outcome,
    exclusive: boolean,
  ): ModelStep {
    // mm/swapfile.c: __swap_cluster_dup_entry()
    const entry = this.entry(serial);
    const needsExtend = entry.count === countSentinel(this.config) - 1;
    if (failAlloc && needsExtend && choices.errno === 'ENOMEM') return status('ENOMEM');
    entry.count += 1;
    this.setHolder(holder, { kind: 'swap', entry: serial, exclusive });
    return status('OK');
  }

  /** Binds the holder's folio to 2^order new entries with count 0. */
  private allocSwap(op: AllocSwapOp, choices: Outcome): ModelStep {
    // mm/swapfile.c: folio_alloc_swap()
    const holder = this.state.holders[op.holder];
    if (holder?.kind !== 'present') return status('EINVAL');
    const folio = this.folio(holder.folio);
    if (folio.swap !== null) return status('EINVAL');
    if (choices.errno === 'ENOSPC') {
      // An order-0 allocation can only fail when the space it draws from is full; which space
      // that is depends on the design, so ENOSPC is refused only while both have room.
      const roomy =
        hasWritableFreePage(this.state, this.config) && hasVirtualRoom(this.state, this.config);
      if (folio.order === 0 && roomy)
        return illegal('ENOSPC for an order-0 folio while swap has room');
      return status('ENOSPC');
    }
    const reclaimed = choices.reclaimed ?? [];
    const reclaimReason = this.reclaim(reclaimed, folio.id);
    if (reclaimReason !== null) return illegal(reclaimReason);
    const space = this.chooseSpace(choices, folio.pages.length);
    if (typeof space === 'string') return illegal(space);
    // The memcg swap charge of physical entries (at swap.max, or failAlloc) fails after
    // allocation; the reclaims already done stay. Virtual entries are charged when backing is
    // allocated (RFC patch 4).
    const chargeFails =
      op.failAlloc === true ||
      memcgChargeFails(this.state, this.config, folio.memcg, folio.pages.length);
    if (space.kind === 'physical' && chargeFails) {
      return done(
        withReclaimed({ errno: 'ENOMEM', virtual: false, device: space.device }, reclaimed),
      );
    }
    // mem_cgroup_try_charge_swap() / mem_cgroup_record_swap(): the entry records the folio's memcg.
    const created = folio.pages.map(() => this.newEntry(space, folio.memcg));
    bindCache(this.state, folio, created);
    const outcome: Outcome =
      space.kind === 'virtual'
        ? { errno: 'OK', virtual: true }
        : { errno: 'OK', virtual: false, device: space.device };
    return done(withReclaimed(outcome, reclaimed), created);
  }

  /** Validates allocSwap's `virtual` and `device` choices for `pages` new entries. */
  private chooseSpace(choices: Outcome, pages: number): EntrySpace | string {
    if (choices.virtual === undefined) {
      return `allocSwap did not report whether it is virtual (errno ${choices.errno})`;
    }
    if (!choices.virtual) {
      const device = this.chooseDevice(choices, pages);
      return typeof device === 'string' ? device : { kind: 'physical', device };
    }
    if (virtualEntries(this.state) + pages > this.config.vswapSlots - 1) {
      return `the virtual swap space has fewer than ${pages} free slots`;
    }
    return { kind: 'virtual' };
  }

  /** The chosen device for `pages` new slots, or why it cannot receive them. */
  private chooseDevice(choices: Outcome, pages: number): number | string {
    const device = choices.device;
    if (device === undefined) return `no device was reported (errno ${choices.errno})`;
    const state = this.state.devices[device];
    if (state === undefined) return `device ${device} does not exist`;
    if (!state.online || !state.writeOk) return `device ${device} is not online and write-ok`;
    if (freePages(this.state, this.config, device) < pages) {
      return `device ${device} has fewer than ${pages} free slots`;
    }
    return device;
  }

  /** A reference from the holder to entry k of its swap-cache folio. */
  private unmap(op: UnmapOp, choices: Outcome): ModelStep {
    // mm/rmap.c: try_to_unmap_one(), folio_dup_swap()
    const holder = this.state.holders[op.holder];
    if (holder?.kind !== 'present') return status('EINVAL');
    // A read: unmap changes the holder and the entry, not the folio.
    const serial = folioAt(this.state, holder.folio).swap?.[holder.page];
    if (serial === undefined) return status('EINVAL');
    // The swap PTE is exclusive when the page was (pte_swp_mkexclusive()).
    return this.dup(op.holder, serial, op.failAlloc === true, choices, holder.exclusive);
  }

  /** Writes an unmapped swap-cache folio to its backend (cases 1-5 of the contract). */
  private writeout(op: WriteoutOp, choices: Outcome): ModelStep {
    // mm/page_io.c: swap_writeout()
    const folio = this.findFolio(op.folio);
    if (folio === undefined || folio.swap === null) return status('EINVAL');
    if (isMapped(this.state, folio.id)) return status('EBUSY');
    const entries = this.entriesOf(folio);
    if (entries.every((entry) => entry.count === 0)) {
      this.folioFreeSwap(folio);
      return done({ errno: 'OK', how: 'freed' });
    }
    if (!folio.dirty) return done({ errno: 'OK', how: 'clean' });
    if (folio.pages.every((content) => content === 0)) {
      // mm/page_io.c: swap_zeromap_folio_set(), then return before zswap_store(): a physical
      // entry's zswap object stays, stale; vswap's zero path releases non-PHYS backing.
      for (const entry of entries) {
        if (entry.space.kind === 'physical')
          setStaleZswap(this.state, entry, entry.staleZswap || entry.backend.kind === 'zswap');
        setBackend(this.state, entry, { kind: 'zero' });
      }
      folio.dirty = false;
      return done({ errno: 'OK', how: 'zero' });
    }
    // mm/zswap.c: zswap_store() checks the pool limit (zswap_check_limits()) before
    // zswap_store_page() replaces the folio's old tree entries (stale or not): they still count.
    const room = this.config.zswapCapacity - zswapStored(this.state);
    if (this.state.zswapEnabled && op.failZswap !== true && room >= entries.length) {
      // mm/zswap.c: zswap_store()
      entries.forEach((entry, page) => {
        setStaleZswap(this.state, entry, false);
        setBackend(this.state, entry, { kind: 'zswap', content: pageContent(folio, page) });
      });
      folio.dirty = false;
      return done({ errno: 'OK', how: 'zswap' });
    }
    this.recordStale(entries);
    for (const entry of entries) setStaleZswap(this.state, entry, false);
    return this.writeoutDisk(folio, entries, op, choices);
  }

  /**
   * Case 5 of writeout: each entry is written to its own slot, or to its existing disk
   * backing; virtual entries without full backing first lose their old backends
   * (folio_release_vswap_backing()), then get 2^order new slots on a chosen device, charged
   * (folio_realloc_swap()). When there is no room or the charge fails, the folio stays dirty
   * in the swap cache with the backends released (it holds the data).
   */
  private writeoutDisk(
    folio: Folio,
    entries: Entry[],
    op: WriteoutOp,
    choices: Outcome,
  ): ModelStep {
    // mm/page_io.c: swap_writepage()
    const backed = entries.every((entry) => entryDevice(entry) !== null);
    if (backed) {
      entries.forEach((entry, page) => this.writeDisk(entry, folio, page));
      folio.dirty = false;
      return done({ errno: 'OK', how: 'disk' });
    }
    this.recordBackends(entries);
    for (const entry of entries) setBackend(this.state, entry, { kind: 'none' });
    if (choices.errno === 'ENOSPC') {
      if (entries.length === 1 && hasWritableFreePage(this.state, this.config)) {
        return illegal('ENOSPC for one page of backing while a write-ok device has a free page');
      }
      return status('ENOSPC');
    }
    const reclaimed = choices.reclaimed ?? [];
    const reclaimReason = this.reclaim(reclaimed, folio.id);
    if (reclaimReason !== null) return illegal(reclaimReason);
    const device = this.chooseDevice(choices, entries.length);
    if (typeof device === 'string') return illegal(device);
    // The charge of the new backing (at swap.max, or failAlloc) fails: the slots go back, the
    // reclaims stay.
    const chargeFails =
      op.failAlloc === true ||
      memcgChargeFails(this.state, this.config, folio.memcg, entries.length);
    if (chargeFails) return done(withReclaimed({ errno: 'ENOMEM', device }, reclaimed));
    entries.forEach((entry, page) => {
      setBackend(this.state, entry, { kind: 'disk', content: pageContent(folio, page), device });
    });
    folio.dirty = false;
    return done(withReclaimed({ errno: 'OK', how: 'disk', device }, reclaimed));
  }

  /** Stores page `page` of the folio on the entry's own disk slot or disk backing. */
  private writeDisk(entry: Entry, folio: Folio, page: number): void {
    const device = entryDevice(entry);
    assertThat(device !== null, 'entry ', entry.serial, ' has no disk slot');
    setBackend(this.state, entry, { kind: 'disk', content: pageContent(folio, page), device });
  }

  /** Drops a clean, unmapped swap-cache folio; held entries keep a shadow. */
  private evict(op: EvictOp): ModelStep {
    // mm/vmscan.c: shrink_folio_list(), mm/swap_state.c: __swap_cache_del_folio()
    const folio = this.findFolio(op.folio);
    if (folio === undefined || folio.swap === null) return status('EINVAL');
    if (isMapped(this.state, folio.id) || folio.dirty) return status('EBUSY');
    const entries = this.entriesOf(folio);
    unbindCache(this.state, folio);
    for (const entry of entries) {
      if (entry.count > 0) entry.shadow = true;
      else deleteEntry(this.state, entry.serial);
    }
    this.state.folios.delete(folio.id);
    return status('OK');
  }

  /**
   * A fault on a swap entry: a swap-cache hit (of the whole folio when its range of holders
   * still holds its entries), or a read into a new swap-cache folio; then
   * should_try_to_free_swap(), and for a write fault on a non-exclusive mapping do_wp_page().
   */
  private swapin(op: SwapinOp, choices: Outcome): ModelStep {
    // mm/memory.c: do_swap_page()
    const holder = this.state.holders[op.holder];
    if (holder?.kind !== 'swap') return status('EINVAL');
    if (!inRange(op.order, this.config.orderMax + 1)) return status('EINVAL');
    const entry = this.entry(holder.entry);
    const cache = this.cacheOf(entry.serial);
    let mapped: number[];
    let folio: Folio;
    let outcome: Outcome;
    if (cache !== null) {
      folio = cache.folio;
      const whole = this.wholeFolioRange(op.holder, folio, cache.page);
      mapped = whole ?? [op.holder];
      const pages = whole === null ? [cache.page] : whole.map((_, page) => page);
      this.mapFromSwap(mapped, folio, pages);
      outcome = { errno: 'OK', how: 'cache-hit' };
    } else {
      if (op.failAlloc === true) return status('ENOMEM');
      const order = choices.order ?? 0;
      if (order !== 0 && order !== op.order) {
        return illegal(`swapin read order ${order}, but the op asked for order ${op.order}`);
      }
      const large = order > 0 && choices.errno === 'OK';
      const start = large ? op.holder - (op.holder % 2 ** order) : op.holder;
      mapped = this.alignedRange(start, large ? order : 0) ?? [];
      const entries = this.largeReadEntries(mapped);
      if (typeof entries === 'string') return illegal(entries);
      const how = readHow[this.readableBackend(entry).kind];
      folio = this.readIntoCache(entries, large ? order : 0);
      this.mapFromSwap(
        mapped,
        folio,
        mapped.map((_, page) => page),
      );
      outcome = { errno: 'OK', how, order: large ? order : 0 };
    }
    let freedCache = this.shouldFreeSwap(entry, folio, op.write === true, mapped);
    const now = holderAt(this.state, op.holder);
    if (op.write === true && now.kind === 'present' && !now.exclusive) {
      const fault = this.writeFault(op.holder, null);
      freedCache = freedCache || fault.freedCache;
      return done({ ...outcome, freedCache, wp: fault.how });
    }
    return done({ ...outcome, freedCache });
  }

  /**
   * The holders a cache hit on page `page` of a large folio maps at once: the folio's aligned
   * range around `holder`, when every holder of it holds the folio's entry for its page with
   * the same exclusive bit as `holder`'s swap PTE ("entirely map large folios found in
   * swapcache"; swap_pte_batch() compares whole PTEs); null otherwise (only `holder` maps).
   */
  private wholeFolioRange(holder: number, folio: Folio, page: number): number[] | null {
    // mm/memory.c: do_swap_page()
    const swap = folio.swap;
    if (folio.order === 0 || swap === null) return null;
    const range = this.alignedRange(holder - page, folio.order);
    if (range === null) return null;
    const exclusive = this.swapExclusive(holder);
    const holds = range.every((index, i) => {
      const each = holderAt(this.state, index);
      return each.kind === 'swap' && each.entry === swap[i] && each.exclusive === exclusive;
    });
    return holds ? range : null;
  }

  /** Maps page pages[i] of `folio` at holders[i], each exclusive as its swap PTE was, and
   * drops each one's swap reference. */
  private mapFromSwap(holders: readonly number[], folio: Folio, pages: readonly number[]): void {
    holders.forEach((index, i) => {
      const holder = holderAt(this.state, index);
      assertThat(holder.kind === 'swap', 'holder ', index, ' holds no entry');
      this.entry(holder.entry).count -= 1;
      const page = pages[i] as number;
      this.setHolder(index, {
        kind: 'present',
        folio: folio.id,
        page,
        exclusive: holder.exclusive,
      });
    });
  }

  /**
   * The uncached entries held by `range`, or why they cannot be read as one folio: each holder
   * holds a distinct uncached entry, the swap PTEs have one exclusive bit (swap_pte_batch()
   * compares whole PTEs), the entries are on one synchronous-I/O device (a physical
   * entry's slot, a virtual entry's disk backing), and the backends are all zero or all disk.
   * A one-holder range always qualifies.
   */
  private largeReadEntries(range: readonly number[]): Entry[] | string {
    // mm/memory.c: can_swapin_thp(), swapin_sync(); mm/swap_state.c: __swap_cache_alloc()
    const entries = new Set<Entry>();
    const bits = new Set<boolean>();
    for (const index of range) {
      const holder = holderAt(this.state, index);
      if (holder.kind !== 'swap') return `holder ${index} of the large read holds no entry`;
      const entry = this.entry(holder.entry);
      if (this.cacheOf(entry.serial) !== null) return `entry ${entry.serial} is cached`;
      if (entries.has(entry)) return `entry ${entry.serial} is held twice in the range`;
      entries.add(entry);
      bits.add(holder.exclusive);
    }
    if (range.length === 1) return [...entries];
    if (range.length === 0) return 'the large read range is out of the holders';
    if (bits.size > 1) return mixedExclusive;
    return this.largeReadReason([...entries]) ?? [...entries];
  }

  /** Why entries (2 or more, uncached) cannot be read as one large folio, or null. */
  private largeReadReason(entries: readonly Entry[]): string | null {
    const kinds = new Set(entries.map((entry) => entry.backend.kind));
    // A stale object is a zswap tree entry too.
    if (kinds.has('zswap') || entries.some((entry) => entry.staleZswap))
      return 'an entry of the large read is in zswap (zswap_is_present())';
    if (kinds.size !== 1 || (!kinds.has('zero') && !kinds.has('disk')))
      return 'the backends of a large read are not uniform';
    const devices = new Set(entries.map((entry) => entryDevice(entry)));
    const device = [...devices][0];
    if (devices.size !== 1 || device === null || device === undefined)
      return 'the entries of a large read are not on one device';
    if (!deviceConfigAt(this.config, device).synchronousIo)
      return `device ${device} reads large folios only with synchronous I/O (swapin_sync())`;
    // mm/swap_state.c: __swap_cache_add_check(): a batch needs one memcg id.
    if (new Set(entries.map((entry) => entry.memcg)).size !== 1)
      return 'the entries of a large read belong to different memcgs';
    return null;
  }

  /**
   * The serials a large read of `order` around `holder` would take, when the model's rules
   * allow it (every check but the contiguity of the impl's entry values, which the harness
   * makes); null otherwise. The harness requires a large read when this is non-null and the
   * values are contiguous and aligned (allowance A8 covers virtual entries).
   */
  largeReadCandidates(holder: number, order: number): number[] | null {
    if (!inRange(order, this.config.orderMax + 1) || order === 0) return null;
    const view = this.state.holders[holder];
    if (view?.kind !== 'swap' || cacheOf(this.state, view.entry) !== null) return null;
    const range = this.alignedRange(holder - (holder % 2 ** order), order);
    if (range === null) return null;
    const serials = new Set<number>();
    for (const index of range) {
      const each = holderAt(this.state, index);
      if (
        each.kind !== 'swap' ||
        cacheOf(this.state, each.entry) !== null ||
        serials.has(each.entry)
      )
        return null;
      if (each.exclusive !== view.exclusive) return null;
      serials.add(each.entry);
    }
    const entries = [...serials].map((serial) => entryAt(this.state, serial));
    return this.largeReadReason(entries) === null ? [...serials] : null;
  }

  /** The backend of an uncached live entry. Context: it is not `none` (asserted). */
  private readableBackend(entry: Entry): Exclude<Backend, { kind: 'none' }> {
    const backend = entry.backend;
    assertThat(backend.kind !== 'none', 'entry ', entry.serial, ' is swapped out with no backend');
    return backend;
  }

  /**
   * Reads uncached entries into a new swap-cache folio of `order` (page i from entry i) and
   * clears their shadows. A zswap load is exclusive: the object goes and the folio is dirty.
   */
  private readIntoCache(entries: readonly Entry[], order: number): Folio {
    // mm/swap_state.c: swap_cache_alloc_folio(), mm/zswap.c: zswap_load()
    const pages = entries.map((entry) => {
      const backend = this.readableBackend(entry);
      return backend.kind === 'zero' ? 0 : backend.content;
    });
    const exclusive = entries.some((entry) => entry.backend.kind === 'zswap');
    const serials = entries.map((entry) => entry.serial);
    // mem_cgroup_swapin_charge_folio(): charged to the memcg recorded for the entry.
    const memcg = (entries[0] as Entry).memcg;
    const folio = this.newFolio(order, pages, exclusive, serials, memcg);
    for (const entry of entries) {
      entry.shadow = false;
      if (exclusive) setBackend(this.state, entry, { kind: 'none' });
    }
    return folio;
  }

  /**
   * After a swapin maps the folio: frees its swap cache when no entry of the folio is held
   * and the entry's device is synchronous, swap (or the folio's memcg's swap) is full
   * (mem_cgroup_swap_full()), the entry is virtual without disk
   * backing, or the fault is a write and no holder other than `mapped` maps the folio.
   * Returns whether it did.
   */
  private shouldFreeSwap(
    entry: Entry,
    folio: Folio,
    write: boolean,
    mapped: readonly number[],
  ): boolean {
    // mm/memory.c: should_try_to_free_swap()
    const device = entryDevice(entry);
    const synchronous = device !== null && deviceConfigAt(this.config, device).synchronousIo;
    const unbacked = entry.space.kind === 'virtual' && entry.backend.kind !== 'disk';
    const mappedHere = new Set(mapped);
    const alone = mappersOf(this.state, folio.id).every((index) => mappedHere.has(index));
    const full = memcgSwapFull(this.state, this.config, folio);
    const wanted = synchronous || full || unbacked || (write && alone);
    if (!wanted || !isUnused(this.state, folio)) return false;
    this.folioFreeSwap(folio);
    return true;
  }

  /** Clears a holder: a page is unmapped, a swap entry loses a reference. */
  private zap(op: ZapOp): ModelStep {
    // mm/memory.c: zap_pte_range()
    const holder = this.state.holders[op.holder];
    if (holder === undefined) return status('EINVAL');
    switch (holder.kind) {
      case 'empty':
        return status('EINVAL');
      case 'present':
        // zap_present_ptes(); the mmu_gather batch: free_pages_and_swap_cache().
        this.setHolder(op.holder, { kind: 'empty' });
        return done({ errno: 'OK', freedCache: this.releaseUnmapped(this.folio(holder.folio)) });
      case 'swap':
        this.setHolder(op.holder, { kind: 'empty' });
        return done({ errno: 'OK', freedCache: this.putEntry(holder.entry) });
      default:
        return unreachable(holder);
    }
  }

  /**
   * Drops one reference; the last one frees an uncached entry, or reclaims a swap-cache folio
   * none of whose entries is held when it is unmapped, or when swap is full
   * (mem_cgroup_swap_full()) and its entries are physically backed
   * (__try_to_reclaim_swap(TTRS_UNMAPPED | TTRS_FULL)). Returns whether
   * the swap cache was freed.
   */
  private putEntry(serial: number): boolean {
    // mm/swapfile.c: swap_put_entries_direct(), swap_put_entries_cluster(), __try_to_reclaim_swap()
    const entry = this.entry(serial);
    entry.count -= 1;
    if (entry.count > 0) return false;
    const cache = this.cacheOf(serial);
    if (cache === null) {
      deleteEntry(this.state, serial);
      return false;
    }
    if (!isUnused(this.state, cache.folio)) return false;
    const unmapped = !isMapped(this.state, cache.folio.id);
    // RFC v2 patches 2 and 3: the FULL arm skips vswap entries not backed by physical swap.
    const physical = folioEntries(this.state, cache.folio).every(
      (each) => each.space.kind === 'physical' || each.backend.kind === 'disk',
    );
    const full = physical && memcgSwapFull(this.state, this.config, cache.folio);
    if (!unmapped && !full) return false;
    this.folioFreeSwap(cache.folio);
    return true;
  }

  /** folio_free_swap() on request: refused while an entry of the folio is held. */
  private freeSwapCache(op: FreeSwapCacheOp): ModelStep {
    // mm/swapfile.c: folio_free_swap()
    const folio = this.findFolio(op.folio);
    if (folio === undefined || folio.swap === null) return status('EINVAL');
    const entries = this.entriesOf(folio);
    if (entries.some((entry) => entry.count > 0)) return status('EBUSY');
    this.folioFreeSwap(folio);
    return status('OK');
  }

  /** Moves a swapped-out entry's zswap object to disk: its own slot, or a new one if virtual. */
  private zswapWriteback(op: ZswapWritebackOp, choices: Outcome): ModelStep {
    // mm/zswap.c: zswap_writeback_entry()
    const holder = this.state.holders[op.holder];
    if (holder?.kind !== 'swap') return status('EINVAL');
    const entry = this.entry(holder.entry);
    const backend = entry.backend;
    if (backend.kind !== 'zswap') return status('EINVAL');
    if (this.cacheOf(entry.serial) !== null) return status('EEXIST');
    if (op.failAlloc === true) return status('ENOMEM');
    if (entry.space.kind === 'physical') {
      setBackend(this.state, entry, {
        kind: 'disk',
        content: backend.content,
        device: entry.space.device,
      });
      return status('OK');
    }
    if (choices.errno === 'ENOSPC') {
      if (hasWritableFreePage(this.state, this.config)) {
        return illegal('ENOSPC for one page of backing while a write-ok device has a free page');
      }
      return status('ENOSPC');
    }
    const reclaimed = choices.reclaimed ?? [];
    const reclaimReason = this.reclaim(reclaimed, null);
    if (reclaimReason !== null) return illegal(reclaimReason);
    const device = this.chooseDevice(choices, 1);
    if (typeof device === 'string') return illegal(device);
    // The new backing is charged (folio_realloc_swap()); at swap.max the slot goes back and
    // the object stays in zswap.
    if (memcgChargeFails(this.state, this.config, entry.memcg, 1)) {
      return done(withReclaimed({ errno: 'ENOMEM', device }, reclaimed));
    }
    setBackend(this.state, entry, { kind: 'disk', content: backend.content, device });
    return done(withReclaimed({ errno: 'OK', device }, reclaimed));
  }

  /** Splits a large folio into order-0 folios; holders and cache bindings follow the page. */
  private split(op: SplitOp): ModelStep {
    // mm/huge_memory.c: split_folio(), mm/swap_state.c: __swap_cache_replace_folio()
    const folio = this.findFolio(op.folio);
    if (folio === undefined || folio.order === 0) return status('EINVAL');
    const swap = folio.swap;
    if (swap !== null) unbindCache(this.state, folio);
    const pieces = folio.pages.map((content, page) => {
      if (page === 0) return folio;
      const binding = swap === null ? null : swap.slice(page, page + 1);
      return this.newFolio(0, [content], folio.dirty, binding, folio.memcg);
    });
    for (const index of mappersOf(this.state, folio.id)) {
      const holder = holderAt(this.state, index);
      assertThat(holder.kind === 'present', 'holder ', index, ' does not map folio ', folio.id);
      const piece = pieces[holder.page];
      assertThat(piece !== undefined, 'folio ', folio.id, ' has no page ', holder.page);
      this.setHolder(index, {
        kind: 'present',
        folio: piece.id,
        page: 0,
        exclusive: holder.exclusive,
      });
    }
    folio.order = 0;
    folio.pages = folio.pages.slice(0, 1);
    if (swap !== null) bindCache(this.state, folio, swap.slice(0, 1));
    for (const piece of pieces) this.releaseIfUnused(piece);
    return status('OK');
  }

  /** Turns zswap stores on or off; stored objects stay. */
  private setZswap(op: SetZswapOp): ModelStep {
    // mm/zswap.c: zswap_enabled_param_set()
    this.state.zswapEnabled = op.enabled;
    return status('OK');
  }

  /**
   * Applies the allocator's reclaims in order, each checked against the state left by the
   * previous one. Returns why one is illegal, or null.
   * @param opFolio the folio the op itself works on, which is never reclaimed.
   */
  private reclaim(reclaimed: readonly Reclaim[], opFolio: number | null): string | null {
    // mm/swapfile.c: swap_reclaim_full_clusters(), __try_to_reclaim_swap()
    for (const { folio: id, kind } of reclaimed) {
      const folio = this.findFolio(id);
      if (!vmSwapFull(this.state, this.config)) {
        return `${kind} reclaim of folio ${id} while swap is not full`;
      }
      if (folio === undefined || folio.swap === null || id === opFolio) {
        return `folio ${id} is not a reclaimable swap-cache folio`;
      }
      const entries = this.entriesOf(folio);
      if (entries.some((entry) => entry.count > 0)) return `folio ${id} has held entries`;
      if (kind === 'cache') {
        this.recordFolioFreeSwap(folio);
        this.folioFreeSwap(folio);
        continue;
      }
      const backed = entries.every((e) => e.space.kind === 'virtual' && e.backend.kind === 'disk');
      if (!backed) return `folio ${id} has an entry without virtual disk backing`;
      this.recordBackends(entries);
      const dirty = folio.dirty;
      this.undo.push(() => {
        folio.dirty = dirty;
      });
      for (const entry of entries) setBackend(this.state, entry, { kind: 'none' });
      folio.dirty = true;
    }
    return null;
  }

  /**
   * Removes a swap-cache folio whose entries all have count 0 from the swap cache: the
   * entries are freed, the folio becomes dirty and is freed if unmapped.
   */
  private folioFreeSwap(folio: Folio): void {
    // mm/swapfile.c: folio_free_swap()
    const entries = this.entriesOf(folio);
    unbindCache(this.state, folio);
    for (const entry of entries) {
      assertThat(entry.count === 0, 'entry ', entry.serial, ' is still held');
      deleteEntry(this.state, entry.serial);
    }
    folio.dirty = true;
    this.releaseIfUnused(folio);
  }

  /** Records how to restore the backends of `entries` if the op is rejected. */
  private recordBackends(entries: readonly Entry[]): void {
    const backends = entries.map((entry) => entry.backend);
    this.undo.push(() => {
      entries.forEach((entry, index) => {
        setBackend(this.state, entry, backends[index] as Backend);
      });
    });
  }

  /** Records how to restore the stale zswap objects of `entries` if the op is rejected. */
  private recordStale(entries: readonly Entry[]): void {
    const stale = entries.map((entry) => entry.staleZswap);
    this.undo.push(() => {
      entries.forEach((entry, index) => {
        setStaleZswap(this.state, entry, stale[index] as boolean);
      });
    });
  }

  /** The exclusive bit of swap holder `index`. Context: it holds an entry (asserted). */
  private swapExclusive(index: number): boolean {
    const holder = holderAt(this.state, index);
    assertThat(holder.kind === 'swap', 'holder ', index, ' holds no entry');
    return holder.exclusive;
  }

  /** Records how to put a swap-cache folio and its entries back if the op is rejected. */
  private recordFolioFreeSwap(folio: Folio): void {
    const entries = this.entriesOf(folio);
    const { swap, dirty } = folio;
    assertThat(swap !== null, 'folio ', folio.id, ' is not in the swap cache');
    this.undo.push(() => {
      for (const entry of entries) addEntry(this.state, entry);
      bindCache(this.state, folio, swap);
      folio.dirty = dirty;
      this.state.folios.set(folio.id, folio);
    });
  }

  // Lookups that record the op's footprint. Every holder write and every entry or folio an op
  // changes goes through one of these first; lookups that only read (folioAt(),
  // folioEntries() and cacheOf() of model/state.ts called directly) leave no mark, so that a
  // unmap of one page of a 512-page folio reaches one entry, not 512. A change made without a
  // mark is caught by the checker's comparison of its kept views at the next full check.

  private setHolder(index: number, holder: Holder): void {
    this.touched.holders.add(index);
    setHolder(this.state, index, holder);
  }

  private entry(serial: number): Entry {
    this.touched.entries.add(serial);
    return entryAt(this.state, serial);
  }

  private folio(id: number): Folio {
    this.touched.folios.add(id);
    return folioAt(this.state, id);
  }

  private findFolio(id: number): Folio | undefined {
    this.touched.folios.add(id);
    return this.state.folios.get(id);
  }

  private entriesOf(folio: Folio): Entry[] {
    this.touched.folios.add(folio.id);
    const entries = folioEntries(this.state, folio);
    for (const entry of entries) this.touched.entries.add(entry.serial);
    return entries;
  }

  /** The entry's swap-cache binding. The folio is read, not reached: an op that changes
   * it reaches it again through folio(), findFolio() or entriesOf(). */
  private cacheOf(serial: number): { readonly folio: Folio; readonly page: number } | null {
    this.touched.entries.add(serial);
    return cacheOf(this.state, serial);
  }

  /** Frees a folio that is neither mapped nor in the swap cache. */
  private releaseIfUnused(folio: Folio): void {
    if (folio.swap === null && !isMapped(this.state, folio.id)) this.state.folios.delete(folio.id);
  }

  /** The holders 2^order from `start`, when order is legal and the range aligned and inside. */
  private alignedRange(start: number, order: number): number[] | null {
    if (!inRange(order, this.config.orderMax + 1)) return null;
    const pages = 2 ** order;
    if (!inRange(start, this.config.holders) || start % pages !== 0) return null;
    if (start + pages > this.config.holders) return null;
    return Array.from({ length: pages }, (_, page) => start + page);
  }

  private newFolio(
    order: number,
    pages: number[],
    dirty: boolean,
    swap: readonly number[] | null,
    memcg: number | null,
  ): Folio {
    const folio: Folio = { id: this.state.nextFolio, order, pages, dirty, swap: null, memcg };
    this.touched.folios.add(folio.id);
    this.state.nextFolio += 1;
    this.state.folios.set(folio.id, folio);
    if (swap !== null) bindCache(this.state, folio, swap);
    return folio;
  }

  private newEntry(space: EntrySpace, memcg: number | null): number {
    const serial = this.state.nextSerial;
    this.touched.entries.add(serial);
    this.state.nextSerial += 1;
    const backend: Backend = { kind: 'none' };
    addEntry(this.state, {
      serial,
      count: 0,
      shadow: false,
      backend,
      staleZswap: false,
      space,
      memcg,
    });
    return serial;
  }
}

/**
 * A kernel session: the reference model run as a Linux 6.1 kernel would run it, one userspace
 * action at a time. It holds the model, the kernel's choices the model validates (the device a
 * swap-out uses, as kernel/device-policy.ts predicts it; order-0 swapin), where every holder
 * lives (kernel/placement.ts), and the bookkeeping of the profile's `adjusts` entries (which
 * folios 6.1 keeps clean, which slots still have a zswap object). From these it expands an
 * action into the model ops it stands for, refuses the actions the profile rejects, and says
 * what userspace should see after each action.
 *
 * The expansion is a generator: it yields one expected op at a time and reads the state the
 * previous op left, because what MADV_PAGEOUT does next (write or not, evict at once or
 * later) depends on it. The translator compares each yielded op with the trace's next op
 * before applying it; the generator applies it as it is.
 *
 * Not covered here: matching a trace (kernel/translate.ts), C (kernel/emit-c.ts).
 */
import type { Config, DeviceConfig } from '../lib/config.ts';
import { devicePages } from '../lib/config.ts';
import type { EntryView, FolioView, Observation } from '../lib/observation.ts';
import type { Op } from '../lib/ops.ts';
import type { Outcome } from '../lib/outcome.ts';
import type { UserspaceDevice, UserspaceHolder } from '../lib/userspace-view.ts';
import { userspaceViewOf } from '../lib/userspace-view.ts';
import { SwapModel } from '../model/swap-model.ts';
import type { Action } from './actions.ts';
import { DevicePolicy } from './device-policy.ts';
import { Placement } from './placement.ts';
import type { KernelProfile } from './profile.ts';
import { linux61 } from './profile.ts';

/** A refusal: the profile entry that refuses and why, in one line. */
export class Rejection extends Error {
  override name = 'Rejection';
  readonly entry: string;
  readonly reason: string;

  constructor(entry: string, reason: string) {
    super(`${reason} [${entry}]`);
    this.entry = entry;
    this.reason = reason;
  }
}

/** An op the expansion expects next; `optional` ops may be absent from a trace. */
export interface ExpectedOp {
  readonly op: Op;
  readonly optional: boolean;
}

/** What userspace should see after a step, in model device numbers. */
export interface KernelExpectation {
  /** Placed holders only, ascending. */
  readonly holders: readonly { readonly holder: number; readonly view: UserspaceHolder }[];
  readonly devices: readonly UserspaceDevice[];
  readonly swapTotalPages: number;
  readonly swapFreePages: number;
  readonly swapCachedPages: number;
  readonly zswapStoredPages: number;
  /** memory.swap.current of each memcg of the config, in pages (empty without memcgs). */
  readonly memcgSwapCurrentPages: readonly number[];
  /** The config device of each swap type (index = type), as predicted. */
  readonly types: readonly (number | null)[];
  /** Profile entries whose rule changed a value above from the model's. */
  readonly adjusted: readonly string[];
}

/** The total usable pages 6.1 keeps its swap slot cache off below (5 x 64 x 1 CPU). */
export const slotCacheThresholdPages = 5 * 64;

/** Why `config` cannot run on the profile's kernel at all, or null. */
export function configRejection(config: Config): Rejection | null {
  const total = config.devices.reduce((sum, device) => sum + devicePages(device), 0);
  if (total > slotCacheThresholdPages) {
    return new Rejection(
      'swap-slot-cache',
      `the devices hold ${total} usable pages; above ${slotCacheThresholdPages} the 6.1 swap slot cache would batch slot allocation`,
    );
  }
  const empty = config.devices.findIndex((device) => devicePages(device) < 1);
  if (empty >= 0) return new Rejection('empty-device', `device ${empty} has no usable page`);
  return memcgLayoutRejection(config);
}

/** The program runs as one process tree in one cgroup: a config can have one memcg, and it
 * must hold every holder (profile entry memcg-layout). No memcgs at all is the root cgroup. */
function memcgLayoutRejection(config: Config): Rejection | null {
  const memcgs = config.memcgs ?? [];
  if (memcgs.length === 0) return null;
  if (memcgs.length === 1 && memcgs[0]?.holders === config.holders) return null;
  const covered = memcgs.reduce((sum, memcg) => sum + memcg.holders, 0);
  return new Rejection(
    'memcg-layout',
    `the config puts ${covered} of ${config.holders} holders in ${memcgs.length} memcg${memcgs.length === 1 ? '' : 's'}; the oracle runs every holder in one cgroup, so only one memcg holding all ${config.holders} holders can run`,
  );
}

/** The memcg of a one-memcg config (its cgroup's memory.swap.max in pages, null for "max"),
 * or undefined when every holder is in the root cgroup. */
export function programMemcg(config: Config): { readonly swapMax: number | null } | undefined {
  return config.memcgs?.[0];
}

export class KernelSession {
  readonly config: Config;
  readonly profile: KernelProfile;
  readonly model: SwapModel;
  readonly devicePolicy: DevicePolicy;
  readonly placement: Placement;
  /** Folios the model marks dirty that 6.1 keeps clean (read from zswap, still cached). */
  private readonly cleanInKernel = new Set<number>();
  /** Live entries whose slot still has a 6.1 zswap object, and the profile entry that makes
   * the model see it differently: a same-filled zero page (no-zero-map), a copy kept after a
   * load (zswap-load-not-exclusive), or none (an ordinary store). */
  private readonly zswapObjects = new Map<
    number,
    'no-zero-map' | 'zswap-load-not-exclusive' | null
  >();
  /** The action being expanded uses memory.reclaim. */
  private reclaimUsed = false;
  /** Holders 6.1 on arch um maps exclusively (no swap-PTE exclusive bit there: a swapped-in
   * page is exclusive only when the swap cache was freed at the fault). */
  private readonly kernelExclusive = new Set<number>();

  constructor(config: Config, profile: KernelProfile = linux61) {
    const refusal = configRejection(config);
    if (refusal !== null) throw refusal;
    this.config = config;
    this.profile = profile;
    this.model = new SwapModel(config);
    this.devicePolicy = new DevicePolicy(config.devices.map((device) => device.priority));
    this.placement = new Placement(config.holders);
  }

  /** Some action so far wrote memory.reclaim (the program then needs a cgroup). */
  get usesReclaim(): boolean {
    return this.reclaimUsed;
  }

  /**
   * Why the profile refuses `action` in the current state, or null. Checked before an action
   * is expanded, so a refused action changes nothing.
   */
  rejection(action: Action): Rejection | null {
    switch (action.kind) {
      case 'read':
        return this.readRejection(action.holder);
      case 'writeFault':
        return this.writeFaultRejection(action.holder);
      case 'write':
        return this.writeRejection(action.holder);
      case 'fork': {
        const source = this.model.holderView(action.holder);
        const target = this.model.holderView(action.target);
        if (source.kind === 'empty' || target.kind !== 'empty' || action.holder === action.target)
          return null;
        const conflict = this.placement.forkConflict(action.holder, action.target);
        return conflict === null ? null : new Rejection('process-layout', conflict);
      }
      case 'pageout':
        return this.pageoutRejection(action.holder);
      case 'reclaim':
        return this.reclaimRejection();
      default:
        return null;
    }
  }

  /**
   * The action makes sense in the current state: its holder is in the state the action needs
   * (a read or a write fault needs a swapped-out holder, a fault an empty one, a fork a fresh target, a
   * MADV_PAGEOUT a page mapped once, a memory.reclaim without a target an unmapped swap-cache
   * folio). swapon, swapoff and zswap always apply (a failing swapon is a step too). Used to
   * replay an action list with some actions removed (kernel/shrink.ts).
   */
  applies(action: Action): boolean {
    const holders = this.model.holders();
    const kind = (holder: number) => holders[holder]?.kind;
    switch (action.kind) {
      case 'swapon':
      case 'swapoff':
      case 'zswap':
        return true;
      case 'skip':
        return false;
      case 'fault':
        return kind(action.holder) === 'empty';
      case 'write':
        return kind(action.holder) === 'present';
      case 'read':
      case 'writeFault':
        return kind(action.holder) === 'swap';
      case 'zap':
        return kind(action.holder) === 'present' || kind(action.holder) === 'swap';
      case 'fork':
        return (
          kind(action.holder) !== 'empty' &&
          kind(action.target) === 'empty' &&
          this.placement.placeOf(action.target) === null
        );
      case 'reclaim':
        return this.model.liveFolios().some((folio) => folio.cached && !folio.mapped);
      case 'pageout': {
        const view = holders[action.holder];
        if (view?.kind !== 'present') return false;
        return this.model.mappersOf(view.folio).length === 1;
      }
    }
  }

  /** The model ops of `action`, one at a time; the caller applies each with applyOp(). */
  *expand(action: Action): Generator<ExpectedOp, void, void> {
    const must = (op: Op): ExpectedOp => ({ op, optional: false });
    switch (action.kind) {
      case 'swapon':
        yield must({ op: 'swapon', device: action.device, cpu: 0 });
        return;
      case 'swapoff':
        yield must({ op: 'swapoff', device: action.device, cpu: 0 });
        return;
      case 'fault':
        yield must({ op: 'fault', holder: action.holder, order: 0, cpu: 0 });
        return;
      case 'write':
        yield must({ op: 'write', holder: action.holder, value: action.value, cpu: 0 });
        return;
      case 'read':
        yield must({ op: 'swapin', holder: action.holder, order: 0, cpu: 0 });
        return;
      case 'writeFault':
        yield must({ op: 'swapin', holder: action.holder, order: 0, cpu: 0, write: true });
        return;
      case 'zap':
        yield must({ op: 'zap', holder: action.holder, cpu: 0 });
        return;
      case 'fork':
        yield must({ op: 'fork', holder: action.holder, target: action.target, cpu: 0 });
        return;
      case 'zswap':
        yield must({ op: 'setZswap', enabled: action.enabled, cpu: 0 });
        return;
      case 'skip':
        return;
      case 'pageout':
        yield* this.swapOut(action.holder);
        return;
      case 'reclaim':
        this.reclaimUsed = true;
        yield* this.evictUnmapped();
        return;
    }
  }

  /**
   * Applies one model op with the kernel's choices and updates the bookkeeping. Returns the
   * model's outcome. An illegal choice is a bug in the session (it predicts only legal ones).
   */
  applyOp(op: Op): Outcome {
    const before = op.op === 'writeout' ? this.folioEntries(op.folio) : [];
    const held = op.op === 'swapin' ? this.heldEntry(op.holder) : null;
    const choices = this.choicesFor(op);
    const step = this.model.apply(op, choices);
    if (!step.ok)
      throw new Error(
        `the model refused the kernel's choice for ${JSON.stringify(op)}: ${step.reason}`,
      );
    const outcome = step.outcome;
    this.track(op, outcome, before, held);
    return outcome;
  }

  /** The entry `holder` holds, or null. */
  private heldEntry(holder: number): number | null {
    if (holder >= this.config.holders) return null;
    const view = this.model.holderView(holder);
    return view.kind === 'swap' ? view.entry : null;
  }

  /** What userspace should see now. */
  expectation(): KernelExpectation {
    const observation = this.model.observe();
    const view = userspaceViewOf(observation, this.config);
    const live = [...this.zswapObjects].filter(([serial]) => this.model.isLive(serial));
    const zswapStoredPages = live.length;
    const backends = new Map(observation.entries.map((entry) => [entry.entry, entry.backend]));
    // The entries behind a count the model does not have: objects it has no zswap backend for.
    const adjusted = [
      ...new Set(
        live.flatMap(([serial, reason]) =>
          reason !== null && backends.get(serial) !== 'zswap' ? [reason] : [],
        ),
      ),
    ].sort();
    return {
      holders: this.placement
        .placedHolders()
        .map((holder) => ({ holder, view: view.holders[holder] as UserspaceHolder })),
      devices: view.devices,
      swapTotalPages: view.swapTotalPages,
      swapFreePages: view.swapFreePages,
      swapCachedPages: view.swapCachedPages,
      zswapStoredPages,
      memcgSwapCurrentPages: view.memcgSwapCurrentPages,
      types: this.devicePolicy.typeTable(),
      adjusted,
    };
  }

  /** The drain after a program: read every swapped-out holder back (checking its content),
   * unmap everything, swap every device off. */
  drainActions(): Action[] {
    const actions: Action[] = [];
    const holders = this.placement.placedHolders();
    return actions.concat(
      holders.map((holder): Action => ({ kind: 'read', holder })),
      holders.map((holder): Action => ({ kind: 'zap', holder })),
      this.model.onlineDevices().map((device): Action => ({ kind: 'swapoff', device })),
    );
  }

  /** A store the model writes in place through an exclusive mapping that 6.1 on um maps
   * non-exclusive, with the folio still in the swap cache (profile entry no-swap-pte-exclusive). */
  private writeRejection(holder: number): Rejection | null {
    const view = this.model.holderView(holder);
    if (view.kind !== 'present' || !view.exclusive || this.kernelExclusive.has(holder)) return null;
    if (this.model.folioView(view.folio)?.cached !== true) return null;
    return new Rejection(
      'no-swap-pte-exclusive',
      `holder ${holder}'s page is exclusive in the model (its swap PTE was) but not on 6.1/um, and still in the swap cache: 6.1 frees the cache and reuses the page where the model writes in place`,
    );
  }

  /** A read fault that hits the swap cache on a synchronous device and leaves the folio
   * unused: the model frees the swap cache (its synchronous-I/O arm), 6.1 keeps it unless
   * mem_cgroup_swap_full() (profile entry sync-io-cache-hit). */
  private readRejection(holder: number): Rejection | null {
    const entry = this.syncCacheHit(holder);
    if (entry === null) return null;
    return new Rejection(
      'sync-io-cache-hit',
      `holder ${holder}'s entry is in the swap cache on synchronous device ${entry.device}: the model frees the swap cache after the hit, 6.1 keeps it`,
    );
  }

  /**
   * A write fault on such a hit: 6.1 frees the swap cache too when nothing else maps the
   * folio (should_try_to_free_swap()'s write arm, else do_wp_page() frees it and reuses the
   * page, else wp_page_copy() -> free_swap_cache() of the now unmapped folio), so only a hit
   * on a folio another holder maps is refused: 6.1 copies the page and keeps the folio in the
   * swap cache for its other mapping, where the model frees it (profile entry sync-io-cache-hit).
   */
  private writeFaultRejection(holder: number): Rejection | null {
    const entry = this.syncCacheHit(holder);
    const folio = entry?.cache?.folio;
    if (entry === null || folio === undefined) return null;
    const mappers = this.model.mappersOf(folio).length;
    if (mappers === 0) return null;
    return new Rejection(
      'sync-io-cache-hit',
      `holder ${holder}'s entry is in the swap cache on synchronous device ${entry.device}, and another holder maps the folio: the model frees the swap cache after the write fault's copy, 6.1 keeps it`,
    );
  }

  /** The entry of swapped-out `holder` when a fault on it would hit the swap cache on a
   * synchronous device and leave the folio unused, with mem_cgroup_swap_full() false; else null. */
  private syncCacheHit(holder: number): EntryView | null {
    const view = this.model.holderView(holder);
    if (view.kind !== 'swap') return null;
    const entry = this.model.entryView(view.entry);
    if (entry === null || entry.cache === null || entry.device === null) return null;
    const synchronous = this.config.devices[entry.device]?.synchronousIo === true;
    if (!synchronous || entry.count !== 1 || this.swapFull(entry.memcg)) return null;
    const cache = entry.cache;
    const others = this.folioEntries(cache.folio).filter((each) => each.entry !== entry.entry);
    if (others.some((each) => each.count > 0)) return null;
    return entry;
  }

  /** mem_cgroup_swap_full() of a folio in memcg `memcg` (null: the root): vm_swap_full(), or
   * the memcg's swap.current is at least half its swap.max (mm/memcontrol.c). */
  private swapFull(memcg: number | null): boolean {
    if (this.model.vmSwapFull()) return true;
    if (memcg === null) return false;
    const max = this.config.memcgs?.[memcg]?.swapMax ?? null;
    const current = this.model.globalView().memcgSwapCurrent[memcg] ?? 0;
    return max !== null && current * 2 >= max;
  }

  /** MADV_PAGEOUT of `holder`'s page: refused where 6.1's allocator might reclaim on its own,
   * or where the model's zswap pool would overflow. */
  private pageoutRejection(holder: number): Rejection | null {
    const view = this.model.holderView(holder);
    const folio = view.kind === 'present' ? this.model.folioView(view.folio) : null;
    if (folio === null) return null;
    // 6.1 takes the page off nr_swap_pages before it scans (get_swap_pages()), so its
    // vm_swap_full() during the scan counts the page being allocated.
    const global = this.model.globalView();
    const total = global.devices.reduce(
      (sum, device, index) =>
        sum + (device.online ? devicePages(this.config.devices[index] as DeviceConfig) : 0),
      0,
    );
    if (!folio.cached && (global.swapFreePages - folio.pages.length) * 2 < total) {
      const observation = this.model.observe();
      if (observation.folios.some((each) => each.cached && unused(observation, each.id))) {
        return new Rejection(
          'allocator-reclaim',
          `a swap-out of holder ${holder} while swap is more than half full and a swap-cache folio has no user: which one 6.1 reclaims depends on its scan`,
        );
      }
    }
    const device = folio.cached ? null : this.devicePolicy.peek();
    const deviceConfig = device === null ? undefined : this.config.devices[device];
    if (
      device !== null &&
      deviceConfig !== undefined &&
      devicePages(deviceConfig) - (global.devices[device]?.inuse ?? 0) === 1
    ) {
      return new Rejection(
        'last-free-slot',
        `a swap-out of holder ${holder} would take the last free page of device ${device}, which 6.1's scan may skip`,
      );
    }
    const written = folio.dirty && !allZero(folio) ? folio.pages.length : 0;
    const stored = global.zswapStored;
    if (written > 0 && this.model.zswapEnabled && stored + written > this.config.zswapCapacity) {
      return new Rejection(
        'zswap-pool-size',
        `the writeout needs ${written} zswap objects beyond the ${stored} stored, over zswapCapacity ${this.config.zswapCapacity}`,
      );
    }
    return null;
  }

  /** memory.reclaim: refused while an unmapped swap-cache folio is dirty for 6.1 (reclaim
   * would write it, and may or may not evict it in the same call), and while the memcg has no
   * swap room left (reclaim then scans no anonymous page at all). */
  private reclaimRejection(): Rejection | null {
    const observation = this.model.observe();
    const full = (this.config.memcgs ?? []).findIndex(
      (memcg, index) =>
        memcg.swapMax !== null && (observation.memcgSwapCurrent[index] ?? 0) >= memcg.swapMax,
    );
    if (full >= 0) {
      return new Rejection(
        'memcg-swap-max-reclaim',
        `memcg ${full} uses all of its memory.swap.max: memory.reclaim scans no anonymous page, so it evicts no swap-cache folio`,
      );
    }
    const mapped = mappedFolios(observation);
    const dirty = observation.folios.find(
      (folio) =>
        folio.cached && !mapped.has(folio.id) && folio.dirty && !this.cleanInKernel.has(folio.id),
    );
    if (dirty === undefined) return null;
    return new Rejection(
      'dirty-cache-only-reclaim',
      `folio ${dirty.id} is dirty, unmapped and in the swap cache: memory.reclaim writes it and may or may not evict it in the same call`,
    );
  }

  /**
   * MADV_PAGEOUT of `holder`'s page (mapped once): allocSwap unless it is in the swap cache,
   * the unmap, a writeout when it is dirty, an evict when the write completes at once.
   */
  private *swapOut(holder: number): Generator<ExpectedOp, void, void> {
    const start = this.model.holderView(holder);
    if (start.kind !== 'present') throw new Error(`holder ${holder} maps no page`);
    const folio = start.folio;
    if (this.model.folioView(folio)?.cached !== true) {
      yield { op: { op: 'allocSwap', holder, cpu: 0 }, optional: false };
      if (this.model.folioView(folio)?.cached !== true) return;
    }
    yield { op: { op: 'unmap', holder, cpu: 0 }, optional: false };
    yield* this.writeAndEvict(folio, false);
  }

  /** Every clean, unmapped swap-cache folio is evicted (a dirty one is written first: one
   * the model marks dirty only because it was read from zswap, see cleanInKernel). */
  private *evictUnmapped(): Generator<ExpectedOp, void, void> {
    const observation = this.model.observe();
    const mapped = mappedFolios(observation);
    const targets = observation.folios
      .filter((folio) => folio.cached && !mapped.has(folio.id))
      .map((folio) => folio.id);
    for (const folio of targets) {
      if (this.model.folioView(folio)?.cached !== true) continue;
      yield* this.writeAndEvict(folio, true);
    }
  }

  /** A writeout when the model's folio is dirty (optional when clean), then an evict when the
   * kernel's write completes at once, or always for memory.reclaim (`reclaim`: its folios are
   * clean in 6.1, so nothing is written). */
  private *writeAndEvict(folio: number, reclaim: boolean): Generator<ExpectedOp, void, void> {
    const view = this.model.folioView(folio);
    if (view === null || !view.cached) return;
    const kernelDirty = view.dirty && !this.cleanInKernel.has(folio);
    let atOnce = !kernelDirty;
    if (view.dirty) {
      const zswapEnabled = this.model.zswapEnabled;
      yield { op: { op: 'writeout', folio, cpu: 0 }, optional: false };
      // A writeout of a folio none of whose entries is held frees it: nothing to evict.
      if (this.model.folioView(folio)?.cached !== true) return;
      if (kernelDirty) atOnce = this.completesAtOnce(zswapEnabled);
    } else {
      yield { op: { op: 'writeout', folio, cpu: 0 }, optional: true };
    }
    if (atOnce || reclaim) yield { op: { op: 'evict', folio, cpu: 0 }, optional: false };
  }

  /** The last writeout applied: its path and the device of its entries (read by the expansion
   * after it yields the writeout). */
  private lastWriteout: { how: Outcome['how']; device: number | null } = {
    how: undefined,
    device: null,
  };

  /** The last writeout's 6.1 write finishes before shrink_folio_list() checks for writeback:
   * a zswap store (a zero page is a same-filled store while zswap is enabled), or a write to a
   * synchronous-I/O device (profile entries async-writeback and no-zero-map). */
  private completesAtOnce(zswapEnabled: boolean): boolean {
    const { how, device } = this.lastWriteout;
    if (how === 'zswap' || how === 'clean') return true;
    if (how === 'zero' && zswapEnabled) return true;
    return device !== null && this.config.devices[device]?.synchronousIo === true;
  }

  /** Holders mapping page `page` of `folio`. */
  private mappingsOfPage(folio: number, page: number): number[] {
    return this.model
      .holders()
      .flatMap((holder, index) =>
        holder.kind === 'present' && holder.folio === folio && holder.page === page ? [index] : [],
      );
  }

  /** The entries bound to `folio`, page order (none when it is not cached). */
  private folioEntries(folio: number): EntryView[] {
    const observation = this.model.observe();
    return observation.entries
      .filter((entry) => entry.cache?.folio === folio)
      .sort((a, b) => (a.cache?.page ?? 0) - (b.cache?.page ?? 0));
  }

  private choicesFor(op: Op): Outcome {
    if (op.op === 'allocSwap') {
      const device = this.devicePolicy.peek();
      return device === null ? { errno: 'ENOSPC' } : { errno: 'OK', virtual: false, device };
    }
    if (op.op === 'swapin') return { errno: 'OK', order: 0 };
    return { errno: 'OK' };
  }

  /** The profile's bookkeeping after an op. */
  private track(
    op: Op,
    outcome: Outcome,
    writtenEntries: readonly EntryView[],
    swapinEntry: number | null,
  ): void {
    switch (op.op) {
      case 'swapon':
        if (outcome.errno === 'OK') this.devicePolicy.swapon(op.device);
        break;
      case 'swapoff':
        // unuse_pte() maps without RMAP_EXCLUSIVE on um (no swap-PTE bit), so the holders it
        // maps back stay out of kernelExclusive, where unmap left them.
        if (outcome.errno === 'OK') this.devicePolicy.swapoff(op.device);
        break;
      case 'allocSwap':
        // A charge that fails at swap.max (ENOMEM) gives back a slot get_swap_pages() took,
        // after it requeued the device: equal priorities take turns all the same.
        if ((outcome.errno === 'OK' || outcome.errno === 'ENOMEM') && outcome.device !== undefined)
          this.devicePolicy.allocated(outcome.device);
        break;
      case 'fault':
        if (outcome.errno === 'OK') {
          this.placement.placeForFault(op.holder);
          this.kernelExclusive.add(op.holder);
        }
        break;
      case 'fork':
        if (outcome.errno === 'OK') {
          this.placement.placeForFork(op.holder, op.target);
          // copy_present_pte() clears PageAnonExclusive for every mapping of the page.
          const view = this.model.holderView(op.holder);
          if (view.kind === 'present')
            for (const other of this.mappingsOfPage(view.folio, view.page))
              this.kernelExclusive.delete(other);
          this.kernelExclusive.delete(op.holder);
        }
        break;
      case 'write': {
        const view = this.model.holderView(op.holder);
        if (view.kind === 'present') this.cleanInKernel.delete(view.folio);
        // In place, reused or copied: the mapping ends exclusive on every kernel.
        if (outcome.errno === 'OK') this.kernelExclusive.add(op.holder);
        break;
      }
      case 'zap':
      case 'unmap':
        this.kernelExclusive.delete(op.holder);
        break;
      case 'swapin': {
        if (outcome.errno !== 'OK') break;
        const view = this.model.holderView(op.holder);
        const cached = view.kind === 'present' && this.model.folioView(view.folio)?.cached === true;
        // 6.1: exclusive when the page was freed from the swap cache before it was mapped and
        // nothing else maps it (page_count() == 1); a read past the swap cache is fresh. A
        // write fault ends exclusive on every kernel (mapped so at once, or do_wp_page()
        // reuses or copies the page).
        const alone =
          view.kind === 'present' && this.mappingsOfPage(view.folio, view.page).length === 1;
        if (op.write === true || (view.kind === 'present' && !cached && alone))
          this.kernelExclusive.add(op.holder);
        else this.kernelExclusive.delete(op.holder);
        // The folio the fault read, while it stays in the swap cache (the holder maps it, or
        // after a write fault's copy maps a copy of it).
        const read =
          swapinEntry === null ? null : (this.model.entryView(swapinEntry)?.cache?.folio ?? null);
        if (outcome.how === 'read-zswap' && read !== null) {
          this.cleanInKernel.add(read);
          // The model's load released the object; 6.1 keeps it.
          for (const entry of this.folioEntries(read))
            if (this.zswapObjects.has(entry.entry))
              this.zswapObjects.set(entry.entry, 'zswap-load-not-exclusive');
        }
        break;
      }
      case 'writeout':
        this.lastWriteout = { how: outcome.how, device: writtenEntries[0]?.device ?? null };
        this.trackWriteout(op.folio, outcome, writtenEntries);
        break;
      default:
        break;
    }
    for (const folio of [...this.cleanInKernel]) {
      const view = this.model.folioView(folio);
      if (view === null || !view.cached || !view.dirty) this.cleanInKernel.delete(folio);
    }
    for (const serial of [...this.zswapObjects.keys()])
      if (!this.model.isLive(serial)) this.zswapObjects.delete(serial);
    const global = this.model.globalView();
    this.devicePolicy.settle(
      (device) => {
        const deviceConfig = this.config.devices[device];
        return (
          deviceConfig !== undefined &&
          (global.devices[device]?.inuse ?? 0) < devicePages(deviceConfig)
        );
      },
      (device) =>
        global.devices[device]?.online === true && global.devices[device]?.writeOk === true,
    );
  }

  /** 6.1 zswap objects after a writeout (profile entries zswap-load-not-exclusive and
   * no-zero-map): a folio 6.1 keeps clean is not written at all; otherwise every store first
   * drops the slot's old object, and a zswap store (or a same-filled zero page while zswap is
   * enabled) leaves a new one. */
  private trackWriteout(folio: number, outcome: Outcome, entries: readonly EntryView[]): void {
    if (this.cleanInKernel.has(folio)) {
      this.cleanInKernel.delete(folio);
      return;
    }
    const stored = outcome.how === 'zswap' || (outcome.how === 'zero' && this.model.zswapEnabled);
    const written = outcome.how === 'zswap' || outcome.how === 'zero' || outcome.how === 'disk';
    if (!written) return;
    for (const entry of entries) {
      if (stored) this.zswapObjects.set(entry.entry, outcome.how === 'zero' ? 'no-zero-map' : null);
      else this.zswapObjects.delete(entry.entry);
    }
  }
}

/** Ids of the folios some holder maps. */
function mappedFolios(observation: Observation): Set<number> {
  const mapped = new Set<number>();
  for (const holder of observation.holders) if (holder.kind === 'present') mapped.add(holder.folio);
  return mapped;
}

/** Every entry bound to folio `id` has count 0. */
function unused(observation: Observation, id: number): boolean {
  return observation.entries.every((entry) => entry.cache?.folio !== id || entry.count === 0);
}

function allZero(folio: FolioView): boolean {
  return folio.pages.every((content) => content === 0);
}

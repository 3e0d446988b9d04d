/**
 * One focused run for the Stryker subset (properties/mutation-subset.test.ts): runRandom()'s
 * loop with campaign checks (footprints between full checks), which also counts what the run
 * reached (from the model's observation before each op), tallies the coverage marks the
 * impl should report (from the outcomes, which the checker has compared with the model's),
 * and can apply, between generated ops, ops the model refuses (arguments out of range, a
 * holder or folio in the wrong state), so that every refusal path meets the model's.
 *
 * Not covered here: choosing seeds and what each focus must reach (the test file), marks that
 * no outcome or observation determines (scan lengths, lookup-cache and cluster-list marks).
 */
import type { Config } from '../lib/config.ts';
import type { Observation } from '../lib/observation.ts';
import type { Op } from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import { checkerOptionsCampaign, type Failure } from './checker.ts';
import { drawHotBase, drawSwarm, drawTemplate } from './generator.ts';
import { resolveTemplate } from './op-template.ts';
import { Prng } from './prng.ts';
import { checkerFor, swaponOps, type DesignUnderTest } from './run.ts';

/** What a focused run reached, counted from the model's observation before each op. */
export interface Reach {
  /** swapoff of a device holding swapped-out entries, and of those the cached, zswap-backed,
   * shared (count above one) and virtual ones. */
  swapoffLive: number;
  swapoffCached: number;
  swapoffZswap: number;
  swapoffShared: number;
  swapoffVirtual: number;
  /** swapoff of a device holding cache-only entries (count 0, in the swap cache). */
  swapoffCacheOnly: number;
  /** Ops applied while the online devices were more than half full (vm_swap_full()). */
  pressure: number;
  /** zswap writebacks of an entry whose data is in zswap. */
  zswapWriteback: number;
  /** Writeouts of a large folio. */
  largeWriteout: number;
  /** Forks of a holder whose page is swapped out. */
  forkSwapped: number;
}

export function reachNone(): Reach {
  return {
    swapoffLive: 0,
    swapoffCached: 0,
    swapoffZswap: 0,
    swapoffShared: 0,
    swapoffVirtual: 0,
    swapoffCacheOnly: 0,
    pressure: 0,
    zswapWriteback: 0,
    largeWriteout: 0,
    forkSwapped: 0,
  };
}

/** Counts what `op` reaches in the state `observation` shows; `swapFull` is the model's
 * vm_swap_full() in that state. */
function reachAdd(reach: Reach, observation: Observation, op: Op, swapFull: boolean): void {
  if (swapFull) reach.pressure++;
  const holder = 'holder' in op ? observation.holders[op.holder] : undefined;
  switch (op.op) {
    case 'swapoff': {
      const online = observation.devices[op.device]?.online ?? false;
      const cacheOnly = observation.entries.some(
        (view) => view.device === op.device && view.count === 0 && view.cache !== null,
      );
      if (online && cacheOnly) reach.swapoffCacheOnly++;
      const on = observation.entries.filter((view) => view.device === op.device && view.count > 0);
      if (!(observation.devices[op.device]?.online ?? false) || on.length === 0) break;
      reach.swapoffLive++;
      if (on.some((view) => view.cache !== null)) reach.swapoffCached++;
      if (on.some((view) => view.backend === 'zswap')) reach.swapoffZswap++;
      if (on.some((view) => view.count > 1)) reach.swapoffShared++;
      if (on.some((view) => view.virtual)) reach.swapoffVirtual++;
      break;
    }
    case 'zswapWriteback':
      if (holder?.kind !== 'swap') break;
      if (observation.entries.find((view) => view.entry === holder.entry)?.backend === 'zswap')
        reach.zswapWriteback++;
      break;
    case 'writeout':
      if ((observation.folios.find((view) => view.id === op.folio)?.order ?? 0) > 0)
        reach.largeWriteout++;
      break;
    case 'fork':
      if (holder?.kind === 'swap') reach.forkSwapped++;
      break;
    default:
      break;
  }
}

/** Mark name → how many times the outcomes say it was reached. */
export type MarkTally = Record<string, number>;

/** The marks an op's outcome determines (impl/ names each where it counts it). */
export const tallied: readonly string[] = [
  'enomem',
  'enospc',
  'enomem-dup',
  'enomem-charge',
  'enomem-swapin',
  'enomem-zswap-writeback',
  'enospc-alloc-swap',
  'enospc-writeout',
  'enospc-zswap-writeback',
  'write-cow',
  'write-reuse',
  'write-free-swap-cache',
  'swapin-free-swap-cache',
  'zap-reclaim-swap-cache',
  'zap-free-swap-cache',
  'swapin-large',
  'reclaim-cache',
  'reclaim-backing',
  'swapoff-live-entries',
  'split-swapcache',
  'vm-swap-full',
  'zswap-store-replaced-stale',
  'zswap-store-failed-erase',
  'zswap-disabled-erase',
  'writeout-keep-backing',
  'zswap-writeback-same-slot',
  'zswap-writeback-redirect',
  'swapoff-vswap-read',
  'alloc-run-reclaimed',
  'alloc-run-reclaimed-by-scan',
];

/** The tally's name for the redirection cost counter. */
export const redirections = 'cost:redirections';

/** What tallyAdd() needs from the model's observation before an op. */
interface Before {
  /** swapoff: the device's in-use pages, and its virtual entries backed there and not cached. */
  readonly deviceInuse: number;
  readonly virtualBacked: number;
  readonly virtualUncached: number;
  /** split: the folio is in the swap cache. */
  readonly folioCached: boolean;
  /** zap: the kind of the holder it clears. */
  readonly holderKind: string;
  /** writeout: the backends of the folio's entries, whether they are virtual, and zswap. */
  readonly folioBackends: readonly string[];
  readonly folioVirtual: boolean;
  readonly zswapEnabled: boolean;
}

function beforeOf(observation: Observation, op: Op): Before {
  const device = op.op === 'swapoff' ? op.device : -1;
  const folio = op.op === 'writeout' || op.op === 'split' ? op.folio : -1;
  const bound = observation.entries.filter((view) => view.cache?.folio === folio);
  return {
    holderKind: 'holder' in op ? (observation.holders[op.holder]?.kind ?? 'none') : 'none',
    deviceInuse: observation.devices[device]?.inuse ?? 0,
    virtualBacked: observation.entries.filter(
      (view) => view.virtual && view.device === device && view.backend === 'disk',
    ).length,
    virtualUncached: observation.entries.filter(
      (view) =>
        view.virtual && view.device === device && view.backend === 'disk' && view.cache === null,
    ).length,
    folioCached: observation.folios.find((view) => view.id === folio)?.cached === true,
    folioBackends: bound.map((view) => view.backend),
    folioVirtual: bound.some((view) => view.virtual),
    zswapEnabled: observation.zswapEnabled,
  };
}

function bump(tally: MarkTally, name: string, n = 1): void {
  tally[name] = (tally[name] ?? 0) + n;
}

/**
 * Adds the marks `op` should have hit, from its outcome (equal to the model's once the checker
 * passed it), the model's observation before it (`before`, read before the op) and after it,
 * and the model's vm_swap_full() after it (`swapFullAfter`).
 */
function tallyAdd(
  tally: MarkTally,
  op: Op,
  outcome: ImplOutcome,
  before: Before,
  after: Observation,
  swapFullAfter: boolean,
  config: Config,
  elided: boolean,
): void {
  const { errno } = outcome;
  if (errno === 'ENOMEM') bump(tally, 'enomem');
  if (errno === 'ENOSPC') bump(tally, 'enospc');
  if (errno === 'ENOMEM' && (op.op === 'fork' || op.op === 'unmap')) bump(tally, 'enomem-dup');
  if (errno === 'ENOMEM' && op.op === 'allocSwap') bump(tally, 'enomem-charge');
  if (errno === 'ENOMEM' && op.op === 'swapin') bump(tally, 'enomem-swapin');
  if (errno === 'ENOMEM' && op.op === 'zswapWriteback') bump(tally, 'enomem-zswap-writeback');
  if (errno === 'ENOSPC' && op.op === 'allocSwap') bump(tally, 'enospc-alloc-swap');
  if (errno === 'ENOSPC' && op.op === 'writeout') bump(tally, 'enospc-writeout');
  if (errno === 'ENOSPC' && op.op === 'zswapWriteback') bump(tally, 'enospc-zswap-writeback');
  // do_wp_page() of a write, or of a write-fault swapin.
  if (outcome.how === 'cow' || outcome.wp === 'cow') bump(tally, 'write-cow');
  if (outcome.how === 'reuse' || outcome.wp === 'reuse') bump(tally, 'write-reuse');
  if (outcome.freedCache === true) {
    const zap = before.holderKind === 'present' ? 'zap-free-swap-cache' : 'zap-reclaim-swap-cache';
    bump(
      tally,
      op.op === 'zap'
        ? zap
        : op.op === 'write'
          ? 'write-free-swap-cache'
          : 'swapin-free-swap-cache',
    );
  }
  if (
    op.op === 'swapin' &&
    errno === 'OK' &&
    outcome.how !== 'cache-hit' &&
    (outcome.order ?? 0) > 0
  ) {
    bump(tally, 'swapin-large');
  }
  for (const reclaim of outcome.reclaimed ?? []) bump(tally, `reclaim-${reclaim.kind}`);
  // An op takes one run: a reclaiming one is found through the table devices' words, or, with
  // an elided reverse map (bitmap devices), by the scan of the virtual clusters.
  if ((outcome.reclaimed?.length ?? 0) > 0)
    bump(tally, elided ? 'alloc-run-reclaimed-by-scan' : 'alloc-run-reclaimed');
  if (op.op === 'swapoff' && errno === 'OK' && before.deviceInuse > 0)
    bump(tally, 'swapoff-live-entries');
  if (op.op === 'split' && errno === 'OK' && before.folioCached) bump(tally, 'split-swapcache');
  if (op.op === 'swapoff' && errno === 'OK')
    bump(tally, 'swapoff-vswap-read', before.virtualUncached);
  if (op.op === 'writeout') {
    const zswapped = before.folioBackends.filter((backend) => backend === 'zswap').length;
    if (outcome.how === 'zswap') bump(tally, 'zswap-store-replaced-stale', zswapped);
    // The disk path (written, or no backing to be had) erases stale zswap copies first.
    if ((outcome.how === 'disk' || errno === 'ENOSPC') && zswapped > 0) {
      bump(tally, before.zswapEnabled ? 'zswap-store-failed-erase' : 'zswap-disabled-erase');
    }
    if (outcome.how === 'disk' && before.folioVirtual && outcome.device === undefined)
      bump(tally, 'writeout-keep-backing');
  }
  if (op.op === 'zswapWriteback' && errno === 'OK') {
    bump(
      tally,
      outcome.device === undefined ? 'zswap-writeback-same-slot' : 'zswap-writeback-redirect',
    );
  }
  // Redirections (a cost, not a mark): a virtual entry's backend moved without touching its
  // holders: a zswap writeback to a new slot, each page of a folio whose backing was
  // reclaimed (the folio stays, so its order is read after the op), each virtual entry
  // swapoff moved off its device.
  if (op.op === 'zswapWriteback' && errno === 'OK' && outcome.device !== undefined)
    bump(tally, redirections);
  for (const reclaim of outcome.reclaimed ?? []) {
    if (reclaim.kind !== 'backing') continue;
    bump(
      tally,
      redirections,
      2 ** (after.folios.find((view) => view.id === reclaim.folio)?.order ?? 0),
    );
  }
  if (op.op === 'swapoff' && errno === 'OK') bump(tally, redirections, before.virtualBacked);
  // Every op that passed the CPU check looks at vm_swap_full() after it.
  if (op.cpu >= 0 && op.cpu < config.cpus && swapFullAfter) {
    bump(tally, 'vm-swap-full');
  }
}

/**
 * Ops the model refuses in the state `observation` shows (EINVAL or EBUSY), one or more per
 * refusal the impl makes: arguments out of range, and holders, folios and devices in a state
 * the op does not apply to. Every op is well typed; the CLI's validation of malformed input is
 * not covered here.
 */
export function refusedOps(config: Config, observation: Observation): Op[] {
  const holders = observation.holders;
  const n = holders.length;
  const cpu = 0;
  const ops: Op[] = [];
  const firstOf = (kind: string) => holders.findIndex((view) => view.kind === kind);
  const empty = firstOf('empty');
  const present = firstOf('present');
  const swap = firstOf('swap');
  ops.push({ op: 'swapon', device: config.devices.length, cpu });
  ops.push({ op: 'swapoff', device: config.devices.length, cpu });
  observation.devices.forEach((view, device) => {
    ops.push(view.online ? { op: 'swapon', device, cpu } : { op: 'swapoff', device, cpu });
  });
  ops.push({ op: 'fault', holder: n, order: 0, cpu });
  ops.push({ op: 'fault', holder: 0, order: config.orderMax + 1, cpu });
  // An order out of range at an empty holder, where the occupancy check would not refuse it.
  if (empty >= 0) ops.push({ op: 'fault', holder: empty, order: -1, cpu });
  if (config.orderMax > 0) ops.push({ op: 'fault', holder: 1, order: 1, cpu });
  // An aligned pair whose first holder is empty and second is not.
  const pair = holders.findIndex(
    (view, h) => h % 2 === 0 && view.kind === 'empty' && holders[h + 1]?.kind !== 'empty',
  );
  if (config.orderMax > 0 && pair >= 0 && pair + 1 < n)
    ops.push({ op: 'fault', holder: pair, order: 1, cpu });
  for (const h of [present, swap]) if (h >= 0) ops.push({ op: 'fault', holder: h, order: 0, cpu });
  ops.push({ op: 'write', holder: n, value: 1, cpu });
  for (const h of [empty, swap]) if (h >= 0) ops.push({ op: 'write', holder: h, value: 1, cpu });
  ops.push({ op: 'fork', holder: n, target: 0, cpu });
  for (const h of [present, swap]) {
    if (h < 0) continue;
    ops.push({ op: 'fork', holder: h, target: n, cpu });
    ops.push({ op: 'fork', holder: h, target: h, cpu });
    const occupied = holders.findIndex((view, t) => t !== h && view.kind !== 'empty');
    if (occupied >= 0) ops.push({ op: 'fork', holder: h, target: occupied, cpu });
  }
  if (empty >= 0) {
    const other = holders.findIndex((view, t) => t !== empty && view.kind === 'empty');
    if (other >= 0) ops.push({ op: 'fork', holder: empty, target: other, cpu });
  }
  const lastFolio = observation.folios.at(-1)?.id ?? 0;
  ops.push({ op: 'split', folio: lastFolio + 1000, cpu });
  const small = observation.folios.find((view) => view.order === 0);
  if (small !== undefined) ops.push({ op: 'split', folio: small.id, cpu });
  for (const h of [n, empty, swap]) if (h >= 0) ops.push({ op: 'allocSwap', holder: h, cpu });
  for (const h of [n, empty, swap]) if (h >= 0) ops.push({ op: 'unmap', holder: h, cpu });
  const folioOf = (h: number) => {
    const view = holders[h];
    return view?.kind === 'present'
      ? observation.folios.find((f) => f.id === view.folio)
      : undefined;
  };
  const uncachedHolder = holders.findIndex(
    (view, h) => view.kind === 'present' && folioOf(h)?.cached === false,
  );
  if (uncachedHolder >= 0) ops.push({ op: 'unmap', holder: uncachedHolder, cpu });
  const cachedHolder = holders.findIndex(
    (view, h) => view.kind === 'present' && folioOf(h)?.cached === true,
  );
  if (cachedHolder >= 0) ops.push({ op: 'allocSwap', holder: cachedHolder, cpu });
  const uncached = observation.folios.find((view) => !view.cached);
  for (const folio of [lastFolio + 1000, uncached?.id]) {
    if (folio === undefined) continue;
    ops.push(
      { op: 'writeout', folio, cpu },
      { op: 'evict', folio, cpu },
      { op: 'freeSwapCache', folio, cpu },
    );
  }
  // A cached folio some holder maps: writeout and evict refuse it (EBUSY).
  const mapped = cachedHolder >= 0 ? folioOf(cachedHolder) : undefined;
  if (mapped !== undefined)
    ops.push({ op: 'writeout', folio: mapped.id, cpu }, { op: 'evict', folio: mapped.id, cpu });
  ops.push({ op: 'swapin', holder: 0, order: config.orderMax + 1, cpu });
  for (const h of [n, empty, present])
    if (h >= 0) ops.push({ op: 'swapin', holder: h, order: 0, cpu });
  ops.push({ op: 'zap', holder: n, cpu });
  for (const h of [n, empty, present])
    if (h >= 0) ops.push({ op: 'zswapWriteback', holder: h, cpu });
  // A swapped-out holder whose entry is not in zswap.
  const notZswap = holders.findIndex(
    (view) =>
      view.kind === 'swap' &&
      observation.entries.find((e) => e.entry === view.entry)?.backend !== 'zswap',
  );
  if (notZswap >= 0) ops.push({ op: 'zswapWriteback', holder: notZswap, cpu });
  ops.push({ op: 'fault', holder: Math.max(empty, 0), order: 0, cpu: config.cpus });
  return ops;
}

export interface FocusedResult {
  readonly failure: Failure | null;
  readonly reach: Reach;
  /** The marks the outcomes determine, and the redirection cost, as tallied and as the impl
   * reported them (before the drain). */
  readonly expectedMarks: MarkTally;
  readonly actualMarks: MarkTally;
  /** Refused ops applied, and those the model did not refuse after all (should be none). */
  readonly refused: number;
  readonly notRefused: readonly Op[];
}

/**
 * Runs `ops` generated ops of the run seeded `seed` (runRandom()'s loop: swapon of every
 * device, or of the synchronous-I/O ones alone when the swarm says so, then templates resolved
 * against the model) with campaign checks, then the drain. With `refuseEvery` > 0, after every
 * `refuseEvery`-th generated op it applies refusedOps() of the state then, each checked too.
 */
export function runFocused(
  design: DesignUnderTest,
  config: Config,
  seed: number,
  ops: number,
  refuseEvery = 0,
): FocusedResult {
  const prng = new Prng(seed);
  const swarm = drawSwarm(prng);
  const hotBase = drawHotBase(prng, config);
  const checker = checkerFor(design, config, checkerOptionsCampaign);
  const system = checker.system;
  const applyInner = system.apply.bind(system);
  let last: ImplOutcome | null = null;
  system.apply = (op: Op) => (last = applyInner(op));
  const reach = reachNone();
  const elided = design.knobs?.reverseMap === 'elided';
  const expectedMarks: MarkTally = {};
  const notRefused: Op[] = [];
  let refused = 0;
  const apply = (op: Op): Failure | null => {
    const observation = checker.observation;
    reachAdd(reach, observation, op, checker.model.vmSwapFull());
    const before = beforeOf(observation, op);
    last = null;
    const failure = checker.step(op);
    if (failure === null && last !== null) {
      tallyAdd(
        expectedMarks,
        op,
        last,
        before,
        checker.observation,
        checker.model.vmSwapFull(),
        config,
        elided,
      );
    }
    return failure;
  };
  let failure: Failure | null = null;
  for (const op of swaponOps(config, swarm)) {
    failure = apply(op);
    if (failure !== null) break;
  }
  for (let i = 0; i < ops && failure === null; i++) {
    failure = apply(
      resolveTemplate(
        config,
        checker.observation,
        drawTemplate(prng, swarm),
        swarm.hotHolders,
        hotBase,
      ),
    );
    if (refuseEvery <= 0 || i % refuseEvery !== 0) continue;
    for (const op of refusedOps(config, checker.observation)) {
      if (failure !== null) break;
      failure = apply(op);
      refused++;
      const outcome = last as ImplOutcome | null;
      if (outcome !== null && outcome.errno !== 'EINVAL' && outcome.errno !== 'EBUSY')
        notRefused.push(op);
    }
  }
  const reported = system.marks();
  const actualMarks: MarkTally = {};
  for (const name of tallied) actualMarks[name] = reported[name] ?? 0;
  for (const name of tallied) expectedMarks[name] ??= 0;
  const costs = system.costs?.();
  if (costs !== undefined) actualMarks[redirections] = costs.counts.redirections;
  if (costs !== undefined) expectedMarks[redirections] ??= 0;
  if (failure === null) failure = checker.drain();
  return { failure, reach, expectedMarks, actualMarks, refused, notRefused };
}

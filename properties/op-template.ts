/**
 * Op templates: an op kind plus raw random numbers, resolved against the model's current
 * observation into a concrete op with intent (swapin picks a holder that holds a swap entry,
 * evict picks a clean unmapped swap-cache folio, hot holders are picked more often, and a small
 * share of picks is deliberately random so that the EINVAL paths stay exercised).
 *
 * Templates are what fast-check generates and shrinks in the vitest properties, and what the
 * campaign runner draws from its PRNG; both resolve them the same way. The concrete ops that
 * result are what traces record.
 *
 * Not covered here: op weights and swarm choice (properties/generator.ts).
 */
import type { Config } from '../lib/config.ts';
import type { FolioView, HolderView, Observation } from '../lib/observation.ts';
import type { Op, OpName } from '../lib/ops.ts';

export interface OpTemplate {
  readonly kind: OpName;
  /** Chooses the main target among the candidates. */
  readonly pick: number;
  /** Chooses hot or cold targets, a second target (fork), or a random fallback. */
  readonly pick2: number;
  readonly cpu: number;
  readonly order: number;
  /** Value for write; 0 writes a zero page. */
  readonly value: number;
  /** failAlloc / failZswap / the enabled flag of setZswap. Bits 6..7 of `pick2` make one
   * swapin in four a write fault (`write`, not an injected failure). */
  readonly flag: boolean;
  /** The second injected failure of a writeout: failAlloc (the memcg charge of new disk
   * backing fails). The campaign runner and fast-check draw it; workloads do not. */
  readonly flag2?: boolean;
  /** Ignore `kind` and take a hot holder or folio one step further along its lifecycle
   * (advanceOp); only the campaign runner's focused swarms set it. */
  readonly advance?: boolean;
  /** Resolve write and swapin with the campaign's lifecycle preferences (half of each, by a
   * bit of pick2): a write takes a page whose folio is still in the swap cache, so that the
   * swapped copy goes stale (every re-writeout path: zero flag, zswap copy, reused backing);
   * a swapin takes a holder of a shared entry (count of two or more), where do_swap_page()
   * may not take the entry exclusively (swap cache kept, zswap load not exclusive); on a
   * machine with memory cgroups, a zap takes the last swap PTE of an entry whose swap-cache
   * folio another holder maps (the memcg-full reclaim). Only the campaign runner's
   * drawTemplate sets it; fast-check properties and workloads resolve as before. */
  readonly lifecycleBias?: boolean;
  /** The template comes from a pressure swarm (generator.ts): unmap never finishes a partly
   * unmapped large folio, which keeps folios with one entry held and another cache-only, the
   * case the allocator's reclaim must refuse. Only the campaign runner's drawTemplate sets it. */
  readonly pressure?: boolean;
  /** The template comes from a run steered toward large folios (generator.ts Steer): a fault
   * asks for the config's largest order, a swapin for the largest swapped order. */
  readonly large?: boolean;
}

/** Largest raw number a template field carries. */
export const templatePickMax = 0xffff;

type HolderPredicate = (view: HolderView, index: number) => boolean;

function holderIndices(observation: Observation, predicate: HolderPredicate): number[] {
  const indices: number[] = [];
  observation.holders.forEach((view, index) => {
    if (predicate(view, index)) indices.push(index);
  });
  return indices;
}

/** Where a run's hot holders are: `count` ids from `base` (null: a quarter of the ids). */
export interface HotWindow {
  readonly base: number;
  readonly count: number | null;
}

const hotLowest: HotWindow = { base: 0, count: null };

/**
 * Picks one candidate: usually among the hot ids (a quarter of the id space from the window's
 * base, or the window's `count` when the run narrows them), sometimes any candidate, and one
 * time in sixteen any id at all (which may well be invalid).
 */
function choose(
  candidates: readonly number[],
  idLimit: number,
  t: OpTemplate,
  hot: HotWindow = hotLowest,
): number {
  if (candidates.length === 0 || t.pick2 % 16 === 15) return t.pick % idLimit;
  const hotLimit = hot.count ?? Math.max(2, idLimit >> 2);
  const hotCandidates = candidates.filter((id) => id >= hot.base && id < hot.base + hotLimit);
  if (hotCandidates.length > 0 && t.pick2 % 4 !== 0)
    return hotCandidates[t.pick % hotCandidates.length] as number;
  return candidates[t.pick % candidates.length] as number;
}

/** The largest folio id a generated op names when it names one at random (an EINVAL path
 * when no such folio exists; properties/trace-bounds.ts accepts ids up to it). */
export const folioPickMax = 64;

/** Folio candidates are chosen by position, since ids only grow. */
function chooseFolio(candidates: readonly FolioView[], all: readonly FolioView[], t: OpTemplate) {
  const pool = candidates.length > 0 ? candidates : all;
  if (pool.length === 0 || t.pick2 % 16 === 15) return 1 + (t.pick % folioPickMax);
  // Recent folios are hot: bias towards the end of the list.
  const index = t.pick2 % 4 !== 0 ? pool.length - 1 - (t.pick % Math.min(4, pool.length)) : t.pick;
  return (pool[index % pool.length] as FolioView).id;
}

function mappedFolios(observation: Observation): Set<number> {
  const mapped = new Set<number>();
  for (const view of observation.holders) if (view.kind === 'present') mapped.add(view.folio);
  return mapped;
}

function faultOp(
  config: Config,
  observation: Observation,
  t: OpTemplate,
  cpu: number,
  hot: HotWindow,
): Op {
  const orderWanted = t.large === true ? config.orderMax : t.order % (config.orderMax + 1);
  for (let order = orderWanted; order >= 0; order--) {
    const size = 2 ** order;
    const starts = holderIndices(observation, (_, index) => {
      if (index % size !== 0 || index + size > config.holders) return false;
      for (let i = index; i < index + size; i++) {
        if (observation.holders[i]?.kind !== 'empty') return false;
      }
      return true;
    });
    if (starts.length > 0 || order === 0) {
      return { op: 'fault', holder: choose(starts, config.holders, t, hot), order, cpu };
    }
  }
  return { op: 'fault', holder: t.pick % config.holders, order: 0, cpu };
}

/**
 * Resolves a template into a concrete op against the model's observation; `hot` narrows the
 * hot holders to `hot` ids (null: a quarter of them), starting at holder `hotBase` (a run on
 * a machine with memory cgroups puts them in one cgroup: generator.ts drawHotBase()).
 */
export function resolveTemplate(
  config: Config,
  observation: Observation,
  t: OpTemplate,
  hot: number | null = null,
  hotBase = 0,
): Op {
  const cpu = t.cpu % config.cpus;
  const window: HotWindow = { base: hotBase, count: hot };
  if (t.advance === true) return advanceOp(config, observation, t, cpu, window);
  const holders = config.holders;
  // The folios in the swap cache, found when a kind asks (most do not).
  let cachedSet: Set<number> | null = null;
  const cachedFolios = {
    has: (id: number) =>
      (cachedSet ??= new Set(observation.folios.filter((f) => f.cached).map((f) => f.id))).has(id),
  };
  const isPresent: HolderPredicate = (v) => v.kind === 'present';
  const isSwap: HolderPredicate = (v) => v.kind === 'swap';
  switch (t.kind) {
    case 'swapon':
    case 'swapoff': {
      const wantOnline = t.kind === 'swapoff';
      const devices = observation.devices.flatMap((d, i) => (d.online === wantOnline ? [i] : []));
      const count = Math.max(1, config.devices.length);
      const device =
        devices.length > 0 ? (devices[t.pick % devices.length] as number) : t.pick % count;
      return { op: t.kind, device, cpu };
    }
    case 'fault':
      return faultOp(config, observation, t, cpu, window);
    case 'write': {
      const redirty = preferred(t)
        ? holderIndices(observation, (v) => v.kind === 'present' && cachedFolios.has(v.folio))
        : [];
      const holder =
        redirty.length > 0
          ? (redirty[t.pick % redirty.length] as number)
          : choose(holderIndices(observation, isPresent), holders, t, window);
      return { op: 'write', holder, value: t.value, cpu };
    }
    case 'fork': {
      const source = choose(
        holderIndices(observation, (v) => v.kind !== 'empty'),
        holders,
        t,
        window,
      );
      const empties = holderIndices(observation, (v, i) => v.kind === 'empty' && i !== source);
      const target =
        empties.length > 0 ? (empties[t.pick2 % empties.length] as number) : t.pick2 % holders;
      return withFlag({ op: 'fork', holder: source, target, cpu }, 'failAlloc', t.flag);
    }
    case 'allocSwap': {
      const uncached = holderIndices(
        observation,
        (v) => v.kind === 'present' && !cachedFolios.has(v.folio),
      );
      return withFlag(
        { op: 'allocSwap', holder: choose(uncached, holders, t, window), cpu },
        'failAlloc',
        t.flag,
      );
    }
    case 'unmap': {
      const cached = holderIndices(
        observation,
        (v) => v.kind === 'present' && cachedFolios.has(v.folio),
      );
      // Half the time finish a folio that is already partly unmapped, so that whole folios
      // become unmapped and can be written out and evicted (not in a pressure run).
      const partly =
        t.order % 2 === 0 && t.pressure !== true
          ? partlyUnmappedFolios(observation)
          : new Set<number>();
      const finishing = cached.filter((h) => {
        const view = observation.holders[h];
        return view?.kind === 'present' && partly.has(view.folio);
      });
      const holder =
        finishing.length > 0
          ? (finishing[t.pick % finishing.length] as number)
          : choose(cached, holders, t, window);
      return withFlag({ op: 'unmap', holder, cpu }, 'failAlloc', t.flag);
    }
    case 'swapin': {
      const shared = preferred(t) ? sharedSwapHolders(observation) : [];
      const holder =
        shared.length > 0
          ? (shared[t.pick % shared.length] as number)
          : choose(holderIndices(observation, isSwap), holders, t, window);
      // Half the swapins ask for the largest order whose aligned holder range is swapped out;
      // the design falls back to order 0 when the batch is not uniform.
      const order =
        t.order >= 2 || t.large === true ? largestSwappedOrder(config, observation, holder) : 0;
      return swapinOp(holder, order, cpu, t);
    }
    case 'zap': {
      // On a machine with memory cgroups, half the lifecycle zaps take the last swap PTE of an
      // entry whose swap-cache folio another holder maps: the zap reclaims it when the memcg
      // is half full (mem_cgroup_swap_full(), __try_to_reclaim_swap()'s TTRS_FULL arm).
      const last =
        preferred(t) && (config.memcgs ?? []).length > 0 ? lastSwapOfMappedCache(observation) : [];
      const holder =
        last.length > 0
          ? (last[t.pick % last.length] as number)
          : choose(
              holderIndices(observation, (v) => v.kind !== 'empty'),
              holders,
              t,
              window,
            );
      return { op: 'zap', holder, cpu };
    }
    case 'zswapWriteback': {
      const zswapEntries = new Set(
        observation.entries.filter((e) => e.backend === 'zswap').map((e) => e.entry),
      );
      const inZswap = holderIndices(
        observation,
        (v) => v.kind === 'swap' && zswapEntries.has(v.entry),
      );
      return withFlag(
        { op: 'zswapWriteback', holder: choose(inZswap, holders, t, window), cpu },
        'failAlloc',
        t.flag,
      );
    }
    case 'writeout':
    case 'evict':
    case 'freeSwapCache':
    case 'split': {
      const mapped = mappedFolios(observation);
      const wanted = observation.folios.filter((f) => {
        if (t.kind === 'split') return f.order > 0;
        if (!f.cached) return false;
        if (t.kind === 'freeSwapCache') return true;
        if (mapped.has(f.id)) return false;
        return t.kind === 'writeout' ? f.dirty : !f.dirty;
      });
      const folio = chooseFolio(wanted, observation.folios, t);
      if (t.kind === 'writeout') return writeoutOp(folio, cpu, t);
      return { op: t.kind, folio, cpu };
    }
    case 'setZswap':
      return { op: 'setZswap', enabled: t.flag, cpu };
  }
}

/**
 * Takes a hot holder, or a swap-cache folio no holder maps, one step further along the swap
 * lifecycle: fault, write, allocSwap, unmap, writeout (dirty) or evict (clean), then swapin,
 * zswap writeback, fork or zap of the swap entry. Random op kinds rarely line these steps up on one
 * entry (an unmap finds no cached folio, a writeout no dirty unmapped one); a run whose ops
 * are partly lifecycle steps stores, loads, redirties and frees the same few entries over and
 * over, which is where zswap, zero-page and count bugs live.
 */
function advanceOp(
  config: Config,
  observation: Observation,
  t: OpTemplate,
  cpu: number,
  hot: HotWindow,
): Op {
  const mapped = mappedFolios(observation);
  const unmapped = observation.folios.filter((f) => f.cached && !mapped.has(f.id));
  if (unmapped.length > 0 && t.pick2 % 3 === 0) {
    const folio = unmapped[t.pick % unmapped.length] as FolioView;
    if (folio.dirty) return writeoutOp(folio.id, cpu, t);
    return { op: 'evict', folio: folio.id, cpu };
  }
  const limit = Math.min(config.holders - hot.base, hot.count ?? Math.max(2, config.holders >> 2));
  const holder = hot.base + (t.pick % limit);
  const view = observation.holders[holder];
  const step = (t.pick2 >> 2) % 4;
  switch (view?.kind) {
    case 'present': {
      const cached = observation.folios.some((f) => f.id === view.folio && f.cached);
      // A page that still reads as zero is written twice as often: zswap stores only non-zero
      // pages, and a zero page swapped in and then written is what redirties a zero entry.
      if (step === 0 || (step === 1 && view.content === 0))
        return { op: 'write', holder, value: t.value, cpu };
      return cached ? { op: 'unmap', holder, cpu } : { op: 'allocSwap', holder, cpu };
    }
    case 'swap': {
      if (step === 0) {
        const empties = holderIndices(observation, (v) => v.kind === 'empty');
        if (empties.length > 0) {
          const target = empties[t.pick2 % empties.length] as number;
          return withFlag({ op: 'fork', holder, target, cpu }, 'failAlloc', t.flag);
        }
      }
      const entry = observation.entries.find((e) => e.entry === view.entry);
      if (step === 1 && entry?.backend === 'zswap') return { op: 'zswapWriteback', holder, cpu };
      if (step === 2) return { op: 'zap', holder, cpu };
      return swapinOp(holder, 0, cpu, { ...t, flag: false });
    }
    default:
      return { op: 'fault', holder, order: 0, cpu };
  }
}

/** Whether a template with lifecycleBias takes its preferred target (half of them). */
function preferred(t: OpTemplate): boolean {
  return t.lifecycleBias === true && ((t.pick2 >> 4) & 1) === 0;
}

/** Holders of swap entries that more than one holder holds. */
function sharedSwapHolders(observation: Observation): number[] {
  const shared = new Set(observation.entries.filter((e) => e.count >= 2).map((e) => e.entry));
  return holderIndices(observation, (v) => v.kind === 'swap' && shared.has(v.entry));
}

/** Holders of the last reference (count 1) of an entry whose swap-cache folio a holder maps. */
function lastSwapOfMappedCache(observation: Observation): number[] {
  const mapped = mappedFolios(observation);
  const last = new Set(
    observation.entries
      .filter((e) => e.count === 1 && e.cache !== null && mapped.has(e.cache.folio))
      .map((e) => e.entry),
  );
  return holderIndices(observation, (v) => v.kind === 'swap' && last.has(v.entry));
}

/** Large folios some page of which is no longer mapped by any holder (one pass over holders). */
function partlyUnmappedFolios(observation: Observation): Set<number> {
  const mappedPages = new Map<number, Set<number>>();
  for (const view of observation.holders) {
    if (view.kind !== 'present') continue;
    const pages = mappedPages.get(view.folio) ?? new Set<number>();
    pages.add(view.page);
    mappedPages.set(view.folio, pages);
  }
  const partly = new Set<number>();
  for (const folio of observation.folios) {
    const mapped = mappedPages.get(folio.id)?.size ?? 0;
    if (folio.order > 0 && mapped > 0 && mapped < folio.pages.length) partly.add(folio.id);
  }
  return partly;
}

/** The largest order (at least 1, else 0) whose aligned holder range around `holder` holds
 * only swap entries. */
function largestSwappedOrder(config: Config, observation: Observation, holder: number): number {
  for (let order = config.orderMax; order >= 1; order--) {
    const size = 2 ** order;
    const start = holder - (holder % size);
    let swapped = start + size <= config.holders;
    for (let i = start; swapped && i < start + size; i++)
      swapped = observation.holders[i]?.kind === 'swap';
    if (swapped) return order;
  }
  return 0;
}

/** A swapin, a write fault one time in four (pick2 bits 6..7 both set). */
function swapinOp(holder: number, order: number, cpu: number, t: OpTemplate): Op {
  const op = withFlag({ op: 'swapin', holder, order, cpu }, 'failAlloc', t.flag);
  return withFlag(op, 'write', ((t.pick2 >> 6) & 3) === 3);
}

/** A writeout with failZswap from the flag and failAlloc from the second flag. */
function writeoutOp(folio: number, cpu: number, t: OpTemplate): Op {
  const op = withFlag({ op: 'writeout', folio, cpu }, 'failZswap', t.flag);
  return withFlag(op, 'failAlloc', t.flag2 === true);
}

/** Adds a flag only when it is set, so traces stay short. */
function withFlag<T extends Op>(op: T, key: 'failAlloc' | 'failZswap' | 'write', flag: boolean): T {
  return flag ? { ...op, [key]: true } : op;
}

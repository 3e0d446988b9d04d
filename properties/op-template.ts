/**
 * Op templates: an op kind plus raw random numbers, resolved against the model's current
 * observation into a concrete op with intent (swapin picks a holder that holds a swap entry,
 * evict picks a clean unmapped swap-cache folio, hot holders are picked more often, and a small
 * share of picks is deliberately random so that the EINVAL paths stay exercised).
 *
 * Templates are what fast-check generates and shrinks in the vitest properties, and what the
 * campaign runner draws from its PRNG; both resolve them the same way, picking among the
 * candidate sets of properties/candidates.ts in id order: found by scanning an observation
 * (resolveTemplate()) or kept from op to op (resolveWith() with properties/candidate-sets.ts),
 * the same template gives the same op. The concrete ops that result are what traces record.
 *
 * Not covered here: op weights and swarm choice (properties/generator.ts).
 */
import type { Config } from '../lib/config.ts';
import type { HolderView, Observation } from '../lib/observation.ts';
import type { Op, OpName } from '../lib/ops.ts';
import type { Candidates, FolioSetName } from './candidates.ts';
import { scanCandidates, SortedIds } from './candidates.ts';
import type { IdSelection } from './ordered-id-set.ts';

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

/** Where a run's hot holders are: `count` ids from `base` (null: a quarter of the ids). */
export interface HotWindow {
  readonly base: number;
  readonly count: number | null;
}

/**
 * Picks one candidate: usually among the hot ids (a quarter of the id space from the window's
 * base, or the window's `count` when the run narrows them), sometimes any candidate, and one
 * time in sixteen any id at all (which may well be invalid).
 */
function choose(candidates: IdSelection, idLimit: number, t: OpTemplate, hot: HotWindow): number {
  if (candidates.size === 0 || t.pick2 % 16 === 15) return t.pick % idLimit;
  const hotLimit = hot.count ?? Math.max(2, idLimit >> 2);
  // The candidates are in id order, so the hot ones are those ranked between the window's ends.
  const hotFirst = candidates.rank(hot.base);
  const hotCount = candidates.rank(hot.base + hotLimit) - hotFirst;
  if (hotCount > 0 && t.pick2 % 4 !== 0) return candidates.at(hotFirst + (t.pick % hotCount));
  return candidates.at(t.pick % candidates.size);
}

/** The `k`-th member of `set` other than `except` (which may or may not be a member). */
function atExcept(set: IdSelection, k: number, except: number): number {
  return set.has(except) && k >= set.rank(except) ? set.at(k + 1) : set.at(k);
}

/** The largest folio id a generated op names when it names one at random (an EINVAL path
 * when no such folio exists; properties/trace-bounds.ts accepts ids up to it). */
export const folioPickMax = 64;

/** Folio candidates are chosen by position, since ids only grow. */
function chooseFolio(candidates: IdSelection, all: IdSelection, t: OpTemplate): number {
  const pool = candidates.size > 0 ? candidates : all;
  if (pool.size === 0 || t.pick2 % 16 === 15) return 1 + (t.pick % folioPickMax);
  // Recent folios are hot: bias towards the end of the list.
  const index = t.pick2 % 4 !== 0 ? pool.size - 1 - (t.pick % Math.min(4, pool.size)) : t.pick;
  return pool.at(index % pool.size);
}

/** No candidates (a preference that does not apply). */
const noIds: IdSelection = new SortedIds([]);

function faultOp(config: Config, c: Candidates, t: OpTemplate, cpu: number, hot: HotWindow): Op {
  const orderWanted = t.large === true ? config.orderMax : t.order % (config.orderMax + 1);
  for (let order = orderWanted; order >= 0; order--) {
    const starts = c.faultStarts(order);
    if (starts.size > 0 || order === 0) {
      return { op: 'fault', holder: choose(starts, config.holders, t, hot), order, cpu };
    }
  }
  return { op: 'fault', holder: t.pick % config.holders, order: 0, cpu };
}

/**
 * Resolves a template into a concrete op against the model's observation; `hot` narrows the
 * hot holders to `hot` ids (null: a quarter of them), starting at holder `hotBase` (a run on
 * a machine with memory cgroups puts them in one cgroup: generator.ts drawHotBase()). The
 * candidates are found by scanning the observation (properties/candidates.ts).
 */
export function resolveTemplate(
  config: Config,
  observation: Observation,
  t: OpTemplate,
  hot: number | null = null,
  hotBase = 0,
): Op {
  return resolveWith(
    config,
    observation.holders,
    scanCandidates(config, observation),
    t,
    hot,
    hotBase,
  );
}

/**
 * Resolves a template as resolveTemplate() does, with the candidate sets given (kept up to
 * date by the campaign runner: properties/candidate-sets.ts); `holders` are the model's
 * holder views.
 */
export function resolveWith(
  config: Config,
  holders: readonly HolderView[],
  c: Candidates,
  t: OpTemplate,
  hot: number | null = null,
  hotBase = 0,
): Op {
  const cpu = t.cpu % config.cpus;
  const window: HotWindow = { base: hotBase, count: hot };
  if (t.advance === true) return advanceOp(config, holders, c, t, cpu, window);
  const holderCount = config.holders;
  switch (t.kind) {
    case 'swapon':
    case 'swapoff': {
      const devices = c.devices(t.kind === 'swapoff');
      const count = Math.max(1, config.devices.length);
      const device =
        devices.length > 0 ? (devices[t.pick % devices.length] as number) : t.pick % count;
      return { op: t.kind, device, cpu };
    }
    case 'fault':
      return faultOp(config, c, t, cpu, window);
    case 'write': {
      // Half the lifecycle writes redirty a page whose folio is still in the swap cache.
      const redirty = preferred(t) ? c.holders('presentCached') : noIds;
      const holder =
        redirty.size > 0
          ? redirty.at(t.pick % redirty.size)
          : choose(c.holders('present'), holderCount, t, window);
      return { op: 'write', holder, value: t.value, cpu };
    }
    case 'fork': {
      const source = choose(c.holders('used'), holderCount, t, window);
      const empties = c.holders('empty');
      const targets = empties.size - (empties.has(source) ? 1 : 0);
      const target =
        targets > 0 ? atExcept(empties, t.pick2 % targets, source) : t.pick2 % holderCount;
      return withFlag({ op: 'fork', holder: source, target, cpu }, 'failAlloc', t.flag);
    }
    case 'allocSwap':
      return withFlag(
        {
          op: 'allocSwap',
          holder: choose(c.holders('presentUncached'), holderCount, t, window),
          cpu,
        },
        'failAlloc',
        t.flag,
      );
    case 'unmap': {
      // Half the time finish a folio that is already partly unmapped, so that whole folios
      // become unmapped and can be written out and evicted (not in a pressure run).
      const finishing = t.order % 2 === 0 && t.pressure !== true ? c.holders('finishing') : noIds;
      const holder =
        finishing.size > 0
          ? finishing.at(t.pick % finishing.size)
          : choose(c.holders('presentCached'), holderCount, t, window);
      return withFlag({ op: 'unmap', holder, cpu }, 'failAlloc', t.flag);
    }
    case 'swapin': {
      // Half the lifecycle swapins take a holder of a shared entry.
      const shared = preferred(t) ? c.holders('swapShared') : noIds;
      const holder =
        shared.size > 0
          ? shared.at(t.pick % shared.size)
          : choose(c.holders('swap'), holderCount, t, window);
      // Half the swapins ask for the largest order whose aligned holder range is swapped out;
      // the design falls back to order 0 when the batch is not uniform.
      const order =
        t.order >= 2 || t.large === true ? largestSwappedOrder(config, holders, holder) : 0;
      return swapinOp(holder, order, cpu, t);
    }
    case 'zap': {
      // On a machine with memory cgroups, half the lifecycle zaps take the last swap PTE of an
      // entry whose swap-cache folio another holder maps: the zap reclaims it when the memcg
      // is half full (mem_cgroup_swap_full(), __try_to_reclaim_swap()'s TTRS_FULL arm).
      const last =
        preferred(t) && (config.memcgs ?? []).length > 0
          ? c.holders('swapLastOfMappedCache')
          : noIds;
      const holder =
        last.size > 0
          ? last.at(t.pick % last.size)
          : choose(c.holders('used'), holderCount, t, window);
      return { op: 'zap', holder, cpu };
    }
    case 'zswapWriteback':
      return withFlag(
        {
          op: 'zswapWriteback',
          holder: choose(c.holders('swapZswap'), holderCount, t, window),
          cpu,
        },
        'failAlloc',
        t.flag,
      );
    case 'writeout':
    case 'evict':
    case 'freeSwapCache':
    case 'split': {
      const wanted = c.folios(folioSetOf[t.kind]);
      const folio = chooseFolio(wanted, c.folios('all'), t);
      if (t.kind === 'writeout') return writeoutOp(folio, cpu, t);
      return { op: t.kind, folio, cpu };
    }
    case 'setZswap':
      return { op: 'setZswap', enabled: t.flag, cpu };
  }
}

/** The folios each folio op prefers: writeout a dirty swap-cache folio no holder maps, evict a
 * clean one, freeSwapCache any swap-cache folio, split a large folio. */
const folioSetOf = {
  writeout: 'unmappedDirty',
  evict: 'unmappedClean',
  freeSwapCache: 'cached',
  split: 'large',
} as const satisfies Record<string, FolioSetName>;

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
  holders: readonly HolderView[],
  c: Candidates,
  t: OpTemplate,
  cpu: number,
  hot: HotWindow,
): Op {
  const unmapped = c.folios('unmappedCached');
  if (unmapped.size > 0 && t.pick2 % 3 === 0) {
    const folio = unmapped.at(t.pick % unmapped.size);
    if (c.folios('unmappedDirty').has(folio)) return writeoutOp(folio, cpu, t);
    return { op: 'evict', folio, cpu };
  }
  const limit = Math.min(config.holders - hot.base, hot.count ?? Math.max(2, config.holders >> 2));
  const holder = hot.base + (t.pick % limit);
  const view = holders[holder];
  const step = (t.pick2 >> 2) % 4;
  switch (view?.kind) {
    case 'present': {
      const cached = c.holders('presentCached').has(holder);
      // A page that still reads as zero is written twice as often: zswap stores only non-zero
      // pages, and a zero page swapped in and then written is what redirties a zero entry.
      if (step === 0 || (step === 1 && view.content === 0))
        return { op: 'write', holder, value: t.value, cpu };
      return cached ? { op: 'unmap', holder, cpu } : { op: 'allocSwap', holder, cpu };
    }
    case 'swap': {
      if (step === 0) {
        const empties = c.holders('empty');
        if (empties.size > 0) {
          const target = empties.at(t.pick2 % empties.size);
          return withFlag({ op: 'fork', holder, target, cpu }, 'failAlloc', t.flag);
        }
      }
      if (step === 1 && c.holders('swapZswap').has(holder))
        return { op: 'zswapWriteback', holder, cpu };
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

/** The largest order (at least 1, else 0) whose aligned holder range around `holder` holds
 * only swap entries. */
function largestSwappedOrder(
  config: Config,
  holders: readonly HolderView[],
  holder: number,
): number {
  for (let order = config.orderMax; order >= 1; order--) {
    const size = 2 ** order;
    const start = holder - (holder % size);
    let swapped = start + size <= config.holders;
    for (let i = start; swapped && i < start + size; i++) swapped = holders[i]?.kind === 'swap';
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

/** Adds a flag to a freshly built op only when it is set, so traces stay short. */
function withFlag<T extends Op>(op: T, key: 'failAlloc' | 'failZswap' | 'write', flag: boolean): T {
  if (flag) (op as Partial<Record<typeof key, boolean>>)[key] = true;
  return op;
}

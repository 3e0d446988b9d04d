/**
 * Swarm op mixes and the PRNG template source of the campaign runner. A swarm picks, once per
 * run, which op kinds are enabled and how heavily, so that some runs are fork-heavy (count
 * overflow), some never swap off, some churn zswap; the core ops that build swap state stay on.
 * Half the swarms (three in four of those that are not pressure runs) also have a focus, an
 * intent for the whole run: zswap (toggle it, store, load, write back), counts (fork a small hot
 * set of holders until counts overflow into extend tables, with frequent injected allocation
 * failures there) or swapoff (devices go off and on with entries on them). A focus narrows the
 * hot holders to a few and turns part of the templates into lifecycle steps
 * (op-template.ts advanceOp), so that the same entries go through whole lifecycles instead of
 * spreading thin over every holder. Half the pressure runs start with only the synchronous-I/O
 * devices swapped on (Swarm.syncOnly), so that a small device fills past half. Every
 * campaign template asks for the lifecycle preferences of op-template.ts (lifecycleBias): half
 * the writes redirty a page still in the swap cache, half the swapins take a shared entry.
 *
 * Not covered here: resolving templates into ops (properties/op-template.ts).
 */
import type { Config } from '../lib/config.ts';
import type { OpName } from '../lib/ops.ts';
import { opNames } from '../lib/ops.ts';
import { opWeightsBase } from '../lib/op-weights.ts';
import type { OpTemplate } from './op-template.ts';
import { templatePickMax } from './op-template.ts';
import type { Prng } from './prng.ts';

/** Ops that every swarm keeps: without them no swap state is built. */
const opsCore: ReadonlySet<OpName> = new Set<OpName>([
  'fault',
  'allocSwap',
  'unmap',
  'swapin',
  'writeout',
]);

/** The intent of a whole run (see the header). */
export type SwarmFocus = 'mixed' | 'zswap' | 'counts' | 'swapoff';

/**
 * A campaign's steer of one run toward states its earlier runs rarely reached
 * (properties/mark-steering.ts): a focus (zswap, counts, swapoff), a pressure run, large
 * folios (faults of the config's largest order, swapins of the largest swapped order, more
 * splits), or frequent injected failures (half the ops that can fail an allocation do).
 */
export type Steer = Exclude<SwarmFocus, 'mixed'> | 'pressure' | 'large' | 'failures';

export const steers: readonly Steer[] = [
  'counts',
  'zswap',
  'swapoff',
  'pressure',
  'large',
  'failures',
];

/** A per-run op mix: cumulative weights over op kinds, zero for disabled kinds. */
export interface Swarm {
  readonly weights: Readonly<Record<OpName, number>>;
  /** Swap-out pressure: more faults and writeouts, fewer swapins, zswap mostly bypassed, so
   * that physical swap fills past half (vm_swap_full(): cache-only and backing reclaim); unmap
   * leaves partly unmapped large folios as they are (op-template.ts), the folios whose reclaim
   * must be refused. A device whose every slot is used is off the avail list, so reclaim happens
   * only between half full and full: without this, reclaim-busy-folio's seed 2 needed 91 runs
   * to a kill. */
  readonly pressure: boolean;
  readonly focus: SwarmFocus;
  /** Share of templates that advance a lifecycle instead of drawing an op kind. */
  readonly advanceShare: number;
  /** How many low-numbered holders are hot (picked most of the time), or null for the
   * resolver's default (a quarter of the holders). */
  readonly hotHolders: number | null;
  /** Swap on only the synchronous-I/O devices at the start of the run (when the config has
   * one; run.ts): a pressure run then fills a small device past half, where cache-only
   * reclaim meets partly mapped large folios. The other devices can still be swapped on by
   * a swapon op. */
  readonly syncOnly: boolean;
  /** Steered toward large folios (Steer `large`). */
  readonly large?: boolean;
  /** Steered toward injected failures (Steer `failures`). */
  readonly failures?: boolean;
  readonly cumulative: readonly number[];
  readonly total: number;
}

export function swarmFromWeights(
  weights: Readonly<Record<OpName, number>>,
  pressure = false,
  focus: SwarmFocus = 'mixed',
  hotHolders: number | null = null,
  advanceShare = 0,
): Swarm {
  const cumulative: number[] = [];
  let total = 0;
  for (const name of opNames) {
    total += weights[name];
    cumulative.push(total);
  }
  return { weights, pressure, focus, hotHolders, advanceShare, syncOnly: false, cumulative, total };
}

const opsPressureUp: ReadonlySet<OpName> = new Set<OpName>([
  'fault',
  'write',
  'allocSwap',
  'unmap',
  'writeout',
  'evict',
]);
const opsPressureDown: ReadonlySet<OpName> = new Set<OpName>([
  'swapin',
  'zap',
  'freeSwapCache',
  'swapoff',
]);

/** Weights a focus multiplies (after the swarm's own scaling); the ops it needs are enabled. */
const focusWeights: Readonly<
  Record<Exclude<SwarmFocus, 'mixed'>, Partial<Record<OpName, number>>>
> = {
  // Store, load, redirty and write back compressed pages, with zswap switched on and off.
  zswap: { setZswap: 6, zswapWriteback: 3, evict: 2, write: 2, swapin: 2, writeout: 1, fork: 1 },
  // Share entries among many holders, then drop them again.
  counts: { fork: 4, unmap: 2, allocSwap: 1, zap: 1, swapin: 1 },
  // Take devices off and on while entries live on them.
  swapoff: { swapoff: 8, swapon: 4, evict: 2, writeout: 1 },
};

/** Draws a swarm: each non-core kind is off with probability 1/4, each weight scaled 1..4;
 * one run in three is a pressure run; three in four of the others get a focus (3/8 of them
 * zswap, 1/4 counts, 1/8 swapoff); half the pressure runs start on the synchronous-I/O
 * devices alone. A `steer` overrides what it names (a focus or pressure run is forced, large
 * folios and failures are added); without one the stream is the same as it always was. */
export function drawSwarm(prng: Prng, steer?: Steer): Swarm {
  const drawnPressure = prng.below(3) === 0;
  const steerFocus = steer === 'zswap' || steer === 'counts' || steer === 'swapoff' ? steer : null;
  const pressure = steer === 'pressure' ? true : steerFocus !== null ? false : drawnPressure;
  const weights = {} as Record<OpName, number>;
  for (const name of opNames) {
    const enabled = opsCore.has(name) || prng.below(4) !== 0;
    let weight = enabled ? opWeightsBase[name] * (1 + prng.below(4)) : 0;
    if (pressure && opsPressureUp.has(name)) weight *= 3;
    if (pressure && opsPressureDown.has(name)) weight = Math.ceil(weight / 4);
    weights[name] = weight;
  }
  if (steer === 'large') weights.split = Math.max(weights.split, opWeightsBase.split) * 2;
  const roll = prng.below(8);
  // A pressure run keeps its own intent (fill swap past half) and gets no focus.
  const drawnFocus: SwarmFocus =
    pressure || roll < 2 ? 'mixed' : roll < 5 ? 'zswap' : roll < 7 ? 'counts' : 'swapoff';
  const focus: SwarmFocus = steerFocus ?? drawnFocus;
  // Drawn for every swarm, so that the stream does not depend on the focus.
  const hot = 2 + prng.below(5);
  // Half the pressure runs start on the synchronous-I/O devices alone (Swarm.syncOnly): a
  // small device fills past half sooner. (Zswap runs on them alone were tried too: kills of
  // the zero-flag bug, which needs a swap cache that survives swapin, dropped.)
  const syncOnly = pressure && prng.below(2) === 0;
  const steered = {
    ...(steer === 'large' ? { large: true } : {}),
    ...(steer === 'failures' ? { failures: true } : {}),
  };
  if (focus === 'mixed') return { ...swarmFromWeights(weights, pressure), syncOnly, ...steered };
  for (const [name, factor] of Object.entries(focusWeights[focus]) as [OpName, number][]) {
    weights[name] = Math.max(weights[name], opWeightsBase[name]) * factor;
  }
  // A third to two thirds of a focused run's ops are lifecycle steps (op-template advanceOp),
  // over a few hot holders.
  const advanceShare = (1 + prng.below(2)) / 3;
  return { ...swarmFromWeights(weights, pressure, focus, hot, advanceShare), syncOnly, ...steered };
}

/**
 * The first hot holder of a run on `config`: 0, or on a machine with memory cgroups the first
 * holder of one cgroup, drawn evenly among the memcgs of Config.memcgs and the root (when
 * holders are left for it). A run's hot holders then share one cgroup: in a cgroup with a
 * small swap.max the run meets charge failures and mem_cgroup_swap_full() over and over; in
 * an unlimited cgroup or the root it fills swap as a run on a machine without cgroups does.
 * Draws nothing without cgroups, so the runs of the other presets stay as they were.
 */
export function drawHotBase(prng: Prng, config: Config): number {
  const memcgs = config.memcgs ?? [];
  if (memcgs.length === 0) return 0;
  const starts: number[] = [];
  let start = 0;
  for (const memcg of memcgs) {
    starts.push(start);
    start += memcg.holders;
  }
  if (start < config.holders) starts.push(start);
  return starts[prng.below(starts.length)] ?? 0;
}

/** Probability that a template's flag is set, by kind (injected failures stay rare, except in
 * the counts focus, where a dup that needs an extend table should also see it fail). */
export function flagProbability(kind: OpName, swarm: Swarm): number {
  const pressure = swarm.pressure;
  if (swarm.failures === true && kind !== 'setZswap' && kind !== 'writeout') return 0.5;
  switch (kind) {
    case 'setZswap':
      // The zswap focus toggles zswap about evenly, so writeouts see both states.
      return swarm.focus === 'zswap' ? 0.45 : pressure ? 0.15 : 0.6;
    case 'writeout':
      return pressure ? 0.7 : 0.12;
    case 'fork':
    case 'unmap':
      // Half the dups of a counts run fail their extend-table allocation: a failure must meet
      // the one dup that crosses the sentinel, and most dups do not cross it.
      return swarm.focus === 'counts' ? 0.5 : 0.05;
    case 'allocSwap':
    case 'swapin':
    case 'zswapWriteback':
      return 0.05;
    default:
      return 0;
  }
}

/**
 * Draws one template from cumulative op weights: the kind, then the raw numbers, always in the
 * same order, so every stream is reproducible from its seed. Shared by swarms and workloads.
 */
export function drawTemplateWith(
  prng: Prng,
  cumulative: readonly number[],
  total: number,
  orderBound: number,
  flagChance: (kind: OpName) => number,
): OpTemplate {
  const roll = prng.below(total);
  let index = 0;
  while ((cumulative[index] ?? total) <= roll) index++;
  const kind = opNames[index] as OpName;
  return {
    kind,
    pick: prng.below(templatePickMax + 1),
    pick2: prng.below(templatePickMax + 1),
    cpu: prng.below(8),
    order: prng.below(orderBound),
    // One write in six stores a zero page, the rest a value unlikely to repeat.
    value: prng.below(6) === 0 ? 0 : 1 + prng.below(0x3fffffff),
    flag: prng.chance(flagChance(kind)),
  };
}

/** Draws one template from the swarm. */
export function drawTemplate(prng: Prng, swarm: Swarm): OpTemplate {
  const drawn = drawTemplateWith(prng, swarm.cumulative, swarm.total, 4, (kind) =>
    flagProbability(kind, swarm),
  );
  // A writeout's second injected failure, the memcg charge of new disk backing (failAlloc),
  // comes with one in ten writeouts: it matters only where virtual entries need backing.
  const flag2 = drawn.kind === 'writeout' && prng.chance(swarm.failures === true ? 0.5 : 0.1);
  // The drawn object is fresh: the swarm's fields are added to it (a copy per field was a
  // measurable share of a campaign op).
  const template = drawn as Mutable<OpTemplate>;
  template.lifecycleBias = true;
  if (flag2) template.flag2 = true;
  if (swarm.pressure) template.pressure = true;
  if (swarm.large === true) template.large = true;
  // Only focused swarms draw this.
  if (swarm.advanceShare > 0 && prng.chance(swarm.advanceShare)) {
    // The lifecycle step's kind is only known when it resolves; its flag (failAlloc of a fork,
    // failZswap of a writeout) is drawn as for a fork.
    template.advance = true;
    template.flag = prng.chance(flagProbability('fork', swarm));
  }
  return template;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

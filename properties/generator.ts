/**
 * Swarm op mixes and the PRNG template source of the campaign runner. A swarm picks, once per
 * run, which op kinds are enabled and how heavily, so that some runs are fork-heavy (count
 * overflow), some never swap off, some churn zswap; the core ops that build swap state stay on.
 *
 * Not covered here: resolving templates into ops (properties/op-template.ts).
 */
import type { OpName } from '../lib/ops.ts';
import { opNames } from '../lib/ops.ts';
import type { OpTemplate } from './op-template.ts';
import { templatePickMax } from './op-template.ts';
import type { Prng } from './prng.ts';

/** Relative weight of each op kind before the swarm scales it. */
export const opWeightsBase: Readonly<Record<OpName, number>> = {
  swapon: 2,
  swapoff: 1,
  fault: 10,
  write: 8,
  fork: 8,
  allocSwap: 10,
  unmap: 12,
  writeout: 10,
  evict: 8,
  swapin: 10,
  zap: 6,
  freeSwapCache: 3,
  zswapWriteback: 4,
  split: 3,
  setZswap: 1,
};

/** Ops that every swarm keeps: without them no swap state is built. */
const opsCore: ReadonlySet<OpName> = new Set<OpName>(['fault', 'allocSwap', 'unmap', 'swapin', 'writeout']);

/** A per-run op mix: cumulative weights over op kinds, zero for disabled kinds. */
export interface Swarm {
  readonly weights: Readonly<Record<OpName, number>>;
  /** Swap-out pressure: more faults and writeouts, fewer swapins, zswap mostly bypassed, so
   * that physical swap fills past half (vm_swap_full(): cache-only and backing reclaim). */
  readonly pressure: boolean;
  readonly cumulative: readonly number[];
  readonly total: number;
}

export function swarmFromWeights(weights: Readonly<Record<OpName, number>>, pressure = false): Swarm {
  const cumulative: number[] = [];
  let total = 0;
  for (const name of opNames) {
    total += weights[name];
    cumulative.push(total);
  }
  return { weights, pressure, cumulative, total };
}

const opsPressureUp: ReadonlySet<OpName> = new Set<OpName>(['fault', 'write', 'allocSwap', 'unmap', 'writeout', 'evict']);
const opsPressureDown: ReadonlySet<OpName> = new Set<OpName>(['swapin', 'zap', 'freeSwapCache', 'swapoff']);

/** Draws a swarm: each non-core kind is off with probability 1/4, each weight scaled 1..4;
 * one run in three is a pressure run. */
export function drawSwarm(prng: Prng): Swarm {
  const pressure = prng.below(3) === 0;
  const weights = {} as Record<OpName, number>;
  for (const name of opNames) {
    const enabled = opsCore.has(name) || prng.below(4) !== 0;
    let weight = enabled ? opWeightsBase[name] * (1 + prng.below(4)) : 0;
    if (pressure && opsPressureUp.has(name)) weight *= 3;
    if (pressure && opsPressureDown.has(name)) weight = Math.ceil(weight / 4);
    weights[name] = weight;
  }
  return swarmFromWeights(weights, pressure);
}

/** Probability that a template's flag is set, by kind (injected failures stay rare). */
function flagProbability(kind: OpName, pressure: boolean): number {
  switch (kind) {
    case 'setZswap':
      return pressure ? 0.15 : 0.6;
    case 'writeout':
      return pressure ? 0.7 : 0.12;
    case 'fork':
    case 'unmap':
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
  return drawTemplateWith(prng, swarm.cumulative, swarm.total, 4, (kind) => flagProbability(kind, swarm.pressure));
}

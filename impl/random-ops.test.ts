/**
 * Random op sequences through every design with the white-box audit after every op, then a
 * drain and auditEmpty(). This does not compare with the model (properties/ does that); it
 * checks that no op breaks an internal invariant or an assertion, whatever the op mix, and
 * that a drained system holds nothing.
 *
 * Method: a seeded xorshift generator picks op kinds with fixed weights and arguments mostly in
 * range (folio ids from the live folios), on configTiny, configDefault and two variants
 * (zswap off at boot, a tiny virtual space); 12 seeds per design and config.
 */
import { describe, expect, it } from 'vitest';
import { configDefault, configTiny, type Config } from '../lib/config.ts';
import type { Op, OpName } from '../lib/ops.ts';
import type { Knobs } from '../lib/system.ts';
import { designs } from '../lib/designs.ts';
import { opWeightsBase } from '../lib/op-weights.ts';
import { createSystem } from './designs.ts';
import { holderIsEmpty } from './holder-word.ts';
import type { KernelSwapSystem } from './swap-system.ts';

// The campaign's mix, with zswap toggled twice as often (these runs have no swarms to vary it).
const weights: Readonly<Record<OpName, number>> = { ...opWeightsBase, setZswap: 2 };
const kinds = Object.keys(weights) as OpName[];
const total = kinds.reduce((sum, kind) => sum + weights[kind], 0);

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = (seed * 2654435761) >>> 0 || 1;
  }
  below(n: number): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state % n;
  }
}

function randomOp(rng: Rng, system: KernelSwapSystem, config: Config): Op {
  let roll = rng.below(total);
  let kind: OpName = 'fault';
  for (const name of kinds) {
    if (roll < weights[name]) {
      kind = name;
      break;
    }
    roll -= weights[name];
  }
  const cpu = rng.below(config.cpus);
  const holder = rng.below(config.holders);
  const folios = system.state.folios.all();
  const folio =
    folios.length === 0 || rng.below(10) === 0
      ? rng.below(40)
      : (folios[rng.below(folios.length)]?.pfn ?? 1);
  const flag = rng.below(12) === 0;
  const device = rng.below(config.devices.length);
  const order = rng.below(config.orderMax + 1);
  switch (kind) {
    case 'swapon':
      return { op: kind, device, cpu };
    case 'swapoff':
      return { op: kind, device, cpu };
    case 'fault':
      return { op: kind, holder: holder - (holder % 2 ** order), order, cpu };
    case 'write': {
      const value = rng.below(3) === 0 ? 0 : 1 + rng.below(99);
      return { op: kind, holder, value, cpu };
    }
    case 'fork': {
      const target = rng.below(config.holders);
      return { op: kind, holder, target, cpu, failAlloc: flag };
    }
    case 'allocSwap':
      return { op: kind, holder, cpu, failAlloc: flag };
    case 'unmap':
      return { op: kind, holder, cpu, failAlloc: flag };
    case 'writeout':
      return { op: kind, folio, cpu, failZswap: rng.below(4) === 0 };
    case 'evict':
      return { op: kind, folio, cpu };
    case 'swapin':
      return { op: kind, holder, order, cpu, failAlloc: flag };
    case 'zap':
      return { op: kind, holder, cpu };
    case 'freeSwapCache':
      return { op: kind, folio, cpu };
    case 'zswapWriteback':
      return { op: kind, holder, cpu, failAlloc: flag };
    case 'split':
      return { op: kind, folio, cpu };
    case 'setZswap':
      return { op: kind, enabled: rng.below(2) === 0, cpu };
  }
}

/** Zaps every holder, frees every swap-cache folio, swaps every device off. */
function drain(system: KernelSwapSystem, config: Config): void {
  for (let holder = 0; holder < config.holders; holder++) {
    if (holderIsEmpty(system.state.holders[holder] ?? 0)) continue;
    expect(system.apply({ op: 'zap', holder, cpu: holder % config.cpus }).errno).toBe('OK');
  }
  for (const folio of system.state.folios.all()) {
    expect(system.apply({ op: 'freeSwapCache', folio: folio.pfn, cpu: 0 }).errno).toBe('OK');
  }
  for (let device = 0; device < config.devices.length; device++) {
    system.apply({ op: 'swapoff', device, cpu: 0 });
  }
  system.audit();
  system.auditEmpty();
}

const configs: readonly Config[] = [
  configTiny,
  configDefault,
  { ...configTiny, zswapEnabled: false, zswapCapacity: 2, countBits: 3 },
  { ...configTiny, vswapSlots: 13, cpus: 3, orderMax: 2, holders: 24 },
];
const variants: [string, Knobs][] = [
  ...Object.entries(designs).map(([name, design]): [string, Knobs] => [name, design.knobs]),
  [
    'vswap-all-validated',
    { virtualEntries: 'always', reverseMap: 'kept', lookupCache: 'validated' },
  ],
  ['vswap-rfc-pinned', { virtualEntries: 'when-zswap', reverseMap: 'kept', lookupCache: 'pinned' }],
];

describe.each(variants)('random ops on %s', (_name, knobs) => {
  it('keep every audited invariant and drain to empty', () => {
    for (const [index, config] of configs.entries()) {
      for (let seed = 1; seed <= 12; seed++) {
        const rng = new Rng(seed * 31 + index);
        const system = createSystem(config, knobs) as KernelSwapSystem;
        for (let device = 0; device < config.devices.length; device++) {
          system.apply({ op: 'swapon', device, cpu: 0 });
        }
        for (let step = 0; step < 250; step++) {
          const op = randomOp(rng, system, config);
          const outcome = system.apply(op);
          expect(outcome.errno).toMatch(/^(OK|EINVAL|EBUSY|ENOSPC|ENOMEM|EEXIST)$/);
          system.audit();
          if (step % 50 === 0) expect(system.observe().holders).toHaveLength(config.holders);
        }
        drain(system, config);
      }
    }
  });
});

/**
 * Scenario claims: each kind of claim holds on a view that satisfies it and breaks on one that
 * does not, in both views (the kernel's observation and the model's expectation).
 *
 * Not covered here: the scenarios themselves (scenarios.test.ts, kernel-oracle.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Facts } from '../properties/trace.ts';
import { checkFacts, kernelFactView, modelFactView } from './facts.ts';
import { parseKernelOutput } from './output.ts';
import type { KernelExpectation } from './session.ts';

const model: KernelExpectation = {
  holders: [
    { holder: 0, view: { kind: 'present', page: 'f1.0', content: 7 } },
    { holder: 1, view: { kind: 'swapped', entry: 'e1', device: 1, cached: false } },
    { holder: 2, view: { kind: 'swapped', entry: 'e1', device: 1, cached: false } },
  ],
  devices: [
    { online: false, sizePages: 5, usedPages: 0 },
    { online: true, sizePages: 9, usedPages: 1 },
  ],
  swapTotalPages: 9,
  swapFreePages: 8,
  swapCachedPages: 0,
  zswapStoredPages: 2,
  memcgSwapCurrentPages: [1],
  types: [null, 1],
  adjusted: [],
};
const seen = parseKernelOutput(
  '@obs 4 h0=P9:7:1 h1=S1:3:0 h2=S1:3:0 dev0=off dev1=1/9 total=9 free=8 cached=0 zswap=2 memcg0=1 errno=OK',
).steps.get(4)?.observation;

describe('checkFacts', () => {
  if (seen === null || seen === undefined) throw new Error('no observation');
  const views = { model: modelFactView(model, 'OK'), kernel: kernelFactView(seen, model.types, 2) };
  const holding: Facts = {
    op: 4,
    holders: { '0': 'present=7', '1': 'swapped@1-', '2': 'swapped' },
    same: [[1, 2]],
    differ: [[0, 1]],
    swapCached: 0,
    swapFree: 8,
    zswapStored: 2,
    swapCurrent: 1,
    used: { '0': 'off', '1': 1 },
    errno: 'OK',
  };

  it.each(Object.entries(views))('holds every true claim on the %s view', (_, view) => {
    expect(checkFacts(holding, view)).toEqual([]);
  });

  it.each([
    ['present=8', { holders: { '0': 'present=8' } }],
    ['swapped+', { holders: { '1': 'swapped+' } }],
    ['swapped@0', { holders: { '1': 'swapped@0' } }],
    ['empty', { holders: { '2': 'empty' } }],
    ['same', { same: [[0, 1]] as [number, number][] }],
    ['differ', { differ: [[1, 2]] as [number, number][] }],
    ['SwapCached', { swapCached: 1 }],
    ['SwapFree', { swapFree: 9 }],
    ['zswap', { zswapStored: 0 }],
    ['memory.swap.current', { swapCurrent: 0 }],
    ['used', { used: { '1': 2 } }],
    ['off', { used: { '1': 'off' as const } }],
    ['errno', { errno: 'EBUSY' as const }],
  ])('breaks a false %s claim on both views', (_, claim) => {
    for (const view of Object.values(views))
      expect(checkFacts({ op: 4, ...claim }, view)).toHaveLength(1);
  });

  it('breaks a memory.swap.current claim where there is no memcg to read, in both views', () => {
    const kernel = kernelFactView({ ...seen, memcgSwapCurrentPages: [] }, model.types, 2);
    const modelView = modelFactView({ ...model, memcgSwapCurrentPages: [] });
    for (const view of [kernel, modelView])
      expect(checkFacts({ op: 4, swapCurrent: 0 }, view)).toEqual([
        'memory.swap.current is not shown (no memcg); claimed 0 pages',
      ]);
  });
});

/**
 * Reading a program's output and comparing it with the model's expectation: every kind of
 * difference is caught on its own (a comparison that cannot fail would let the kernel agree
 * with anything), sharing is checked both ways, and an observation equal to the expectation
 * has no difference.
 *
 * Not covered here: the same checks inside the C program (they run on UML:
 * kernel-oracle.test.ts keeps the two verdicts equal).
 */
import { describe, expect, it } from 'vitest';
import type { DifferenceKind } from './compare.ts';
import { compareStep } from './compare.ts';
import type { KernelObservation } from './output.ts';
import { parseKernelOutput } from './output.ts';
import type { KernelExpectation } from './session.ts';

const expect0: KernelExpectation = {
  holders: [
    { holder: 0, view: { kind: 'present', page: 'f1.0', content: 7 } },
    { holder: 1, view: { kind: 'present', page: 'f1.0', content: 7 } },
    { holder: 2, view: { kind: 'swapped', entry: 'e1', device: 0, cached: true } },
    { holder: 3, view: { kind: 'swapped', entry: 'e1', device: 0, cached: true } },
    { holder: 4, view: { kind: 'empty' } },
  ],
  devices: [
    { online: true, sizePages: 14, usedPages: 1 },
    { online: false, sizePages: 9, usedPages: 0 },
  ],
  swapTotalPages: 14,
  swapFreePages: 13,
  swapCachedPages: 1,
  zswapStoredPages: 0,
  memcgSwapCurrentPages: [1],
  types: [0],
  adjusted: [],
};

const agreeing =
  '@obs 3 h0=P100:7:1 h1=P100:7:1 h2=S0:5:1 h3=S0:5:1 h4=E dev0=1/14 dev1=off total=14 free=13 cached=1 zswap=0 memcg0=1 errno=OK';

function observed(line: string): KernelObservation {
  const observation = parseKernelOutput(`${line}\n@check 3 ok\n@verdict pass\n`).steps.get(
    3,
  )?.observation;
  if (observation === null || observation === undefined) throw new Error('no observation');
  return observation;
}

const kinds = (line: string, errno?: string): DifferenceKind[] =>
  compareStep(expect0, observed(line), [], errno).map((d) => d.kind);

describe('parseKernelOutput', () => {
  it('reads steps, observations, checks and the verdict', () => {
    const output = parseKernelOutput(
      [
        'kernel noise',
        '@obs 0 dev0=off total=0 free=0 cached=0 zswap=-1',
        '@check 0 ok',
        '@step 1 swapon device 0',
        agreeing.replace('@obs 3', '@obs 1'),
        '@check 1 FAIL: SwapCached: 0 pages, expected 1',
        '@verdict fail 1',
      ].join('\n'),
    );
    expect(output.verdict).toEqual({ kind: 'fail', step: 1 });
    expect(output.steps.get(0)?.observation?.zswapStoredPages).toBeNull();
    expect(output.steps.get(1)?.what).toBe('swapon device 0');
    expect(output.steps.get(1)?.check).toEqual({
      ok: false,
      text: 'SwapCached: 0 pages, expected 1',
    });
    expect(output.steps.get(1)?.observation?.holders.get(2)).toEqual({
      kind: 'swapped',
      type: 0,
      offset: '5',
      cached: true,
    });
    expect(output.steps.get(1)?.observation?.memcgSwapCurrentPages).toEqual([1]);
    expect(output.steps.get(0)?.observation?.memcgSwapCurrentPages).toEqual([]);
    expect(parseKernelOutput('@error no zram').verdict).toEqual({
      kind: 'error',
      message: 'no zram',
    });
    expect(parseKernelOutput('@step 1 x').verdict).toEqual({ kind: 'incomplete' });
  });
});

describe('compareStep', () => {
  it('finds nothing when the kernel shows what the model expects', () => {
    expect(kinds(agreeing, 'OK')).toEqual([]);
  });

  it.each([
    ['a holder in another state', 'h4=E', 'h4=P300:0:1', 'holder-state'],
    ['other content', 'h0=P100:7:1 h1=P100:7:1', 'h0=P100:8:1 h1=P100:8:1', 'content'],
    ['stray bytes in a page', 'h0=P100:7:1 h1=P100:7:1', 'h0=P100:7:0 h1=P100:7:0', 'content'],
    ['another device', 'h2=S0:5:1 h3=S0:5:1', 'h2=S1:5:1 h3=S1:5:1', 'swap-device'],
    ['the swap cache', 'h2=S0:5:1 h3=S0:5:1', 'h2=S0:5:0 h3=S0:5:0', 'swap-cache'],
    ['a page not shared', 'h1=P100:7:1', 'h1=P101:7:1', 'sharing'],
    ['an entry not shared', 'h3=S0:5:1', 'h3=S0:6:1', 'sharing'],
    ['device usage', 'dev0=1/14', 'dev0=2/14', 'device'],
    ['a device off', 'dev0=1/14', 'dev0=off', 'device'],
    ['SwapTotal', 'total=14', 'total=15', 'swap-total'],
    ['SwapFree', 'free=13', 'free=12', 'swap-free'],
    ['SwapCached', 'cached=1', 'cached=0', 'swap-cached'],
    ['zswap', 'zswap=0', 'zswap=1', 'zswap'],
    ['memory.swap.current', 'memcg0=1', 'memcg0=2', 'memcg-swap'],
    ['no memory.swap.current where the model has a memcg', ' memcg0=1', '', 'memcg-swap'],
    ['the errno', 'errno=OK', 'errno=EBUSY', 'errno'],
  ] as const)('catches %s', (_, from, to, kind) => {
    expect(kinds(agreeing.replace(from, to), 'OK')).toContain(kind);
  });

  it('catches pages that share when the model keeps them apart', () => {
    const apart: KernelExpectation = {
      ...expect0,
      holders: expect0.holders.map((each) =>
        each.holder === 1
          ? { holder: 1, view: { kind: 'present', page: 'f2.0', content: 7 } }
          : each,
      ),
    };
    expect(compareStep(apart, observed(agreeing), []).map((d) => d.kind)).toEqual(['sharing']);
  });

  it('compares memory.swap.current only where the model has a memcg', () => {
    const rootOnly: KernelExpectation = { ...expect0, memcgSwapCurrentPages: [] };
    expect(compareStep(rootOnly, observed(agreeing.replace(' memcg0=1', '')), [], 'OK')).toEqual(
      [],
    );
    expect(
      compareStep(expect0, observed(agreeing.replace('memcg0=1', 'memcg0=0')), [], 'OK').map(
        (d) => d.text,
      ),
    ).toEqual([
      'memory.swap.current of memcg 0: 0 pages; the model expects 1 (swap pages charged to it)',
    ]);
  });

  it('does not compare zswap when the kernel has no counter', () => {
    expect(kinds(agreeing.replace('zswap=0', 'zswap=-1'), 'OK')).toEqual([]);
  });
});

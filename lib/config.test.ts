/**
 * Tests of config validation and the holder-to-memcg map: each rule of validateConfig() has a
 * config it rejects with its one-line reason, and every preset is accepted.
 *
 * Not covered here: how traces and flags name configs (properties/trace.ts, cli/).
 */
import { describe, expect, it } from 'vitest';
import { configPresets, configTiny, memcgOfHolder, validateConfig } from './config.ts';
import type { Config } from './config.ts';

const tiny = (overrides: Partial<Config>): Config => ({ ...configTiny, ...overrides });

describe('validateConfig', () => {
  it('accepts every preset', () => {
    for (const config of Object.values(configPresets)) expect(validateConfig(config)).toBeNull();
  });

  it.each<[string, Partial<Config>, RegExp]>([
    ['too few holders', { holders: 1 }, /holders must be an integer >= 2/],
    ['too many cpus', { cpus: 9 }, /cpus must be an integer in 1\.\.8/],
    ['clusters that are no power of two', { clusterSlots: 6 }, /power of two/],
    ['a count width out of range', { countBits: 5 }, /countBits must be an integer in 2\.\.4/],
    ['folios larger than a cluster', { orderMax: 3 }, /orderMax/],
    [
      'a bad slot outside the device',
      { devices: [{ slots: 4, bad: [4], priority: 0, synchronousIo: false, discard: false }] },
      /outside 1\.\.3/,
    ],
    ['a negative zswap capacity', { zswapCapacity: -1 }, /zswapCapacity/],
    ['a virtual space smaller than a cluster', { vswapSlots: 2 }, /vswapSlots/],
    [
      'a memcg run that splits a large folio',
      { memcgs: [{ holders: 3, swapMax: null }] },
      /memcgs\[0\]\.holders must be a positive multiple of 2\^orderMax \(2\)/,
    ],
    [
      'a negative swap.max',
      { memcgs: [{ holders: 2, swapMax: -1 }] },
      /memcgs\[0\]\.swapMax must be an integer >= 0 or null/,
    ],
    [
      'memcgs covering more holders than exist',
      {
        memcgs: [
          { holders: 32, swapMax: null },
          { holders: 2, swapMax: 1 },
        ],
      },
      /cover 34 holders, more than the 32/,
    ],
    [
      'too many memcgs',
      { memcgs: Array.from({ length: 17 }, () => ({ holders: 2, swapMax: null })) },
      /at most 16 memcgs/,
    ],
  ])('rejects %s', (_name, overrides, reason) => {
    expect(validateConfig(tiny(overrides))).toMatch(reason);
  });
});

describe('memcgOfHolder', () => {
  it('maps runs of holders to memcgs in order and the rest to the root', () => {
    const config = tiny({
      memcgs: [
        { holders: 4, swapMax: 3 },
        { holders: 2, swapMax: null },
      ],
    });
    expect([0, 3, 4, 5, 6, 31].map((holder) => memcgOfHolder(config, holder))).toEqual([
      0,
      0,
      1,
      1,
      null,
      null,
    ]);
    expect(memcgOfHolder(configTiny, 0)).toBeNull();
  });
});

/**
 * The bounded-exhaustive sequential mode: on the explorer's machine it reaches the same
 * number of distinct states on two designs (they implement the same semantics), finds no
 * failure up to depth 3, is deterministic, and finds a sequential mutant's bug (a canary for
 * the mode itself). Method: small depths, so the test stays fast.
 */
import { describe, expect, it } from 'vitest';
import { resolveDesign } from '../properties/design-registry.ts';
import { configExplore } from './config.ts';
import { exploreSequential } from './sequential.ts';

const options = { depth: 3, timeMs: 60_000, alternateCpus: true };

describe('exploreSequential', () => {
  it('explores every sequence up to depth 3 on classic and vswap-direct without a failure', () => {
    const classic = exploreSequential(resolveDesign('classic'), configExplore, options);
    const direct = exploreSequential(resolveDesign('vswap-direct'), configExplore, options);
    expect(classic.failure).toBeNull();
    expect(classic.complete).toBe(true);
    expect(direct.failure).toBeNull();
    expect(classic.states).toBeGreaterThan(50);
    expect(classic.levels.map((level) => level.states)).toEqual(
      direct.levels.map((level) => level.states),
    );
  });

  it('is deterministic', () => {
    const first = exploreSequential(resolveDesign('classic'), configExplore, {
      ...options,
      depth: 2,
    });
    const second = exploreSequential(resolveDesign('classic'), configExplore, {
      ...options,
      depth: 2,
    });
    expect(second.levels).toEqual(first.levels);
    expect(second.states).toBe(first.states);
  });

  it('finds the bug of a sequential mutant', () => {
    const design = resolveDesign({ base: 'classic', mutant: 'swapoff-keeps-cluster-info' });
    const result = exploreSequential(design, configExplore, { ...options, depth: 2 });
    expect(result.failure).not.toBeNull();
    expect(result.complete).toBe(false);
  });
});

/**
 * The self-check's verdict (properties/mutant-check.ts mutantVerdict): killed in at least the
 * kill ratio of seeds, and every shrunk kill at most 1.5 times the documented shortest.
 *
 * Not covered here: running the self-check (properties/canary.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { mutantCatalogue } from '../impl/mutants.ts';
import { mutantVerdict, shrunkLimit, type MutantResult } from './mutant-check.ts';

function result(
  shortest: number,
  killed: number,
  shrunkLengthMax: number | null,
  property: MutantResult['property'] = null,
): MutantResult {
  const doc = { ...(mutantCatalogue['cluster-list-stale'] as MutantResult['doc']), shortest };
  return {
    name: 'cluster-list-stale',
    design: 'classic',
    doc,
    seeds: 20,
    killed,
    timedOut: 0,
    shrinkCut: 0,
    medianOpsToKill: null,
    medianMsToKill: null,
    medianRunsToKill: null,
    shrunkLengthMax,
    shrunkShortest: null,
    failureKinds: [],
    property,
  };
}

describe('mutantVerdict', () => {
  it('allows at most 1.5 times the shortest, rounded down', () => {
    expect([1, 2, 4, 5, 7, 9, 14].map(shrunkLimit)).toEqual([1, 3, 6, 7, 10, 13, 21]);
    expect(mutantVerdict(result(5, 20, 7), 0.95)).toBe('killed');
    // 8 is 1.6 times 5: longer than the criterion allows.
    expect(mutantVerdict(result(5, 20, 8), 0.95)).toBe('long-trace');
    expect(mutantVerdict(result(4, 20, 6), 0.95)).toBe('killed');
    expect(mutantVerdict(result(4, 20, 7), 0.95)).toBe('long-trace');
  });
  it('needs the kill ratio of seeds: 19 of 20 at 0.95', () => {
    expect(mutantVerdict(result(5, 19, 5), 0.95)).toBe('killed');
    expect(mutantVerdict(result(5, 18, 5), 0.95)).toBe('survived');
    expect(mutantVerdict(result(5, 0, null), 0.95)).toBe('survived');
  });
  it('needs the fast-check property to kill it when the property ran', () => {
    expect(mutantVerdict(result(5, 20, 5, { seed: 1, runs: 64, killedAtRun: 12 }), 0.95)).toBe(
      'killed',
    );
    expect(mutantVerdict(result(5, 20, 5, { seed: 1, runs: 64, killedAtRun: null }), 0.95)).toBe(
      'fast-check-survived',
    );
  });
});

/**
 * OrderedIdSet (properties/ordered-id-set.ts): after any sequence of adds and deletes, ids
 * beyond the capacity included, its size, membership, rank and k-th member agree with a
 * sorted array of the same ids.
 *
 * Not covered here: the candidate sets built on it (properties/candidate-sets.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderedIdSet } from './ordered-id-set.ts';

describe('OrderedIdSet', () => {
  it('agrees with a sorted array on size, has, rank and at', () => {
    const step = fc.record({ add: fc.boolean(), id: fc.nat({ max: 300 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), fc.nat({ max: 40 }), (steps, capacity) => {
        const set = new OrderedIdSet(capacity);
        const ids = new Set<number>();
        for (const { add, id } of steps) {
          set.set(id, add);
          if (add) ids.add(id);
          else ids.delete(id);
        }
        const sorted = [...ids].sort((a, b) => a - b);
        expect(set.size).toBe(sorted.length);
        expect(set.toArray()).toEqual(sorted);
        sorted.forEach((id, k) => expect(set.at(k)).toBe(id));
        for (let id = -1; id <= 302; id++) {
          expect(set.has(id)).toBe(ids.has(id));
          expect(set.rank(id)).toBe(sorted.filter((member) => member < id).length);
        }
      }),
      { seed: 19, numRuns: 200 },
    );
  });

  it('assign() takes the members a predicate accepts, past the capacity too', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: 200 })), fc.nat({ max: 40 }), (ids, capacity) => {
        const set = new OrderedIdSet(capacity);
        set.add(7);
        const members = new Set(ids);
        set.assign(201, (id) => members.has(id));
        const sorted = [...members].sort((a, b) => a - b);
        expect(set.size).toBe(sorted.length);
        expect(set.toArray()).toEqual(sorted);
        sorted.forEach((id, k) => {
          expect(set.at(k)).toBe(id);
          expect(set.rank(id)).toBe(k);
        });
        set.add(250);
        expect(set.rank(251)).toBe(sorted.length + 1);
      }),
      { seed: 19, numRuns: 100 },
    );
  });

  it('refuses to select past its size', () => {
    const set = new OrderedIdSet();
    set.add(5);
    expect(set.at(0)).toBe(5);
    expect(() => set.at(1)).toThrow(/select 1 of a set of 1/);
    set.clear();
    expect(set.size).toBe(0);
    expect(set.rank(10)).toBe(0);
  });
});

/**
 * Pins firstDifference: equal values give null, the first differing path is named, undefined
 * keys count as absent. Method: example-based.
 */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import { firstDifference, plainEqual } from './diff.ts';

describe('firstDifference', () => {
  it('returns null for deeply equal values', () => {
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBeNull();
  });
  it('treats undefined keys as absent', () => {
    expect(firstDifference({ a: 1, b: undefined }, { a: 1 })).toBeNull();
  });
  it('names the first differing path in key order', () => {
    expect(firstDifference({ b: 1, a: [1, 2] }, { b: 2, a: [1, 3] })).toEqual({
      path: 'a[1]',
      expected: 2,
      actual: 3,
    });
  });
  it('reports a missing array element', () => {
    expect(firstDifference([1, 2], [1])).toEqual({ path: '[1]', expected: 2, actual: undefined });
  });
  it('reports a type mismatch at the root', () => {
    expect(firstDifference(1, 'x')).toEqual({ path: '(root)', expected: 1, actual: 'x' });
  });
});

describe('plainEqual', () => {
  it('agrees with firstDifference on equal and unequal values', () => {
    const cases: [unknown, unknown][] = [
      [{ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }],
      [{ a: 1, b: undefined }, { a: 1 }],
      [{ a: 1 }, { a: 1, b: 2 }],
      [[1, 2], [1]],
      [[1], { 0: 1 }],
      [null, {}],
      [1, 'x'],
    ];
    for (const [left, right] of cases) {
      expect(plainEqual(left, right)).toBe(firstDifference(left, right) === null);
    }
  });
});

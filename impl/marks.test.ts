/**
 * Unit tests of impl/marks.ts: hit() with and without a count, an unknown id or a count below one
 * refused, get() of an unseen mark, and snapshot() listing the marks with their keys sorted,
 * whatever order they were first hit in, so run summaries print them in a fixed order.
 *
 * Not covered here: which marks the impl hits (each module names its own).
 */
import { describe, expect, it } from 'vitest';
import { mark, Marks, type MarkId } from './marks.ts';

describe('Marks', () => {
  it('counts hits, n at a time, and reads 0 for an unseen mark', () => {
    const marks = new Marks();
    marks.hit(mark['write-cow']);
    marks.hit(mark['write-cow'], 3);
    expect(marks.get('write-cow')).toBe(4);
    expect(marks.get('write-reuse')).toBe(0);
  });

  it('refuses an id outside the marks and a count below one', () => {
    const marks = new Marks();
    expect(() => marks.hit(-1 as MarkId)).toThrow('mark id');
    expect(() => marks.hit(Object.keys(mark).length as MarkId)).toThrow('mark id');
    expect(() => marks.hit(mark['write-cow'], 0)).toThrow('mark count');
    expect(marks.snapshot()).toEqual({});
  });

  it('snapshot lists the keys sorted, not in first-hit order', () => {
    const marks = new Marks();
    // Hit in reverse alphabetical order; the snapshot must come out sorted.
    marks.hit(mark['zswap-writeback-redirect']);
    marks.hit(mark['cluster-list-discard'], 2);
    marks.hit(mark['extend-table-freed']);
    const snap = marks.snapshot();
    expect(Object.keys(snap)).toEqual([
      'cluster-list-discard',
      'extend-table-freed',
      'zswap-writeback-redirect',
    ]);
    expect(snap).toEqual({
      'cluster-list-discard': 2,
      'extend-table-freed': 1,
      'zswap-writeback-redirect': 1,
    });
  });
});

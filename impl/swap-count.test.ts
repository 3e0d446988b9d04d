/**
 * Example tests of the shared swap counting code: overflow into the extend table at the
 * sentinel, the extend table's lazy allocation and its release when no slot needs it, and
 * -ENOMEM with a batch rollback when the allocation is injected to fail.
 *
 * Method: one cluster with a table, counts driven directly through SwapCounter.
 */
import { describe, expect, it } from 'vitest';
import { SwapCluster } from './cluster.ts';
import { activateCosts, CostCounters } from './cost-counters.ts';
import { Marks } from './marks.ts';
import { SwapCounter } from './swap-count.ts';
import { pfnToWord, shadowToWord, wordToCount } from './swap-table-word.ts';

function cluster(): SwapCluster {
  const ci = new SwapCluster(0, 4);
  ci.allocTable();
  ci.tableOf()[1] = pfnToWord(7, 0, false);
  ci.tableOf()[2] = shadowToWord(0, 1, false);
  ci.count = 2;
  return ci;
}

describe('swap counting with a 2-bit count field (sentinel 3)', () => {
  it('overflows into a lazily allocated extend table and frees it on the way down', () => {
    const marks = new Marks();
    const counter = new SwapCounter(3, marks);
    const ci = cluster();
    for (let i = 0; i < 2; i++) expect(counter.dup(ci, 1, 1, false)).toBe(true);
    expect(counter.count(ci, 1)).toBe(2);
    expect(ci.extend).toBeNull();
    expect(counter.dupNeedsTable(ci, 1)).toBe(true);
    expect(counter.dup(ci, 1, 1, false)).toBe(true);
    expect(wordToCount(ci.word(1))).toBe(3);
    expect(ci.extend?.[1]).toBe(3);
    expect(counter.dup(ci, 1, 1, false)).toBe(true);
    expect(counter.count(ci, 1)).toBe(4);
    expect(marks.get('count-overflow-extend')).toBe(1);
    counter.put(ci, 1);
    expect(counter.count(ci, 1)).toBe(3);
    expect(ci.extend).not.toBeNull();
    counter.put(ci, 1);
    expect(counter.count(ci, 1)).toBe(2);
    expect(wordToCount(ci.word(1))).toBe(2);
    expect(ci.extend).toBeNull();
    expect(marks.get('extend-table-freed')).toBe(1);
  });

  it('keeps the extend table while another slot still needs it', () => {
    const counter = new SwapCounter(3, new Marks());
    const ci = cluster();
    for (let i = 0; i < 3; i++) counter.dup(ci, 1, 1, false);
    for (let i = 0; i < 2; i++) counter.dup(ci, 2, 1, false);
    expect(ci.extendUsed).toBe(2);
    counter.put(ci, 1);
    expect(ci.extend).not.toBeNull();
    counter.put(ci, 2);
    expect(ci.extend).toBeNull();
  });

  it('fails a batch with -ENOMEM when the table is needed and cannot be allocated', () => {
    const counter = new SwapCounter(3, new Marks());
    const ci = cluster();
    counter.dup(ci, 1, 1, false);
    counter.dup(ci, 1, 1, false);
    expect(counter.dup(ci, 0 + 1, 2, true)).toBe(false); // slot 1 needs the table
    expect(counter.count(ci, 1)).toBe(2);
    expect(counter.count(ci, 2)).toBe(1);
    ci.tableOf()[0] = shadowToWord(0, 2, false);
    expect(counter.dup(ci, 0, 2, true)).toBe(false); // slot 0 needs it too: nothing changes
    expect(counter.count(ci, 0)).toBe(2);
    expect(counter.count(ci, 1)).toBe(2);
    expect(counter.dup(ci, 2, 1, true)).toBe(true); // no table needed: failAlloc is ignored
    expect(counter.count(ci, 2)).toBe(2);
  });

  it('rolls back the earlier slots of a batch when a later one fails', () => {
    const counter = new SwapCounter(3, new Marks());
    const ci = cluster();
    ci.tableOf()[3] = shadowToWord(0, 2, false);
    ci.tableOf()[2] = shadowToWord(0, 1, false);
    expect(counter.dup(ci, 2, 2, true)).toBe(false);
    expect(counter.count(ci, 2)).toBe(1);
    expect(counter.count(ci, 3)).toBe(2);
    expect(() => counter.put(ci, 0)).toThrow();
  });

  // The next two close gaps mutation testing found (docs/mutation-testing.md).
  it('needs no table for a dup at the sentinel boundary when the cluster already has one', () => {
    const counter = new SwapCounter(3, new Marks());
    const ci = cluster();
    for (let i = 0; i < 2; i++) counter.dup(ci, 2, 1, false); // slot 2 overflows: table made
    expect(ci.extend).not.toBeNull();
    for (let i = 0; i < 2; i++) counter.dup(ci, 1, 1, false); // slot 1: 0 -> sentinel - 1
    expect(counter.dupNeedsTable(ci, 1)).toBe(false);
    expect(counter.dup(ci, 1, 1, true)).toBe(true); // failAlloc is moot: nothing to allocate
    expect(counter.count(ci, 1)).toBe(3);
  });

  it('counts one table write per count change in the word, none for extend-only changes', () => {
    const sink = new CostCounters();
    activateCosts(sink);
    try {
      const counter = new SwapCounter(3, new Marks());
      const ci = cluster();
      counter.dup(ci, 2, 1, false); // slot 2: 1 -> 2 in the word
      expect(sink.tableWrites).toBe(1);
      counter.dup(ci, 2, 1, false); // 2 -> the sentinel, extend 3
      expect(sink.tableWrites).toBe(2);
      counter.dup(ci, 2, 1, false); // extend 3 -> 4, the word keeps the sentinel
      expect(sink.tableWrites).toBe(2);
      counter.put(ci, 2); // extend 4 -> 3
      expect(sink.tableWrites).toBe(2);
      counter.put(ci, 2); // folds back: the word goes to 2
      expect(sink.tableWrites).toBe(3);
      counter.put(ci, 2); // 2 -> 1 in the word
      expect(sink.tableWrites).toBe(4);
    } finally {
      activateCosts(null);
    }
  });

  it('dups every slot of a batch, and rolls back every earlier slot when the last one fails', () => {
    const counter = new SwapCounter(3, new Marks());
    const ci = cluster(); // counts: slot 0 free, slot 1 0, slot 2 1
    ci.tableOf()[3] = shadowToWord(0, 1, false);
    expect(counter.dup(ci, 1, 3, false)).toBe(true);
    expect([1, 2, 3].map((slot) => counter.count(ci, slot))).toEqual([1, 2, 2]);
    for (const slot of [1, 2]) ci.tableOf()[slot] = shadowToWord(0, 1, false);
    expect(counter.dup(ci, 1, 3, true)).toBe(false); // slot 3 (count 2) needs the table
    expect(
      [1, 2, 3].map((slot) => counter.count(ci, slot)),
      'nothing changed',
    ).toEqual([1, 1, 2]);
  });
});

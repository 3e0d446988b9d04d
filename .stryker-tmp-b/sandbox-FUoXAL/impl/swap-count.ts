/**
 * Swap counts: the count field of Shadow and PFN words and its overflow into the cluster's
 * extend table. This is shared by physical and virtual clusters, which is the point of the
 * swap table edition of vswap: one reference-counting implementation for both.
 *
 * With sentinel S = 2^countBits - 1: a dup from c < S-1 stores c+1 in the word; a dup from
 * S-1 stores S in the word and S in extend[slot] (allocating the extend table, which may fail
 * with -ENOMEM); a dup from S increments extend[slot]. A put mirrors it: when extend[slot]
 * drops to S-1 the word goes back to S-1, extend[slot] to 0, and the extend table is freed when
 * none of its entries is in use.
 *
 * Not covered here: who may dup or put (impl/swap-state.ts), the word layout
 * (impl/swap-table-word.ts).
 */
// @ts-nocheck

import { assert } from '../lib/assert.ts';
import { costs } from './cost-counters.ts';
import type { SwapCluster } from './cluster.ts';
import type { Marks } from './marks.ts';
import {
  COUNT_MAX, wordIsPfn, wordIsShadow, wordToCount, wordWithCount,
} from './swap-table-word.ts';

export class SwapCounter {
  /** The configured sentinel 2^countBits - 1. */
  readonly sentinel: number;
  private readonly marks: Marks;
  /** The catalogued mutant switched on (impl/mutants.ts), or null. */
  private readonly mutant: string | null;

  constructor(sentinel: number, marks: Marks, mutant: string | null = null) {
    assert(Number.isInteger(sentinel) && sentinel >= 3, () => `sentinel ${sentinel}`);
    assert(sentinel <= COUNT_MAX, () => `sentinel ${sentinel} wider than the count field`);
    this.sentinel = sentinel;
    this.marks = marks;
    this.mutant = mutant;
  }

  /** The real count of a used slot (swp_swapcount()). */
  count(ci: SwapCluster, slot: number): number {
    const word = ci.word(slot);
    assert(wordIsShadow(word) || wordIsPfn(word), () => `cluster ${ci.id} slot ${slot} has no count`);
    const count = wordToCount(word);
    assert(count <= this.sentinel, () => `cluster ${ci.id} slot ${slot} count ${count} > sentinel`);
    if (count < this.sentinel) return count;
    // A word at the sentinel implies an extend table (dupOne makes it first), so `?.` never
    // applies here; the assert below reports a missing table either way.
    // Stryker disable next-line OptionalChaining: the extend table exists at the sentinel
    const real = ci.extend?.[slot] ?? 0;
    assert(real >= this.sentinel, () => `cluster ${ci.id} slot ${slot} extend ${real} below sentinel`);
    return real;
  }

  /**
   * Whether a dup of the slot would need the extend table while the cluster has none, i.e.
   * whether an injected allocation failure turns the dup into -ENOMEM.
   */
  dupNeedsTable(ci: SwapCluster, slot: number): boolean {
    const count = wordToCount(ci.word(slot));
    assert(count <= this.sentinel);
    return count === this.sentinel - 1 && ci.extend === null;
  }

  /**
   * Increments the counts of `nr` slots from `slot` (__swap_cluster_dup_entry() in a batch).
   * `failAlloc` makes a needed extend-table allocation fail; the whole batch is then rolled
   * back and false is returned (-ENOMEM). Context: the cluster lock is held.
   */
  dup(ci: SwapCluster, slot: number, nr: number, failAlloc: boolean): boolean {
    assert(nr >= 1 && slot + nr <= ci.slots, () => `dup of ${nr} at ${slot} leaves cluster ${ci.id}`);
    for (let i = 0; i < nr; i++) {
      if (failAlloc && this.dupNeedsTable(ci, slot + i)) {
        // MUTANT overflow-no-rollback: the slot is taken to the sentinel before the failed
        // allocation is noticed, and the rollback below starts one slot too early (cf. the
        // continuation-failure paths of __swap_duplicate(), brief §5 #11).
        if (this.mutant === 'overflow-no-rollback') this.dupOne(ci, slot + i);
        for (let j = i - 1; j >= 0; j--) this.putOne(ci, slot + j);
        this.marks.hit('extend-table-alloc-failed');
        return false;
      }
      this.dupOne(ci, slot + i);
    }
    return true;
  }

  /** Decrements the count of one slot, which must be at least 1 (__swap_cluster_put_entry()). */
  put(ci: SwapCluster, slot: number): void {
    this.putOne(ci, slot);
  }

  private dupOne(ci: SwapCluster, slot: number): void {
    const table = ci.tableOf();
    const word = table[slot] ?? 0;
    const count = wordToCount(word);
    assert(count <= this.sentinel, () => `cluster ${ci.id} slot ${slot} count above sentinel`);
    if (count < this.sentinel - 1) {
      table[slot] = wordWithCount(word, count + 1);
      costs.tableWrites++;
      return;
    }
    if (count === this.sentinel - 1) {
      if (ci.extend === null) {
        ci.extend = new Uint32Array(ci.slots);
        this.marks.hit('extend-table-alloc');
      }
      assert(ci.extend[slot] === 0, () => `cluster ${ci.id} slot ${slot} stale extend count`);
      ci.extend[slot] = this.sentinel;
      ci.extendUsed++;
      table[slot] = wordWithCount(word, this.sentinel);
      costs.tableWrites++;
      this.marks.hit('count-overflow-extend');
      return;
    }
    const extend = ci.extend;
    assert(extend !== null, () => `cluster ${ci.id} slot ${slot} saturated without extend table`);
    extend[slot] = (extend[slot] ?? 0) + 1;
    this.marks.hit('count-extend-increment');
  }

  private putOne(ci: SwapCluster, slot: number): void {
    const table = ci.tableOf();
    const word = table[slot] ?? 0;
    const count = wordToCount(word);
    assert(count >= 1, () => `put of cluster ${ci.id} slot ${slot} with count 0`);
    if (count < this.sentinel) {
      table[slot] = wordWithCount(word, count - 1);
      costs.tableWrites++;
      return;
    }
    const extend = ci.extend;
    assert(extend !== null, () => `cluster ${ci.id} slot ${slot} saturated without extend table`);
    const real = extend[slot] ?? 0;
    assert(real >= this.sentinel, () => `cluster ${ci.id} slot ${slot} extend ${real}`);
    // MUTANT extend-put-off-by-one: `>` for `>=` folds the extend count back into the word
    // one put too early, at the sentinel boundary (brief §5 #11, count conservation).
    const stays = this.mutant === 'extend-put-off-by-one'
      ? real - 1 > this.sentinel
      : real - 1 >= this.sentinel;
    if (stays) {
      extend[slot] = real - 1;
      return;
    }
    extend[slot] = 0;
    table[slot] = wordWithCount(word, this.sentinel - 1);
    costs.tableWrites++;
    ci.extendUsed--;
    assert(ci.extendUsed >= 0);
    // MUTANT extend-table-leak: the emptied extend table is not freed (the last user's put
    // forgets swap_extend_table_free()); an unobservable leak only the audit sees.
    if (ci.extendUsed === 0 && this.mutant !== 'extend-table-leak') {
      ci.extend = null;
      this.marks.hit('extend-table-freed');
    }
  }
}

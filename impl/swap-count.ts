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
 * Two steps are named hooks (CounterSteps): the undo of a failed batch dup and the put of an
 * overflowed count; impl/mutants/ replaces them in the count mutants.
 *
 * Not covered here: who may dup or put (impl/swap-state.ts), the word layout
 * (impl/swap-table-word.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { costs } from './cost-counters.ts';
import type { SwapCluster } from './cluster.ts';
import { mark, type Marks } from './marks.ts';
import {
  COUNT_MAX,
  wordIsPfn,
  wordIsShadow,
  wordToCount,
  wordWithCount,
} from './swap-table-word.ts';

/** The counter's named steps (the design's own are `swapCounterSteps`). */
export interface CounterSteps {
  /** Undoes the first `done` dups of a batch from `slot` whose next dup failed. */
  undoDup(counter: SwapCounter, ci: SwapCluster, slot: number, done: number): void;
  /** Puts one reference of a slot whose word is at the sentinel (the extend table's count). */
  putExtended(counter: SwapCounter, ci: SwapCluster, slot: number, word: number): void;
}

export class SwapCounter {
  /** The configured sentinel 2^countBits - 1. */
  readonly sentinel: number;
  readonly marks: Marks;
  private readonly steps: CounterSteps;

  constructor(sentinel: number, marks: Marks, steps: CounterSteps = swapCounterSteps) {
    assertThat(Number.isInteger(sentinel) && sentinel >= 3, 'sentinel ', sentinel);
    assertThat(sentinel <= COUNT_MAX, 'sentinel ', sentinel, ' wider than the count field');
    this.sentinel = sentinel;
    this.marks = marks;
    this.steps = steps;
  }

  /** The real count of a used slot (swp_swapcount()). */
  count(ci: SwapCluster, slot: number): number {
    const word = ci.word(slot);
    assertThat(
      wordIsShadow(word) || wordIsPfn(word),
      'cluster ',
      ci.id,
      ' slot ',
      slot,
      ' has no count',
    );
    const count = wordToCount(word);
    assertThat(
      count <= this.sentinel,
      'cluster ',
      ci.id,
      ' slot ',
      slot,
      ' count ',
      count,
      ' > sentinel',
    );
    if (count < this.sentinel) return count;
    // A word at the sentinel implies an extend table (dupOne makes it first).
    const extend = extendTableOf(ci, slot);
    const real = extend[slot] ?? 0;
    assertThat(
      real >= this.sentinel,
      'cluster ',
      ci.id,
      ' slot ',
      slot,
      ' extend ',
      real,
      ' below sentinel',
    );
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
    assertThat(
      nr >= 1 && slot + nr <= ci.slots,
      'dup of ',
      nr,
      ' at ',
      slot,
      ' leaves cluster ',
      ci.id,
    );
    for (let i = 0; i < nr; i++) {
      if (failAlloc && this.dupNeedsTable(ci, slot + i)) {
        this.steps.undoDup(this, ci, slot, i);
        this.marks.hit(mark['extend-table-alloc-failed']);
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

  dupOne(ci: SwapCluster, slot: number): void {
    const table = ci.tableOf();
    const word = table[slot] ?? 0;
    const count = wordToCount(word);
    assertThat(count <= this.sentinel, 'cluster ', ci.id, ' slot ', slot, ' count above sentinel');
    if (count < this.sentinel - 1) {
      table[slot] = wordWithCount(word, count + 1);
      costs.tableWrites++;
      return;
    }
    if (count === this.sentinel - 1) {
      if (ci.extend === null) {
        ci.extend = new Uint32Array(ci.slots);
        this.marks.hit(mark['extend-table-alloc']);
      }
      assertThat(ci.extend[slot] === 0, 'cluster ', ci.id, ' slot ', slot, ' stale extend count');
      ci.extend[slot] = this.sentinel;
      ci.extendUsed++;
      table[slot] = wordWithCount(word, this.sentinel);
      costs.tableWrites++;
      this.marks.hit(mark['count-overflow-extend']);
      return;
    }
    const extend = extendTableOf(ci, slot);
    extend[slot] = (extend[slot] ?? 0) + 1;
    this.marks.hit(mark['count-extend-increment']);
  }

  putOne(ci: SwapCluster, slot: number): void {
    const table = ci.tableOf();
    const word = table[slot] ?? 0;
    const count = wordToCount(word);
    assertThat(count >= 1, 'put of cluster ', ci.id, ' slot ', slot, ' with count 0');
    if (count < this.sentinel) {
      table[slot] = wordWithCount(word, count - 1);
      costs.tableWrites++;
      return;
    }
    this.steps.putExtended(this, ci, slot, word);
  }
}

/** Undoes the dups of slots [slot, slot+done) in reverse order. */
function undoDup(counter: SwapCounter, ci: SwapCluster, slot: number, done: number): void {
  for (let j = done - 1; j >= 0; j--) counter.putOne(ci, slot + j);
}

/** The extend table of cluster `ci`, which slot `slot` at the sentinel implies (dupOne()
 * makes it first). */
export function extendTableOf(ci: SwapCluster, slot: number): Uint32Array {
  const extend = ci.extend;
  assertThat(extend !== null, 'cluster ', ci.id, ' slot ', slot, ' saturated without extend table');
  return extend;
}

/**
 * A put at the sentinel: the extend count drops; at S-1 it folds back into the word, and the
 * extend table is freed with its last user (swap_extend_table_free()).
 */
function putExtended(counter: SwapCounter, ci: SwapCluster, slot: number, word: number): void {
  const extend = extendTableOf(ci, slot);
  const real = extend[slot] ?? 0;
  assertThat(real >= counter.sentinel, 'cluster ', ci.id, ' slot ', slot, ' extend ', real);
  if (real - 1 >= counter.sentinel) {
    extend[slot] = real - 1;
    return;
  }
  extend[slot] = 0;
  ci.tableOf()[slot] = wordWithCount(word, counter.sentinel - 1);
  costs.tableWrites++;
  ci.extendUsed--;
  assert(ci.extendUsed >= 0);
  if (ci.extendUsed === 0) {
    ci.extend = null;
    counter.marks.hit(mark['extend-table-freed']);
  }
}

export const swapCounterSteps: CounterSteps = { undoDup, putExtended };

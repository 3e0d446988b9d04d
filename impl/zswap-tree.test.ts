/**
 * Unit tests of impl/zswap-tree.ts, the classic per-type zswap index: store/load/erase of
 * handles by (type, offset), countOf() (zswap_swapoff()'s emptiness check) and entriesOf() (the
 * audit's walk), including trees whose lower chunks were never created (an offset at or past
 * ZSWAP_ADDRESS_SPACE_PAGES leaves a hole in the array of chunks, as a sparse zswap_trees[type]).
 *
 * Not covered here: which entries the swap layer stores here (impl/swap-state.ts) and the pool
 * that owns the handles (impl/zswap-pool.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ZSWAP_ADDRESS_SPACE_PAGES, ZswapTree } from './zswap-tree.ts';

const far = ZSWAP_ADDRESS_SPACE_PAGES + 5; // in chunk 1; chunk 0 of the type stays a hole

describe('ZswapTree', () => {
  it('store, load and erase return the documented previous handles', () => {
    const tree = new ZswapTree(2);
    // xa_store() returns the entry it replaced, xa_erase() the one it erased, null if none.
    expect(tree.store(0, 3, 7)).toBeNull();
    expect(tree.store(0, 3, 8)).toBe(7);
    expect(tree.load(0, 3)).toBe(8);
    expect(tree.load(1, 3)).toBeNull();
    expect(tree.total).toBe(1);
    expect(tree.erase(0, 3)).toBe(8);
    expect(tree.erase(0, 3)).toBeNull();
    expect(tree.load(0, 3)).toBeNull();
    expect(tree.total).toBe(0);
  });

  it('countOf counts the handles of one type across chunks, holes included', () => {
    const tree = new ZswapTree(2);
    // Only a far offset: the type's chunk array is [hole, chunk], and countOf must step over
    // the hole. One handle stored, so the count is 1; the other type holds none.
    tree.store(0, far, 1);
    expect(tree.countOf(0)).toBe(1);
    expect(tree.countOf(1)).toBe(0);
    tree.store(0, 2, 2);
    tree.store(0, far + 1, 3);
    tree.store(1, far, 4);
    // Type 0 now holds offsets 2, far and far+1; type 1 holds far.
    expect(tree.countOf(0)).toBe(3);
    expect(tree.countOf(1)).toBe(1);
    expect(tree.total).toBe(4);
    tree.erase(0, far);
    expect(tree.countOf(0)).toBe(2);
    tree.erase(0, 2);
    tree.erase(0, far + 1);
    // Emptied again: zswap_swapoff() of type 0 would find nothing left.
    expect(tree.countOf(0)).toBe(0);
    expect(tree.total).toBe(1);
  });

  it('entriesOf yields every (offset, handle) of the type, holes skipped', () => {
    const tree = new ZswapTree(2);
    tree.store(0, far, 11);
    // Only the far chunk exists; the hole before it yields nothing.
    expect([...tree.entriesOf(0)]).toEqual([[far, 11]]);
    tree.store(0, 4, 12);
    tree.store(1, 9, 13);
    expect([...tree.entriesOf(0)].sort((a, b) => a[0] - b[0])).toEqual([
      [4, 12],
      [far, 11],
    ]);
    expect([...tree.entriesOf(1)]).toEqual([[9, 13]]);
  });

  it('entriesOf of a type without a tree yields nothing', () => {
    // The tree has types 0 and 1 only; type 2 indexes nothing, so it has no entries.
    const tree = new ZswapTree(2);
    tree.store(0, 4, 12);
    expect([...tree.entriesOf(2)]).toEqual([]);
  });

  it('an erase of an absent offset changes nothing', () => {
    const tree = new ZswapTree(1);
    tree.store(0, 4, 1);
    expect(tree.erase(0, far)).toBeNull();
    expect(tree.total).toBe(1);
    expect(tree.countOf(0)).toBe(1);
    expect([...tree.entriesOf(0)]).toEqual([[4, 1]]);
  });
});

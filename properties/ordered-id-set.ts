/**
 * A set of small non-negative integer ids (holder indices, folio ids) that answers "how many
 * members are below id" (rank) and "the k-th smallest member" (select) in O(log capacity):
 * a membership byte per id and a Fenwick tree of the membership counts. The op generator
 * keeps its candidate sets in these (properties/candidate-sets.ts), so that it picks the
 * member a scan in id order would have picked, without the scan. The capacity grows by
 * doubling when an id beyond it is added (folio ids only grow).
 *
 * Not covered here: which ids belong in which set (properties/candidates.ts).
 */
import { assert } from '../lib/assert.ts';

/** An ordered set of ids as the template resolver reads it (properties/candidates.ts). */
export interface IdSelection {
  readonly size: number;
  /** The k-th smallest member, 0 <= k < size. */
  at(k: number): number;
  /** How many members are below `id`. */
  rank(id: number): number;
  has(id: number): boolean;
}

export class OrderedIdSet implements IdSelection {
  size = 0;
  /** A power of two: ids 0 .. capacity - 1 fit. */
  private capacity: number;
  private member: Uint8Array;
  /** Fenwick tree, 1-based: tree[i] counts the members among ids i - (i & -i) .. i - 1. */
  private tree: Int32Array;

  constructor(capacity = 16) {
    this.capacity = 1;
    while (this.capacity < capacity) this.capacity *= 2;
    this.member = new Uint8Array(this.capacity);
    this.tree = new Int32Array(this.capacity + 1);
  }

  has(id: number): boolean {
    return id < this.capacity && this.member[id] === 1;
  }

  add(id: number): void {
    assert(Number.isInteger(id) && id >= 0, () => `id ${id} is not a non-negative integer`);
    if (this.has(id)) return;
    if (id >= this.capacity) this.grow(id + 1);
    this.member[id] = 1;
    this.size++;
    for (let i = id + 1; i <= this.capacity; i += i & -i) this.tree[i] = (this.tree[i] ?? 0) + 1;
  }

  delete(id: number): void {
    if (!this.has(id)) return;
    this.member[id] = 0;
    this.size--;
    for (let i = id + 1; i <= this.capacity; i += i & -i) this.tree[i] = (this.tree[i] ?? 0) - 1;
  }

  /** Adds `id` when `present`, else deletes it. */
  set(id: number, present: boolean): void {
    if (present) this.add(id);
    else this.delete(id);
  }

  rank(id: number): number {
    let count = 0;
    for (let i = Math.min(Math.max(id, 0), this.capacity); i > 0; i -= i & -i)
      count += this.tree[i] ?? 0;
    return count;
  }

  at(k: number): number {
    assert(k >= 0 && k < this.size, () => `select ${k} of a set of ${this.size}`);
    // The largest position whose prefix count is at most k: the member after it is the k-th.
    let position = 0;
    let left = k;
    for (let step = this.capacity; step > 0; step >>= 1) {
      const next = position + step;
      const count = this.tree[next] ?? 0;
      if (next <= this.capacity && count <= left) {
        position = next;
        left -= count;
      }
    }
    return position;
  }

  /** The members in ascending order (for checks; O(capacity)). */
  toArray(): number[] {
    const ids: number[] = [];
    for (let id = 0; id < this.capacity; id++) if (this.member[id] === 1) ids.push(id);
    return ids;
  }

  clear(): void {
    this.member.fill(0);
    this.tree.fill(0);
    this.size = 0;
  }

  /** Makes the members exactly the ids below `limit` that `isMember` accepts, in
   * O(limit + capacity) rather than a tree update per member. */
  assign(limit: number, isMember: (id: number) => boolean): void {
    if (limit > this.capacity) this.grow(limit);
    this.member.fill(0);
    this.size = 0;
    for (let id = 0; id < limit; id++) {
      if (isMember(id)) {
        this.member[id] = 1;
        this.size++;
      }
    }
    this.build();
  }

  private grow(needed: number): void {
    let capacity = this.capacity;
    while (capacity < needed) capacity *= 2;
    const member = new Uint8Array(capacity);
    member.set(this.member);
    this.capacity = capacity;
    this.member = member;
    this.tree = new Int32Array(capacity + 1);
    this.build();
  }

  /** Builds the tree from the membership bytes in linear time: each node passes its count to
   * its parent. */
  private build(): void {
    const { tree, member, capacity } = this;
    tree.fill(0);
    for (let i = 1; i <= capacity; i++) {
      tree[i] = (tree[i] ?? 0) + (member[i - 1] ?? 0);
      const parent = i + (i & -i);
      if (parent <= capacity) tree[parent] = (tree[parent] ?? 0) + (tree[i] ?? 0);
    }
  }
}

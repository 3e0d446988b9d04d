/**
 * The classic zswap index: per swap type, a map from slot offset to zswap handle, split in
 * chunks of ZSWAP_ADDRESS_SPACE_PAGES offsets as zswap_trees[type] is an array of xarrays.
 * Only physical entries use it; a virtual entry keeps its handle in its virtual table word.
 *
 * Not covered here: the pool that owns the handles (impl/zswap-pool.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';

/** Offsets per xarray of zswap_trees[type] (64 MiB of 4 KiB pages upstream). */
export const ZSWAP_ADDRESS_SPACE_PAGES = 2 ** 14;

export class ZswapTree {
  private readonly trees: Map<number, number>[][];
  private size = 0;

  constructor(types: number) {
    assertThat(Number.isInteger(types) && types >= 0, 'zswap tree types ', types);
    this.trees = [];
    for (let type = 0; type < types; type++) this.trees.push([]);
  }

  /** The handle stored for (type, offset), or null (zswap_load() lookup). */
  load(type: number, offset: number): number | null {
    return this.chunk(type, offset, false)?.get(offset) ?? null;
  }

  /** Stores `handle`, returning the handle it replaced or null (xa_store()). */
  store(type: number, offset: number, handle: number): number | null {
    const chunk = this.chunk(type, offset, true);
    assert(chunk !== null);
    assertThat(Number.isInteger(handle) && handle >= 0, 'zswap handle ', handle);
    const old = chunk.get(offset) ?? null;
    chunk.set(offset, handle);
    if (old === null) this.size++;
    return old;
  }

  /** Erases (type, offset), returning the erased handle or null (xa_erase()). */
  erase(type: number, offset: number): number | null {
    const chunk = this.chunk(type, offset, false);
    const old = chunk?.get(offset) ?? null;
    if (old !== null) {
      chunk?.delete(offset);
      this.size--;
      assert(this.size >= 0);
    }
    return old;
  }

  /** Objects indexed for `type`, for zswap_swapoff()'s emptiness assert. */
  countOf(type: number): number {
    assertThat(type >= 0 && type < this.trees.length, 'zswap tree of type ', type);
    let n = 0;
    for (const chunk of this.trees[type] ?? []) n += chunk?.size ?? 0;
    return n;
  }

  get total(): number {
    return this.size;
  }

  /** Every (offset, handle) of `type`, for audits. */
  *entriesOf(type: number): Generator<[number, number]> {
    for (const chunk of this.trees[type] ?? []) if (chunk !== undefined) yield* chunk;
  }

  private chunk(type: number, offset: number, create: boolean): Map<number, number> | null {
    const trees = this.trees[type];
    assertThat(trees !== undefined, 'zswap tree of type ', type);
    assertThat(Number.isInteger(offset) && offset > 0, 'zswap offset ', offset);
    const index = Math.floor(offset / ZSWAP_ADDRESS_SPACE_PAGES);
    let chunk = trees[index];
    if (chunk === undefined && create) {
      chunk = new Map();
      trees[index] = chunk;
    }
    return chunk ?? null;
  }
}

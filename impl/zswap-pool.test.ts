/**
 * Unit tests of impl/zswap-pool.ts: hasRoom() at and past the capacity (zswap_check_limits()),
 * handles handed out lowest-free-first, load/free, and isLive() for live, freed, never-used and
 * out-of-range handles.
 *
 * Not covered here: the store-failure policy and the enabled flag (impl/swap-state.ts), and who
 * owns a handle (impl/zswap-tree.test.ts for the classic index).
 */
import { describe, expect, it } from 'vitest';
import { ZswapPool } from './zswap-pool.ts';

describe('ZswapPool', () => {
  it('hasRoom admits n more objects exactly while stored + n <= capacity', () => {
    const pool = new ZswapPool(3);
    // Empty pool of 3: room for 1, 2 or 3 more, not 4.
    expect(pool.hasRoom(1)).toBe(true);
    expect(pool.hasRoom(3)).toBe(true);
    expect(pool.hasRoom(4)).toBe(false);
    pool.store(10);
    pool.store(11);
    // 2 stored of 3: room for exactly one more.
    expect(pool.hasRoom(1)).toBe(true);
    expect(pool.hasRoom(2)).toBe(false);
    pool.store(12);
    // Full.
    expect(pool.hasRoom(1)).toBe(false);
    expect(pool.stored).toBe(3);
  });

  it('a pool of capacity 0 never has room', () => {
    expect(new ZswapPool(0).hasRoom(1)).toBe(false);
  });

  it('hands out the lowest free handle and loads what was stored', () => {
    const pool = new ZswapPool(3);
    // "handed out lowest-free-first": 0, 1, 2 in turn; a freed handle is the next one reused.
    expect(pool.store(5)).toBe(0);
    expect(pool.store(6)).toBe(1);
    expect(pool.load(0)).toBe(5);
    expect(pool.load(1)).toBe(6);
    pool.free(0);
    expect(pool.stored).toBe(1);
    expect(pool.store(7)).toBe(0);
    expect(pool.load(0)).toBe(7);
  });

  it('isLive is true only for a stored, not yet freed handle inside the pool', () => {
    const pool = new ZswapPool(2);
    // Nothing stored yet: no handle is live.
    expect(pool.isLive(0)).toBe(false);
    expect(pool.isLive(1)).toBe(false);
    const h = pool.store(9);
    expect(pool.isLive(h)).toBe(true);
    expect(pool.isLive(1 - h)).toBe(false);
    // Not handles of this pool: negative, past the end, fractional, NaN.
    expect(pool.isLive(-1)).toBe(false);
    expect(pool.isLive(2)).toBe(false);
    expect(pool.isLive(0.5)).toBe(false);
    expect(pool.isLive(Number.NaN)).toBe(false);
    pool.free(h);
    expect(pool.isLive(h)).toBe(false);
    // A second free of the same handle is a bug the pool asserts on.
    expect(() => pool.free(h)).toThrow();
  });
});

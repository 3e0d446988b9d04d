/**
 * Unit tests of impl/block-store.ts: peek() of never-written, written and discarded slots
 * (null means "holds no data", distinct from content 0, a zero-filled page), holdsData() and
 * the writtenSlots count, and read() refusing a slot without data.
 *
 * Not covered here: which slot an entry uses and when the swap layer writes or discards it
 * (swap tables, bitmaps, impl/swap-state.ts).
 */
import { describe, expect, it } from 'vitest';
import { BlockStore } from './block-store.ts';

describe('BlockStore', () => {
  it('peek gives null for a slot that holds no data, the content for one that does', () => {
    const store = new BlockStore(4);
    // Never written: no data, so null (not 0, which would be a written zero-filled page).
    expect(store.peek(1)).toBeNull();
    expect(store.holdsData(1)).toBe(false);
    store.write(1, 0);
    store.write(2, 42);
    // Written content comes back as is, a written 0 included.
    expect(store.peek(1)).toBe(0);
    expect(store.peek(2)).toBe(42);
    expect(store.peek(3)).toBeNull();
    expect(store.writtenSlots).toBe(2);
    store.discard(2);
    // A discarded slot holds no data again (swap_slot_free_notify()).
    expect(store.peek(2)).toBeNull();
    expect(store.holdsData(2)).toBe(false);
    expect(store.writtenSlots).toBe(1);
  });

  it('read of a slot without data is a bug the store asserts on', () => {
    const store = new BlockStore(4);
    expect(() => store.read(3)).toThrow();
    store.write(3, 5);
    expect(store.read(3)).toBe(5);
  });
});

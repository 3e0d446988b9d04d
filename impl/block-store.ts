/**
 * The data of a physical swap device: one content number per slot plus a "holds data" bit,
 * as a RAM-backed block device (zram) knows which slots hold written data and drops a slot's
 * data when the swap layer notifies it (swap_slot_free_notify()). The swap layer writes a slot
 * at writeout or zswap writeback, reads it at swapin, and discards it when the slot is freed
 * or when a newer copy (zero flag, zswap object) makes the slot's data stale.
 *
 * Not covered here: which slot an entry uses (swap tables, bitmaps).
 */
import { assert, assertThat } from '../lib/assert.ts';

export class BlockStore {
  private readonly data: Float64Array;
  private readonly written: Uint8Array;
  private writtenCount = 0;

  constructor(slots: number) {
    assertThat(Number.isInteger(slots) && slots >= 2, 'block store of ', slots, ' slots');
    this.data = new Float64Array(slots);
    this.written = new Uint8Array(slots);
  }

  /** Writes `content` to `slot` (__swap_writepage()). */
  write(slot: number, content: number): void {
    this.check(slot);
    assertThat(Number.isFinite(content), 'content ', content);
    if (this.written[slot] === 0) this.writtenCount++;
    this.written[slot] = 1;
    this.data[slot] = content;
  }

  /** Reads `slot`, which must hold data (swap_read_folio()). */
  read(slot: number): number {
    this.check(slot);
    assertThat(this.written[slot] === 1, 'read of unwritten slot ', slot);
    return this.data[slot] ?? 0;
  }

  /** Reads `slot` or returns null when it holds no data (observe and audit). */
  peek(slot: number): number | null {
    this.check(slot);
    return this.written[slot] === 1 ? (this.data[slot] ?? 0) : null;
  }

  holdsData(slot: number): boolean {
    this.check(slot);
    return this.written[slot] === 1;
  }

  /** Drops the data of `slot` (swap_slot_free_notify() / discard). */
  discard(slot: number): void {
    this.check(slot);
    if (this.written[slot] === 1) this.writtenCount--;
    this.written[slot] = 0;
    this.data[slot] = 0;
  }

  /** Slots holding data, for drain checks. */
  get writtenSlots(): number {
    assert(this.writtenCount >= 0);
    return this.writtenCount;
  }

  private check(slot: number): void {
    assertThat(Number.isInteger(slot), 'slot ', slot);
    assertThat(slot > 0 && slot < this.data.length, 'slot ', slot, ' outside the device');
  }
}

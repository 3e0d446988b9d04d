/**
 * The virtual table word: one packed 32-bit word per slot of a virtual cluster, beside that
 * cluster's swap table, saying where a virtual entry's data lives when it is not in the swap
 * cache (RFC v2 layout: the zero state is the swap table's Z bit and a cached folio is the
 * swap table's PFN word, so only three tags remain).
 *
 *   NONE:  |--------------------------------- 0 --------------------------------| 0 0 0 |
 *   PHYS:  |-- 0:4 --|-- TYPE:5 --|------------- OFFSET:20 -------------------| 0 0 1 |
 *   ZSWAP: |----------------------------- HANDLE:29 ------------------------------| 0 1 0 |
 *   bit:    31     28 27        23 22                                         3   2 1 0
 *
 * PHYS names a physical slot with the (type, offset) packing of an entry value
 * (impl/entry-value.ts). ZSWAP holds a zswap pool handle (impl/zswap-pool.ts): with vswap,
 * zswap bypasses its own index and the handle lives here. Tags 011 to 111 are invalid.
 *
 * Not covered here: the swap table word (impl/swap-table-word.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { ENTRY_BITS, swpEntry, swpOffset, swpType, VSWAP_TYPE } from './entry-value.ts';

export const VT_WORD_BITS = 32;
export const VT_TAG_BITS = 3;
export const VT_TAG_MASK = (1 << VT_TAG_BITS) - 1;
export const VT_NONE_TAG: number = 0b000;
export const VT_PHYS_TAG: number = 0b001;
export const VT_ZSWAP_TAG: number = 0b010;
export const VT_PAYLOAD_SHIFT = VT_TAG_BITS;
/** 1 << VT_PAYLOAD_SHIFT as a multiplier: a handle reaches bit 31, past a 32-bit shift. */
export const VT_PAYLOAD_UNIT = 2 ** VT_PAYLOAD_SHIFT;
export const VT_PHYS_BITS = ENTRY_BITS;
export const VT_HANDLE_BITS = VT_WORD_BITS - VT_TAG_BITS;
export const VT_HANDLE_MAX = 2 ** VT_HANDLE_BITS - 1;
export const VT_NONE_WORD = 0;

// A physical location and a handle fit above the tag.
assert(VT_PHYS_BITS + VT_TAG_BITS <= VT_WORD_BITS);
assert(VT_HANDLE_BITS + VT_TAG_BITS === VT_WORD_BITS);
assert(VT_PHYS_TAG !== VT_ZSWAP_TAG && VT_PHYS_TAG !== VT_NONE_TAG);

export type VtWordKind = 'none' | 'phys' | 'zswap';

// Helpers for casting a backend into a virtual table word.

/** Backing by physical slot `offset` of device `type`. */
export function physToVtWord(type: number, offset: number): number {
  assert(type !== VSWAP_TYPE, 'a virtual entry cannot be backed by the virtual space');
  assertThat(offset > 0, 'physical offset ', offset, ': slot 0 is the header');
  return ((swpEntry(type, offset) << VT_PAYLOAD_SHIFT) | VT_PHYS_TAG) >>> 0; // vswap: VSWAP_PHYS
}

/** Backing by zswap object `handle`. */
export function zswapToVtWord(handle: number): number {
  assertThat(Number.isInteger(handle) && handle >= 0, 'zswap handle ', handle);
  assertThat(handle <= VT_HANDLE_MAX, 'zswap handle ', handle, ' too wide');
  return (handle * VT_PAYLOAD_UNIT + VT_ZSWAP_TAG) >>> 0; // vswap: VSWAP_ZSWAP
}

// Helpers for virtual table word type checking.

export function vtWordIsNone(word: number): boolean {
  return word === VT_NONE_WORD; // vswap: VSWAP_NONE
}

export function vtWordIsPhys(word: number): boolean {
  return (word & VT_TAG_MASK) === VT_PHYS_TAG;
}

export function vtWordIsZswap(word: number): boolean {
  return (word & VT_TAG_MASK) === VT_ZSWAP_TAG;
}

/** The kind of a word, or null when it matches no tag (a corrupted word). */
export function vtWordKind(word: number): VtWordKind | null {
  if (vtWordIsNone(word)) return 'none';
  if (vtWordIsPhys(word)) return 'phys';
  if (vtWordIsZswap(word)) return 'zswap';
  return null;
}

// Helpers for retrieving a backend from a virtual table word.

/** The packed (type, offset) of a PHYS word, an entry-value-shaped number. */
export function vtWordToPhys(word: number): number {
  assertThat(vtWordIsPhys(word), 'vtable word ', word, ' is not PHYS');
  assert(!vtWordIsZswap(word));
  return word >>> VT_PAYLOAD_SHIFT;
}

export function vtWordToPhysType(word: number): number {
  const type = swpType(vtWordToPhys(word));
  assertThat(type !== VSWAP_TYPE, 'PHYS word ', word, ' names the virtual space');
  return type;
}

export function vtWordToPhysOffset(word: number): number {
  const offset = swpOffset(vtWordToPhys(word));
  assertThat(offset > 0, 'PHYS word ', word, ' names a header slot');
  return offset;
}

export function vtWordToHandle(word: number): number {
  assertThat(vtWordIsZswap(word), 'vtable word ', word, ' is not ZSWAP');
  assert(!vtWordIsPhys(word));
  return Math.floor(word / VT_PAYLOAD_UNIT);
}

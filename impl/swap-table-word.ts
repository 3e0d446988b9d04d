/**
 * The swap table word: one packed 32-bit word per slot, stored in a per-cluster Uint32Array.
 * This is the analogue of mm/swap_table.h: one layout diagram, constants derived from each
 * other, load-time layout asserts (the BUILD_BUG_ON analogue) and three groups of helpers
 * (encode, is-kind, decode). Physical clusters and virtual clusters use the same word.
 *
 * Not covered here: what the count sentinel means (impl/swap-count.ts), the virtual table word
 * (impl/virtual-table-word.ts) and the holder (PTE) word (impl/holder-word.ts).
 *
 *   NULL:    |------------------------------ 0 ------------------------------|  free slot
 *   Shadow:  | COUNT:4 |Z|------------------ SHADOW:26 -------------------| 1 |  swapped out
 *   PFN:     | COUNT:4 |Z|-------------------- PFN:25 ------------------| 1 0 |  swap cache
 *   Pointer: |C|------------------- VSWAP OFFSET:28 -------------------| 1 0 0 |  reverse map
 *   Bad:     | 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 | 0 0 0 |  never used
 *   bit:      31     28 27 26                                          3  2  1  0
 *
 * The tag is the lowest set bit, so the formats never overlap and need no separate field.
 * COUNT is the swap count of the slot (holders); its largest configured value is a sentinel
 * meaning "the real count is in the cluster's extend table". Z is the zero flag (the zeromap
 * bit folded into the word, swap table phase IV). A Shadow word with a SHADOW payload of 0 is
 * the placeholder of a swapped-out slot without a workingset shadow. A PFN word stores the
 * head PFN of the swap-cache folio in every slot the folio covers; the page index is implied
 * by the slot's distance from the folio's first slot. A Pointer word sits on a physical slot
 * that backs a virtual entry; C (cache-only) is set while that virtual entry has count 0 and
 * is in the swap cache, so that the physical allocator can reclaim the backing.
 */
import { assert, AssertionError, assertThat } from '../lib/assert.ts';

export const WORD_BITS = 32;

export const SHADOW_MARK = 0b1;
export const SHADOW_MARK_BITS = 1;
export const SHADOW_MARK_MASK = (1 << SHADOW_MARK_BITS) - 1;
export const PFN_MARK = 0b10;
export const PFN_MARK_BITS = 2;
export const PFN_MARK_MASK = (1 << PFN_MARK_BITS) - 1;
export const POINTER_MARK = 0b100;
export const POINTER_MARK_BITS = 3;
export const POINTER_MARK_MASK = (1 << POINTER_MARK_BITS) - 1;

/** Width of the count field in the word; the configured countBits may use less of it. */
export const COUNT_BITS = 4;
export const COUNT_SHIFT = WORD_BITS - COUNT_BITS;
export const COUNT_MAX = (1 << COUNT_BITS) - 1;
export const ZERO_BITS = 1;
export const ZERO_SHIFT = COUNT_SHIFT - ZERO_BITS;
export const ZERO_FLAG = (1 << ZERO_SHIFT) >>> 0;
export const FLAGS_BITS = COUNT_BITS + ZERO_BITS;

export const SHADOW_SHIFT = SHADOW_MARK_BITS;
export const SHADOW_BITS = WORD_BITS - FLAGS_BITS - SHADOW_MARK_BITS;
export const SHADOW_MAX = 2 ** SHADOW_BITS - 1;
export const PFN_SHIFT = PFN_MARK_BITS;
export const PFN_BITS = WORD_BITS - FLAGS_BITS - PFN_MARK_BITS;
export const PFN_MAX = 2 ** PFN_BITS - 1;

export const POINTER_OFFSET_SHIFT = POINTER_MARK_BITS;
export const POINTER_CACHE_ONLY_BITS = 1;
export const POINTER_OFFSET_BITS = WORD_BITS - POINTER_CACHE_ONLY_BITS - POINTER_MARK_BITS;
export const POINTER_OFFSET_MAX = 2 ** POINTER_OFFSET_BITS - 1;
export const POINTER_CACHE_ONLY_FLAG = 2 ** (WORD_BITS - 1);

export const NULL_WORD = 0;
export const BAD_WORD = (~0 << POINTER_MARK_BITS) >>> 0;

// The fields of each format fill the word exactly.
assert(COUNT_BITS + ZERO_BITS + SHADOW_BITS + SHADOW_MARK_BITS === WORD_BITS);
assert(COUNT_BITS + ZERO_BITS + PFN_BITS + PFN_MARK_BITS === WORD_BITS);
assert(POINTER_CACHE_ONLY_BITS + POINTER_OFFSET_BITS + POINTER_MARK_BITS === WORD_BITS);
// Three count values at least tell free, used and overflowed apart (SWP_TB_COUNT_BITS >= 2).
assert(COUNT_MAX >= 3);
// Each mark is one bit above the previous one, so "lowest set bit" is the tag.
assert(PFN_MARK === SHADOW_MARK << 1);
assert(POINTER_MARK === PFN_MARK << 1);
// Bad has none of the marks and is not NULL, so it aliases no other format.
assert((BAD_WORD & POINTER_MARK_MASK) === 0);
assert(BAD_WORD !== NULL_WORD);
// A virtual offset fits the 20-bit offset field of an entry value; a PFN fits a holder PFN.
assert(POINTER_OFFSET_MAX >= 2 ** 20 - 1);
assert(PFN_MAX >= 2 ** 22 - 1);

/** The decoded kinds of a swap table word; exactly one holds for every valid word. */
export type WordKind = 'null' | 'shadow' | 'pfn' | 'pointer' | 'bad';

// Helpers for casting one kind of information into a swap table word.

/** A swapped-out slot: count, zero flag and workingset shadow (0 = placeholder). */
export function shadowToWord(shadow: number, count: number, zero: boolean): number {
  assertThat(Number.isInteger(shadow) && shadow >= 0 && shadow <= SHADOW_MAX, 'shadow ', shadow);
  assertThat(Number.isInteger(count) && count >= 0 && count <= COUNT_MAX, 'count ', count);
  const flags = (count << COUNT_SHIFT) | (zero ? ZERO_FLAG : 0);
  // mm/swap_table.h: shadow_to_swp_tb()
  return (flags | (shadow << SHADOW_SHIFT) | SHADOW_MARK) >>> 0;
}

/** A slot in the swap cache: count, zero flag and the head PFN of the folio. */
export function pfnToWord(pfn: number, count: number, zero: boolean): number {
  assertThat(Number.isInteger(pfn) && pfn >= 0 && pfn <= PFN_MAX, 'pfn ', pfn);
  assertThat(Number.isInteger(count) && count >= 0 && count <= COUNT_MAX, 'count ', count);
  const flags = (count << COUNT_SHIFT) | (zero ? ZERO_FLAG : 0);
  return (flags | (pfn << PFN_SHIFT) | PFN_MARK) >>> 0; // mm/swap_table.h: pfn_to_swp_tb()
}

/** A physical slot backing the virtual entry at `offset`; `cacheOnly` is the C bit. */
export function pointerToWord(offset: number, cacheOnly: boolean): number {
  assertThat(Number.isInteger(offset) && offset > 0, 'vswap offset ', offset);
  assertThat(offset <= POINTER_OFFSET_MAX, 'vswap offset ', offset, ' too wide');
  const flag = cacheOnly ? POINTER_CACHE_ONLY_FLAG : 0;
  return (flag + ((offset << POINTER_OFFSET_SHIFT) >>> 0) + POINTER_MARK) >>> 0; // vswap rmap
}

/** The same Shadow or PFN word with another count. */
export function wordWithCount(word: number, count: number): number {
  assertWord(wordIsShadow(word) || wordIsPfn(word), word, 'has no count');
  assertThat(Number.isInteger(count) && count >= 0 && count <= COUNT_MAX, 'count ', count);
  const countMask = (COUNT_MAX << COUNT_SHIFT) >>> 0;
  return (((word & ~countMask) >>> 0) | ((count << COUNT_SHIFT) >>> 0)) >>> 0;
}

/** The same Shadow or PFN word with the zero flag set or cleared. */
export function wordWithZero(word: number, zero: boolean): number {
  assertWord(wordIsShadow(word) || wordIsPfn(word), word, 'has no zero flag');
  assert(!wordIsNull(word));
  return (zero ? word | ZERO_FLAG : word & ~ZERO_FLAG) >>> 0;
}

/** The same Pointer word with the C (cache-only) bit set or cleared. */
export function pointerWithCacheOnly(word: number, cacheOnly: boolean): number {
  assertWord(wordIsPointer(word), word, 'is not a Pointer');
  assert(!wordIsBad(word));
  return pointerToWord(wordToPointerOffset(word), cacheOnly);
}

// Helpers for swap table word type checking.

export function wordIsNull(word: number): boolean {
  return word === NULL_WORD; // mm/swap_table.h: swp_tb_is_null()
}

export function wordIsShadow(word: number): boolean {
  return (word & SHADOW_MARK_MASK) === SHADOW_MARK; // mm/swap_table.h: swp_tb_is_shadow()
}

export function wordIsPfn(word: number): boolean {
  return (word & PFN_MARK_MASK) === PFN_MARK; // mm/swap_table.h: swp_tb_is_folio()
}

export function wordIsPointer(word: number): boolean {
  return (word & POINTER_MARK_MASK) === POINTER_MARK; // vswap: swp_tb_is_rmap()
}

export function wordIsBad(word: number): boolean {
  return word === BAD_WORD; // mm/swap_table.h: swp_tb_is_bad()
}

/** The kind of a word, or null when it matches no format (a corrupted word). */
export function wordKind(word: number): WordKind | null {
  if (wordIsNull(word)) return 'null';
  if (wordIsShadow(word)) return 'shadow';
  if (wordIsPfn(word)) return 'pfn';
  if (wordIsPointer(word)) return 'pointer';
  if (wordIsBad(word)) return 'bad';
  return null;
}

// Helpers for retrieving information from a swap table word.

/** The count field of a Shadow or PFN word (the sentinel means "see the extend table"). */
export function wordToCount(word: number): number {
  assertWord(wordIsShadow(word) || wordIsPfn(word), word, 'has no count');
  assert(!wordIsBad(word));
  return (word >>> COUNT_SHIFT) & COUNT_MAX; // mm/swap_table.h: __swp_tb_get_count()
}

export function wordToZero(word: number): boolean {
  assertWord(wordIsShadow(word) || wordIsPfn(word), word, 'has no zero flag');
  assert(!wordIsNull(word));
  return (word & ZERO_FLAG) !== 0; // mm/swap_table.h: swp_tb_is_zero()
}

export function wordToShadow(word: number): number {
  assertWord(wordIsShadow(word), word, 'is not a Shadow');
  assert(!wordIsPfn(word));
  return (word >>> SHADOW_SHIFT) & SHADOW_MAX; // mm/swap_table.h: swp_tb_to_shadow()
}

export function wordToPfn(word: number): number {
  assertWord(wordIsPfn(word), word, 'is not a PFN');
  assert(!wordIsShadow(word));
  return (word >>> PFN_SHIFT) & PFN_MAX; // mm/swap_table.h: swp_tb_to_folio()
}

export function wordToPointerOffset(word: number): number {
  assertWord(wordIsPointer(word), word, 'is not a Pointer');
  assert(!wordIsBad(word));
  return (word >>> POINTER_OFFSET_SHIFT) & POINTER_OFFSET_MAX; // vswap: swp_tb_to_rmap()
}

export function wordToCacheOnly(word: number): boolean {
  assertWord(wordIsPointer(word), word, 'is not a Pointer');
  assert(!wordIsNull(word));
  return (word & POINTER_CACHE_ONLY_FLAG) !== 0; // vswap: SWP_RMAP_CACHE_ONLY
}

/** assert() of a word's format; the message names the word in hexadecimal. */
function assertWord(condition: boolean, word: number, what: string): asserts condition {
  if (!condition) throw new AssertionError(`word ${hex(word)} ${what}`);
}

/** Hexadecimal rendering of a word, for messages. */
export function hex(word: number): string {
  return `0x${(word >>> 0).toString(16).padStart(8, '0')}`;
}

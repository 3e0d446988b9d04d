/**
 * The holder word: what one page-table slot (PTE) stores, packed into 32 bits and kept in one
 * Uint32Array for all holders. A present PTE names a page (folio PFN and page index inside the
 * folio, since a folio id is its head PFN and ids are not spaced by folio size); a swap PTE
 * stores an entry value (impl/entry-value.ts), as a non-present x86 PTE stores swp_entry_t.
 *
 *   empty:   |------------------------------ 0 ------------------------------|
 *   present: |------------- PFN:22 -------------|------ PAGE:9 ------|     1 |
 *   swap:    |-- 0:5 --|----------------- ENTRY:25 ---------------------| 1 0 |
 *   bit:      31                                10 9                  2  1   0
 *
 * Not covered here: the folio a PFN names (impl/folio-table.ts).
 */
// @ts-nocheck

import { assert } from '../lib/assert.ts';
import { configLimits } from '../lib/config.ts';
import { ENTRY_BITS, entryIsValid } from './entry-value.ts';

export const HOLDER_PRESENT_MARK = 0b1;
export const HOLDER_PRESENT_MARK_BITS = 1;
export const HOLDER_SWAP_MARK = 0b10;
export const HOLDER_SWAP_MARK_BITS = 2;
export const HOLDER_PAGE_BITS = 9;
export const HOLDER_PAGE_SHIFT = HOLDER_PRESENT_MARK_BITS;
export const HOLDER_PAGE_MAX = 2 ** HOLDER_PAGE_BITS - 1;
export const HOLDER_PFN_SHIFT = HOLDER_PAGE_SHIFT + HOLDER_PAGE_BITS;
export const HOLDER_PFN_BITS = 32 - HOLDER_PFN_SHIFT;
export const HOLDER_PFN_MAX = 2 ** HOLDER_PFN_BITS - 1;
export const HOLDER_ENTRY_SHIFT = HOLDER_SWAP_MARK_BITS;
export const HOLDER_EMPTY_WORD = 0;

// A page index covers the largest folio (one cluster) and an entry value fits above its mark.
assert(HOLDER_PAGE_MAX + 1 >= configLimits.clusterSlotsMax);
assert(ENTRY_BITS + HOLDER_SWAP_MARK_BITS <= 32);
assert(HOLDER_SWAP_MARK === HOLDER_PRESENT_MARK << 1);

// Helpers for casting a page or an entry into a holder word.

export function presentToHolderWord(pfn: number, page: number): number {
  assert(Number.isInteger(pfn) && pfn > 0 && pfn <= HOLDER_PFN_MAX, () => `pfn ${pfn}`);
  assert(Number.isInteger(page) && page >= 0 && page <= HOLDER_PAGE_MAX, () => `page ${page}`);
  return ((pfn * 2 ** HOLDER_PFN_SHIFT) + (page << HOLDER_PAGE_SHIFT) + HOLDER_PRESENT_MARK) >>> 0;
}

export function swapToHolderWord(entry: number): number {
  assert(entryIsValid(entry), () => `entry value ${entry}`);
  assert(entry > 0);
  return ((entry << HOLDER_ENTRY_SHIFT) | HOLDER_SWAP_MARK) >>> 0; // swp_entry_to_pte()
}

// Helpers for holder word type checking.

export function holderIsEmpty(word: number): boolean {
  return word === HOLDER_EMPTY_WORD; // pte_none()
}

export function holderIsPresent(word: number): boolean {
  return (word & HOLDER_PRESENT_MARK) === HOLDER_PRESENT_MARK; // pte_present()
}

export function holderIsSwap(word: number): boolean {
  return (word & 0b11) === HOLDER_SWAP_MARK; // is_swap_pte()
}

// Helpers for retrieving a page or an entry from a holder word.

export function holderToPfn(word: number): number {
  assert(holderIsPresent(word), () => `holder word ${word} is not present`);
  assert(!holderIsSwap(word));
  return Math.floor(word / 2 ** HOLDER_PFN_SHIFT); // pte_pfn()
}

export function holderToPage(word: number): number {
  assert(holderIsPresent(word), () => `holder word ${word} is not present`);
  assert(!holderIsEmpty(word));
  return (word >>> HOLDER_PAGE_SHIFT) & HOLDER_PAGE_MAX;
}

export function holderToEntry(word: number): number {
  assert(holderIsSwap(word), () => `holder word ${word} is not a swap PTE`);
  assert(!holderIsPresent(word));
  return word >>> HOLDER_ENTRY_SHIFT; // pte_to_swp_entry()
}

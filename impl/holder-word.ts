/**
 * The holder word: what one page-table slot (PTE) stores, packed into 32 bits and kept in one
 * Uint32Array for all holders. A present PTE names a page (folio PFN and page index inside the
 * folio, since a folio id is its head PFN and ids are not spaced by folio size) and whether
 * this mapping is exclusive (X: PageAnonExclusive as the mapping sees it, i.e. a store writes
 * in place without a write fault); a swap PTE stores an entry value (impl/entry-value.ts), as
 * a non-present x86 PTE stores swp_entry_t, and its exclusive bit (X: pte_swp_exclusive(),
 * which try_to_unmap_one() sets from the page and do_swap_page() reads back).
 *
 *   empty:   |------------------------------ 0 ------------------------------|
 *
 *   present: |------------ PFN:21 -------------|------ PAGE:9 ------| X | 1 |
 *   bit:      31                             11 10                2   1   0
 *
 *   swap:    |- 0:4 -|------------------ ENTRY:25 -----------------| X | 1 0 |
 *   bit:      31   28 27                                          3   2   1 0
 *
 * Not covered here: the folio a PFN names (impl/folio-table.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { configLimits } from '../lib/config.ts';
import { ENTRY_BITS, entryIsValid } from './entry-value.ts';

export const HOLDER_PRESENT_MARK = 0b1;
export const HOLDER_PRESENT_MARK_BITS = 1;
/** Width of the exclusive bit X of either kind, just above the kind's mark. */
export const HOLDER_EXCLUSIVE_BITS = 1;
/** PageAnonExclusive of a present mapping. */
export const HOLDER_PRESENT_EXCLUSIVE = 1 << HOLDER_PRESENT_MARK_BITS;
export const HOLDER_SWAP_MARK = 0b10;
export const HOLDER_SWAP_MARK_BITS = 2;
/** _PAGE_SWP_EXCLUSIVE of a swap PTE. */
export const HOLDER_SWP_EXCLUSIVE = 1 << HOLDER_SWAP_MARK_BITS;
export const HOLDER_PAGE_BITS = 9;
export const HOLDER_PAGE_SHIFT = HOLDER_PRESENT_MARK_BITS + HOLDER_EXCLUSIVE_BITS;
export const HOLDER_PAGE_MAX = 2 ** HOLDER_PAGE_BITS - 1;
export const HOLDER_PFN_SHIFT = HOLDER_PAGE_SHIFT + HOLDER_PAGE_BITS;
/** 1 << HOLDER_PFN_SHIFT as a multiplier: the PFN field reaches bit 31, past a 32-bit shift. */
export const HOLDER_PFN_UNIT = 2 ** HOLDER_PFN_SHIFT;
export const HOLDER_PFN_BITS = 32 - HOLDER_PFN_SHIFT;
export const HOLDER_PFN_MAX = 2 ** HOLDER_PFN_BITS - 1;
export const HOLDER_ENTRY_SHIFT = HOLDER_SWAP_MARK_BITS + HOLDER_EXCLUSIVE_BITS;
export const HOLDER_EMPTY_WORD = 0;

// A page index covers the largest folio (one cluster) and an entry value fits above its mark
// and exclusive bit; each exclusive bit sits between its kind's mark and payload.
assert(HOLDER_PAGE_MAX + 1 >= configLimits.clusterSlotsMax);
assert(ENTRY_BITS + HOLDER_ENTRY_SHIFT <= 32);
assert(HOLDER_SWAP_MARK === HOLDER_PRESENT_MARK << 1);
assert(
  HOLDER_PRESENT_EXCLUSIVE < 1 << HOLDER_PAGE_SHIFT &&
    (HOLDER_PRESENT_EXCLUSIVE & HOLDER_PRESENT_MARK) === 0,
);
assert(HOLDER_SWP_EXCLUSIVE < 1 << HOLDER_ENTRY_SHIFT && (HOLDER_SWP_EXCLUSIVE & 0b11) === 0);

// Helpers for casting a page or an entry into a holder word.

export function presentToHolderWord(pfn: number, page: number, exclusive: boolean): number {
  assertThat(Number.isInteger(pfn) && pfn > 0 && pfn <= HOLDER_PFN_MAX, 'pfn ', pfn);
  assertThat(Number.isInteger(page) && page >= 0 && page <= HOLDER_PAGE_MAX, 'page ', page);
  const x = exclusive ? HOLDER_PRESENT_EXCLUSIVE : 0;
  return (pfn * HOLDER_PFN_UNIT + (page << HOLDER_PAGE_SHIFT) + x + HOLDER_PRESENT_MARK) >>> 0;
}

export function swapToHolderWord(entry: number, exclusive: boolean): number {
  assertThat(entryIsValid(entry), 'entry value ', entry);
  assert(entry > 0);
  const x = exclusive ? HOLDER_SWP_EXCLUSIVE : 0;
  return ((entry << HOLDER_ENTRY_SHIFT) | x | HOLDER_SWAP_MARK) >>> 0; // swp_entry_to_pte()
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

// Helpers for retrieving a page, an entry or the exclusive bit from a holder word.

export function holderToPfn(word: number): number {
  assertThat(holderIsPresent(word), 'holder word ', word, ' is not present');
  assert(!holderIsSwap(word));
  return Math.floor(word / HOLDER_PFN_UNIT); // pte_pfn()
}

export function holderToPage(word: number): number {
  assertThat(holderIsPresent(word), 'holder word ', word, ' is not present');
  assert(!holderIsEmpty(word));
  return (word >>> HOLDER_PAGE_SHIFT) & HOLDER_PAGE_MAX;
}

export function holderToEntry(word: number): number {
  assertThat(holderIsSwap(word), 'holder word ', word, ' is not a swap PTE');
  assert(!holderIsPresent(word));
  return word >>> HOLDER_ENTRY_SHIFT; // pte_to_swp_entry()
}

/** The mapping of a present holder is exclusive (PageAnonExclusive). */
export function holderIsExclusive(word: number): boolean {
  assertThat(holderIsPresent(word), 'holder word ', word, ' is not present');
  return (word & HOLDER_PRESENT_EXCLUSIVE) !== 0;
}

/** The swap PTE's exclusive bit (pte_swp_exclusive()). */
export function holderSwpExclusive(word: number): boolean {
  assertThat(holderIsSwap(word), 'holder word ', word, ' is not a swap PTE');
  return (word & HOLDER_SWP_EXCLUSIVE) !== 0;
}

/** A present holder word with its exclusive bit set or cleared. */
export function holderWithExclusive(word: number, exclusive: boolean): number {
  assertThat(holderIsPresent(word), 'holder word ', word, ' is not present');
  return (exclusive ? word | HOLDER_PRESENT_EXCLUSIVE : word & ~HOLDER_PRESENT_EXCLUSIVE) >>> 0;
}

/** A swap holder word with its exclusive bit cleared (pte_swp_clear_exclusive()). */
export function holderSwpClearExclusive(word: number): number {
  assertThat(holderIsSwap(word), 'holder word ', word, ' is not a swap PTE');
  return (word & ~HOLDER_SWP_EXCLUSIVE) >>> 0;
}

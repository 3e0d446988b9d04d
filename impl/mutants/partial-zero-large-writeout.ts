/**
 * The `partial-zero-large-writeout` mutant. Only the first page is tested for zero, so a large
 * folio whose first page is zero and a later one is not is recorded as zero-filled (the write
 * side of 9d57090e73d5, "large folios with partial zeromap", brief §5 #14). Replaces
 * isFolioZeroFilled().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { Folio } from '../folio-table.ts';
import { allDesigns, type Mutant } from '../mutant.ts';

export default {
  name: 'partial-zero-large-writeout',
  doc: {
    summary:
      'Writeout tests only the first page of a large folio for zero, so a folio whose ' +
      'first page is zero and a later one is not is recorded as zero-filled.',
    mirrors:
      'mm: fix swap_read_folio_zeromap() for large folios with partial zeromap ' +
      '(9d57090e73d5, §5 #14); the write side of the same partial-zeromap handling',
    designs: allDesigns,
    catches: { kind: 'outcome' },
    shortest: 7,
  },
  steps: {
    isFolioZeroFilled(folio: Folio): boolean {
      return folio.pages[0] === 0; // the bug: the first page stands for the folio
    },
  },
} satisfies Mutant;

/**
 * The `split-rmap-stale` mutant. The PTE moves to the tail page but the holder stays in the
 * head's anon rmap (the folio-side metadata of a split is not carried over). Replaces
 * splitMoveRmap().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { Folio } from '../folio-table.ts';
import { allDesigns, type Mutant } from '../mutant.ts';

export default {
  name: 'split-rmap-stale',
  doc: {
    summary:
      "Splitting a folio moves a holder's PTE to the tail page but leaves the holder in " +
      "the head's anon rmap.",
    mirrors:
      '§5 #13 (split must carry folio metadata over); canary for the identity audit ' +
      '(holder and folio rmap agree)',
    designs: allDesigns,
    catches: { kind: 'invariant', invariant: 'identity' },
    shortest: 2,
  },
  steps: {
    splitMoveRmap(_head: Folio, tail: Folio, holder: number): void {
      // The bug: no head.mappers.delete(holder).
      tail.mappers.add(holder);
      tail.pageMaps[0] = (tail.pageMaps[0] ?? 0) + 1;
    },
  },
} satisfies Mutant;

/**
 * The `zero-flag-stale` mutant. zswap_store() of a non-zero page does not clear the zero flag
 * (brief §7.3 #7: Z is cleared on a non-zero re-writeout). Replaces zeromapClear().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { Mutant } from '../mutant.ts';
import type { EntryLoc, ReleaseWhy, SwapState } from '../swap-state.ts';
import { wordToZero, wordWithZero } from '../swap-table-word.ts';

export default {
  name: 'zero-flag-stale',
  doc: {
    summary:
      'A zswap store of a non-zero page over a zero-filled entry does not clear the ' +
      'zero flag.',
    mirrors: '§7.3 #7 (Z cleared on a non-zero re-writeout); zeromap handling of 0ca0c24e3211',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'observation' },
    shortest: 9,
  },
  steps: {
    zeromapClear(state: SwapState, loc: EntryLoc, why: ReleaseWhy): void {
      if (why === 'zswap') return; // the bug
      const word = state.word(loc);
      if (wordToZero(word)) state.setWord(loc, wordWithZero(word, false));
    },
  },
} satisfies Mutant;

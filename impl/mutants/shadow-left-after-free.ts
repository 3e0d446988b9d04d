/**
 * The `shadow-left-after-free` mutant. Eviction stores the workingset shadow in every slot of
 * the folio, unreferenced ones included, and a slot holding a shadow is taken for a referenced
 * one, so the count-0 slots are never freed: the shadow is left behind (brief §7.3 #6: freeing
 * erases it). Replaces swapCacheDelFolio().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assertThat } from '../../lib/assert.ts';
import type { Folio } from '../folio-table.ts';
import { allDesigns, type Mutant } from '../mutant.ts';
import type { SwapState } from '../swap-state.ts';
import {
  shadowToWord,
  wordIsPfn,
  wordToCount,
  wordToPfn,
  wordToShadow,
  wordToZero,
} from '../swap-table-word.ts';

export default {
  name: 'shadow-left-after-free',
  doc: {
    summary:
      'Eviction stores a workingset shadow in every slot of the folio and then skips ' +
      'freeing the slots that hold a shadow, so unreferenced entries are left as shadows.',
    mirrors: '§7.3 #6: a shadow only on referenced, uncached entries; freeing erases it',
    designs: allDesigns,
    catches: { kind: 'observation' },
    shortest: 7,
  },
  steps: {
    swapCacheDelFolio(state: SwapState, folio: Folio, shadow: boolean): void {
      const locs = state.entriesOf(folio);
      const cookie = shadow ? state.nextShadow() : 0;
      for (const loc of locs) {
        const word = state.word(loc);
        assertThat(wordIsPfn(word) && wordToPfn(word) === folio.pfn, loc.value, ' not bound');
        state.setWord(loc, shadowToWord(cookie, wordToCount(word), wordToZero(word))); // the bug
      }
      folio.swapcache = false;
      folio.swap = 0;
      for (const loc of locs) {
        const word = state.word(loc);
        const busy = wordToShadow(word) !== 0; // the bug: a shadow taken for a reference
        if (wordToCount(word) === 0 && !busy) state.freeEntry(loc);
        else state.syncCacheOnly(loc);
      }
    },
  },
} satisfies Mutant;

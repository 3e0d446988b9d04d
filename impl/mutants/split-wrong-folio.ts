/**
 * The `split-wrong-folio` mutant. The tail's slot keeps the head's PFN after the split, so the
 * binding of page i points at the wrong folio (71e2d666ef85 / cfeed8ffe55b, brief §5 #13).
 * Replaces swapCacheReplaceFolio().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assertThat } from '../../lib/assert.ts';
import { costs } from '../cost-counters.ts';
import type { Folio } from '../folio-table.ts';
import { allDesigns, type Mutant } from '../mutant.ts';
import type { EntryLoc, SwapState } from '../swap-state.ts';
import { pfnToWord, wordIsPfn, wordToCount, wordToPfn, wordToZero } from '../swap-table-word.ts';

export default {
  name: 'split-wrong-folio',
  doc: {
    summary:
      "Splitting a large swap-cache folio leaves the head's PFN in the tails' slots, so " +
      'page i of the old folio is bound to the wrong folio.',
    mirrors:
      'mm/huge_memory: do not clobber swp_entry_t during THP split (71e2d666ef85) and ' +
      'cfeed8ffe55b (§5 #13)',
    designs: allDesigns,
    catches: { kind: 'observation' },
    shortest: 4,
  },
  steps: {
    swapCacheReplaceFolio(state: SwapState, loc: EntryLoc, head: Folio): void {
      const word = state.word(loc);
      assertThat(wordIsPfn(word) && wordToPfn(word) === head.pfn, loc.value, ' not bound');
      loc.cluster.tableOf()[loc.slot] = pfnToWord(head.pfn, wordToCount(word), wordToZero(word)); // the bug
      costs.tableWrites++;
    },
  },
} satisfies Mutant;

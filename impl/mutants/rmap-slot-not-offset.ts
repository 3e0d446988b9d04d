/**
 * The `rmap-slot-not-offset` mutant. The Pointer word is built from the entry's slot inside its
 * virtual cluster instead of its offset in the virtual space (the cluster base dropped).
 * Replaces rmapWord().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assertThat } from '../../lib/assert.ts';
import { costs } from '../cost-counters.ts';
import type { Mutant } from '../mutant.ts';
import type { EntryLoc, SwapState } from '../swap-state.ts';
import { pointerToWord } from '../swap-table-word.ts';

export default {
  name: 'rmap-slot-not-offset',
  doc: {
    summary:
      'The reverse-map Pointer word installed for new backing (zswap writeback ' +
      "redirection, writeout) names the entry's slot in its cluster instead of its virtual offset.",
    mirrors: 'vswap RFC: rmap word not updated correctly on redirection (§3.5, §5 #23)',
    designs: ['vswap-all', 'vswap-rfc'],
    catches: { kind: 'impl-crash' },
    shortest: 7,
  },
  steps: {
    rmapWord(state: SwapState, loc: EntryLoc): number {
      assertThat(loc.virtual, loc.value, ' is not virtual');
      costs.rmapUpdates++;
      return pointerToWord(loc.slot, state.isCacheOnly(loc)); // the bug: slot for offset
    },
  },
} satisfies Mutant;

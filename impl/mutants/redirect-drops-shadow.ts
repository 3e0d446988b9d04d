/**
 * The `redirect-drops-shadow` mutant. The redirection (an indirect-to-direct backing change)
 * rewrites the swap table word from scratch and loses the workingset shadow (brief §7.3 #15: a
 * conversion preserves count, cache, shadow and zero). Replaces redirectBacking().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assertThat } from '../../lib/assert.ts';
import { virtualDesigns, type Mutant } from '../mutant.ts';
import type { PhysicalRun } from '../physical-allocator.ts';
import type { EntryLoc, SwapState } from '../swap-state.ts';
import { shadowToWord, wordIsShadow, wordToCount, wordToZero } from '../swap-table-word.ts';

export default {
  name: 'redirect-drops-shadow',
  doc: {
    summary:
      'Redirecting a virtual entry from zswap to a physical slot rewrites its swap ' +
      'table word and loses the workingset shadow.',
    mirrors:
      '§7.3 #15 direct/indirect conversion must preserve count, cache, shadow and zero ' +
      '(the analogue here: a backing change of a virtual entry)',
    designs: virtualDesigns,
    catches: { kind: 'observation' },
    shortest: 8,
  },
  steps: {
    redirectBacking(state: SwapState, loc: EntryLoc, run: PhysicalRun, content: number): void {
      state.releaseBackend(loc);
      state.setPhys(loc, run.device, run.offset, content);
      const word = state.word(loc);
      assertThat(wordIsShadow(word), loc.value, ' is cached');
      state.setWord(loc, shadowToWord(0, wordToCount(word), wordToZero(word))); // the bug
    },
  },
} satisfies Mutant;

/**
 * The `zero-also-written` mutant. The page is submitted to its slot before the zero check, so
 * the entry has both the zero flag and data on disk (two backends, brief §7.3 #12). Replaces
 * zeromapFolioSet().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { Mutant } from '../mutant.ts';
import type { EntryLoc, SwapState } from '../swap-state.ts';
import { mark } from '../marks.ts';

export default {
  name: 'zero-also-written',
  doc: {
    summary:
      'A zero-filled page is written to its slot before the zero check, so the entry ' +
      'has both the zero flag and data on disk.',
    mirrors:
      '§7.3 #7 and #12 (the zero state excludes other backends; one backend per entry); ' +
      'canary for the zero audit',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'invariant', invariant: 'zero' },
    shortest: 5,
  },
  steps: {
    zeromapFolioSet(state: SwapState, locs: readonly EntryLoc[]): void {
      for (const loc of locs) {
        if (loc.device !== null && state.backendKind(loc) === 'zswap')
          state.marks.hit(mark['zero-writeout-stale-zswap']);
        state.setZero(loc);
        loc.device?.store?.write(loc.offset, 0); // the bug
      }
    },
  },
} satisfies Mutant;

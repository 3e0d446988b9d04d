/**
 * The `zswap-free-no-erase` mutant. The last put's free does zswap_entry_free() of the object
 * without xa_erase() of its tree slot. Replaces zswapInvalidate().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assertThat } from '../../lib/assert.ts';
import type { Mutant } from '../mutant.ts';
import type { EntryLoc, ReleaseWhy, SwapState } from '../swap-state.ts';

export default {
  name: 'zswap-free-no-erase',
  doc: {
    summary: 'Freeing an entry frees its zswap object but leaves the tree slot pointing at it.',
    mirrors:
      '§5 #23 / §7.3 #12 (every zswap object owned by exactly one entry); canary for ' +
      'the backend-ownership audit',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'invariant', invariant: 'backend-ownership' },
    shortest: 7,
  },
  steps: {
    zswapInvalidate(state: SwapState, loc: EntryLoc, why: ReleaseWhy): void {
      assertThat(loc.device !== null, loc.value, ' is not physical');
      const handle =
        why === 'put'
          ? state.zswapTree.load(loc.device.type, loc.offset) // the bug: no xa_erase()
          : state.zswapTree.erase(loc.device.type, loc.offset);
      if (handle !== null) state.zswap.free(handle);
    },
  },
} satisfies Mutant;

/**
 * The `zswap-stale-when-disabled` mutant. With zswap disabled the disk writeout returns before
 * invalidating the old zswap copy (678e54d4bb9a, "invalidate duplicate entry when
 * !zswap_enabled"). Replaces zswapInvalidate().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assertThat } from '../../lib/assert.ts';
import type { Mutant } from '../mutant.ts';
import type { EntryLoc, ReleaseWhy, SwapState } from '../swap-state.ts';

export default {
  name: 'zswap-stale-when-disabled',
  doc: {
    summary:
      'With zswap disabled at runtime, a disk writeout of a redirtied page does not ' +
      'invalidate the old zswap copy.',
    mirrors: 'mm/zswap: invalidate duplicate entry when !zswap_enabled (678e54d4bb9a, §5 #4)',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'impl-crash' },
    shortest: 9,
  },
  steps: {
    zswapInvalidate(state: SwapState, loc: EntryLoc, why: ReleaseWhy): void {
      assertThat(loc.device !== null, loc.value, ' is not physical');
      if (why === 'disk' && !state.zswapEnabled) return; // the bug
      const handle = state.zswapTree.erase(loc.device.type, loc.offset);
      if (handle !== null) state.zswap.free(handle);
    },
  },
} satisfies Mutant;

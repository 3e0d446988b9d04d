/**
 * The `zswap-load-no-owner` mutant. On a SWP_SYNCHRONOUS_IO device the read bypasses the swap
 * cache, yet the zswap load stays exclusive: the compressed copy is gone and no swap-cache
 * folio owns the data for the other holders of the entry (25cd241408a2, brief §5 #3). Replaces
 * swapinRead().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assert, assertThat } from '../../lib/assert.ts';
import { mark } from '../marks.ts';
import type { SwapinOp } from '../../lib/ops.ts';
import type { How, ImplOutcome } from '../../lib/outcome.ts';
import type { Mutant } from '../mutant.ts';
import { finishSwapin, largeBatch, syncDevice } from '../ops-swap-in.ts';
import type { EntryLoc, SwapState } from '../swap-state.ts';

export default {
  name: 'zswap-load-no-owner',
  doc: {
    summary:
      'A swapin from a synchronous-I/O device bypasses the swap cache yet loads from ' +
      'zswap exclusively, so the other holders of the entry lose its data.',
    mirrors: 'mm: zswap: fix data loss on SWP_SYNCHRONOUS_IO devices (25cd241408a2, §5 #3)',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'observation' },
    shortest: 9,
  },
  steps: {
    swapinRead(state: SwapState, op: SwapinOp, loc: EntryLoc): ImplOutcome {
      const batch = op.order > 0 ? largeBatch(state, op.holder, op.order) : null;
      const locs = batch ?? [loc];
      const base = op.holder - (op.holder % locs.length);
      const holders = locs.map((_, i) => base + i);
      const kind = state.backendKind(loc);
      assertThat(kind !== 'none', 'swapin of ', loc.value, ' with neither cache nor backend');
      assert(
        locs.every((l) => state.cachedFolio(l) === null),
        'read of a cached entry',
      );
      const pages = locs.map((l) => state.readBackend(l));
      const order = batch === null ? 0 : op.order;
      const folio = state.folios.alloc(order, pages, kind === 'zswap', state.memcgIdOf(loc));
      state.bindRead(folio, locs);
      if (kind === 'zswap') state.releaseBackend(loc); // exclusive load
      locs.forEach((l, i) => state.mapFromSwap(holders[i] ?? -1, l, folio, i));
      if (batch !== null) state.marks.hit(mark['swapin-large']);
      const how: How =
        kind === 'zswap' ? 'read-zswap' : kind === 'zero' ? 'read-zero' : 'read-disk';
      const sync = syncDevice(state, loc);
      const outcome = finishSwapin(state, op, loc, folio, holders, how, order);
      // The bug: on a synchronous device the read bypasses the swap cache all the same.
      if (kind === 'zswap' && sync && folio.swapcache) {
        state.deleteFromSwapCache(folio, false);
        folio.dirty = true;
      }
      return outcome;
    },
  },
} satisfies Mutant;

/**
 * The `skip-cache-unpinned` mutant. The legacy swap-cache-skipping swapin as it was before its
 * fix (13ddaf26be32): no per-entry pin, so a concurrent swapin frees the slot first. Replaces
 * swapinSkipCache().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { SwapinOp } from '../../lib/ops.ts';
import type { ImplOutcome } from '../../lib/outcome.ts';
import { formatEntryValue } from '../entry-value.ts';
import type { Mutant } from '../mutant.ts';
import { presentAt, swapAt } from '../op-args.ts';
import { UseAfterFree, type SectionContext, type Sections } from '../sections.ts';
import type { EntryLoc } from '../swap-state.ts';
import { NULL_WORD } from '../swap-table-word.ts';

export default {
  name: 'skip-cache-unpinned',
  doc: {
    summary:
      'The legacy swap-cache-skipping swapin on a synchronous device reads the slot ' +
      'without the per-entry pin of its fix, so a concurrent swapin frees the slot first.',
    mirrors: 'mm/swap: fix race when skipping swapcache (13ddaf26be32, Fixes 0bcac06f27d7; §5 #1)',
    designs: ['classic'],
    catches: { kind: 'use-after-free' },
    shortest: 5,
    race: { config: 'explore', syncSwapin: 'skip-pinned' },
  },
  sections: {
    *swapinSkipCache(
      ctx: SectionContext,
      op: SwapinOp,
      loc: EntryLoc,
      device: number | null,
    ): Sections<ImplOutcome | null> {
      const state = ctx.state;
      const entry = loc.value;
      // The bug: no swapcache_prepare() pin.
      yield { kind: 'yield', label: 'swapin:sync-read' };
      if (state.word(loc) === NULL_WORD) {
        throw new UseAfterFree(
          `swapin read ${formatEntryValue(entry)} after its slot was freed ` +
            '(a synchronous device discards the data of a freed slot)',
        );
      }
      const content = state.peekBackend(loc);
      yield { kind: 'yield', label: 'swapin:sync-map' };
      if (swapAt(state, op.holder) !== entry) {
        ctx.steps.putSwapDevice(ctx, device);
        return null;
      }
      const outcome = ctx.commit(op);
      const at = presentAt(state, op.holder);
      if (outcome.errno === 'OK' && at !== null && content !== null)
        at.folio.pages[at.page] = content;
      ctx.steps.putSwapDevice(ctx, device);
      return outcome;
    },
  },
} satisfies Mutant;

/**
 * The `writeback-no-recheck` mutant. After allocating the swap-cache folio, writeback does not
 * re-check that the zswap entry is still in the tree, and writes its stale decompressed copy to
 * the slot of an entry a concurrent swapin already loaded (brief §5 #3, #24). Replaces
 * writebackSections().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { ZswapWritebackOp } from '../../lib/ops.ts';
import type { Mutant } from '../mutant.ts';
import { swapAt } from '../op-args.ts';
import { commitSection } from '../sections-ops.ts';
import { lookupFootprint, type SectionContext, type SectionedOp } from '../sections.ts';
import { NULL_WORD } from '../swap-table-word.ts';

export default {
  name: 'writeback-no-recheck',
  doc: {
    summary:
      'Zswap writeback writes the copy it decompressed to the slot without re-checking ' +
      'that the entry is still in zswap, after a concurrent swapin already loaded it.',
    mirrors:
      'zswap writeback against swapin: the entry must be re-checked under the swap-cache ' +
      'folio lock (§5 #3, #24; zswap_writeback_entry())',
    designs: ['classic'],
    catches: { kind: 'linearizability' },
    shortest: 4,
    race: { config: 'explore-zswap', syncSwapin: 'swap-cache' },
  },
  sections: {
    *writebackSections(ctx: SectionContext, op: ZswapWritebackOp): SectionedOp {
      const state = ctx.state;
      yield { kind: 'yield', label: 'writeback:lookup', footprint: lookupFootprint };
      const entry = swapAt(state, op.holder);
      if (entry === null || op.failAlloc === true) return yield* commitSection(ctx, op);
      const loc = state.resolve(entry);
      if (state.backendKind(loc) !== 'zswap') return yield* commitSection(ctx, op);
      const content = state.peekBackend(loc);
      yield { kind: 'yield', label: 'writeback:write' };
      // The bug: the stale copy is written although the entry left zswap meanwhile.
      if (
        content !== null &&
        !loc.virtual &&
        state.word(loc) !== NULL_WORD &&
        state.backendKind(loc) === 'none'
      ) {
        state.writeOwnSlot(loc, content);
        return { errno: 'OK' };
      }
      return ctx.commit(op);
    },
  },
} satisfies Mutant;

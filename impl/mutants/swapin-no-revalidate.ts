/**
 * The `swapin-no-revalidate` mutant. The folio found by the lockless lookup is used after
 * taking its lock without checking that it is still the swap-cache folio of the entry and that
 * the PTE still holds the entry (folio_matches_swap_entry(), pte_same(); brief §5 #22, #25).
 * Replaces swapinCached().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assert } from '../../lib/assert.ts';
import type { SwapinOp } from '../../lib/ops.ts';
import type { ImplOutcome } from '../../lib/outcome.ts';
import { formatEntryValue } from '../entry-value.ts';
import type { Folio } from '../folio-table.ts';
import type { Mutant } from '../mutant.ts';
import { presentAt, swapAt } from '../op-args.ts';
import { folioLock } from '../sections-ops.ts';
import type { SectionContext, Sections } from '../sections.ts';
import type { EntryLoc } from '../swap-state.ts';

export default {
  name: 'swapin-no-revalidate',
  doc: {
    summary:
      'After locking the swap-cache folio its lockless lookup found, swapin maps it ' +
      'without re-checking that the folio is still bound to the entry and that the PTE still ' +
      'holds the entry.',
    mirrors:
      'mm: fix swapin race condition (4969c1192d15, 31c4a3d3a0f8) and phase I "always ' +
      'lock and check the swap cache folio before use" (§5 #22, #25)',
    designs: ['classic', 'vswap-direct'],
    catches: { kind: 'invariant', invariant: 'count-conservation' },
    shortest: 7,
    race: { config: 'explore', syncSwapin: 'swap-cache', family: 'lifecycle', maxOps: 2 },
  },
  sections: {
    *swapinCached(
      ctx: SectionContext,
      op: SwapinOp,
      loc: EntryLoc,
      device: number | null,
      folio: Folio,
    ): Sections<ImplOutcome | null> {
      const state = ctx.state;
      const entry = loc.value;
      yield { kind: 'lock', lock: folioLock(folio), label: 'swapin:folio-locked' };
      if (device !== null) ctx.access(device, `swap cache of ${formatEntryValue(entry)}`);
      const bound =
        folio.swapcache && entry >= folio.swap && entry < folio.swap + folio.pages.length;
      const valid = bound && swapAt(state, op.holder) === entry;
      // The bug: a folio that is no longer the entry's is mapped all the same.
      if (!valid && state.folios.get(folio.pfn) === folio && presentAt(state, op.holder) === null) {
        if (swapAt(state, op.holder) !== null) state.clearHolder(op.holder);
        state.mapPage(
          op.holder,
          folio,
          Math.min(entry - folio.swap, folio.pages.length - 1),
          false,
        );
        state.put(loc);
        ctx.unlock(folioLock(folio));
        ctx.steps.putSwapDevice(ctx, device);
        return { errno: 'OK', how: 'cache-hit', freedCache: false };
      }
      if (!valid) {
        ctx.unlock(folioLock(folio));
        ctx.steps.putSwapDevice(ctx, device);
        return null;
      }
      const outcome = ctx.commit(op);
      assert(outcome.errno === 'OK', `swapin of a validated cache hit failed: ${outcome.errno}`);
      ctx.unlock(folioLock(folio));
      ctx.steps.putSwapDevice(ctx, device);
      return outcome;
    },
  },
} satisfies Mutant;

/**
 * The `vswap-charge-at-alloc` mutant. folio_alloc_swap() charges virtual entries as it charges
 * physical ones (RFC patch 4, "only charge physical swap entries", not applied), and their disk
 * backing is then neither charged nor uncharged: the charge moved from the backing to the
 * entry. Replaces recordVirtualSwap(), chargeBacking(), unchargeBacking() and unchargeSwap().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { ImplOutcome } from '../../lib/outcome.ts';
import type { Folio } from '../folio-table.ts';
import type { Mutant } from '../mutant.ts';
import type { EntryLoc, SwapState } from '../swap-state.ts';

export default {
  name: 'vswap-charge-at-alloc',
  doc: {
    summary:
      'folio_alloc_swap() charges virtual entries to the memcg as it charges physical ' +
      'ones, and their disk backing is then neither charged nor uncharged.',
    mirrors:
      'vswap RFC v1/v2 patch 4 ("only charge physical swap entries": vswap_alloc() ' +
      'records the memcg id, folio_realloc_swap() charges the backing): the charge moved to ' +
      'the wrong op',
    designs: ['vswap-all', 'vswap-rfc', 'vswap-direct', 'vswap-direct-cached'],
    catches: { kind: 'observation' },
    shortest: 2,
  },
  steps: {
    recordVirtualSwap(
      state: SwapState,
      folio: Folio,
      locs: readonly EntryLoc[],
      first: number,
    ): ImplOutcome {
      if (!state.memcg.tryCharge(folio.memcg, locs.length)) {
        state.deleteFromSwapCache(folio, false);
        return { errno: 'ENOMEM', virtual: true };
      }
      state.recordMemcg(locs, folio.memcg);
      return { errno: 'OK', virtual: true, entry: first };
    },
    chargeBacking(): boolean {
      return true; // charged at allocation
    },
    unchargeBacking(): void {
      // never charged
    },
    unchargeSwap(state: SwapState, _loc: EntryLoc, id: number): void {
      state.memcg.uncharge(id, 1); // virtual entries too
    },
  },
} satisfies Mutant;

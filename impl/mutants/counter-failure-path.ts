/**
 * The `counter-failure-path` mutant. The nr_swap_pages decrement is moved out of
 * swap_range_alloc() to the end of folio_alloc_swap(), after the point where the memcg charge
 * can fail; the failure path then frees slots it never counted (lore 20250522122554.12209-2,
 * brief §5 #19). Replaces swapRangeAlloc() and chargeSwap().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { Folio } from '../folio-table.ts';
import type { Mutant } from '../mutant.ts';
import type { SwapState } from '../swap-state.ts';
import type { TableDevice } from '../table-device.ts';

export default {
  name: 'counter-failure-path',
  doc: {
    summary:
      'The nr_swap_pages counter is decremented at the end of folio_alloc_swap() instead of in ' +
      'swap_range_alloc(), so the charge-failure path frees slots it never counted.',
    mirrors:
      'mm: swap: move nr_swap_pages counter decrement to swap_range_alloc() (lore ' +
      '20250522122554.12209-2, §5 #19)',
    designs: ['classic'],
    catches: { kind: 'impl-crash' },
    shortest: 3,
  },
  steps: {
    swapRangeAlloc(device: TableDevice, nr: number): void {
      device.inuse += nr; // the bug: nr_swap_pages is not decremented here ...
    },
    chargeSwap(state: SwapState, folio: Folio, nr: number, failAlloc: boolean): boolean {
      const charged = !failAlloc && state.memcg.tryCharge(folio.memcg, nr);
      if (charged) state.counters.take(nr); // ... but here, after a successful charge
      return charged;
    },
  },
} satisfies Mutant;

/**
 * The `put-free-skips-uncharge` mutant. The batch free of swap_put_entries_direct() (the last
 * put of an uncached entry) clears the memcg id without uncharging it: the charge leaks.
 * Replaces unchargeSwap().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { Mutant } from '../mutant.ts';
import type { EntryLoc, SwapState } from '../swap-state.ts';

export default {
  name: 'put-free-skips-uncharge',
  doc: {
    summary:
      'The last put of an uncached physical entry frees its slot and clears its memcg ' +
      'id without uncharging the memcg, so memory.swap.current leaks a page.',
    mirrors:
      "design risk of the swap table's two free paths (__swap_cache_del_folio() and " +
      'swap_put_entries_direct()), which must both reach mem_cgroup_uncharge_swap() in ' +
      '__swap_cluster_free_entries(); a leaked swap charge makes swap.max fail early',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'observation' },
    shortest: 6,
  },
  steps: {
    unchargeSwap(state: SwapState, loc: EntryLoc, id: number, why: 'put' | 'cache'): void {
      if (why === 'put') return; // the bug
      if (loc.device !== null) state.memcg.uncharge(id, 1);
    },
  },
} satisfies Mutant;

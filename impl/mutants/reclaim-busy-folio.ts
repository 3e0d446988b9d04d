/**
 * The `reclaim-busy-folio` mutant. The allocator's cache-only reclaim checks only the scanned
 * slot for count 0, not every entry of its folio, so a folio with referenced entries is
 * reclaimed (cf. the wrong-index reclaim of lore 20250916160100.31545-4, brief §5 #18).
 * Replaces planReclaims().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assert, assertThat } from '../../lib/assert.ts';
import type { Reclaim } from '../../lib/outcome.ts';
import { costs } from '../cost-counters.ts';
import type { Folio } from '../folio-table.ts';
import { mark } from '../marks.ts';
import type { Mutant } from '../mutant.ts';
import type { PlannedReclaim, SwapState } from '../swap-state.ts';
import { vtWordIsPhys } from '../virtual-table-word.ts';

export default {
  name: 'reclaim-busy-folio',
  doc: {
    summary:
      "The allocator's cache-only reclaim checks only the scanned slot for count 0, " +
      'not every entry of its folio, and drops a folio whose other entries are referenced.',
    mirrors:
      'mm, swap: fix swap cache index error when retrying reclaim (lore ' +
      '20250916160100.31545-4, §5 #18): reclaim only removes folios whose slots are all count 0',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'allowance' },
    shortest: 14,
  },
  steps: {
    planReclaims(
      state: SwapState,
      plan: readonly PlannedReclaim[],
      exclude: Folio | null,
      out: Reclaim[],
    ): (() => void) | null {
      assert(plan.length > 0, 'empty reclaim plan');
      const { nrSwapPages, totalSwapPages } = state.counters;
      let freed = 0;
      for (const { folio, kind } of plan) {
        if (folio === exclude || !folio.swapcache) return null;
        if ((nrSwapPages + freed) * 2 >= totalSwapPages) return null;
        const locs = state.entriesOf(folio);
        // The bug: a cache-only reclaim does not check the folio's other entries.
        if (kind !== 'cache' && !state.entriesUnused(locs)) return null;
        const backed = locs.every((loc) => loc.virtual && vtWordIsPhys(state.vtWord(loc)));
        if (kind === 'backing' && !backed) return null;
        if (kind === 'cache' && locs.some((loc) => loc.virtual)) return null;
        freed += locs.length;
      }
      return () => {
        for (const { folio, kind } of plan) {
          assertThat(state.vmSwapFull(), 'reclaim of folio ', folio.pfn, ' while swap is not full');
          if (kind === 'cache') {
            state.deleteFromSwapCache(folio, false);
            folio.dirty = true;
            state.folios.freeIfUnused(folio);
          } else {
            for (const loc of state.entriesOf(folio)) state.releaseBackend(loc);
            costs.redirections += 1 << folio.order;
            folio.dirty = true;
          }
          out.push({ folio: folio.pfn, kind });
          state.marks.hit(kind === 'cache' ? mark['reclaim-cache'] : mark['reclaim-backing']);
        }
      };
    },
  },
} satisfies Mutant;

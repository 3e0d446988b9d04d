/**
 * The `extend-table-leak` mutant. The last user's put forgets swap_extend_table_free(): the
 * emptied extend table stays, an unobservable leak only the audit sees. Replaces putExtended().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assert, assertThat } from '../../lib/assert.ts';
import type { SwapCluster } from '../cluster.ts';
import { costs } from '../cost-counters.ts';
import { allDesigns, type Mutant } from '../mutant.ts';
import { extendTableOf, type SwapCounter } from '../swap-count.ts';
import { wordWithCount } from '../swap-table-word.ts';

export default {
  name: 'extend-table-leak',
  doc: {
    summary:
      'When the last overflowed count drops back below the sentinel, the emptied extend ' +
      'table is not freed.',
    mirrors:
      'design risk of the swap table extend table (phase III): overflow storage must be ' +
      'freed with its last user; canary for the count-conservation audit',
    designs: allDesigns,
    catches: { kind: 'invariant', invariant: 'count-conservation' },
    shortest: 6,
  },
  steps: {
    putExtended(counter: SwapCounter, ci: SwapCluster, slot: number, word: number): void {
      const extend = extendTableOf(ci, slot);
      const real = extend[slot] ?? 0;
      assertThat(real >= counter.sentinel, 'cluster ', ci.id, ' slot ', slot, ' extend ', real);
      if (real - 1 >= counter.sentinel) {
        extend[slot] = real - 1;
        return;
      }
      extend[slot] = 0;
      ci.tableOf()[slot] = wordWithCount(word, counter.sentinel - 1);
      costs.tableWrites++;
      ci.extendUsed--;
      assert(ci.extendUsed >= 0);
      // The bug: no swap_extend_table_free() when extendUsed reaches 0.
    },
  },
} satisfies Mutant;

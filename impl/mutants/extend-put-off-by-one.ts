/**
 * The `extend-put-off-by-one` mutant. A put at the sentinel tests `real - 1 > sentinel` for
 * `>=`, so the extend count folds back into the word one put too early (brief §5 #11, count
 * conservation). Replaces putExtended().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assert, assertThat } from '../../lib/assert.ts';
import { mark } from '../marks.ts';
import type { SwapCluster } from '../cluster.ts';
import { costs } from '../cost-counters.ts';
import { allDesigns, type Mutant } from '../mutant.ts';
import { extendTableOf, type SwapCounter } from '../swap-count.ts';
import { wordWithCount } from '../swap-table-word.ts';

export default {
  name: 'extend-put-off-by-one',
  doc: {
    summary:
      'A put on an overflowed count folds the extend-table count back into the swap ' +
      'table word one reference too early (`>` for `>=` at the sentinel boundary), losing a count.',
    mirrors:
      'mm, swap: fix race between swap count continuation operations (2628bd6fc052, ' +
      '§5 #11): stored count incl. overflow storage must equal live references',
    designs: allDesigns,
    catches: { kind: 'impl-crash' },
    shortest: 7,
  },
  steps: {
    putExtended(counter: SwapCounter, ci: SwapCluster, slot: number, word: number): void {
      const extend = extendTableOf(ci, slot);
      const real = extend[slot] ?? 0;
      assertThat(real >= counter.sentinel, 'cluster ', ci.id, ' slot ', slot, ' extend ', real);
      if (real - 1 > counter.sentinel) {
        // the bug: `>` for `>=`
        extend[slot] = real - 1;
        return;
      }
      extend[slot] = 0;
      ci.tableOf()[slot] = wordWithCount(word, counter.sentinel - 1);
      costs.tableWrites++;
      ci.extendUsed--;
      assert(ci.extendUsed >= 0);
      if (ci.extendUsed === 0) {
        ci.extend = null;
        counter.marks.hit(mark['extend-table-freed']);
      }
    },
  },
} satisfies Mutant;

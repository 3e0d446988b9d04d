/**
 * The `overflow-no-rollback` mutant. A dup that needs the extend table takes the slot to the
 * sentinel before the failed allocation is noticed, and the rollback starts one slot too early
 * (cf. the continuation-failure paths of __swap_duplicate(), brief §5 #11). Replaces undoDup().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { SwapCluster } from '../cluster.ts';
import { allDesigns, type Mutant } from '../mutant.ts';
import type { SwapCounter } from '../swap-count.ts';

export default {
  name: 'overflow-no-rollback',
  doc: {
    summary:
      'A dup that needs the extend table takes the count to the sentinel before the ' +
      'allocation fails, and the rollback starts one slot too early, so -ENOMEM leaves the ' +
      'count raised.',
    mirrors:
      'count-continuation failure paths of __swap_duplicate() (§5 #11, §7.3 #1); every ' +
      'error path restores the pre-state (§5 #5)',
    designs: allDesigns,
    catches: { kind: 'observation' },
    shortest: 6,
  },
  steps: {
    undoDup(counter: SwapCounter, ci: SwapCluster, slot: number, done: number): void {
      counter.dupOne(ci, slot + done); // the bug: the failing slot was already taken
      for (let j = done - 1; j >= 0; j--) counter.putOne(ci, slot + j);
    },
  },
} satisfies Mutant;

/**
 * The `elided-swapoff-miss` mutant. The scan that stands in for the elided reverse map at
 * swapoff starts at slot 1 of every cluster, as if each had cluster 0's reserved slot, and
 * misses entries. Replaces scanBackedOn().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { VirtualCluster } from '../cluster.ts';
import { elidedDesigns, type Mutant } from '../mutant.ts';
import type { SwapState } from '../swap-state.ts';
import { vtWordIsPhys, vtWordToPhysType } from '../virtual-table-word.ts';

export default {
  name: 'elided-swapoff-miss',
  doc: {
    summary:
      'The virtual-cluster scan that replaces the elided reverse map at swapoff starts ' +
      'at slot 1 of every cluster and misses entries backed on the device.',
    mirrors:
      '§4 direct encoding without a reverse map: swapoff must still find every entry ' +
      '(§7.3 #10)',
    designs: elidedDesigns,
    catches: { kind: 'impl-crash' },
    shortest: 8,
  },
  steps: {
    scanBackedOn(state: SwapState, ci: VirtualCluster, type: number, backed: Set<number>): void {
      for (let slot = 1; slot < ci.slots; slot++) {
        // the bug: from slot 1
        const vt = ci.vtable[slot] ?? 0;
        if (vtWordIsPhys(vt) && vtWordToPhysType(vt) === type)
          backed.add(state.locOf(ci, slot).value);
      }
    },
  },
} satisfies Mutant;

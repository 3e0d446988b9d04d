/**
 * The `put-skips-free` mutant. The last put of an uncached entry leaves its slot allocated with
 * count 0 and no swap cache, the state a first dup must refuse (swap_dup_entry_direct()'s
 * "count 0 and not cached" check); sequentially no op can dup it, so the stray slot is what
 * gets caught. Replaces freeAfterPut().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { allDesigns, type Mutant } from '../mutant.ts';

export default {
  name: 'put-skips-free',
  doc: {
    summary:
      'The last put of an uncached entry leaves the slot allocated with count 0 and no ' +
      'swap cache, the state in which a first dup must be refused.',
    mirrors:
      'swap_dup_entry_direct() refusing a dup of an uncached count-0 slot (phase II, ' +
      '§2.5); sequentially no op can dup a slot nobody holds, so the stray slot is caught',
    designs: allDesigns,
    catches: { kind: 'observation' },
    shortest: 6,
  },
  steps: {
    freeAfterPut(): void {
      // The bug: the slot is not freed.
    },
  },
} satisfies Mutant;

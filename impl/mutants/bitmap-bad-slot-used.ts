/**
 * The `bitmap-bad-slot-used` mutant. The scan tests the bad bitmap only for the header slot, so
 * a listed bad slot is handed out (brief §5 #21: bad slots are never used). Replaces
 * runIsFree().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { testBit, type BitmapDevice } from '../bitmap-device.ts';
import { elidedDesigns, type Mutant } from '../mutant.ts';

export default {
  name: 'bitmap-bad-slot-used',
  doc: {
    summary:
      'The bitmap allocator checks the bad bitmap only for the header slot and hands ' +
      'out a listed bad slot.',
    mirrors:
      'mm, swap: swap entry of a bad slot should not be considered as swapped out ' +
      '(phase II, §5 #21); canary for the liveness audit',
    designs: elidedDesigns,
    catches: { kind: 'invariant', invariant: 'liveness' },
    shortest: 9,
  },
  steps: {
    runIsFree(device: BitmapDevice, slot: number, nr: number): boolean {
      if (slot + nr > device.config.slots) return false;
      for (let i = slot; i < slot + nr; i++) {
        if (testBit(device.used, i) || i === 0) return false; // the bug: only slot 0 is bad
      }
      return true;
    },
  },
} satisfies Mutant;

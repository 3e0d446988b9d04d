/**
 * The `bitmap-free-off-by-one` mutant. The bit clear of a freed run covers [slot, slot+nr-1),
 * leaving the last bit of the range set while inuse_pages is decremented. Replaces clearUsed().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { clearBit, type BitmapDevice } from '../bitmap-device.ts';
import { elidedDesigns, type Mutant } from '../mutant.ts';

export default {
  name: 'bitmap-free-off-by-one',
  doc: {
    summary:
      'Freeing a run on a bitmap device clears the bits of [slot, slot+nr-1) and leaves ' +
      'the last one set while inuse_pages drops.',
    mirrors:
      'design risk of the elided reverse map (bitmap devices, §4.2 reading A); canary ' +
      'for the device-accounting audit',
    designs: elidedDesigns,
    catches: { kind: 'invariant', invariant: 'device-accounting' },
    shortest: 6,
  },
  steps: {
    clearUsed(device: BitmapDevice, slot: number, nr: number): void {
      for (let i = slot; i < slot + nr - 1; i++) clearBit(device.used, i); // the bug: nr - 1
    },
  },
} satisfies Mutant;

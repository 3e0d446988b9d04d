/**
 * The `swapoff-no-pin` mutant. Swapin, zap and fork run without get_swap_device(), so swapoff
 * does not wait for them and frees the device metadata under them (brief §5 #6-#9). Replaces
 * getSwapDevice() and putSwapDevice().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { Mutant } from '../mutant.ts';
import type { Sections } from '../sections.ts';

export default {
  name: 'swapoff-no-pin',
  doc: {
    summary:
      'Swapin, zap and fork take no device pin (get_swap_device()), so swapoff does not ' +
      'wait for them and frees the device metadata they still read.',
    mirrors:
      'swapoff races with zap, swapin and shmem (82b1c07a0af6, eb085574a752, ' +
      '2799e77529c2, 63d8620ecf93; §5 #6-#9)',
    designs: ['classic'],
    catches: { kind: 'use-after-free' },
    shortest: 4,
    race: { config: 'explore', syncSwapin: 'swap-cache' },
  },
  sections: {
    // eslint-disable-next-line require-yield -- the bug: the section that would wait is gone
    *getSwapDevice(): Sections<boolean> {
      return true; // the bug: no pin
    },
    putSwapDevice(): void {
      // no pin to drop
    },
  },
} satisfies Mutant;

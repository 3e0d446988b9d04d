/**
 * The `swapoff-keeps-cluster-info` mutant. swapoff frees the device but leaves si->cluster_info
 * in place, metadata of an offline device (brief §5 #6-#10, device lifetime). Replaces
 * freeClusterInfo().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { Mutant } from '../mutant.ts';

export default {
  name: 'swapoff-keeps-cluster-info',
  doc: {
    summary: 'swapoff takes the device offline but keeps its cluster array.',
    mirrors:
      'device lifetime (§5 #6-#10, e.g. 5878303c5353): no metadata of an offline ' +
      'device; canary for the device-lifetime audit',
    designs: ['classic'],
    catches: { kind: 'invariant', invariant: 'device-lifetime' },
    shortest: 1,
  },
  steps: {
    freeClusterInfo(): void {
      // The bug: the cluster array stays.
    },
  },
} satisfies Mutant;

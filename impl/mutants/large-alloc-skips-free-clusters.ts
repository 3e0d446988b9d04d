/**
 * The `large-alloc-skips-free-clusters` mutant. A large allocation never takes a free cluster
 * (the new_cluster steps are skipped for order > 0), so it fails on a device whose only aligned
 * free runs are in empty clusters. Replaces allocNewCluster().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { Mutant } from '../mutant.ts';
import type { AllocHooks, TableDevice, WordAt } from '../table-device.ts';

export default {
  name: 'large-alloc-skips-free-clusters',
  doc: {
    summary:
      'A large allocation never takes a free cluster, only nonfull and frag clusters of ' +
      'its order, so it returns -ENOSPC from a device that has empty clusters.',
    mirrors:
      'design risk in the list order of cluster_alloc_swap_entry() (the new_cluster ' +
      'steps); since a large folio fails on the first device swap_alloc_slow() tries, its ' +
      '-ENOSPC claims that device had no usable aligned run (canary for the ENOSPC allowance audit)',
    designs: ['classic'],
    catches: { kind: 'invariant', invariant: 'allowance' },
    shortest: 3,
  },
  steps: {
    allocNewCluster(device: TableDevice, order: number, hooks: AllocHooks, wordAt: WordAt): number {
      if (order > 0) return -1; // the bug
      return device.scanIsolated(device.lists.isolate(device.lists.free), 0, order, hooks, wordAt);
    },
  },
} satisfies Mutant;

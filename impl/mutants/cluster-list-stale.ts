/**
 * The `cluster-list-stale` mutant. partial_free_cluster() is skipped, so a full cluster that
 * lost a slot keeps its FULL flag and list (flag and count out of step, brief §5 #20). Replaces
 * partialFreeCluster().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { Mutant } from '../mutant.ts';

export default {
  name: 'cluster-list-stale',
  doc: {
    summary:
      'Freeing a slot of a full cluster skips partial_free_cluster(), so the cluster ' +
      'keeps its FULL flag and list while it has free slots.',
    mirrors:
      'mm: swap: correctly use maxpages in swapon (lore 20250522122554.12209-3, §5 #20): ' +
      'cluster flag, list and count in step',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'invariant', invariant: 'cluster-accounting' },
    shortest: 5,
  },
  steps: {
    partialFreeCluster(): void {
      // The bug: the cluster is not relocated.
    },
  },
} satisfies Mutant;

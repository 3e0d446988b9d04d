/**
 * The `large-alloc-order0-list` mutant. The nonfull step of cluster_alloc_swap_entry() scans
 * si->nonfull_clusters[0] instead of si->nonfull_clusters[order], so a large allocation's run
 * lands in a partly used cluster of order 0 and the cluster mixes orders (order exclusivity,
 * brief §7.3 #8). Replaces allocNonfullCluster().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { Mutant } from '../mutant.ts';
import type { AllocHooks, TableDevice, WordAt } from '../table-device.ts';

export default {
  name: 'large-alloc-order0-list',
  doc: {
    summary:
      "A large allocation scans the order-0 nonfull list instead of its own order's, so " +
      'its run lands in a partly used cluster of order 0 and the cluster mixes orders.',
    mirrors:
      'cluster_alloc_swap_entry() scanning si->nonfull_clusters[order] (mm, swap: ' +
      'manage clusters per order); order exclusivity, §7.3 #8',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'invariant', invariant: 'cluster-accounting' },
    shortest: 3,
  },
  steps: {
    allocNonfullCluster(
      device: TableDevice,
      order: number,
      hooks: AllocHooks,
      wordAt: WordAt,
    ): number {
      // The bug: nonfull[0] for every order.
      return device.scanList(device.lists.nonfull[0], order, hooks, wordAt);
    },
  },
} satisfies Mutant;

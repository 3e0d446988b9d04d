/**
 * The `order-not-reset` mutant. free_cluster() forgets to reset ci->order, so an emptied
 * cluster keeps excluding other orders (order exclusivity, brief §7.3 #8). Replaces
 * freeCluster().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { SwapCluster } from '../cluster.ts';
import type { Mutant } from '../mutant.ts';
import type { TableDevice } from '../table-device.ts';

export default {
  name: 'order-not-reset',
  doc: {
    summary:
      'An emptied cluster keeps the order of its last allocation, so it goes on ' +
      'excluding other orders.',
    mirrors: '§7.3 #8 (order exclusivity: FREE implies order 0)',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'invariant', invariant: 'cluster-accounting' },
    shortest: 3,
  },
  steps: {
    freeCluster(device: TableDevice, ci: SwapCluster): void {
      device.lists.relocateAfterFree(ci, device.writeOk && device.config.discard);
      // The bug: no ci.order = 0.
      ci.freeTable();
    },
  },
} satisfies Mutant;

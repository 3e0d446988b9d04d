/**
 * The `vswap-percpu-trust` mutant. The per-CPU next offset is taken without re-checking the
 * slot under the cluster lock; a slot another CPU took meanwhile is handed out again while its
 * entry is live (ABA, brief §5 #1 and §7.3 #18). Replaces allocFromPercpu().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assert } from '../../lib/assert.ts';
import type { VirtualCluster } from '../cluster.ts';
import { virtualDesigns, type Mutant } from '../mutant.ts';
import { NULL_WORD } from '../swap-table-word.ts';
import type { WordAt } from '../table-device.ts';
import type { VirtualSpace } from '../virtual-space.ts';

export default {
  name: 'vswap-percpu-trust',
  doc: {
    summary:
      'The virtual allocator takes the per-CPU next offset without re-checking the slot, ' +
      'handing out an entry value that is still live.',
    mirrors: 'ABA on entry values (13ddaf26be32 and 0ea148a79919, §5 #1 and #17; §7.3 #18)',
    designs: virtualDesigns,
    catches: { kind: 'identity' },
    shortest: 8,
  },
  steps: {
    allocFromPercpu(
      space: VirtualSpace,
      ci: VirtualCluster,
      start: number,
      order: number,
      cpu: number,
      wordAt: WordAt,
    ): number {
      const nr = 1 << order;
      const cached = ci.id * space.clusterSlots + start;
      if (cached % nr !== 0 || start + nr > space.clusterSlots) {
        return space.scan(ci, start, order, cpu, wordAt);
      }
      // The bug: the run at the cached offset is taken without checking that it is free.
      const table = ci.tableOf();
      space.lists.move(ci, 'none');
      if (ci.count === 0) ci.order = order;
      let fresh = 0;
      for (let i = 0; i < nr; i++) {
        if (table[start + i] === NULL_WORD) fresh++;
        table[start + i] = wordAt(i);
      }
      ci.count += fresh;
      space.inuse += fresh;
      const offsets = space.percpu[cpu];
      assert(offsets !== undefined);
      offsets[order] = start + nr < ci.slots ? ci.id * space.clusterSlots + start + nr : -1;
      space.lists.relocateAfterAlloc(ci);
      return ci.id * space.clusterSlots + start;
    },
  },
} satisfies Mutant;

/**
 * The `lookup-cache-stale-after-free` mutant. The cluster is freed without dropping the per-CPU
 * lookup-cache pins on it; the cached pointer outlives the cluster and its id is reused (vswap
 * v6 patch 22's lookup cache, brief §7.3 #14). Replaces releaseEmptyCluster().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assertThat } from '../../lib/assert.ts';
import { mark } from '../marks.ts';
import type { VirtualCluster } from '../cluster.ts';
import type { Mutant } from '../mutant.ts';
import type { VirtualSpace } from '../virtual-space.ts';

export default {
  name: 'lookup-cache-stale-after-free',
  doc: {
    summary:
      'An emptied virtual cluster is freed without dropping the per-CPU lookup-cache ' +
      'pins on it, so a CPU keeps a pointer to a DEAD cluster whose id is then reused.',
    mirrors:
      'vswap v6 patch 22 per-CPU cluster lookup cache (§7.3 #14: a cached cluster is ' +
      'pinned or validated)',
    designs: ['vswap-direct-cached'],
    catches: { kind: 'invariant', invariant: 'lookup-cache' },
    shortest: 2,
  },
  steps: {
    releaseEmptyCluster(space: VirtualSpace, ci: VirtualCluster): void {
      // The bug: no space.lookupCache.forget(ci).
      if (space.isPermanent(ci)) return;
      assertThat(ci.flags === 'free', 'emptied cluster ', ci.id, ' on the ', ci.flags, ' list');
      space.lists.move(ci, 'dead');
      assertThat(space.index.delete(ci.id), 'cluster ', ci.id, ' missing from the index');
      for (const offsets of space.percpu) {
        for (let order = 0; order < offsets.length; order++) {
          if (Math.floor((offsets[order] ?? -1) / space.clusterSlots) === ci.id)
            offsets[order] = -1;
        }
      }
      space.marks.hit(mark['vcluster-freed']);
    },
  },
} satisfies Mutant;

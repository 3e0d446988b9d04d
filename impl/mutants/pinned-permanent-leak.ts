/**
 * The `pinned-permanent-leak` mutant. The permanent check comes before the pin drop, so a
 * lookup-cache pin on a permanent cluster is never released. Replaces releaseEmptyCluster().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { assertThat } from '../../lib/assert.ts';
import { mark } from '../marks.ts';
import type { VirtualCluster } from '../cluster.ts';
import type { Mutant } from '../mutant.ts';
import type { VirtualSpace } from '../virtual-space.ts';

export default {
  name: 'pinned-permanent-leak',
  doc: {
    summary:
      'The lookup-cache pin on an emptied permanent virtual cluster is never dropped, ' +
      'because the permanent check comes before the pin release.',
    mirrors: 'vswap v6 patch 22 lookup cache; canary for the drain audit (no pins after drain)',
    designs: ['vswap-direct-cached'],
    catches: { kind: 'drain', invariant: 'drain' },
    shortest: 2,
  },
  steps: {
    releaseEmptyCluster(space: VirtualSpace, ci: VirtualCluster): void {
      if (space.isPermanent(ci)) return; // the bug: before the pin drop
      space.lookupCache.forget(ci);
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

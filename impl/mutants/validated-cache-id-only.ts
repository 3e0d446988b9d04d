/**
 * The `validated-cache-id-only` mutant. The validated per-CPU lookup cache accepts a hit on the
 * cluster id alone, not the DEAD flag, so a CPU keeps reading and writing a freed virtual
 * cluster after a new cluster reused its id (vswap v6 patch 22: the id match alone cannot tell
 * the reused id from the cached cluster). Replaces validatedHitLive(); it needs the knob value
 * lookupCache=validated, which no preset has.
 *
 * Not covered here: the correct step (impl/lookup-cache.ts, gathered by impl/kernel-steps.ts).
 */
import type { VirtualCluster } from '../cluster.ts';
import type { Mutant } from '../mutant.ts';

export default {
  name: 'validated-cache-id-only',
  doc: {
    summary:
      'The validated lookup cache checks only the cluster id on a hit, not the DEAD flag, ' +
      'so a CPU keeps using a freed virtual cluster after a new cluster reused its id.',
    mirrors:
      'vswap v6 patch 22 per-CPU cluster lookup cache: without a pin, a cached pointer ' +
      'is valid only if the cluster is not DEAD (§7.3 #14); an id match alone cannot tell the ' +
      'reused id from the cached cluster',
    designs: ['vswap-direct-cached', 'vswap-all'],
    knobs: { lookupCache: 'validated' },
    catches: { kind: 'impl-crash' },
    shortest: 4,
  },
  steps: {
    // The bug: the id matched, so the hit is taken whatever the cluster's state.
    validatedHitLive: (_cached: VirtualCluster): boolean => true,
  },
} satisfies Mutant;

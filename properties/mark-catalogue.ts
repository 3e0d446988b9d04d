/**
 * The catalogue of interesting-state marks (impl/marks.ts): every mark the impl can hit, where
 * it can be hit (which knobs and which configs), and the generator intent that reaches it
 * (properties/generator.ts Steer). A campaign reports the listed marks that no run of a design
 * reached, as `explore` reports unreached sections, and steers later runs toward the rare ones
 * (properties/mark-steering.ts).
 *
 * A mark's `needs` are read off the impl: a swap-table device (reverseMap=kept) for the
 * physical cluster lists and allocator, bitmap devices (elided) for the scans, virtual entries
 * for the virtual space, physical entries (virtualEntries other than `always`) for what only a
 * direct physical entry does, the lookup cache's modes for its marks, memory cgroups or a
 * discard device in the config. The marks of a zswap object that outlives its load or store
 * (stale, replaced, erased) need a physical entry: zswap is keyed by (type, offset) there
 * (impl/swap-state.ts setZero()), while a virtual entry's object goes with its backing; a
 * 600-run campaign of every virtual design reached none of them. `properties/mark-catalogue.test.ts`
 * checks that every mark a campaign hits is listed here, as reachable where it was hit.
 *
 * Not covered here: hitting the marks (each impl module names its own).
 */
import type { Config } from '../lib/config.ts';
import type { Knobs } from '../lib/system.ts';
import type { Steer } from './generator.ts';

/** Where a mark can be hit. */
export type MarkNeed =
  | 'table'
  | 'bitmap'
  | 'virtual'
  | 'physical'
  | 'fallback'
  | 'kept-virtual'
  | 'cache'
  | 'cache-pinned'
  | 'cache-validated'
  | 'memcg'
  | 'discard';

export interface MarkDoc {
  readonly needs: readonly MarkNeed[];
  /** The generator intent that reaches it; `null` when any run does. */
  readonly steer: Steer | null;
}

const any = (steer: Steer | null = null, ...needs: MarkNeed[]): MarkDoc => ({ needs, steer });

export const markCatalogue: Readonly<Record<string, MarkDoc>> = {
  // Write faults (impl/write-fault.ts).
  'write-reuse': any(),
  'write-cow': any('counts'),
  'write-free-swap-cache': any(),
  // Counts and extend tables (impl/swap-count.ts).
  'count-overflow-extend': any('counts'),
  'count-extend-increment': any('counts'),
  'extend-table-alloc': any('counts'),
  'extend-table-alloc-failed': any('counts'),
  'extend-table-freed': any('counts'),
  'enomem-dup': any('counts'),
  // Errors and fullness (impl/swap-system.ts).
  enomem: any('failures'),
  enospc: any('pressure'),
  'vm-swap-full': any('pressure'),
  // Physical cluster lists and allocator (impl/table-device.ts, impl/physical-allocator.ts).
  'cluster-list-free': any(null, 'table'),
  'cluster-list-nonfull': any(null, 'table'),
  'cluster-list-frag': any(null, 'table'),
  'cluster-list-full': any('pressure', 'table'),
  'cluster-list-discard': any('pressure', 'table', 'discard'),
  'discard-flushed': any('pressure', 'table', 'discard'),
  'alloc-retry-after-discard': any('pressure', 'table', 'discard'),
  'alloc-percpu-hit': any(null, 'table'),
  'alloc-order0-steal': any('pressure', 'table'),
  'alloc-large-first-device-failed': any('large'),
  'alloc-run-reclaimed': any('pressure', 'table'),
  'alloc-reclaim-full-cluster': any('pressure', 'table'),
  'memcg-table-deferred-alloc': any(null, 'fallback'),
  // Reclaim (impl/reclaim.ts).
  'reclaim-cache': any('pressure', 'physical'),
  'reclaim-backing': any('pressure', 'virtual'),
  'alloc-run-reclaimed-by-scan': any('pressure', 'bitmap'),
  'vswap-scan-slots-reclaim': any('pressure', 'bitmap'),
  'rmap-cache-only-set': any('pressure', 'kept-virtual'),
  // Swap-out (impl/ops-swap-out.ts).
  'alloc-vswap-fallback': any('pressure', 'fallback'),
  'enospc-alloc-swap': any('pressure'),
  'enospc-writeout': any('pressure', 'virtual'),
  'enomem-charge': any('failures', 'physical'),
  'memcg-charge-fail-alloc': any('pressure', 'physical', 'memcg'),
  'enomem-writeout-charge': any('failures', 'virtual'),
  'memcg-charge-fail-writeout': any('pressure', 'virtual', 'memcg'),
  'writeout-keep-backing': any('zswap', 'virtual'),
  'zero-writeout-stale-zswap': any('zswap', 'physical'),
  'zswap-store-full-own-objects': any('zswap', 'physical'),
  'zswap-store-replaced-stale': any('zswap', 'physical'),
  'zswap-store-failed-erase': any('zswap', 'physical'),
  'zswap-disabled-erase': any('zswap', 'physical'),
  // Swap-in, zap and zswap writeback (impl/ops-swap-in.ts).
  'enomem-swapin': any('failures'),
  'swapin-large': any('large'),
  'swapin-large-mixed-exclusive': any('large'),
  'swapin-large-stale-zswap': any('large', 'physical'),
  'swapin-large-mixed-memcg': any('large', 'memcg'),
  'swapin-cache-hit-whole': any('large'),
  'swapin-cache-hit-mixed-exclusive': any('large'),
  'swapin-free-swap-cache': any(),
  'memcg-swap-full-free-swapin': any('pressure'),
  'zap-free-swap-cache': any(),
  'zap-reclaim-swap-cache': any(),
  'memcg-swap-full-zap-reclaim': any('pressure', 'memcg'),
  'enomem-zswap-writeback': any('zswap'),
  'zswap-writeback-same-slot': any('zswap', 'physical'),
  'enospc-zswap-writeback': any('zswap', 'virtual'),
  'memcg-charge-fail-writeback': any('zswap', 'virtual', 'memcg'),
  'zswap-writeback-redirect': any('zswap', 'virtual'),
  // Split (impl/ops-memory.ts).
  'split-swapcache': any('large'),
  // Swapoff (impl/swapoff.ts).
  'swapoff-live-entries': any('swapoff'),
  'rmap-walk-slots': any('swapoff', 'kept-virtual'),
  'vswap-scan-slots-swapoff': any('swapoff', 'bitmap'),
  'swapoff-vswap-read': any('swapoff', 'virtual'),
  // The virtual space and its lookup cache (impl/virtual-space.ts, impl/lookup-cache.ts).
  'vswap-index-lookup': any(null, 'virtual'),
  'vcluster-created': any(null, 'virtual'),
  'vcluster-freed': any(null, 'virtual'),
  'vcluster-id-reused': any(null, 'virtual'),
  'vcluster-list-free': any(null, 'virtual'),
  'vcluster-list-nonfull': any(null, 'virtual'),
  'vcluster-list-frag': any(null, 'virtual'),
  'vcluster-list-full': any('pressure', 'virtual'),
  'lookup-cache-hit': any(null, 'virtual', 'cache'),
  'lookup-cache-miss': any(null, 'virtual', 'cache'),
  'lookup-cache-invalidate-switch': any(null, 'virtual', 'cache-pinned'),
  'lookup-cache-invalidate-empty': any(null, 'virtual', 'cache-pinned'),
  'lookup-cache-stale-rejected': any(null, 'virtual', 'cache-validated'),
};

function holds(need: MarkNeed, knobs: Knobs, config: Config): boolean {
  switch (need) {
    case 'table':
      return knobs.reverseMap === 'kept';
    case 'bitmap':
      return knobs.reverseMap === 'elided';
    case 'virtual':
      return knobs.virtualEntries !== 'never';
    case 'physical':
      return knobs.virtualEntries !== 'always';
    case 'fallback':
      return knobs.virtualEntries === 'first' || knobs.virtualEntries === 'when-zswap';
    case 'kept-virtual':
      return knobs.virtualEntries !== 'never' && knobs.reverseMap === 'kept';
    case 'cache':
      return knobs.lookupCache !== 'off';
    case 'cache-pinned':
      return knobs.lookupCache === 'pinned';
    case 'cache-validated':
      return knobs.lookupCache === 'validated';
    case 'memcg':
      return (config.memcgs ?? []).length > 0;
    case 'discard':
      return config.devices.some((device) => device.discard);
  }
}

/** The marks a run with `knobs` on `config` can hit, in catalogue order. */
export function marksReachable(knobs: Knobs, config: Config): string[] {
  return Object.entries(markCatalogue)
    .filter(([, doc]) => doc.needs.every((need) => holds(need, knobs, config)))
    .map(([name]) => name);
}

/** The marks some run of a campaign can hit: the union over its knob combinations and
 * configs, in catalogue order. */
export function marksListed(combinations: readonly Knobs[], configs: readonly Config[]): string[] {
  const listed = new Set<string>();
  for (const knobs of combinations)
    for (const config of configs)
      for (const name of marksReachable(knobs, config)) listed.add(name);
  return Object.keys(markCatalogue).filter((name) => listed.has(name));
}

/**
 * The per-CPU lookup cache of the virtual swap space (vswap v6 patch 22): each CPU remembers
 * the virtual cluster it looked up last, so that repeated operations on one cluster skip the
 * cluster index (xa_load()). Three modes (Knobs.lookupCache):
 *
 * - 'off': every lookup goes to the index.
 * - 'pinned': the cache holds a reference (VirtualCluster.pins) on the cached cluster; a
 *   pinned cluster is never freed, so a hit needs no check. The pin is dropped when the CPU
 *   looks up another cluster, and when the cluster becomes empty at the end of an operation
 *   (VirtualSpace.endOp() calls forget() before freeing it).
 * - 'validated': the cache holds a bare pointer and no reference; the cluster may be freed
 *   (DEAD) and its id reused by a new cluster while cached, so a hit re-checks the id and the
 *   DEAD flag and falls back to the index when either fails.
 *
 * Not to be confused with the swap cache (folios bound to entries) nor with the per-CPU
 * allocation cluster cache (impl/physical-allocator.ts, impl/virtual-space.ts).
 *
 * Not covered here: the index itself (impl/virtual-space.ts).
 */
import { assertThat, unreachable } from '../lib/assert.ts';
import type { Knobs } from '../lib/system.ts';
import type { VirtualCluster } from './cluster.ts';
import { costs } from './cost-counters.ts';
import { mark, type Marks } from './marks.ts';

export type ClusterLoad = (id: number) => VirtualCluster | undefined;

/** The cache's named step (the design's own is `lookupCacheSteps`). */
export interface LookupCacheSteps {
  /**
   * The validated mode's check of a hit whose cluster id matches: the cached pointer is still
   * the live cluster of that id (it is not DEAD; a freed cluster's id may have been reused).
   */
  validatedHitLive(cached: VirtualCluster): boolean;
}

export const lookupCacheSteps: LookupCacheSteps = {
  validatedHitLive: (cached) => !cached.dead,
};

export class LookupCache {
  readonly mode: Knobs['lookupCache'];
  private readonly cached: (VirtualCluster | null)[];
  private readonly marks: Marks;
  private readonly steps: LookupCacheSteps;

  constructor(
    mode: Knobs['lookupCache'],
    cpus: number,
    marks: Marks,
    steps: LookupCacheSteps = lookupCacheSteps,
  ) {
    assertThat(cpus >= 1, 'cpus ', cpus);
    assertThat(mode === 'off' || mode === 'pinned' || mode === 'validated', 'mode ', mode);
    this.mode = mode;
    this.cached = new Array<VirtualCluster | null>(cpus).fill(null);
    this.marks = marks;
    this.steps = steps;
  }

  /** Looks up cluster `id` for an operation on `cpu`, updating that CPU's cache. */
  lookup(cpu: number, id: number, load: ClusterLoad): VirtualCluster | undefined {
    assertThat(cpu >= 0 && cpu < this.cached.length, 'cpu ', cpu);
    assertThat(Number.isInteger(id) && id >= 0, 'cluster id ', id);
    switch (this.mode) {
      case 'off':
        return load(id);
      case 'pinned':
        return this.lookupPinned(cpu, id, load);
      case 'validated':
        return this.lookupValidated(cpu, id, load);
      default:
        return unreachable(this.mode);
    }
  }

  /** Looks up cluster `id` as `cpu` would, without changing the cache (observe()). */
  peek(cpu: number, id: number, load: ClusterLoad): VirtualCluster | undefined {
    assertThat(cpu >= 0 && cpu < this.cached.length, 'cpu ', cpu);
    const cached = this.cached[cpu] ?? null;
    assertThat(cached === null || this.mode !== 'off', 'cpu ', cpu, ' caches with the cache off');
    if (this.mode === 'off' || cached === null || cached.id !== id) return load(id);
    if (this.mode === 'validated' && !this.steps.validatedHitLive(cached)) return load(id);
    return cached;
  }

  /** Drops every CPU's reference to `ci`, which is about to be freed. */
  forget(ci: VirtualCluster): void {
    if (this.mode !== 'pinned') return;
    for (let cpu = 0; cpu < this.cached.length; cpu++) {
      if (this.cached[cpu] !== ci) continue;
      this.release(cpu);
      this.marks.hit(mark['lookup-cache-invalidate-empty']);
      costs.lookupCacheInvalidations++;
    }
    assertThat(ci.pins === 0, 'cluster ', ci.id, ' still pinned ', ci.pins, ' times');
  }

  /** The cluster cached by `cpu`, for audits. */
  cachedOf(cpu: number): VirtualCluster | null {
    assertThat(cpu >= 0 && cpu < this.cached.length, 'cpu ', cpu);
    return this.cached[cpu] ?? null;
  }

  get cpus(): number {
    return this.cached.length;
  }

  private lookupPinned(cpu: number, id: number, load: ClusterLoad): VirtualCluster | undefined {
    const cached = this.cached[cpu] ?? null;
    if (cached !== null && cached.id === id) {
      assertThat(!cached.dead, 'pinned cluster ', id, ' on cpu ', cpu, ' is DEAD');
      this.marks.hit(mark['lookup-cache-hit']);
      costs.lookupCacheHits++;
      return cached;
    }
    this.marks.hit(mark['lookup-cache-miss']);
    costs.lookupCacheMisses++;
    if (cached !== null) {
      this.release(cpu);
      this.marks.hit(mark['lookup-cache-invalidate-switch']);
      costs.lookupCacheInvalidations++;
    }
    const ci = load(id);
    if (ci !== undefined) {
      assertThat(!ci.dead, 'index returned DEAD cluster ', id);
      ci.pins++;
      this.cached[cpu] = ci;
    }
    return ci;
  }

  private lookupValidated(cpu: number, id: number, load: ClusterLoad) {
    const cached = this.cached[cpu] ?? null;
    if (cached !== null && cached.id === id) {
      if (this.steps.validatedHitLive(cached)) {
        this.marks.hit(mark['lookup-cache-hit']);
        costs.lookupCacheHits++;
        return cached;
      }
      this.marks.hit(mark['lookup-cache-stale-rejected']);
      costs.lookupCacheInvalidations++;
    }
    this.marks.hit(mark['lookup-cache-miss']);
    costs.lookupCacheMisses++;
    const ci = load(id);
    this.cached[cpu] = ci ?? null;
    return ci;
  }

  private release(cpu: number): void {
    const cached = this.cached[cpu] ?? null;
    assertThat(cached !== null, 'cpu ', cpu, ' caches nothing');
    assertThat(cached.pins > 0, 'cluster ', cached.id, ' pin underflow');
    cached.pins--;
    this.cached[cpu] = null;
  }
}

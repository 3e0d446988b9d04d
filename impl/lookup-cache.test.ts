/**
 * Example tests of the per-CPU lookup cache (impl/lookup-cache.ts). The cache never changes
 * which cluster a lookup returns, so the model comparison cannot see it; what it changes is
 * costs (hits, misses, invalidations), coverage marks and the pins a pinned cache holds. These
 * tests pin those, for each mode. Added for survivors of mutation testing
 * (docs/mutation-testing.md).
 *
 * Method: one LookupCache over two bare virtual clusters and a Map as the cluster index, with
 * the cost counters activated around each test. peek() (observe()'s look-up) is pinned for what
 * it returns in each mode: another CPU's or another id's cached cluster is never returned, a
 * DEAD cluster in validated mode is not returned, and nothing about the cache changes.
 * Not covered here: where the virtual space calls the cache (impl/virtual-space.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualCluster } from './cluster.ts';
import { activateCosts, CostCounters } from './cost-counters.ts';
import { LookupCache } from './lookup-cache.ts';
import { Marks } from './marks.ts';

let sink = new CostCounters();
beforeEach(() => {
  sink = new CostCounters();
  activateCosts(sink);
});
afterEach(() => activateCosts(null));

function setup() {
  const index = new Map<number, VirtualCluster>([
    [0, new VirtualCluster(0, 4)],
    [1, new VirtualCluster(1, 4)],
  ]);
  const load = (id: number) => index.get(id);
  return { index, load, marks: new Marks() };
}

describe('lookup cache', () => {
  it('pinned: a repeat lookup hits and keeps one pin, a switch releases the old pin', () => {
    const { index, load, marks } = setup();
    const cache = new LookupCache('pinned', 2, marks);
    const [a, b] = [index.get(0), index.get(1)];
    expect(cache.lookup(0, 0, load)).toBe(a);
    expect(sink.lookupCacheMisses).toBe(1);
    expect(a?.pins).toBe(1);
    expect(cache.lookup(0, 0, load)).toBe(a);
    expect(sink.lookupCacheHits).toBe(1);
    expect(marks.get('lookup-cache-hit')).toBe(1);
    expect(a?.pins, 'a hit takes no second pin').toBe(1);
    expect(cache.lookup(0, 1, load)).toBe(b);
    expect(a?.pins, 'released on the switch').toBe(0);
    expect(b?.pins).toBe(1);
    expect(sink.lookupCacheMisses).toBe(2);
    expect(sink.lookupCacheInvalidations).toBe(1);
    expect(marks.get('lookup-cache-invalidate-switch')).toBe(1);
    expect(cache.cachedOf(0)).toBe(b);
    expect(cache.cachedOf(1)).toBeNull();
    expect(cache.lookup(1, 9, load), 'an id the index does not hold').toBeUndefined();
    expect(cache.cachedOf(1)).toBeNull();
  });

  it("pinned: forget() drops every CPU's pin of a cluster about to be freed", () => {
    const { index, load, marks } = setup();
    const cache = new LookupCache('pinned', 2, marks);
    const a = index.get(0);
    cache.lookup(0, 0, load);
    cache.lookup(1, 0, load);
    expect(a?.pins).toBe(2);
    if (a === undefined) throw new Error('setup');
    cache.forget(a);
    expect(a.pins).toBe(0);
    expect(cache.cachedOf(0)).toBeNull();
    expect(cache.cachedOf(1)).toBeNull();
    expect(sink.lookupCacheInvalidations).toBe(2);
    expect(marks.get('lookup-cache-invalidate-empty')).toBe(2);
  });

  it('validated: a hit needs a live cluster; a DEAD one is rejected and reloaded', () => {
    const { index, load, marks } = setup();
    const cache = new LookupCache('validated', 1, marks);
    const a = index.get(0);
    if (a === undefined) throw new Error('setup');
    expect(cache.lookup(0, 0, load)).toBe(a);
    expect(cache.lookup(0, 0, load)).toBe(a);
    expect(sink.lookupCacheHits).toBe(1);
    expect(sink.lookupCacheMisses).toBe(1);
    expect(a.pins, 'a validated cache takes no pins').toBe(0);
    a.flags = 'dead';
    const fresh = new VirtualCluster(0, 4);
    index.set(0, fresh);
    expect(cache.lookup(0, 0, load)).toBe(fresh);
    expect(marks.get('lookup-cache-stale-rejected')).toBe(1);
    expect(sink.lookupCacheInvalidations).toBe(1);
    expect(sink.lookupCacheMisses).toBe(2);
    expect(cache.cachedOf(0)).toBe(fresh);
  });

  it('off: every lookup goes to the index and nothing is cached or counted', () => {
    const { index, load, marks } = setup();
    const cache = new LookupCache('off', 1, marks);
    expect(cache.lookup(0, 1, load)).toBe(index.get(1));
    expect(cache.lookup(0, 1, load)).toBe(index.get(1));
    expect(cache.cachedOf(0)).toBeNull();
    expect(sink.lookupCacheHits + sink.lookupCacheMisses).toBe(0);
    expect(marks.snapshot()).toEqual({});
  });

  describe('peek', () => {
    it('off: peek reads the index and caches nothing', () => {
      const { index, load, marks } = setup();
      const cache = new LookupCache('off', 1, marks);
      expect(cache.peek(0, 1, load)).toBe(index.get(1));
      expect(cache.peek(0, 9, load), 'an id the index does not hold').toBeUndefined();
      expect(cache.cachedOf(0)).toBeNull();
    });

    it('pinned: peek returns the cluster of the id asked for, cached or not, and changes nothing', () => {
      const { index, load, marks } = setup();
      const cache = new LookupCache('pinned', 2, marks);
      const [a, b] = [index.get(0), index.get(1)];
      // Nothing cached yet: the lookup would go to the index.
      expect(cache.peek(0, 0, load)).toBe(a);
      expect(cache.cachedOf(0), 'a peek does not fill the cache').toBeNull();
      cache.lookup(0, 0, load);
      // CPU 0 caches cluster 0: a peek of id 0 is a hit, of id 1 a miss that reads the index
      // (cluster 1, never the cached cluster 0); CPU 1 caches nothing.
      expect(cache.peek(0, 0, load)).toBe(a);
      expect(cache.peek(0, 1, load)).toBe(b);
      expect(cache.peek(1, 0, load)).toBe(a);
      expect(cache.peek(0, 9, load)).toBeUndefined();
      // A peek takes no pin, drops none and counts nothing.
      expect(cache.cachedOf(0)).toBe(a);
      expect(cache.cachedOf(1)).toBeNull();
      expect(a?.pins).toBe(1);
      expect(b?.pins).toBe(0);
      expect(sink.lookupCacheHits + sink.lookupCacheMisses + sink.lookupCacheInvalidations).toBe(1);
      expect(marks.get('lookup-cache-hit')).toBe(0);
    });

    it('validated: peek does not return a DEAD cached cluster, nor one of another id', () => {
      const { index, load, marks } = setup();
      const cache = new LookupCache('validated', 1, marks);
      const a = index.get(0);
      const b = index.get(1);
      if (a === undefined) throw new Error('setup');
      cache.lookup(0, 0, load);
      expect(cache.peek(0, 0, load)).toBe(a);
      expect(cache.peek(0, 1, load)).toBe(b);
      // Cluster 0 is freed (DEAD, erased from the index) while cached: the lookup would reject
      // it and read the index, which holds nothing for id 0 ...
      a.flags = 'dead';
      index.delete(0);
      expect(cache.peek(0, 0, load)).toBeUndefined();
      // ... and after the id is reused, the new cluster.
      const fresh = new VirtualCluster(0, 4);
      index.set(0, fresh);
      expect(cache.peek(0, 0, load)).toBe(fresh);
      // The stale pointer stays cached until a real lookup replaces it.
      expect(cache.cachedOf(0)).toBe(a);
      expect(marks.get('lookup-cache-stale-rejected')).toBe(0);
    });
  });
});

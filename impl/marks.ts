/**
 * Coverage marks: counters bumped when the impl reaches an interesting state (a count
 * overflowing into the extend table, a cluster reaching the discard list, a stale lookup-cache
 * entry being rejected ...). The run summary prints them by name, so a campaign shows which
 * corners it actually reached (TigerBeetle's coverage marks).
 *
 * A mark is a constant id (`mark['enospc']`, an index into one counter array), so that hitting
 * it on a hot path is an array increment; its name is the key it is spelled with here, and is
 * what a snapshot prints. A new mark takes the next free id.
 *
 * Not covered here: which states are interesting; each module hits its own marks.
 */
import { assert } from '../lib/assert.ts';

/** Every mark, by the name a snapshot prints, with its id. */
export const mark = {
  'alloc-large-first-device-failed': 0,
  'alloc-order0-steal': 1,
  'alloc-percpu-hit': 2,
  'alloc-reclaim-full-cluster': 3,
  'alloc-retry-after-discard': 4,
  'alloc-run-reclaimed': 5,
  'alloc-run-reclaimed-by-scan': 6,
  'alloc-vswap-fallback': 7,
  'cluster-list-discard': 8,
  'cluster-list-frag': 9,
  'cluster-list-free': 10,
  'cluster-list-full': 11,
  'cluster-list-nonfull': 12,
  'count-extend-increment': 13,
  'count-overflow-extend': 14,
  'discard-flushed': 15,
  enomem: 16,
  'enomem-charge': 17,
  'enomem-dup': 18,
  'enomem-swapin': 19,
  'enomem-writeout-charge': 20,
  'enomem-zswap-writeback': 21,
  enospc: 22,
  'enospc-alloc-swap': 23,
  'enospc-writeout': 24,
  'enospc-zswap-writeback': 25,
  'extend-table-alloc': 26,
  'extend-table-alloc-failed': 27,
  'extend-table-freed': 28,
  'lookup-cache-hit': 29,
  'lookup-cache-invalidate-empty': 30,
  'lookup-cache-invalidate-switch': 31,
  'lookup-cache-miss': 32,
  'lookup-cache-stale-rejected': 33,
  'memcg-charge-fail-alloc': 34,
  'memcg-charge-fail-writeback': 35,
  'memcg-charge-fail-writeout': 36,
  'memcg-swap-full-free-swapin': 37,
  'memcg-swap-full-zap-reclaim': 38,
  'memcg-table-deferred-alloc': 39,
  'reclaim-backing': 40,
  'reclaim-cache': 41,
  'rmap-cache-only-set': 42,
  'rmap-walk-slots': 43,
  'split-swapcache': 44,
  'swapin-cache-hit-mixed-exclusive': 45,
  'swapin-cache-hit-whole': 46,
  'swapin-free-swap-cache': 47,
  'swapin-large': 48,
  'swapin-large-mixed-exclusive': 49,
  'swapin-large-mixed-memcg': 50,
  'swapin-large-stale-zswap': 51,
  'swapoff-live-entries': 52,
  'swapoff-vswap-read': 53,
  'vcluster-created': 54,
  'vcluster-freed': 55,
  'vcluster-id-reused': 56,
  'vcluster-list-discard': 57,
  'vcluster-list-frag': 58,
  'vcluster-list-free': 59,
  'vcluster-list-full': 60,
  'vcluster-list-nonfull': 61,
  'vm-swap-full': 62,
  'vswap-index-lookup': 63,
  'vswap-scan-slots-reclaim': 64,
  'vswap-scan-slots-swapoff': 65,
  'write-cow': 66,
  'write-free-swap-cache': 67,
  'write-reuse': 68,
  'writeout-keep-backing': 69,
  'zap-free-swap-cache': 70,
  'zap-reclaim-swap-cache': 71,
  'zero-writeout-stale-zswap': 72,
  'zswap-disabled-erase': 73,
  'zswap-store-failed-erase': 74,
  'zswap-store-full-own-objects': 75,
  'zswap-store-replaced-stale': 76,
  'zswap-writeback-redirect': 77,
  'zswap-writeback-same-slot': 78,
} as const;

export type MarkName = keyof typeof mark;
/** The id of a mark (a value of `mark`). */
export type MarkId = (typeof mark)[MarkName];

/** Mark names by id. */
const markNames: readonly MarkName[] = (Object.keys(mark) as MarkName[]).sort(
  (a, b) => mark[a] - mark[b],
);
const markCount = markNames.length;
// The ids are 0..markCount-1, each used once: the counter array has no hole and no alias.
for (const [id, name] of markNames.entries()) assert(mark[name] === id, `mark ${name}: id ${id}`);

/** Mark ids in the order of their names: a snapshot lists its keys sorted. */
const idsByName: readonly MarkId[] = [...markNames].sort().map((name) => mark[name]);

export class Marks {
  private readonly counts = new Array<number>(markCount).fill(0);

  /** Counts one occurrence (or `n`) of mark `id`. */
  hit(id: MarkId, n = 1): void {
    assert(id >= 0 && id < markCount, 'mark id');
    assert(Number.isInteger(n) && n >= 1, 'mark count: a positive integer');
    this.counts[id] = (this.counts[id] ?? 0) + n;
  }

  get(name: MarkName): number {
    return this.counts[mark[name]] ?? 0;
  }

  /** The marks hit at least once, by name, keys sorted. */
  snapshot(): Readonly<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const id of idsByName) {
      const count = this.counts[id] ?? 0;
      if (count > 0) out[markNames[id] ?? ''] = count;
    }
    return out;
  }
}

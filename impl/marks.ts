/**
 * Coverage marks: named counters bumped when the impl reaches an interesting state (a count
 * overflowing into the extend table, a cluster reaching the discard list, a stale lookup-cache
 * entry being rejected ...). The run summary prints them, so a campaign shows which corners
 * it actually reached (TigerBeetle's coverage marks).
 *
 * Not covered here: which states are interesting; each module names its own marks.
 */
import { assert } from '../lib/assert.ts';

export class Marks {
  private readonly counts = new Map<string, number>();

  /** Counts one occurrence (or `n`) of the state `name`. */
  hit(name: string, n = 1): void {
    assert(name.length > 0, 'mark name');
    assert(Number.isInteger(n) && n >= 0, 'mark count: a non-negative integer');
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** A snapshot, keys sorted. */
  snapshot(): Readonly<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const name of [...this.counts.keys()].sort()) out[name] = this.counts.get(name) ?? 0;
    return out;
  }
}

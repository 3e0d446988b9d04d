/**
 * What an op returns. Expected failures are values (errno names), never exceptions. Most fields
 * are compared exactly between model and impl; the fields marked "design choice" carry a
 * decision the model cannot make alone (which device, virtual or direct, what the allocator
 * reclaimed, whether a large swapin was possible). The model validates each choice against its
 * own state and then follows it; docs/allowances.md lists every one, since each weakens the
 * check.
 *
 * Not covered here: observations of state (lib/observation.ts).
 */

export type Errno = 'OK' | 'EINVAL' | 'EBUSY' | 'ENOSPC' | 'ENOMEM' | 'EEXIST';

/** Which path an op took; compared exactly. */
export type How =
  | 'cache-hit'
  | 'read-disk'
  | 'read-zswap'
  | 'read-zero'
  | 'freed'
  | 'clean'
  | 'zero'
  | 'zswap'
  | 'disk'
  | 'cow'
  | 'reuse'
  | 'in-place';

/**
 * A side effect of the allocator when swap is more than half full (vm_swap_full()).
 * `cache`: folio_free_swap() of a folio whose entries all have count 0 (the entries are freed).
 * `backing`: a cache-only virtual entry loses its physical backing; the folio becomes dirty.
 */
export interface Reclaim {
  readonly folio: number;
  readonly kind: 'cache' | 'backing';
}

export interface Outcome {
  readonly errno: Errno;
  /** The path taken, for ops with more than one successful path. */
  readonly how?: How;
  /** swapin, zap, write: the op freed a swap cache (should_try_to_free_swap(),
   * free_swap_cache(), __try_to_reclaim_swap(), or do_wp_page()'s folio_free_swap()). */
  readonly freedCache?: boolean;
  /** swapin with `write`: the mapping was not exclusive, so do_wp_page() ran and reused the
   * page or copied it. */
  readonly wp?: 'reuse' | 'cow';
  /** Design choice, allocSwap: the new entries are virtual (vswap) rather than physical. */
  readonly virtual?: boolean;
  /** Design choice: the physical device that received slots (allocSwap of physical entries,
   * writeout or zswapWriteback that allocated backing for virtual entries). */
  readonly device?: number;
  /** Design choice: what the allocator reclaimed before allocating, in order. */
  readonly reclaimed?: readonly Reclaim[];
  /** Design choice, swapin read: the order of the folio read (0 or the requested order). */
  readonly order?: number;
}

/** The impl's outcome also names the first entry value of a successful allocSwap. */
export interface ImplOutcome extends Outcome {
  readonly entry?: number;
}

/** Deterministic text for an outcome, with keys in a fixed order. */
export function formatOutcome(outcome: Outcome): string {
  const parts: string[] = [outcome.errno];
  if (outcome.how !== undefined) parts.push(`how=${outcome.how}`);
  if (outcome.order !== undefined) parts.push(`order=${outcome.order}`);
  if (outcome.virtual !== undefined) parts.push(`virtual=${outcome.virtual}`);
  if (outcome.device !== undefined) parts.push(`device=${outcome.device}`);
  if (outcome.freedCache !== undefined) parts.push(`freedCache=${outcome.freedCache}`);
  if (outcome.wp !== undefined) parts.push(`wp=${outcome.wp}`);
  if (outcome.reclaimed !== undefined && outcome.reclaimed.length > 0) {
    parts.push(
      `reclaimed=[${outcome.reclaimed.map((r) => `${r.kind}:folio${r.folio}`).join(',')}]`,
    );
  }
  return parts.join(' ');
}

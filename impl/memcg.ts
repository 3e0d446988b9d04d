/**
 * Memory cgroup swap accounting (cgroup v2, mm/memcontrol.c): the memcg ids a swap slot
 * records and the per-memcg swap page counters (memcg->swap, a page_counter with
 * memory.swap.max as its limit).
 *
 * A memcg is named by its id (mem_cgroup_id(), an unsigned short), which is what every
 * memcg_table entry and every folio (folio_memcg()) stores here:
 *
 *   memcg id: |--------------- ID:16 ---------------|
 *             0          no memcg recorded (a free slot: swap_cgroup_clear() left it)
 *             1          the root cgroup: recorded, never charged (mem_cgroup_is_root())
 *             2 .. 17    Config.memcgs[0 .. 15]
 *   bit:       15                                  0
 *
 * A slot's id lives in its cluster's memcg_table, one id per slot beside the swap table
 * (SwapCluster.memcgTable): for a physical entry in its device's cluster, for a virtual entry
 * in its virtual cluster (the vswap descriptor's 16-bit memcg id; the RFC's vswap cluster
 * keeps count, cache, shadow and memcg as a physical cluster does). A physical slot that only
 * backs a virtual entry (a Pointer word, or a bitmap bit) records nothing: the charge is the
 * virtual entry's.
 *
 * When a slot is charged (docs/semantics.md "Swap charge"): a physical entry from
 * folio_alloc_swap() (__mem_cgroup_try_charge_swap(), which records the id only after the
 * charge succeeds) until it is freed (__swap_cluster_free_entries() ->
 * mem_cgroup_uncharge_swap() of the id swap_cgroup_clear() returns); a virtual entry only
 * while it has disk backing (RFC patch 4: vswap_alloc() records the id,
 * folio_realloc_swap() charges the backing, vswap_release_backing() uncharges it).
 *
 * Not covered here: where the charge and uncharge happen (impl/ops-swap-out.ts,
 * impl/ops-swap-in.ts, impl/swap-state.ts), the audit that recounts the charges from the
 * memcg tables (impl/audit.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { configLimits, memcgOfHolder, type Config } from '../lib/config.ts';

export const MEMCG_ID_BITS = 16;
/** MEM_CGROUP_ID_MAX: ids are unsigned shorts. */
export const MEMCG_ID_MAX = 2 ** MEMCG_ID_BITS - 1;
/** A memcg_table entry of a free slot (swap_cgroup_clear() returns it for "nothing"). */
export const MEMCG_ID_NONE = 0;
/** The root cgroup's id; the first id the idr hands out. */
export const MEMCG_ID_ROOT = MEMCG_ID_NONE + 1;
/** The id of Config.memcgs[0]; memcg i has MEMCG_ID_FIRST + i. */
export const MEMCG_ID_FIRST = MEMCG_ID_ROOT + 1;

// Every configurable memcg has an id that fits the memcg_table entry (the BUILD_BUG_ON
// analogue), and "none", the root and the first memcg are distinct.
assert(MEMCG_ID_FIRST + configLimits.memcgsMax - 1 <= MEMCG_ID_MAX);
assert(MEMCG_ID_NONE < MEMCG_ID_ROOT && MEMCG_ID_ROOT < MEMCG_ID_FIRST);
assert(MEMCG_ID_BITS === 8 * Uint16Array.BYTES_PER_ELEMENT);

// Helpers for casting a memcg (index into Config.memcgs, null for the root) into an id.

/** The id of memcg `index` of Config.memcgs, or of the root for null. */
export function memcgToId(index: number | null): number {
  if (index === null) return MEMCG_ID_ROOT;
  assertThat(
    Number.isInteger(index) && index >= 0 && index < configLimits.memcgsMax,
    'memcg ',
    index,
  );
  return MEMCG_ID_FIRST + index;
}

/** The id of the memcg holder `holder`'s process belongs to (the task's mem_cgroup). */
export function holderMemcgId(config: Config, holder: number): number {
  return memcgToId(memcgOfHolder(config, holder));
}

// Helpers for memcg id type checking.

export function memcgIdIsRecorded(id: number): boolean {
  return id !== MEMCG_ID_NONE;
}

export function memcgIdIsRoot(id: number): boolean {
  return id === MEMCG_ID_ROOT; // mm/memcontrol.c: mem_cgroup_is_root()
}

// Helpers for retrieving a memcg from an id.

/** The index into Config.memcgs of a recorded id, or null for the root. */
export function memcgIdToIndex(id: number): number | null {
  assert(memcgIdIsRecorded(id), 'no memcg recorded');
  assertThat(Number.isInteger(id) && id <= MEMCG_ID_MAX, 'memcg id ', id);
  return memcgIdIsRoot(id) ? null : id - MEMCG_ID_FIRST;
}

/**
 * The swap page counters of the memcgs below the root (memcg->swap): usage in pages and
 * memory.swap.max (null: "max", PAGE_COUNTER_MAX). The root has none: it is never charged.
 */
export class MemcgSwapCounters {
  /** page_counter_read(&memcg->swap), by memcg index. */
  private readonly usage: number[];
  /** memory.swap.max, by memcg index. */
  private readonly max: readonly (number | null)[];
  /** One past the largest valid id. */
  private readonly ids: number;

  constructor(config: Config) {
    const memcgs = config.memcgs ?? [];
    assertThat(memcgs.length <= configLimits.memcgsMax, memcgs.length, ' memcgs');
    this.usage = memcgs.map(() => 0);
    this.max = memcgs.map((memcg) => memcg.swapMax);
    this.ids = MEMCG_ID_FIRST + memcgs.length;
  }

  /** How many memcgs below the root there are. */
  get count(): number {
    return this.usage.length;
  }

  /** Whether `id` names the root or a configured memcg. */
  isValid(id: number): boolean {
    return Number.isInteger(id) && id >= MEMCG_ID_ROOT && id < this.ids;
  }

  /** memory.swap.current of memcg `index`, in pages. */
  current(index: number): number {
    const usage = this.usage[index];
    assertThat(usage !== undefined, 'memcg ', index);
    return usage;
  }

  /** memory.swap.max of memcg `index`, or null for no limit. */
  limit(index: number): number | null {
    const max = this.max[index];
    assertThat(max !== undefined, 'memcg ', index);
    return max;
  }

  /**
   * Charges `nr` pages to memcg `id` (page_counter_try_charge()); false, charging nothing,
   * when the usage would exceed swap.max. The root is never charged and never fails.
   */
  tryCharge(id: number, nr: number): boolean {
    assertThat(this.isValid(id), 'charge of memcg id ', id);
    assertThat(Number.isInteger(nr) && nr >= 1, 'charge of ', nr, ' pages');
    const index = memcgIdToIndex(id);
    if (index === null) return true;
    const usage = this.current(index);
    const max = this.limit(index);
    if (max !== null && usage + nr > max) return false;
    this.usage[index] = usage + nr;
    return true;
  }

  /** Uncharges `nr` pages from memcg `id` (page_counter_uncharge()); the root has nothing. */
  uncharge(id: number, nr: number): void {
    assertThat(this.isValid(id), 'uncharge of memcg id ', id);
    assertThat(Number.isInteger(nr) && nr >= 1, 'uncharge of ', nr, ' pages');
    const index = memcgIdToIndex(id);
    if (index === null) return;
    const usage = this.current(index) - nr;
    assertThat(usage >= 0, 'memcg ', index, ' swap usage below zero');
    this.usage[index] = usage;
  }

  /**
   * The memcg half of mem_cgroup_swap_full(): memcg `id` has a swap.max and uses at least
   * half of it (`swap.high` is not modelled). The root never is.
   */
  swapFull(id: number): boolean {
    assertThat(this.isValid(id), 'memcg id ', id);
    const index = memcgIdToIndex(id);
    if (index === null) return false;
    const max = this.limit(index);
    return max !== null && this.current(index) * 2 >= max;
  }

  /** Every memcg's memory.swap.current, in config order (Observation.memcgSwapCurrent). */
  snapshot(): number[] {
    return [...this.usage];
  }
}

/**
 * The operations of the swap state machine: one variant per kernel path, each naming the CPU it
 * runs on. A trace is a list of these objects, so every field is plain JSON. The semantics of
 * each op (preconditions, effects, failures) are in docs/semantics.md; both model/ and impl/
 * implement exactly that text.
 *
 * Not covered here: generation of ops (properties/generator.ts, properties/op-template.ts) and parsing of traces (cli/).
 */

/** swapon(2) of device `device` (an index into Config.devices). */
export interface SwaponOp {
  readonly op: 'swapon';
  readonly device: number;
  readonly cpu: number;
}
/** swapoff(2): clear write-ok, try_to_unuse(), take the device offline. */
export interface SwapoffOp {
  readonly op: 'swapoff';
  readonly device: number;
  readonly cpu: number;
}
/** Anonymous page fault mapping a fresh zero-filled folio of 2^order pages at `holder`. */
export interface FaultOp {
  readonly op: 'fault';
  readonly holder: number;
  readonly order: number;
  readonly cpu: number;
}
/** A store to the page mapped at `holder`; copy-on-write when the page is shared. */
export interface WriteOp {
  readonly op: 'write';
  readonly holder: number;
  readonly value: number;
  readonly cpu: number;
}
/** fork(): copy `holder` into the empty `target` (swap_dup_entry_direct for a swap entry). */
export interface ForkOp {
  readonly op: 'fork';
  readonly holder: number;
  readonly target: number;
  readonly cpu: number;
  /** Inject failure of an atomic and a sleeping extend-table allocation (-ENOMEM). */
  readonly failAlloc?: boolean;
}
/** folio_alloc_swap() for the folio mapped at `holder`. */
export interface AllocSwapOp {
  readonly op: 'allocSwap';
  readonly holder: number;
  readonly cpu: number;
  /** Inject a memcg swap charge failure after the slots were allocated (-ENOMEM). */
  readonly failAlloc?: boolean;
}
/** try_to_unmap() of one PTE: folio_dup_swap() and store the entry in `holder`. */
export interface UnmapOp {
  readonly op: 'unmap';
  readonly holder: number;
  readonly cpu: number;
  /** Inject failure of the extend-table allocation (-ENOMEM). */
  readonly failAlloc?: boolean;
}
/** swap_writeout() of folio `folio` (a folio id). */
export interface WriteoutOp {
  readonly op: 'writeout';
  readonly folio: number;
  readonly cpu: number;
  /** Inject a zswap_store() failure. */
  readonly failZswap?: boolean;
  /** Inject a memcg swap charge failure of new disk backing for virtual entries
   * (folio_realloc_swap(), -ENOMEM); physical entries were charged at allocSwap. */
  readonly failAlloc?: boolean;
}
/** Reclaim a clean, unmapped swap-cache folio: delete it from the swap cache, leave shadows. */
export interface EvictOp {
  readonly op: 'evict';
  readonly folio: number;
  readonly cpu: number;
}
/** do_swap_page() on `holder`: swap-cache hit or read (order > 0 asks for a large folio). */
export interface SwapinOp {
  readonly op: 'swapin';
  readonly holder: number;
  readonly order: number;
  readonly cpu: number;
  /** Inject failure of the folio allocation (-ENOMEM). */
  readonly failAlloc?: boolean;
  /** A write fault (FAULT_FLAG_WRITE): the mapping ends writable, through do_wp_page() when
   * it is not exclusive. */
  readonly write?: boolean;
}
/** zap_pte_range() on `holder`: unmap a page or swap_put_entries_direct() a swap entry. */
export interface ZapOp {
  readonly op: 'zap';
  readonly holder: number;
  readonly cpu: number;
}
/** folio_free_swap() of folio `folio`. */
export interface FreeSwapCacheOp {
  readonly op: 'freeSwapCache';
  readonly folio: number;
  readonly cpu: number;
}
/** zswap_writeback_entry() of the entry held by `holder`. */
export interface ZswapWritebackOp {
  readonly op: 'zswapWriteback';
  readonly holder: number;
  readonly cpu: number;
  /** Inject failure of the swap-cache folio allocation (-ENOMEM). */
  readonly failAlloc?: boolean;
}
/** split_folio() of the large folio `folio`, down to order 0. */
export interface SplitOp {
  readonly op: 'split';
  readonly folio: number;
  readonly cpu: number;
}
/** Write to /sys/module/zswap/parameters/enabled. */
export interface SetZswapOp {
  readonly op: 'setZswap';
  readonly enabled: boolean;
  readonly cpu: number;
}

export type Op =
  | SwaponOp
  | SwapoffOp
  | FaultOp
  | WriteOp
  | ForkOp
  | AllocSwapOp
  | UnmapOp
  | WriteoutOp
  | EvictOp
  | SwapinOp
  | ZapOp
  | FreeSwapCacheOp
  | ZswapWritebackOp
  | SplitOp
  | SetZswapOp;

export type OpName = Op['op'];

/** Every op name, in the order docs/semantics.md describes them. */
export const opNames: readonly OpName[] = [
  'swapon',
  'swapoff',
  'fault',
  'write',
  'fork',
  'allocSwap',
  'unmap',
  'writeout',
  'evict',
  'swapin',
  'zap',
  'freeSwapCache',
  'zswapWriteback',
  'split',
  'setZswap',
];

/** The kernel function each op stands for, for readable traces. */
export const opKernelNames: Readonly<Record<OpName, string>> = {
  swapon: 'sys_swapon',
  swapoff: 'sys_swapoff / try_to_unuse',
  fault: 'do_anonymous_page',
  write: 'do_wp_page',
  fork: 'copy_nonpresent_pte / swap_dup_entry_direct',
  allocSwap: 'folio_alloc_swap',
  unmap: 'try_to_unmap_one / folio_dup_swap',
  writeout: 'swap_writeout',
  evict: 'shrink_folio_list / __swap_cache_del_folio',
  swapin: 'do_swap_page',
  zap: 'zap_pte_range / swap_put_entries_direct',
  freeSwapCache: 'folio_free_swap',
  zswapWriteback: 'zswap_writeback_entry',
  split: 'split_folio / __swap_cache_replace_folio',
  setZswap: 'zswap_enabled_param_set',
};

/** A compact, readable rendering: `swapin(holder=3, order=0) @cpu1`. */
export function formatOp(op: Op): string {
  const { op: name, cpu, ...rest } = op;
  const args = Object.entries(rest)
    // An injected failure that is off is left out; every other field is shown.
    .filter(([key, value]) => value !== undefined && !(value === false && key.startsWith('fail')))
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
  return `${name}(${args}) @cpu${cpu}`;
}

/**
 * The userspace actions a kernel program is made of, and the model ops each stands for. One
 * action is one thing a test program does (a store, a load, madvise(), fork(), swapon(2), a
 * write to memory.reclaim); the model sees it as one or more ops (MADV_PAGEOUT of a page is
 * allocSwap, unmap, writeout and, when the write completes at once, evict). kernel/session.ts
 * expands an action into its ops in a given model state; the translator checks that a trace
 * holds exactly those ops, and the generator emits them.
 *
 * Not covered here: the expansion itself (kernel/session.ts) and the C each action becomes
 * (kernel/emit-c.ts).
 */
import type { Errno } from '../lib/outcome.ts';

export type Action =
  /** swapon(2) of the device. */
  | { readonly kind: 'swapon'; readonly device: number }
  /** swapoff(2) of the device. */
  | { readonly kind: 'swapoff'; readonly device: number }
  /** A store of 0 to an unmapped page: do_anonymous_page() maps a new zero-filled page. */
  | { readonly kind: 'fault'; readonly holder: number }
  /** A store of `value` to a present page (do_wp_page() when it is mapped read-only). */
  | { readonly kind: 'write'; readonly holder: number; readonly value: number }
  /** A load from a swapped-out page: do_swap_page() for a read fault. */
  | { readonly kind: 'read'; readonly holder: number }
  /** A store to a swapped-out page of the content it already holds: do_swap_page() for a
   * write fault, then do_wp_page() when the mapping is not exclusive. The value is the page's
   * content in the model's state at that point, so the content does not change. */
  | { readonly kind: 'writeFault'; readonly holder: number }
  /** madvise(MADV_DONTNEED) of the page: zap_pte_range(). */
  | { readonly kind: 'zap'; readonly holder: number }
  /** fork() with every other page marked MADV_DONTFORK: the child holds `target`, a copy of
   * `holder`'s page at the same address. */
  | { readonly kind: 'fork'; readonly holder: number; readonly target: number }
  /** madvise(MADV_PAGEOUT) of a page mapped once: shrink_folio_list() of its folio. */
  | { readonly kind: 'pageout'; readonly holder: number }
  /** A write to the cgroup's memory.reclaim with every mapped page mlock()ed: evicts every
   * clean, unmapped swap-cache folio. */
  | { readonly kind: 'reclaim' }
  /** A write to /sys/module/zswap/parameters/enabled. */
  | { readonly kind: 'zswap'; readonly enabled: boolean }
  /** An op that fails in the model and has no userspace counterpart (a store to an unmapped
   * holder would fault a page in, so it is not made): nothing runs. */
  | { readonly kind: 'skip'; readonly errno: Errno };

export type ActionKind = Action['kind'];

/** A short human description: `MADV_PAGEOUT holder 3`. */
export function formatAction(action: Action): string {
  switch (action.kind) {
    case 'swapon':
      return `swapon device ${action.device}`;
    case 'swapoff':
      return `swapoff device ${action.device}`;
    case 'fault':
      return `fault holder ${action.holder} (store 0 to an unmapped page)`;
    case 'write':
      return `write ${action.value} to holder ${action.holder}`;
    case 'read':
      return `read holder ${action.holder} (swap-in read fault)`;
    case 'writeFault':
      return `store to holder ${action.holder} of its own content (swap-in write fault)`;
    case 'zap':
      return `MADV_DONTNEED holder ${action.holder}`;
    case 'fork':
      return `fork: holder ${action.target} in a new child copies holder ${action.holder}`;
    case 'pageout':
      return `MADV_PAGEOUT holder ${action.holder}`;
    case 'reclaim':
      return 'memory.reclaim (evicts clean unmapped swap-cache folios)';
    case 'zswap':
      return `zswap enabled=${action.enabled ? 'Y' : 'N'}`;
    case 'skip':
      return `nothing (${action.errno} in the model)`;
  }
}

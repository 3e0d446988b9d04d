/**
 * Observations: the design-independent projection of a system's state that the model and the
 * impl must agree on after every op. Entries are keyed by a number: the model's entry serial on
 * the model side, the impl's entry value on the impl side; the harness translates impl values to
 * model serials through its identity map before comparing.
 *
 * Not covered here: white-box invariants of the impl (impl/audit.ts).
 */

/** What a page-table slot holds. Content is what a read of the page would return. */
export type HolderView =
  | { readonly kind: 'empty' }
  /** `exclusive`: the mapping is exclusive (PageAnonExclusive): a store writes in place. */
  | {
      readonly kind: 'present';
      readonly folio: number;
      readonly page: number;
      readonly content: number;
      readonly exclusive: boolean;
    }
  /** `exclusive`: the swap PTE's exclusive bit (pte_swp_exclusive()). */
  | {
      readonly kind: 'swap';
      readonly entry: number;
      readonly content: number | 'lost';
      readonly exclusive: boolean;
    };

/** Where an entry's data can be read from when it is not in the swap cache. */
export type BackendKind = 'none' | 'zero' | 'zswap' | 'disk';

export interface EntryView {
  /** Key: model serial or impl entry value. */
  readonly entry: number;
  /** Swap count: the number of holders that hold the entry. */
  readonly count: number;
  /** The swap-cache folio and the page of it bound to this entry, or null. */
  readonly cache: { readonly folio: number; readonly page: number } | null;
  /** A workingset shadow is stored for the entry. */
  readonly shadow: boolean;
  /** Where the entry's data lives besides the swap cache ('zero' is the zero flag). */
  readonly backend: BackendKind;
  /** The physical device whose slot the entry occupies or is backed by, or null. */
  readonly device: number | null;
  /** The entry is a virtual swap entry (redirectable without touching holders). */
  readonly virtual: boolean;
  /** What a read of the entry returns through the design's own lookup path. */
  readonly content: number | 'lost';
  /** A stale zswap object is left beside the zero flag (a zero writeout of a physical entry
   * returns before zswap_store() replaces it); it counts in zswapStored. */
  readonly staleZswap: boolean;
  /** The memcg recorded for the entry (index into Config.memcgs), null for the root cgroup. */
  readonly memcg: number | null;
}

export interface FolioView {
  readonly id: number;
  readonly order: number;
  readonly dirty: boolean;
  /** In the swap cache. */
  readonly cached: boolean;
  readonly pages: readonly number[];
}

export interface DeviceView {
  readonly online: boolean;
  readonly writeOk: boolean;
  /** si->inuse_pages: occupied slots other than bad ones (entries or backing). */
  readonly inuse: number;
}

export interface Observation {
  readonly holders: readonly HolderView[];
  /** Every live entry, sorted by key. */
  readonly entries: readonly EntryView[];
  /** Every live folio (mapped or in the swap cache), sorted by id. */
  readonly folios: readonly FolioView[];
  readonly devices: readonly DeviceView[];
  /** nr_swap_pages: free usable slots over online devices. */
  readonly swapFreePages: number;
  /** Compressed objects held by the zswap pool. */
  readonly zswapStored: number;
  readonly zswapEnabled: boolean;
  /** memory.swap.current of each memcg of Config.memcgs, in pages, in config order. */
  readonly memcgSwapCurrent: readonly number[];
}

/**
 * An observation without its holder, entry and folio lists: the whole-system fields, and how
 * many items each list would have. A full check reads it with the items one at a time
 * (SwapSystem.observeSummary()) instead of building the whole observation.
 */
export interface ObservationSummary extends Omit<Observation, 'holders' | 'entries' | 'folios'> {
  readonly holderCount: number;
  readonly entryCount: number;
  readonly folioCount: number;
}

/**
 * The mutant catalogue: deliberately broken variants of the built-in designs, one realistic
 * bug each, that the harness must catch. createSystem(config, knobs, name) switches a mutant on;
 * the bug itself is a small branch `if (state.mutant === 'name')` (or `this.mutant`) at the
 * line of the impl where it would live, commented with the mutant's name and the kernel bug or
 * design risk it mirrors. With no mutant the branches cost one comparison against null.
 *
 * Each entry records the bug, what it mirrors (brief §5 commit or thread where there is one),
 * the built-in designs it is meaningful on, what the harness reports first on the shortest
 * known trace (committed as properties/mutants/NAME.json) and that trace's length.
 * properties/canary.test.ts replays every trace and runs a seeded campaign against every
 * mutant; docs/mutants.md is generated from this table.
 *
 * Not covered here: the branches themselves (grep for `MUTANT name` in impl/), and the audits
 * that no mutant can reach first (docs/mutants.md explains which and why).
 */
import type { InvariantName } from '../lib/invariant.ts';
import type { Knobs } from '../lib/system.ts';

/** What the harness reports first (properties/checker.ts FailureKind, less model-crash). */
export type MutantCatchKind =
  | 'observation'
  | 'outcome'
  | 'invariant'
  | 'identity'
  | 'allowance'
  | 'drain'
  | 'impl-crash'
  // What the explorer reports first (explore/concurrent.ts), for race mutants only.
  | 'linearizability'
  | 'use-after-free'
  | 'deadlock'
  | 'livelock';

/**
 * A race mutant: a bug only an interleaving exposes, in a sectioned op (impl/sections-ops.ts).
 * Its committed trace is a concurrent trace (format version 2) and `swapcheck explore` kills
 * it; `shortest` is then the length of that trace's schedule in steps.
 */
export interface RaceMutantDoc {
  /** The explorer config its trace and campaigns run on (explore/config.ts). */
  readonly config: 'explore' | 'explore-zswap';
  /** The legacy swapin knob it needs (impl/sections.ts SyncSwapin). */
  readonly syncSwapin: 'swap-cache' | 'skip-pinned' | 'skip-unpinned';
  /**
   * The scenario family explore kills it with (explore/scenario.ts): `pairs` (the default: one
   * op per CPU) or `lifecycle` (one op against every program of up to `maxOps` ops on its
   * holder), for a bug that needs several ops on the other CPU.
   */
  readonly family?: 'pairs' | 'lifecycle';
  /** Ops per program of that family (1 for pairs). */
  readonly maxOps?: number;
}

export interface MutantDoc {
  /** One sentence: the bug. */
  readonly summary: string;
  /** The kernel commit or thread it mirrors (brief §5), else the design risk. */
  readonly mirrors: string;
  /** Built-in designs the mutant is meaningful on; the first is where its trace runs. */
  readonly designs: readonly string[];
  /** Knob values the mutant needs on each of its designs, for a bug in a knob value no preset
   * has (the designs then run as `NAME[knob=value]`, its trace and self-check included). */
  readonly knobs?: Partial<Knobs>;
  /** The first failure the harness reports on the shortest trace. */
  readonly catches: { readonly kind: MutantCatchKind; readonly invariant?: InvariantName };
  /** Length of the shortest known trace (properties/mutants/NAME.json). */
  readonly shortest: number;
  /** Set for a race mutant (found by `swapcheck explore`, not by `run`). */
  readonly race?: RaceMutantDoc;
}

/** A mutant's design reference on `design` (its first unless named): the design with the
 * mutant's knob overrides, and with the mutant switched on unless `switchedOn` is false. */
export function mutantDesignRef(name: string, design?: string, switchedOn = true):
  { readonly base: string; readonly knobs?: Partial<Knobs>; readonly mutant?: string } {
  const entry = mutantCatalogue[name];
  if (entry === undefined) throw new Error(`unknown mutant ${name}`);
  const base = design ?? entry.designs[0];
  if (base === undefined) throw new Error(`mutant ${name} lists no design`);
  return { base, ...(entry.knobs === undefined ? {} : { knobs: entry.knobs }), ...(switchedOn ? { mutant: name } : {}) };
}

/** A mutant's design as the catalogue shows it: `NAME` or `NAME[knob=value,...]`. */
export function mutantDesignLabel(entry: MutantDoc, design: string): string {
  const knobs = Object.entries(entry.knobs ?? {}).map(([key, value]) => `${key}=${String(value)}`);
  return knobs.length === 0 ? design : `${design}[${knobs.join(',')}]`;
}

/** The first failure a mutant's committed trace must give, as `kind[invariant]` (or `kind`). */
export function cataloguedFailure(entry: MutantDoc): string {
  const { kind, invariant } = entry.catches;
  return invariant === undefined ? kind : `${kind}[${invariant}]`;
}

const allDesigns = ['classic', 'vswap-rfc', 'vswap-all', 'vswap-direct', 'vswap-direct-cached'] as const;
const virtualDesigns = ['vswap-all', 'vswap-direct', 'vswap-direct-cached'] as const;
const keptRmapDesigns = ['vswap-all'] as const;
const elidedDesigns = ['vswap-direct', 'vswap-direct-cached'] as const;

export const mutantCatalogue: Record<string, MutantDoc> = {
  // Counts.
  'extend-put-off-by-one': {
    summary: 'A put on an overflowed count folds the extend-table count back into the swap ' +
      'table word one reference too early (`>` for `>=` at the sentinel boundary), losing a count.',
    mirrors: 'mm, swap: fix race between swap count continuation operations (2628bd6fc052, ' +
      '§5 #11): stored count incl. overflow storage must equal live references',
    designs: allDesigns,
    catches: { kind: 'impl-crash' },
    shortest: 7,
  },
  'overflow-no-rollback': {
    summary: 'A dup that needs the extend table takes the count to the sentinel before the ' +
      'allocation fails, and the rollback starts one slot too early, so -ENOMEM leaves the ' +
      'count raised.',
    mirrors: 'count-continuation failure paths of __swap_duplicate() (§5 #11, §7.3 #1); every ' +
      'error path restores the pre-state (§5 #5)',
    designs: allDesigns,
    catches: { kind: 'observation' },
    shortest: 6,
  },
  'extend-table-leak': {
    summary: 'When the last overflowed count drops back below the sentinel, the emptied extend ' +
      'table is not freed.',
    mirrors: 'design risk of the swap table extend table (phase III): overflow storage must be ' +
      'freed with its last user; canary for the count-conservation audit',
    designs: allDesigns,
    catches: { kind: 'invariant', invariant: 'count-conservation' },
    shortest: 6,
  },
  'put-skips-free': {
    summary: 'The last put of an uncached entry leaves the slot allocated with count 0 and no ' +
      'swap cache, the state in which a first dup must be refused.',
    mirrors: 'swap_dup_entry_direct() refusing a dup of an uncached count-0 slot (phase II, ' +
      '§2.5); sequentially no op can dup a slot nobody holds, so the stray slot is caught',
    designs: allDesigns,
    catches: { kind: 'observation' },
    shortest: 6,
  },
  // Swap cache and shadows.
  'shadow-left-after-free': {
    summary: 'Eviction stores a workingset shadow in every slot of the folio and then skips ' +
      'freeing the slots that hold a shadow, so unreferenced entries are left as shadows.',
    mirrors: '§7.3 #6: a shadow only on referenced, uncached entries; freeing erases it',
    designs: allDesigns,
    catches: { kind: 'observation' },
    shortest: 7,
  },
  'split-wrong-folio': {
    summary: 'Splitting a large swap-cache folio leaves the head\'s PFN in the tails\' slots, so ' +
      'page i of the old folio is bound to the wrong folio.',
    mirrors: 'mm/huge_memory: do not clobber swp_entry_t during THP split (71e2d666ef85) and ' +
      'cfeed8ffe55b (§5 #13)',
    designs: allDesigns,
    catches: { kind: 'observation' },
    shortest: 4,
  },
  'split-rmap-stale': {
    summary: 'Splitting a folio moves a holder\'s PTE to the tail page but leaves the holder in ' +
      'the head\'s anon rmap.',
    mirrors: '§5 #13 (split must carry folio metadata over); canary for the identity audit ' +
      '(holder and folio rmap agree)',
    designs: allDesigns,
    catches: { kind: 'invariant', invariant: 'identity' },
    shortest: 2,
  },
  'reclaim-busy-folio': {
    summary: 'The allocator\'s cache-only reclaim checks only the scanned slot for count 0, ' +
      'not every entry of its folio, and drops a folio whose other entries are referenced.',
    mirrors: 'mm, swap: fix swap cache index error when retrying reclaim (lore ' +
      '20250916160100.31545-4, §5 #18): reclaim only removes folios whose slots are all count 0',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'allowance' },
    shortest: 14,
  },
  // Zero pages and zswap.
  'zero-flag-stale': {
    summary: 'A zswap store of a non-zero page over a zero-filled entry does not clear the ' +
      'zero flag.',
    mirrors: '§7.3 #7 (Z cleared on a non-zero re-writeout); zeromap handling of 0ca0c24e3211',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'observation' },
    shortest: 9,
  },
  'zswap-stale-when-disabled': {
    summary: 'With zswap disabled at runtime, a disk writeout of a redirtied page does not ' +
      'invalidate the old zswap copy.',
    mirrors: 'mm/zswap: invalidate duplicate entry when !zswap_enabled (678e54d4bb9a, §5 #4)',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'impl-crash' },
    shortest: 9,
  },
  'zswap-load-no-owner': {
    summary: 'A swapin from a synchronous-I/O device bypasses the swap cache yet loads from ' +
      'zswap exclusively, so the other holders of the entry lose its data.',
    mirrors: 'mm: zswap: fix data loss on SWP_SYNCHRONOUS_IO devices (25cd241408a2, §5 #3)',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'observation' },
    shortest: 9,
  },
  'partial-zero-large-writeout': {
    summary: 'Writeout tests only the first page of a large folio for zero, so a folio whose ' +
      'first page is zero and a later one is not is recorded as zero-filled.',
    mirrors: 'mm: fix swap_read_folio_zeromap() for large folios with partial zeromap ' +
      '(9d57090e73d5, §5 #14); the write side of the same partial-zeromap handling',
    designs: allDesigns,
    catches: { kind: 'outcome' },
    shortest: 7,
  },
  'zero-also-written': {
    summary: 'A zero-filled page is written to its slot before the zero check, so the entry ' +
      'has both the zero flag and data on disk.',
    mirrors: '§7.3 #7 and #12 (the zero state excludes other backends; one backend per entry); ' +
      'canary for the zero audit',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'invariant', invariant: 'zero' },
    shortest: 5,
  },
  'zswap-free-no-erase': {
    summary: 'Freeing an entry frees its zswap object but leaves the tree slot pointing at it.',
    mirrors: '§5 #23 / §7.3 #12 (every zswap object owned by exactly one entry); canary for ' +
      'the backend-ownership audit',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'invariant', invariant: 'backend-ownership' },
    shortest: 7,
  },
  'writeout-skip-io': {
    summary: 'Writeout of a redirtied folio whose virtual entries keep their disk backing ' +
      'marks the folio clean without writing the data.',
    mirrors: 'design risk of vswap writeout reusing existing backing (§3.2); canary for the ' +
      'content audit',
    designs: virtualDesigns,
    catches: { kind: 'invariant', invariant: 'content' },
    shortest: 10,
  },
  // Memcg swap accounting.
  'vswap-charge-at-alloc': {
    summary: 'folio_alloc_swap() charges virtual entries to the memcg as it charges physical ' +
      'ones, and their disk backing is then neither charged nor uncharged.',
    mirrors: 'vswap RFC v1/v2 patch 4 ("only charge physical swap entries": vswap_alloc() ' +
      'records the memcg id, folio_realloc_swap() charges the backing): the charge moved to ' +
      'the wrong op',
    designs: ['vswap-all', 'vswap-rfc', 'vswap-direct', 'vswap-direct-cached'],
    catches: { kind: 'observation' },
    shortest: 2,
  },
  'put-free-skips-uncharge': {
    summary: 'The last put of an uncached physical entry frees its slot and clears its memcg ' +
      'id without uncharging the memcg, so memory.swap.current leaks a page.',
    mirrors: 'design risk of the swap table\'s two free paths (__swap_cache_del_folio() and ' +
      'swap_put_entries_direct()), which must both reach mem_cgroup_uncharge_swap() in ' +
      '__swap_cluster_free_entries(); a leaked swap charge makes swap.max fail early',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'observation' },
    shortest: 6,
  },
  // Allocation and clusters.
  'cluster-list-stale': {
    summary: 'Freeing a slot of a full cluster skips partial_free_cluster(), so the cluster ' +
      'keeps its FULL flag and list while it has free slots.',
    mirrors: 'mm: swap: correctly use maxpages in swapon (lore 20250522122554.12209-3, §5 #20): ' +
      'cluster flag, list and count in step',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'invariant', invariant: 'cluster-accounting' },
    shortest: 5,
  },
  'order-not-reset': {
    summary: 'An emptied cluster keeps the order of its last allocation, so it goes on ' +
      'excluding other orders.',
    mirrors: '§7.3 #8 (order exclusivity: FREE implies order 0)',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'invariant', invariant: 'cluster-accounting' },
    shortest: 3,
  },
  'large-alloc-order0-list': {
    summary: 'A large allocation scans the order-0 nonfull list instead of its own order\'s, so ' +
      'its run lands in a partly used cluster of order 0 and the cluster mixes orders.',
    mirrors: 'cluster_alloc_swap_entry() scanning si->nonfull_clusters[order] (mm, swap: ' +
      'manage clusters per order); order exclusivity, §7.3 #8',
    designs: ['classic', 'vswap-rfc'],
    catches: { kind: 'invariant', invariant: 'cluster-accounting' },
    shortest: 3,
  },
  'large-alloc-skips-free-clusters': {
    summary: 'A large allocation never takes a free cluster, only nonfull and frag clusters of ' +
      'its order, so it returns -ENOSPC from a device that has empty clusters.',
    mirrors: 'design risk in the list order of cluster_alloc_swap_entry() (the new_cluster ' +
      'steps); since a large folio fails on the first device swap_alloc_slow() tries, its ' +
      '-ENOSPC claims that device had no usable aligned run (canary for the ENOSPC allowance audit)',
    designs: ['classic'],
    catches: { kind: 'invariant', invariant: 'allowance' },
    shortest: 3,
  },
  'counter-failure-path': {
    summary: 'The nr_swap_pages counter is decremented at the end of folio_alloc_swap() instead of in ' +
      'swap_range_alloc(), so the charge-failure path frees slots it never counted.',
    mirrors: 'mm: swap: move nr_swap_pages counter decrement to swap_range_alloc() (lore ' +
      '20250522122554.12209-2, §5 #19)',
    designs: ['classic'],
    catches: { kind: 'impl-crash' },
    shortest: 3,
  },
  'swapoff-keeps-cluster-info': {
    summary: 'swapoff takes the device offline but keeps its cluster array.',
    mirrors: 'device lifetime (§5 #6-#10, e.g. 5878303c5353): no metadata of an offline ' +
      'device; canary for the device-lifetime audit',
    designs: ['classic'],
    catches: { kind: 'invariant', invariant: 'device-lifetime' },
    shortest: 1,
  },
  'bitmap-free-off-by-one': {
    summary: 'Freeing a run on a bitmap device clears the bits of [slot, slot+nr-1) and leaves ' +
      'the last one set while inuse_pages drops.',
    mirrors: 'design risk of the elided reverse map (bitmap devices, §4.2 reading A); canary ' +
      'for the device-accounting audit',
    designs: elidedDesigns,
    catches: { kind: 'invariant', invariant: 'device-accounting' },
    shortest: 6,
  },
  'bitmap-bad-slot-used': {
    summary: 'The bitmap allocator checks the bad bitmap only for the header slot and hands ' +
      'out a listed bad slot.',
    mirrors: 'mm, swap: swap entry of a bad slot should not be considered as swapped out ' +
      '(phase II, §5 #21); canary for the liveness audit',
    designs: elidedDesigns,
    catches: { kind: 'invariant', invariant: 'liveness' },
    shortest: 9,
  },
  // The optimizations.
  'lookup-cache-stale-after-free': {
    summary: 'An emptied virtual cluster is freed without dropping the per-CPU lookup-cache ' +
      'pins on it, so a CPU keeps a pointer to a DEAD cluster whose id is then reused.',
    mirrors: 'vswap v6 patch 22 per-CPU cluster lookup cache (§7.3 #14: a cached cluster is ' +
      'pinned or validated)',
    designs: ['vswap-direct-cached'],
    catches: { kind: 'invariant', invariant: 'lookup-cache' },
    shortest: 2,
  },
  'validated-cache-id-only': {
    summary: 'The validated lookup cache checks only the cluster id on a hit, not the DEAD flag, ' +
      'so a CPU keeps using a freed virtual cluster after a new cluster reused its id.',
    mirrors: 'vswap v6 patch 22 per-CPU cluster lookup cache: without a pin, a cached pointer ' +
      'is valid only if the cluster is not DEAD (§7.3 #14); an id match alone cannot tell the ' +
      'reused id from the cached cluster',
    designs: ['vswap-direct-cached', 'vswap-all'],
    knobs: { lookupCache: 'validated' },
    catches: { kind: 'impl-crash' },
    shortest: 4,
  },
  'pinned-permanent-leak': {
    summary: 'The lookup-cache pin on an emptied permanent virtual cluster is never dropped, ' +
      'because the permanent check comes before the pin release.',
    mirrors: 'vswap v6 patch 22 lookup cache; canary for the drain audit (no pins after drain)',
    designs: ['vswap-direct-cached'],
    catches: { kind: 'drain', invariant: 'drain' },
    shortest: 2,
  },
  'rmap-slot-not-offset': {
    summary: 'The reverse-map Pointer word installed for new backing (zswap writeback ' +
      'redirection, writeout) names the entry\'s slot in its cluster instead of its virtual offset.',
    mirrors: 'vswap RFC: rmap word not updated correctly on redirection (§3.5, §5 #23)',
    designs: ['vswap-all', 'vswap-rfc'],
    catches: { kind: 'impl-crash' },
    shortest: 7,
  },
  'rmap-cache-bit-never-set': {
    summary: 'The cache-only bit of a reverse-map Pointer word is cleared when an entry gets a ' +
      'reference but never set when its last reference goes.',
    mirrors: 'vswap RFC reverse map (§3.5, §7.3 #12); canary for the rmap-bijection audit',
    designs: keptRmapDesigns,
    catches: { kind: 'invariant', invariant: 'rmap-bijection' },
    shortest: 7,
  },
  'rmap-clear-drops-tag': {
    summary: 'Clearing the cache-only bit of a Pointer word masks it with the wrong constant ' +
      'and drops the Pointer tag too.',
    mirrors: 'vswap RFC v2 rmap-encoding bugs (§5 #23, §7.3 #13); canary for the encoding audit',
    designs: keptRmapDesigns,
    catches: { kind: 'invariant', invariant: 'encoding' },
    shortest: 8,
  },
  'rmap-encoding-collision': {
    summary: 'The cache-only bit of a Pointer word is encoded at bit 1, where a Pointer with ' +
      'it set aliases a PFN word.',
    mirrors: 'vswap RFC v2: rmap-encoding collision acknowledged by the author (§5 #23)',
    designs: keptRmapDesigns,
    catches: { kind: 'impl-crash' },
    shortest: 6,
  },
  'elided-swapoff-miss': {
    summary: 'The virtual-cluster scan that replaces the elided reverse map at swapoff starts ' +
      'at slot 1 of every cluster and misses entries backed on the device.',
    mirrors: '§4 direct encoding without a reverse map: swapoff must still find every entry ' +
      '(§7.3 #10)',
    designs: elidedDesigns,
    catches: { kind: 'impl-crash' },
    shortest: 8,
  },
  'redirect-drops-shadow': {
    summary: 'Redirecting a virtual entry from zswap to a physical slot rewrites its swap ' +
      'table word and loses the workingset shadow.',
    mirrors: '§7.3 #15 direct/indirect conversion must preserve count, cache, shadow and zero ' +
      '(the analogue here: a backing change of a virtual entry)',
    designs: virtualDesigns,
    catches: { kind: 'observation' },
    shortest: 8,
  },
  // Races: only an interleaving of sectioned ops exposes these (impl/sections-ops.ts).
  'swapin-no-revalidate': {
    summary: 'After locking the swap-cache folio its lockless lookup found, swapin maps it ' +
      'without re-checking that the folio is still bound to the entry and that the PTE still ' +
      'holds the entry.',
    mirrors: 'mm: fix swapin race condition (4969c1192d15, 31c4a3d3a0f8) and phase I "always ' +
      'lock and check the swap cache folio before use" (§5 #22, #25)',
    designs: ['classic', 'vswap-direct'],
    catches: { kind: 'invariant', invariant: 'count-conservation' },
    shortest: 7,
    race: { config: 'explore', syncSwapin: 'swap-cache', family: 'lifecycle', maxOps: 2 },
  },
  'swapoff-no-pin': {
    summary: 'Swapin, zap and fork take no device pin (get_swap_device()), so swapoff does not ' +
      'wait for them and frees the device metadata they still read.',
    mirrors: 'swapoff races with zap, swapin and shmem (82b1c07a0af6, eb085574a752, ' +
      '2799e77529c2, 63d8620ecf93; §5 #6-#9)',
    designs: ['classic'],
    catches: { kind: 'use-after-free' },
    shortest: 4,
    race: { config: 'explore', syncSwapin: 'swap-cache' },
  },
  'alloc-no-writeok-recheck': {
    summary: 'The allocator picks a device without counting itself as a scanner and does not ' +
      're-check SWP_WRITEOK under the cluster lock, so it allocates on a device swapoff freed.',
    mirrors: 'mm, swap: fix allocation and scanning race with swapoff (0ec8bc9e880e, §5 #10)',
    designs: ['classic'],
    catches: { kind: 'use-after-free' },
    shortest: 4,
    race: { config: 'explore', syncSwapin: 'swap-cache' },
  },
  'count-wrong-cluster-lock': {
    summary: 'A fork updates the swap count under the lock of the neighbouring cluster, so a ' +
      'concurrent put of the same entry is lost in its read-modify-write.',
    mirrors: 'mm, swap: fix race between swap count continuation operations (2628bd6fc052, ' +
      '§5 #11)',
    designs: ['classic', 'vswap-direct'],
    catches: { kind: 'invariant', invariant: 'count-conservation' },
    shortest: 5,
    race: { config: 'explore', syncSwapin: 'swap-cache' },
  },
  'writeback-no-recheck': {
    summary: 'Zswap writeback writes the copy it decompressed to the slot without re-checking ' +
      'that the entry is still in zswap, after a concurrent swapin already loaded it.',
    mirrors: 'zswap writeback against swapin: the entry must be re-checked under the swap-cache ' +
      'folio lock (§5 #3, #24; zswap_writeback_entry())',
    designs: ['classic'],
    catches: { kind: 'linearizability' },
    shortest: 4,
    race: { config: 'explore-zswap', syncSwapin: 'swap-cache' },
  },
  'skip-cache-unpinned': {
    summary: 'The legacy swap-cache-skipping swapin on a synchronous device reads the slot ' +
      'without the per-entry pin of its fix, so a concurrent swapin frees the slot first.',
    mirrors: 'mm/swap: fix race when skipping swapcache (13ddaf26be32, Fixes 0bcac06f27d7; §5 #1)',
    designs: ['classic'],
    catches: { kind: 'use-after-free' },
    shortest: 5,
    race: { config: 'explore', syncSwapin: 'skip-pinned' },
  },
  'skip-cache-early-unpin': {
    summary: 'The legacy swap-cache-skipping swapin clears its per-entry pin right after the ' +
      'read instead of after mapping, so while it sleeps the entry is freed, its value reused ' +
      'for new data in the same PTE, and its pte_same() check passes on the stale copy (ABA).',
    mirrors: 'ABA on the entry value while a fault sleeps: mm/swap: fix race when skipping ' +
      'swapcache (13ddaf26be32, pin cleared only after the PTL unlock), userfaultfd_move ' +
      '(0ea148a79919), swapin race (4969c1192d15); §5 #1, #17, #25, §7.3 #18',
    designs: ['classic'],
    catches: { kind: 'linearizability' },
    shortest: 11,
    race: { config: 'explore', syncSwapin: 'skip-pinned', family: 'lifecycle', maxOps: 4 },
  },
  'lookup-cache-use-after-free': {
    summary: 'A fork reads the swap count through the virtual cluster its lookup-cache hit ' +
      'returned, before re-validating the PTE and with no pin of its own, after a concurrent ' +
      'zap freed the cluster.',
    mirrors: 'vswap v6 per-CPU cluster lookup cache: a cached pointer is safe only pinned or ' +
      'validated (§3.1, §7.4 lockless readers must re-validate)',
    designs: ['vswap-direct-cached'],
    catches: { kind: 'use-after-free' },
    shortest: 4,
    race: { config: 'explore', syncSwapin: 'swap-cache' },
  },
  'vswap-percpu-trust': {
    summary: 'The virtual allocator takes the per-CPU next offset without re-checking the slot, ' +
      'handing out an entry value that is still live.',
    mirrors: 'ABA on entry values (13ddaf26be32 and 0ea148a79919, §5 #1 and #17; §7.3 #18)',
    designs: virtualDesigns,
    catches: { kind: 'identity' },
    shortest: 8,
  },
};

/**
 * Audits that no mutant can reach first, with the reason: observe() reads the same state, so
 * any bug that breaks the audit shows up one step earlier as an observation difference.
 * properties/canary.test.ts shows each of these audits able to fail on a direct corruption.
 */
export const auditsWithoutMutantCanary: Readonly<Record<string, string>> = {
  'cache-binding': 'observe() derives every entry\'s cache binding (folio and page) and its ' +
    'content from the same PFN words and folio fields (PG_swapcache, folio->swap, order) that ' +
    'the audit checks, so a wrong binding is first an observation difference',
  'exclusive': 'observe() shows every holder\'s exclusive bit (HolderView.exclusive) and the ' +
    'model keeps the same rule (an exclusive mapping or swap PTE is the only one of its page or ' +
    'entry), so a bit set where the rule forbids it differs from the model first',
  'allocation-fence': 'the only state it checks between ops, an online device that is not ' +
    'write-ok, is observed directly (DeviceView.writeOk); sequentially no allocation runs ' +
    'between clearing SWP_WRITEOK and the end of swapoff (brief §5 #10 is an interleaving bug)',
  'memcg-accounting': 'observe() shows every memcg\'s swap page counter (memcgSwapCurrent) and ' +
    'every entry\'s recorded memcg (EntryView.memcg), which with the entry\'s backing is all the ' +
    'recount reads, so a wrong counter or id differs from the model first (see ' +
    '`put-free-skips-uncharge` and `vswap-charge-at-alloc`)',
};

/** The catalogue as a Markdown table (docs/mutants.md), in name order. */
export function mutantTableMarkdown(): string {
  const escape = (text: string) => text.replaceAll('|', '\\|');
  const lines = [
    '| mutant | designs | bug | mirrors | catches | shortest |',
    '|---|---|---|---|---|---|',
  ];
  for (const name of Object.keys(mutantCatalogue).sort()) {
    const doc = mutantCatalogue[name];
    if (doc === undefined) continue;
    const kind = doc.race === undefined ? doc.catches.kind : `${doc.catches.kind}, by explore`;
    const catches = doc.catches.invariant === undefined ? kind : `${kind} (${doc.catches.invariant})`;
    const designs = doc.designs.map((design) => mutantDesignLabel(doc, design)).join(', ');
    lines.push(`| \`${name}\` | ${designs} | ${escape(doc.summary)} | ` +
      `${escape(doc.mirrors)} | ${catches} | ${doc.shortest} |`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * What a kernel release does differently from the model's target (the 2026 mm tree), written
 * down entry by entry. The kernel oracle runs on Linux 6.1 (Debian's user-mode-linux), which
 * predates the swap table, mTHP swap and exclusive zswap loads; every way in which that makes
 * a trace inexpressible, or makes the kernel show something other than the model, is one entry
 * here with the kernel source it rests on. The code that applies an entry names it by `id`, so
 * nothing is skipped silently: a rejected trace says which entry rejected it, and every
 * comparison that is adjusted says why.
 *
 * Kinds:
 * - `rejects`: an op, or an op in a given state, has no faithful userspace counterpart on this
 *   kernel; a trace that needs it is refused with the entry's id and the op.
 * - `adjusts`: the kernel shows a different value for an observation, computed by a stated rule
 *   from the model's state and history (the comparison then uses that value).
 * - `maps`: a config or op detail is translated (priorities, CPUs, large swapin order).
 *
 * Not covered here: how the rules are applied (kernel/session.ts, kernel/translate.ts).
 */

export type ProfileEntryKind = 'rejects' | 'adjusts' | 'maps';

export interface ProfileEntry {
  readonly id: string;
  readonly kind: ProfileEntryKind;
  /** One line: what differs. */
  readonly summary: string;
  /** What the entry excludes, adjusts or maps, and so what a comparison cannot see. */
  readonly effect: string;
  /** The kernel source (file, function, release or commit) the entry rests on. */
  readonly source: string;
}

export interface KernelProfile {
  readonly name: string;
  /** What the profile describes, for reports. */
  readonly kernel: string;
  readonly entries: readonly ProfileEntry[];
}

/** Linux 6.1 as Debian's user-mode-linux package builds it (arch um, uniprocessor). */
export const linux61: KernelProfile = {
  name: 'linux-6.1',
  kernel: 'Linux 6.1 (user-mode-linux, arch um, 1 CPU)',
  entries: [
    {
      id: 'no-mthp',
      kind: 'rejects',
      summary:
        'no mTHP: anonymous folios are order 0 (or PMD-sized THP, which the configs never reach)',
      effect:
        'a fault of order > 0 and a split are refused; large folios are not checked on this kernel',
      source:
        'Linux 6.1 mm/memory.c: do_anonymous_page() allocates one page (mTHP arrived in 6.8: "mm: thp: support allocation of anonymous multi-size THP")',
    },
    {
      id: 'large-swapin-order-0',
      kind: 'maps',
      summary: 'swapin always reads one page',
      effect:
        'a swapin asking for order > 0 runs as a read fault; the model is told the design chose order 0 (allowance A8)',
      source:
        'Linux 6.1 mm/memory.c: do_swap_page() (large swapin came later, with "mm: support large folios swap-in for sync io devices")',
    },
    {
      id: 'failure-injection',
      kind: 'rejects',
      summary: 'userspace cannot inject an allocation, charge or zswap store failure',
      effect: 'ops with failAlloc or failZswap are refused',
      source:
        'no userspace interface; fault injection (CONFIG_FAULT_INJECTION) is not targeted at these call sites',
    },
    {
      id: 'kernel-internal-op',
      kind: 'rejects',
      summary: 'some ops are kernel-internal steps userspace cannot cause alone',
      effect:
        'freeSwapCache, zswapWriteback, and allocSwap/unmap/writeout/evict outside a MADV_PAGEOUT or memory.reclaim sequence are refused (MADV_PAGEOUT of a page is allocSwap unless it is in the swap cache, unmap, writeout when it is dirty, and evict when the write completes at once; memory.reclaim is an evict of every clean unmapped swap-cache folio, in folio order)',
      source:
        'Linux 6.1: folio_alloc_swap()/add_to_swap() and pageout() run only from shrink_folio_list() (mm/vmscan.c); zswap in 6.1 writes back only when its pool is full (mm/zswap.c: zswap_reclaim_entry())',
    },
    {
      id: 'sync-io-cache-hit',
      kind: 'rejects',
      summary: 'no "always free the swap cache of SWP_SYNCHRONOUS_IO devices" rule',
      effect:
        "a swap-cache hit on a synchronous-I/O device that leaves the folio unused (the model frees its swap cache, 6.1 keeps it) is refused, unless mem_cgroup_swap_full() holds (swap more than half full, or the folio's memcg at half its swap.max), when 6.1 frees it too; a write fault on such a hit is refused only while another holder maps the folio (6.1 copies the page and keeps the folio in the swap cache; seen on 6.1), since with no other mapping 6.1 frees the swap cache too; a read of such an entry with count 1 skips the swap cache in 6.1 (SWP_SYNCHRONOUS_IO bypass) and frees the slot, which matches the model",
      source:
        'Linux 6.1 mm/memory.c: should_try_to_free_swap() (arms: mem_cgroup_swap_full(), VM_LOCKED, write fault with an unshared folio), do_wp_page() (folio_free_swap() before a reuse), wp_page_copy() (free_swap_cache() of the old page only once it is unmapped) and the swapcache bypass in do_swap_page(); the synchronous-I/O arm came with swap table phase II ("mm, swap: always try to free swap cache for SWP_SYNCHRONOUS_IO devices")',
    },
    {
      id: 'allocator-reclaim',
      kind: 'rejects',
      summary: 'the 6.1 allocator reclaims a cache-only slot only where its scan happens to look',
      effect:
        'a swap-out that leaves swap more than half full while some swap-cache folio has all its entries at count 0 is refused (which folio 6.1 reclaims, if any, depends on its scan position and on whether that folio is still under writeback)',
      source:
        'Linux 6.1 mm/swapfile.c: scan_swap_map_slots() (__try_to_reclaim_swap(si, offset, TTRS_ANYWAY) on the slot being scanned when vm_swap_full(), which get_swap_pages() makes count the page being allocated)',
    },
    {
      id: 'last-free-slot',
      kind: 'rejects',
      summary:
        "on a device smaller than a swap cluster (256 pages), 6.1's allocator can miss a free slot: its scan starts one past a randomly seeded per-CPU position",
      effect:
        'a swap-out is refused when the device it would use has a single free page (6.1 may take it, fall through to another device, or fail, depending on a random start); the devices of expressible programs therefore never fill up',
      source:
        'Linux 6.1 mm/swapfile.c: scan_swap_map_slots() ("scan: while (++offset <= si->highest_bit)", then "offset = si->lowest_bit; while (offset < scan_base)": the slot at scan_base is not looked at when scan_swap_map_try_ssd_cluster() finds no free cluster); SYSCALL_DEFINE2(swapon) seeds cluster_next_cpu with get_random_u32_inclusive()',
    },
    {
      id: 'shared-page-swap-out',
      kind: 'rejects',
      summary: 'a page mapped more than once cannot be swapped out on purpose',
      effect:
        'allocSwap or unmap of a folio mapped by several holders (after fork) is refused: MADV_PAGEOUT skips such pages, and memory.reclaim with every other page mlocked does swap them out, but not reliably here (a page mapped by three processes, one mapping made by a swap-cache hit, stayed mapped through repeated memory.reclaim). Shared swap entries still come from forking a swapped-out holder',
      source:
        'Linux 6.1 mm/madvise.c: madvise_cold_or_pageout_pte_range() ("if (page_mapcount(page) != 1) continue"); mm/vmscan.c: shrink_folio_list()',
    },
    {
      id: 'zswap-pool-size',
      kind: 'rejects',
      summary: 'the zswap pool size is a percentage of RAM, not a page count',
      effect:
        'a writeout the model sends to disk because its zswapCapacity is reached while zswap is enabled is refused',
      source: 'Linux 6.1 mm/zswap.c: zswap_is_full() (max_pool_percent)',
    },
    {
      id: 'swap-slot-cache',
      kind: 'rejects',
      summary:
        'the per-CPU swap slot cache takes slots in batches of 64 while more than 5 x 64 x CPUs pages are free',
      effect:
        'configs whose devices hold more than 320 usable pages in all are refused (device usage would be batched, and a slot given back after a failed memcg swap charge would wait in the per-CPU return cache, still used); below that the cache stays off and usage is exact (a failed charge frees its slot at once: seen on 6.1)',
      source:
        'Linux 6.1 mm/swap_slots.c: check_cache_active(), THRESHOLD_ACTIVATE_SWAP_SLOTS_CACHE, folio_alloc_swap() -> put_swap_folio() -> free_swap_slot() (removed later by 0ff67f990bd4 "mm, swap: remove swap slot cache")',
    },
    {
      id: 'empty-device',
      kind: 'rejects',
      summary: 'swapon refuses a swap area without a usable page',
      effect: 'configs with a device whose slots are all the header and bad slots are refused',
      source: 'Linux 6.1 mm/swapfile.c: setup_swap_map_and_extents() ("Empty swap-file", -EINVAL)',
    },
    {
      id: 'dirty-cache-only-reclaim',
      kind: 'rejects',
      summary:
        'memory.reclaim writes a dirty unmapped swap-cache folio and may or may not evict it in the same call',
      effect: 'a reclaim while an unmapped swap-cache folio is dirty (in 6.1 terms) is refused',
      source:
        'Linux 6.1 mm/vmscan.c: shrink_folio_list() (pageout() then "goto keep" while under writeback)',
    },
    {
      id: 'memcg-swap-max-reclaim',
      kind: 'rejects',
      summary:
        'memory.reclaim leaves anonymous pages alone while the cgroup has no swap room left, even swap-cache folios that need no new slot',
      effect:
        "a memory.reclaim while the memcg's memory.swap.current is at its memory.swap.max is refused (the unmapped swap-cache folios the model would evict stay in the swap cache on the kernel; seen on 6.1, and the mm tree has the same test)",
      source:
        'Linux 6.1 mm/vmscan.c: get_scan_count() -> can_reclaim_anon_pages() -> mm/memcontrol.c: mem_cgroup_get_nr_swap_pages() (swap.max - swap.current, at most nr_swap_pages) is 0: SCAN_FILE only',
    },
    {
      id: 'process-layout',
      kind: 'rejects',
      summary: 'a fork copies a page at the same address into a new process',
      effect:
        "a fork whose target holder was already used elsewhere is refused (holders are placed in processes: a fault places a holder in the first process at its own page index, a fork places the target in a new child at the source's page)",
      source:
        'kernel/fork.c: dup_mmap(), copy_page_range(); mm/madvise.c: MADV_DONTFORK keeps the other pages out of the child',
    },
    {
      id: 'memcg-layout',
      kind: 'rejects',
      summary:
        'the reproducer runs every holder in one process tree, so in one cgroup: a limitation of the oracle, not of the kernel',
      effect:
        'a config with memcgs runs only when it has exactly one memcg holding every holder: the program then runs in a cgroup v2 cgroup of its own (memory.swap.max = swapMax pages, "max" for null), joined before its first step, and memory.swap.current is compared after every step; any other layout (several memcgs, or holders left in the root cgroup) is refused',
      source:
        "kernel/cgroup/cgroup.c: a process is in one cgroup and fork() children start in their parent's (cgroup_post_fork()); mm/memcontrol.c: a page is charged to the memcg of the task that faults it (mem_cgroup_charge()), and a charge stays where it was made when the task moves (cgroup v2 has no charge moving)",
    },
    {
      id: 'no-swap-pte-exclusive',
      kind: 'rejects',
      summary:
        'arch um in 6.1 has no swap-PTE exclusive bit: a page swapped in while it stays in the swap cache is mapped non-exclusive',
      effect:
        'a store to a page the model maps exclusive (its swap PTE was) but 6.1 maps non-exclusive (swapped in with the swap cache kept) while the folio is still in the swap cache is refused: 6.1 frees the swap cache and reuses the page (or copies it), where the model, following kernels with the bit, writes in place and keeps the cache. A page 6.1 read past the swap cache, or whose swap cache was freed at the fault, is exclusive on both; so is a page mapped by a write fault on its swap entry (the model maps it exclusive when the swap PTE was, and frees its swap cache; 6.1 frees the cache too and reuses or copies the page in do_wp_page()), so a write fault is never refused for this',
      source:
        'Linux 6.1 mm/memory.c: do_swap_page() ("exclusive = pte_swp_exclusive(vmf->orig_pte)", false without __HAVE_ARCH_PTE_SWP_EXCLUSIVE; "exclusive || page_count(page) == 1"); arch/um gained the bit in 6.3 ("um/mm: support __HAVE_ARCH_PTE_SWP_EXCLUSIVE")',
    },
    {
      id: 'zswap-load-not-exclusive',
      kind: 'adjusts',
      summary: 'a zswap load keeps the compressed copy and leaves the folio clean',
      effect:
        'zswap stored pages counts an object for every live entry whose slot was last written to zswap (kept after a load, dropped when the slot is freed or written again); a folio read from zswap is clean, so reclaim evicts it without writing it (the model marks it dirty and writes it again)',
      source:
        'Linux 6.1 mm/zswap.c: zswap_frontswap_load() does not erase the entry; mm/frontswap.c: __frontswap_store() invalidates the old object before every store; mm/swapfile.c: swap_range_free() -> frontswap_invalidate_page(). Exclusive loads arrived in 6.5 ("mm: zswap: support exclusive loads")',
    },
    {
      id: 'no-zero-map',
      kind: 'adjusts',
      summary:
        'no zero-page map: a zero-filled page is stored by zswap as a same-filled page, or written to disk',
      effect:
        'a zero writeout while zswap is enabled counts as a zswap object (Zswapped) and completes at once; with zswap disabled it is a disk write, which completes asynchronously on a non-synchronous device',
      source:
        'Linux 6.1 mm/zswap.c: zswap_is_page_same_filled() in zswap_frontswap_store(); the zeromap arrived in 6.12 ("mm: store zero pages to be swapped out in a bitmap")',
    },
    {
      id: 'async-writeback',
      kind: 'maps',
      summary: 'a disk write to a non-synchronous device completes after MADV_PAGEOUT returns',
      effect:
        'on a ubd device the written folio stays in the swap cache (allocSwap, unmap, writeout) until a later memory.reclaim evicts it; zswap stores and zram writes complete at once and the folio is evicted in the same MADV_PAGEOUT (evict follows writeout). Programs wait for Writeback: 0 kB after each step. memory.reclaim runs with every mapped page mlock()ed, so it only evicts unmapped swap-cache folios',
      source:
        'Linux 6.1 mm/vmscan.c: shrink_folio_list() (PAGE_SUCCESS: "goto keep" while folio_test_writeback()); mm/page_io.c: swap_writepage() (frontswap_store() completes synchronously, bdev_write_page() for zram)',
    },
    {
      id: 'uniprocessor',
      kind: 'maps',
      summary: 'user-mode-linux runs on one CPU',
      effect: 'the cpu field of every op is ignored; per-CPU caches are not exercised',
      source: 'arch/um (no SMP support in 6.1)',
    },
    {
      id: 'device-priority',
      kind: 'maps',
      summary: 'swapon(2) takes priorities 0..32767',
      effect:
        'model priorities are mapped by rank (lowest distinct priority to 0), which keeps their order and ties; the device a swap-out uses is predicted as 6.1 picks it (highest priority with a free page, round-robin among equals in swapon order) and checked through the swap type pagemap shows',
      source:
        'Linux 6.1 mm/swapfile.c: SYSCALL_DEFINE2(swapon) (SWAP_FLAG_PRIO_MASK), get_swap_pages() (plist_requeue() of every device tried), add_to_avail_list()/del_from_avail_list()',
    },
    {
      id: 'device-kind',
      kind: 'maps',
      summary:
        'a synchronous-I/O device is a zram device, any other a ubd block device; discard is not used',
      effect:
        'the discard flag of a config device is ignored (6.1 discards only with SWAP_FLAG_DISCARD, and discard only delays slot reuse, which userspace does not see)',
      source:
        'drivers/block/zram/zram_drv.c (QUEUE_FLAG_SYNCHRONOUS, rw_page); arch/um/drivers/ubd_kern.c',
    },
  ],
};

/** The entry with `id`; throws when the profile has none (a programming error). */
export function profileEntry(profile: KernelProfile, id: string): ProfileEntry {
  const entry = profile.entries.find((each) => each.id === id);
  if (entry === undefined) throw new Error(`profile ${profile.name} has no entry '${id}'`);
  return entry;
}

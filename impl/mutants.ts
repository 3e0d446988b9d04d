/**
 * The mutant catalogue: every deliberately broken variant of the built-in designs the harness
 * must catch, one realistic bug each (impl/mutant.ts says what a mutant is). Each mutant is one
 * file, impl/mutants/NAME.ts: its documentation beside the buggy version of the named step(s)
 * it replaces. createSystem(config, knobs, name) builds a design with those steps swapped in;
 * the correct steps (impl/kernel-steps.ts) carry no trace of the mutants.
 *
 * properties/mutant-traces.test.ts replays every mutant's committed trace
 * (properties/mutants/NAME.json), properties/canary.test.ts runs a seeded campaign against
 * every mutant;
 * docs/mutants.md is generated from this catalogue.
 *
 * Not covered here: the audits that no mutant can reach first (listed below, with why; the
 * canary test corrupts state directly for them).
 */
import type { Knobs } from '../lib/system.ts';
import { mutantDesignLabel, type Mutant, type MutantDoc } from './mutant.ts';
import allocNoWriteokRecheck from './mutants/alloc-no-writeok-recheck.ts';
import bitmapBadSlotUsed from './mutants/bitmap-bad-slot-used.ts';
import bitmapFreeOffByOne from './mutants/bitmap-free-off-by-one.ts';
import clusterListStale from './mutants/cluster-list-stale.ts';
import countWrongClusterLock from './mutants/count-wrong-cluster-lock.ts';
import counterFailurePath from './mutants/counter-failure-path.ts';
import elidedSwapoffMiss from './mutants/elided-swapoff-miss.ts';
import extendPutOffByOne from './mutants/extend-put-off-by-one.ts';
import extendTableLeak from './mutants/extend-table-leak.ts';
import largeAllocOrder0List from './mutants/large-alloc-order0-list.ts';
import largeAllocSkipsFreeClusters from './mutants/large-alloc-skips-free-clusters.ts';
import lookupCacheStaleAfterFree from './mutants/lookup-cache-stale-after-free.ts';
import lookupCacheUseAfterFree from './mutants/lookup-cache-use-after-free.ts';
import orderNotReset from './mutants/order-not-reset.ts';
import overflowNoRollback from './mutants/overflow-no-rollback.ts';
import partialZeroLargeWriteout from './mutants/partial-zero-large-writeout.ts';
import pinnedPermanentLeak from './mutants/pinned-permanent-leak.ts';
import putFreeSkipsUncharge from './mutants/put-free-skips-uncharge.ts';
import putSkipsFree from './mutants/put-skips-free.ts';
import reclaimBusyFolio from './mutants/reclaim-busy-folio.ts';
import redirectDropsShadow from './mutants/redirect-drops-shadow.ts';
import rmapCacheBitNeverSet from './mutants/rmap-cache-bit-never-set.ts';
import rmapClearDropsTag from './mutants/rmap-clear-drops-tag.ts';
import rmapEncodingCollision from './mutants/rmap-encoding-collision.ts';
import rmapSlotNotOffset from './mutants/rmap-slot-not-offset.ts';
import shadowLeftAfterFree from './mutants/shadow-left-after-free.ts';
import skipCacheEarlyUnpin from './mutants/skip-cache-early-unpin.ts';
import skipCacheUnpinned from './mutants/skip-cache-unpinned.ts';
import splitRmapStale from './mutants/split-rmap-stale.ts';
import splitWrongFolio from './mutants/split-wrong-folio.ts';
import swapinNoRevalidate from './mutants/swapin-no-revalidate.ts';
import swapoffKeepsClusterInfo from './mutants/swapoff-keeps-cluster-info.ts';
import swapoffNoPin from './mutants/swapoff-no-pin.ts';
import validatedCacheIdOnly from './mutants/validated-cache-id-only.ts';
import vswapChargeAtAlloc from './mutants/vswap-charge-at-alloc.ts';
import vswapPercpuTrust from './mutants/vswap-percpu-trust.ts';
import writebackNoRecheck from './mutants/writeback-no-recheck.ts';
import writeoutSkipIo from './mutants/writeout-skip-io.ts';
import zeroAlsoWritten from './mutants/zero-also-written.ts';
import zeroFlagStale from './mutants/zero-flag-stale.ts';
import zswapFreeNoErase from './mutants/zswap-free-no-erase.ts';
import zswapLoadNoOwner from './mutants/zswap-load-no-owner.ts';
import zswapStaleWhenDisabled from './mutants/zswap-stale-when-disabled.ts';

export { cataloguedFailure, mutantDesignLabel } from './mutant.ts';
export type { MutantDoc } from './mutant.ts';

/** Every catalogued mutant by name, in catalogue order (counts, swap cache, zero pages and
 * zswap, memcg, allocation, the optimizations, races). */
export const mutants: Readonly<Record<string, Mutant>> = Object.fromEntries(
  [
    extendPutOffByOne,
    overflowNoRollback,
    extendTableLeak,
    putSkipsFree,
    shadowLeftAfterFree,
    splitWrongFolio,
    splitRmapStale,
    reclaimBusyFolio,
    zeroFlagStale,
    zswapStaleWhenDisabled,
    zswapLoadNoOwner,
    partialZeroLargeWriteout,
    zeroAlsoWritten,
    zswapFreeNoErase,
    writeoutSkipIo,
    vswapChargeAtAlloc,
    putFreeSkipsUncharge,
    clusterListStale,
    orderNotReset,
    largeAllocSkipsFreeClusters,
    largeAllocOrder0List,
    counterFailurePath,
    swapoffKeepsClusterInfo,
    bitmapFreeOffByOne,
    bitmapBadSlotUsed,
    lookupCacheStaleAfterFree,
    pinnedPermanentLeak,
    rmapSlotNotOffset,
    rmapCacheBitNeverSet,
    rmapClearDropsTag,
    rmapEncodingCollision,
    elidedSwapoffMiss,
    redirectDropsShadow,
    validatedCacheIdOnly,
    swapinNoRevalidate,
    swapoffNoPin,
    allocNoWriteokRecheck,
    countWrongClusterLock,
    writebackNoRecheck,
    skipCacheUnpinned,
    skipCacheEarlyUnpin,
    lookupCacheUseAfterFree,
    vswapPercpuTrust,
  ].map((mutant: Mutant) => [mutant.name, mutant]),
);

/** The documentation of every catalogued mutant, by name. */
export const mutantCatalogue: Readonly<Record<string, MutantDoc>> = Object.fromEntries(
  Object.values(mutants).map((mutant) => [mutant.name, mutant.doc]),
);

/** A mutant's design reference on `design` (its first unless named): the design with the
 * mutant's knob overrides, and with the mutant switched on unless `switchedOn` is false. */
export function mutantDesignRef(
  name: string,
  design?: string,
  switchedOn = true,
): { readonly base: string; readonly knobs?: Partial<Knobs>; readonly mutant?: string } {
  const entry = mutantCatalogue[name];
  if (entry === undefined) throw new Error(`unknown mutant ${name}`);
  const base = design ?? entry.designs[0];
  if (base === undefined) throw new Error(`mutant ${name} lists no design`);
  return {
    base,
    ...(entry.knobs === undefined ? {} : { knobs: entry.knobs }),
    ...(switchedOn ? { mutant: name } : {}),
  };
}

/**
 * Audits that no mutant can reach first, with the reason: observe() reads the same state, so
 * any bug that breaks the audit shows up one step earlier as an observation difference.
 * properties/canary.test.ts shows each of these audits able to fail on a direct corruption.
 */
export const auditsWithoutMutantCanary: Readonly<Record<string, string>> = {
  'cache-binding':
    "observe() derives every entry's cache binding (folio and page) and its " +
    'content from the same PFN words and folio fields (PG_swapcache, folio->swap, order) that ' +
    'the audit checks, so a wrong binding is first an observation difference',
  exclusive:
    "observe() shows every holder's exclusive bit (HolderView.exclusive) and the " +
    'model keeps the same rule (an exclusive mapping or swap PTE is the only one of its page or ' +
    'entry), so a bit set where the rule forbids it differs from the model first',
  'allocation-fence':
    'the only state it checks between ops, an online device that is not ' +
    'write-ok, is observed directly (DeviceView.writeOk); sequentially no allocation runs ' +
    'between clearing SWP_WRITEOK and the end of swapoff (brief §5 #10 is an interleaving bug)',
  'memcg-accounting':
    "observe() shows every memcg's swap page counter (memcgSwapCurrent) and " +
    "every entry's recorded memcg (EntryView.memcg), which with the entry's backing is all the " +
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
    const catches =
      doc.catches.invariant === undefined ? kind : `${kind} (${doc.catches.invariant})`;
    const designs = doc.designs.map((design) => mutantDesignLabel(doc, design)).join(', ');
    lines.push(
      `| \`${name}\` | ${designs} | ${escape(doc.summary)} | ` +
        `${escape(doc.mirrors)} | ${catches} | ${doc.shortest} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

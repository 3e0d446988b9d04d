/**
 * Reclaim of cache-only swap while swap is more than half full (vm_swap_full()), done by the
 * physical allocator to make room for the run it is about to take:
 *
 * - 'cache': a physical slot whose word is PFN with count 0 belongs to a folio whose entries
 *   may all be unused; folio_free_swap() frees them (__try_to_reclaim_swap()).
 * - 'backing' with a kept reverse map: a Pointer word with C set names a virtual entry with
 *   count 0 in the swap cache; when every entry of its folio is such, the backing slots are
 *   released and the folio dirtied (try_to_reclaim_vswap_backing()).
 * - 'backing' with an elided reverse map: nothing on the physical side says which slots are
 *   cache-only, so the reverse map is materialized on demand by scanning every virtual
 *   cluster for PFN words with count 0 and a PHYS virtual table word (the cost of reading A;
 *   the slots scanned are counted as a mark).
 *
 * Reclaims are planned before any is done: every folio covering the run must be reclaimable,
 * vm_swap_full() must still hold before each one given the slots the earlier ones free, and
 * the op's own folio is never touched. Only then are they performed and the run taken, so an
 * allocation that fails (-ENOSPC) has reclaimed nothing, as the contract requires of a
 * failing op.
 *
 * Not covered here: where the allocator looks for runs (impl/table-device.ts).
 */
import type { Reclaim } from '../lib/outcome.ts';
import { assert, assertThat } from '../lib/assert.ts';
import { mark } from './marks.ts';
import { costs } from './cost-counters.ts';
import type { BitmapDevice } from './bitmap-device.ts';
import type { SwapCluster } from './cluster.ts';
import { swpEntry, VSWAP_TYPE } from './entry-value.ts';
import type { Folio } from './folio-table.ts';
import type { PhysicalRun } from './physical-allocator.ts';
import type { EntryLoc, KernelSteps, PlannedReclaim, SwapState } from './swap-state.ts';
import {
  NULL_WORD,
  wordIsPfn,
  wordIsPointer,
  wordToCacheOnly,
  wordToCount,
  wordToPfn,
  wordToPointerOffset,
} from './swap-table-word.ts';
import type { AllocHooks, TableDevice, WordAt } from './table-device.ts';
import { vtWordIsPhys, vtWordToPhysOffset, vtWordToPhysType } from './virtual-table-word.ts';

/** The hooks an allocation passes to the physical allocator. */
export function allocHooks(state: SwapState, exclude: Folio | null, out: Reclaim[]): AllocHooks {
  return new ReclaimHooks(state, exclude, out);
}

/**
 * The allocator's view of the system for one allocation: vm_swap_full(), and the reclaims of
 * a run of cache-only slots, never of `exclude` (the folio being allocated for), recorded in
 * `out`.
 */
class ReclaimHooks implements AllocHooks {
  private readonly state: SwapState;
  private readonly exclude: Folio | null;
  private readonly out: Reclaim[];

  constructor(state: SwapState, exclude: Folio | null, out: Reclaim[]) {
    this.state = state;
    this.exclude = exclude;
    this.out = out;
  }

  vmSwapFull(): boolean {
    return this.state.vmSwapFull();
  }

  planReclaim(device: TableDevice, ci: SwapCluster, slot: number, nr: number): (() => void) | null {
    const state = this.state;
    assertThat(device.online && ci.table !== null, 'reclaim on device ', device.type);
    costs.scanSlots += nr;
    const plan: PlannedReclaim[] = [];
    for (let i = slot; i < slot + nr; i++) {
      const word = ci.word(i);
      if (word === NULL_WORD) continue;
      const planned = reclaimOf(state, word);
      if (planned === null) return null;
      if (!plan.some((p) => p.folio === planned.folio)) plan.push(planned);
    }
    return state.steps.planReclaims(state, plan, this.exclude, this.out);
  }
}

/** The reclaim that would free a cache-only slot holding `word`, or null. */
function reclaimOf(state: SwapState, word: number): PlannedReclaim | null {
  if (wordIsPfn(word) && wordToCount(word) === 0) {
    return { folio: state.folios.of(wordToPfn(word)), kind: 'cache' };
  }
  if (wordIsPointer(word) && wordToCacheOnly(word)) {
    const loc = state.resolve(swpEntry(VSWAP_TYPE, wordToPointerOffset(word)));
    const folio = state.cachedFolio(loc);
    assertThat(folio !== null, 'C bit on the backing of uncached ', loc.value);
    return { folio, kind: 'backing' };
  }
  return null;
}

/**
 * Checks that `plan` can be carried out in order and returns the function that does it, or
 * null. Each reclaim frees 2^order physical slots, which may end vm_swap_full() for the next.
 */
function planReclaims(
  state: SwapState,
  plan: readonly PlannedReclaim[],
  exclude: Folio | null,
  out: Reclaim[],
): (() => void) | null {
  assert(plan.length > 0, 'empty reclaim plan');
  const { nrSwapPages, totalSwapPages } = state.counters;
  let freed = 0;
  for (const { folio, kind } of plan) {
    if (folio === exclude || !folio.swapcache) return null;
    if ((nrSwapPages + freed) * 2 >= totalSwapPages) return null;
    const locs = state.entriesOf(folio);
    if (!state.entriesUnused(locs)) return null;
    const backed = locs.every((loc) => loc.virtual && vtWordIsPhys(state.vtWord(loc)));
    if (kind === 'backing' && !backed) return null;
    if (kind === 'cache' && locs.some((loc) => loc.virtual)) return null;
    freed += locs.length;
  }
  return () => {
    for (const { folio, kind } of plan) {
      assertThat(state.vmSwapFull(), 'reclaim of folio ', folio.pfn, ' while swap is not full');
      if (kind === 'cache') {
        assertThat(state.folioFreeSwap(folio), 'planned reclaim of folio ', folio.pfn, ' failed');
      } else {
        for (const loc of state.entriesOf(folio)) state.releaseBackend(loc);
        costs.redirections += 1 << folio.order;
        folio.dirty = true;
      }
      out.push({ folio: folio.pfn, kind });
      state.marks.hit(kind === 'cache' ? mark['reclaim-cache'] : mark['reclaim-backing']);
    }
  };
}

/**
 * Allocates 2^order contiguous physical slots backing the virtual entries `locs`
 * (folio_realloc_swap()): with a kept reverse map the slots get Pointer words; with an
 * elided one only bitmap bits, and a failure while swap is full materializes the reverse map
 * of cache-only backing to find a run worth reclaiming. Returns null for -ENOSPC.
 */
export function allocBacking(
  state: SwapState,
  locs: readonly EntryLoc[],
  order: number,
  exclude: Folio | null,
  out: Reclaim[],
): PhysicalRun | null {
  assert(locs.length === 1 << order, 'backing run size');
  assert(
    locs.every((loc) => loc.virtual),
    'backing for physical entries',
  );
  const wordAt: WordAt = (i) => {
    const loc = locs[i];
    assert(loc !== undefined);
    return state.steps.rmapWord(state, loc);
  };
  let run = state.allocator.alloc(order, state.cpu, allocHooks(state, exclude, out), wordAt);
  if (run === null && state.knobs.reverseMap === 'elided' && state.vmSwapFull()) {
    run = allocBackingByScan(state, order, exclude, out);
  }
  if (run !== null)
    state.allocated = { opSeq: state.opSeq, order, value: swpEntry(run.device.type, run.offset) };
  return run;
}

/**
 * Gives back the `nr` slots of a backing run whose memcg charge failed (folio_realloc_swap()
 * -> -ENOMEM): the Pointer words or bitmap bits go, and no virtual table word names them yet.
 */
export function freeBacking(state: SwapState, run: PhysicalRun, nr: number): void {
  const device = run.device;
  assertThat(device.online, 'backing run on offline device ', device.type);
  if (device.kind === 'bitmap') {
    device.free(run.offset, nr);
    return;
  }
  costs.rmapUpdates += nr;
  device.freeSlots(device.clusterOf(run.offset), run.offset % device.clusterSlots, nr);
  assert(state.knobs.reverseMap === 'kept', 'Pointer words on a table device');
}

/** The elided-rmap fallback: scan the virtual clusters, then reclaim and take one run. */
function allocBackingByScan(
  state: SwapState,
  order: number,
  exclude: Folio | null,
  out: Reclaim[],
): PhysicalRun | null {
  const rmap = materializeCacheOnlyRmap(state);
  const nr = 1 << order;
  for (const device of state.devices) {
    if (device.kind !== 'bitmap' || !device.writeOk) continue;
    const owners = rmap.get(device.type);
    if (owners === undefined) continue;
    for (let slot = 0; slot + nr <= device.config.slots; slot += nr) {
      const plan = planRun(device, owners, slot, nr);
      if (plan === null) continue;
      const reclaim = state.steps.planReclaims(state, plan, exclude, out);
      if (reclaim === null) continue;
      reclaim();
      device.allocAt(slot, nr);
      state.marks.hit(mark['alloc-run-reclaimed-by-scan']);
      return { device, offset: slot };
    }
  }
  return null;
}

/** The reclaims that free [slot, slot+nr) of `device`, or null if some slot cannot be freed. */
function planRun(device: BitmapDevice, owners: Map<number, Folio>, slot: number, nr: number) {
  const plan: PlannedReclaim[] = [];
  for (let i = slot; i < slot + nr; i++) {
    if (device.slotIsFree(i)) continue;
    const folio = owners.get(i);
    if (folio === undefined) return null;
    if (!plan.some((p) => p.folio === folio)) plan.push({ folio, kind: 'backing' });
  }
  return plan.length === 0 ? null : plan;
}

/**
 * Physical slot -> folio for every cache-only virtual entry with PHYS backing, per device:
 * the reverse map an elided design builds only when it needs one.
 */
function materializeCacheOnlyRmap(state: SwapState): Map<number, Map<number, Folio>> {
  const rmap = new Map<number, Map<number, Folio>>();
  const clusters = [...state.virtualSpace().index.values()].sort((a, b) => a.id - b.id);
  for (const ci of clusters) {
    state.marks.hit(mark['vswap-scan-slots-reclaim'], ci.slots);
    costs.scanSlots += ci.slots;
    for (let slot = 0; slot < ci.slots; slot++) {
      const word = ci.word(slot);
      const vt = ci.vtable[slot] ?? 0;
      if (!wordIsPfn(word) || wordToCount(word) !== 0 || !vtWordIsPhys(vt)) continue;
      const type = vtWordToPhysType(vt);
      let owners = rmap.get(type);
      if (owners === undefined) {
        owners = new Map();
        rmap.set(type, owners);
      }
      owners.set(vtWordToPhysOffset(vt), state.folios.of(wordToPfn(word)));
    }
  }
  return rmap;
}

/** The steps of this file, correct. */
export const reclaimSteps = { planReclaims } satisfies Partial<KernelSteps>;

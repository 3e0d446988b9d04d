/**
 * swapon and swapoff. swapoff clears SWP_WRITEOK (the allocation fence: every allocation
 * re-checks it under the cluster lock), then moves every entry whose data is on the device
 * off it, then takes the device offline:
 *
 * - Physical entries (try_to_unuse()): a page-table walk in holder order; each swap PTE of the
 *   device is replaced by the cached page, reading the entry into a new order-0 swap-cache
 *   folio first if needed; once a folio's entries are all unreferenced, folio_free_swap().
 *   Then the device table is scanned for cache-only entries, freed in folio order.
 * - Virtual entries backed on the device (vswap swapoff, no PTE change): the design finds them
 *   through the physical side's Pointer words (kept reverse map) or by scanning every virtual
 *   cluster's virtual table (elided reverse map). Each is read into the swap cache if needed
 *   and its backend becomes the folio (PHYS -> NONE, folio dirty). They are handled in the
 *   order of the lowest holder holding them (the walk above, so new folios are numbered as the
 *   contract says), then the cache-only ones in folio order.
 *
 * Not covered here: the device structures (impl/table-device.ts, impl/bitmap-device.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { mark } from './marks.ts';
import { costs } from './cost-counters.ts';
import type { SwaponOp, SwapoffOp } from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import { entryIsVirtual, swpEntry, swpType, VSWAP_TYPE } from './entry-value.ts';
import type { Folio } from './folio-table.ts';
import { holderIsSwap, holderToEntry } from './holder-word.ts';
import { EINVAL, isIndex, OK } from './op-args.ts';
import type { PhysicalDevice } from './physical-allocator.ts';
import type { KernelSteps, SwapState } from './swap-state.ts';
import type { VirtualCluster } from './cluster.ts';
import { wordIsPfn, wordIsPointer, wordToPfn, wordToPointerOffset } from './swap-table-word.ts';
import { vtWordIsPhys, vtWordToPhysType } from './virtual-table-word.ts';

export function swapon(state: SwapState, op: SwaponOp): ImplOutcome {
  if (!isIndex(op.device, state.devices.length)) return EINVAL;
  const device = state.devices[op.device];
  assert(device !== undefined);
  if (device.online) return { errno: 'EBUSY' };
  device.swapon();
  state.allocator.addDevice(device.type);
  assert(device.online && device.writeOk && device.inuse === 0);
  return OK;
}

export function swapoff(state: SwapState, op: SwapoffOp): ImplOutcome {
  if (!isIndex(op.device, state.devices.length)) return EINVAL;
  const device = state.devices[op.device];
  assert(device !== undefined);
  if (!device.online) return EINVAL;
  device.writeOk = false; // del_from_avail_list() + wait_for_allocation()
  state.allocator.removeDevice(device.type);
  if (device.inuse > 0) state.marks.hit(mark['swapoff-live-entries']);
  const backed = backedVirtualEntries(state, device);
  const done = new Set<number>();
  for (let holder = 0; holder < state.holders.length; holder++) {
    const word = state.holders[holder] ?? 0;
    if (!holderIsSwap(word)) continue;
    const entry = holderToEntry(word);
    if (!entryIsVirtual(entry)) {
      if (swpType(entry) === device.type) unusePte(state, holder, entry);
    } else if (backed.has(entry) && !done.has(entry)) {
      done.add(entry);
      unuseVirtual(state, entry);
    }
  }
  for (const folio of cacheOnlyFolios(state, device)) {
    assertThat(state.folioFreeSwap(folio), 'cache-only folio ', folio.pfn, ' still referenced');
  }
  const rest = [...backed]
    .filter((entry) => !done.has(entry))
    .map((entry) => {
      const folio = state.cachedFolio(state.resolve(entry));
      assertThat(
        folio !== null,
        'virtual ',
        entry,
        ' on device ',
        device.type,
        ' neither held nor cached',
      );
      return { entry, folio };
    });
  rest.sort((a, b) => a.folio.pfn - b.folio.pfn || a.entry - b.entry);
  for (const { entry } of rest) unuseVirtual(state, entry);
  assert(state.zswapTree.countOf(device.type) === 0, 'zswap_swapoff(): tree not empty');
  device.swapoffFinish();
  return OK;
}

/** The virtual entries backed by `device`, found by the design's own mechanism. */
function backedVirtualEntries(state: SwapState, device: PhysicalDevice): Set<number> {
  const backed = new Set<number>();
  if (state.vspace === null) return backed;
  if (device.kind === 'table') {
    for (const ci of device.clusters) {
      if (ci.table === null) continue;
      state.marks.hit(mark['rmap-walk-slots'], ci.slots);
      costs.scanSlots += ci.slots;
      for (let slot = 0; slot < ci.slots; slot++) {
        const word = ci.word(slot);
        if (wordIsPointer(word)) backed.add(swpEntry(VSWAP_TYPE, wordToPointerOffset(word)));
      }
    }
    return backed;
  }
  for (const ci of state.vspace.index.values()) {
    state.marks.hit(mark['vswap-scan-slots-swapoff'], ci.slots);
    costs.scanSlots += ci.slots;
    state.steps.scanBackedOn(state, ci, device.type, backed);
  }
  return backed;
}

/** unuse_pte(): maps the entry's page at `holder`, exclusive as its swap PTE was, reading it
 * in first if needed. */
function unusePte(state: SwapState, holder: number, entry: number): void {
  const loc = state.resolve(entry);
  let folio = state.cachedFolio(loc);
  if (folio === null) {
    const kind = state.backendKind(loc);
    folio = state.folios.alloc(0, [state.readBackend(loc)], kind === 'zswap', state.memcgIdOf(loc));
    state.bindRead(folio, [loc]);
    if (kind === 'zswap') state.releaseBackend(loc);
  }
  state.mapFromSwap(holder, loc, folio, entry - folio.swap); // RMAP_EXCLUSIVE from pte_swp_exclusive()
  state.folioFreeSwap(folio);
}

/** vswap swapoff of one entry: the swap cache becomes its only copy. */
function unuseVirtual(state: SwapState, entry: number): void {
  const loc = state.resolve(entry);
  let folio = state.cachedFolio(loc);
  if (folio === null) {
    folio = state.folios.alloc(0, [state.readBackend(loc)], true, state.memcgIdOf(loc));
    state.bindRead(folio, [loc]);
    state.marks.hit(mark['swapoff-vswap-read']);
  }
  state.releaseBackend(loc);
  folio.dirty = true;
  costs.redirections++;
  assert(state.backendKind(loc) === 'none');
}

/** Cache-only folios of physical entries left on `device`, in folio order. */
function cacheOnlyFolios(state: SwapState, device: PhysicalDevice): Folio[] {
  if (device.kind !== 'table') return [];
  const folios = new Set<Folio>();
  for (const ci of device.clusters) {
    for (let slot = 0; slot < ci.slots && ci.table !== null; slot++) {
      const word = ci.word(slot);
      if (wordIsPfn(word)) folios.add(state.folios.of(wordToPfn(word)));
    }
  }
  return [...folios].sort((a, b) => a.pfn - b.pfn);
}

/** Every slot of `ci` whose virtual table word is PHYS on device `type`. */
function scanBackedOn(
  state: SwapState,
  ci: VirtualCluster,
  type: number,
  backed: Set<number>,
): void {
  for (let slot = 0; slot < ci.slots; slot++) {
    const vt = ci.vtable[slot] ?? 0;
    if (vtWordIsPhys(vt) && vtWordToPhysType(vt) === type) backed.add(state.locOf(ci, slot).value);
  }
}

/** The steps of this file, correct. */
export const swapoffSteps = { scanBackedOn } satisfies Partial<KernelSteps>;

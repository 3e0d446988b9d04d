/**
 * Argument checks shared by the ops: an op whose holder, device, CPU, order or folio is out of
 * range returns EINVAL and changes nothing (docs/semantics.md, "Ops"). These helpers only
 * read state.
 *
 * Not covered here: op-specific preconditions (each op's own file).
 */
import { assert, assertThat } from '../lib/assert.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import type { Folio } from './folio-table.ts';
import {
  holderIsPresent,
  holderIsSwap,
  holderToEntry,
  holderToPage,
  holderToPfn,
} from './holder-word.ts';
import type { SwapState } from './swap-state.ts';

export const EINVAL: ImplOutcome = { errno: 'EINVAL' };
export const EBUSY: ImplOutcome = { errno: 'EBUSY' };
export const OK: ImplOutcome = { errno: 'OK' };

export function isIndex(value: unknown, length: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < length;
}

export function isOrder(state: SwapState, order: unknown): order is number {
  return isIndex(order, state.config.orderMax + 1);
}

/** The folio and page a present holder maps, or null when the holder is not present. */
export function presentAt(
  state: SwapState,
  holder: unknown,
): { folio: Folio; page: number } | null {
  if (!isIndex(holder, state.holders.length)) return null;
  const word = state.holders[holder] ?? 0;
  if (!holderIsPresent(word)) return null;
  const folio = state.folios.of(holderToPfn(word));
  const page = holderToPage(word);
  assertThat(
    page < folio.pages.length,
    'holder ',
    holder,
    ' maps page ',
    page,
    ' of folio ',
    folio.pfn,
  );
  return { folio, page };
}

/** The entry a swap holder holds, or null when the holder is not a swap PTE. */
export function swapAt(state: SwapState, holder: unknown): number | null {
  if (!isIndex(holder, state.holders.length)) return null;
  const word = state.holders[holder] ?? 0;
  if (!holderIsSwap(word)) return null;
  const entry = holderToEntry(word);
  assertThat(entry > 0, 'holder ', holder, ' holds entry 0');
  return entry;
}

/** A live folio named by id, or null (an id that is not live gives EINVAL). */
export function folioById(state: SwapState, id: unknown): Folio | null {
  if (typeof id !== 'number' || !Number.isInteger(id)) return null;
  return state.folios.get(id) ?? null;
}

/** Adds `reclaimed` to an outcome when the allocator reclaimed something. */
export function withReclaims(outcome: ImplOutcome, reclaimed: ImplOutcome['reclaimed']) {
  assert(outcome.reclaimed === undefined, 'outcome already has reclaims');
  return reclaimed === undefined || reclaimed.length === 0 ? outcome : { ...outcome, reclaimed };
}

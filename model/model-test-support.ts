/**
 * Test support for the reference model: the one place that knows how to reach a SwapModel's
 * private state and how to build or corrupt a ModelState by hand, so that a change to the
 * state's shape touches this file and not every test that breaks a state on purpose. A
 * hand-edited state gets its indexes rebuilt from what the edit left (rebuildIndexes()), so
 * it stays consistent however the model keeps its indexes.
 *
 * Not covered here: any test (model/swap-model.test.ts uses these). Files named
 * *-test-support.ts are left out of the build, coverage and Stryker.
 */
import type { Config } from '../lib/config.ts';
import { rebuildIndexes } from './state.ts';
import type { Entry, Folio, Holder, ModelState } from './state.ts';
import type { SwapModel } from './swap-model.ts';

/** A state's fields as plain writable Maps and arrays, for building and corrupting states by
 * hand (the model itself writes them only through the setters of model/state.ts). */
export type RawState = Omit<ModelState, 'holders' | 'entries'> & {
  holders: Holder[];
  entries: Map<number, Entry>;
};

/** The model's private state, live: what a test changes here the model sees. Only tests that
 * must reach a state no op reaches (an index out of step, a kind outside its union) use it. */
export function stateOf(model: SwapModel): ModelState {
  return (model as unknown as { state: ModelState }).state;
}

/** The model's private state as a RawState, for corrupting it in place. */
export function rawStateOf(model: SwapModel): RawState {
  return stateOf(model) as RawState;
}

/** Edits a state by hand, then rebuilds its indexes from what the edit left. */
export function edited(
  state: ModelState,
  edit: (raw: RawState) => void,
  machine: Config,
): ModelState {
  edit(state as RawState);
  rebuildIndexes(state, machine);
  return state;
}

/** The live entry `serial` (a test error when there is none). */
export function entryOf(state: ModelState | RawState, serial: number): Entry {
  const value = state.entries.get(serial);
  if (value === undefined) throw new Error(`no entry ${serial}`);
  return value;
}

/** A new entry: held once, no shadow, no backend, on `space`, in the root memcg, unless
 * `fields` says otherwise. */
export function newEntry(
  serial: number,
  space: Entry['space'],
  fields: Partial<Entry> = {},
): Entry {
  return {
    serial,
    count: 1,
    shadow: false,
    backend: { kind: 'none' },
    staleZswap: false,
    space,
    memcg: null,
    ...fields,
  };
}

/** A new order-0 folio holding `pages`: dirty, outside the swap cache, in the root memcg,
 * unless `fields` says otherwise. */
export function newFolio(id: number, pages: number[], fields: Partial<Folio> = {}): Folio {
  return { id, order: 0, pages, dirty: true, swap: null, memcg: null, ...fields };
}

/** Replaces entry `serial` with a copy that has `fields` changed. */
export function changeEntry(raw: RawState, serial: number, fields: Partial<Entry>): void {
  raw.entries.set(serial, { ...entryOf(raw, serial), ...fields });
}

/** Replaces folio `id` with a copy that has `fields` changed. */
export function changeFolio(raw: RawState, id: number, fields: Partial<Folio>): void {
  const folio = raw.folios.get(id);
  if (folio === undefined) throw new Error(`no folio ${id}`);
  raw.folios.set(id, { ...folio, ...fields });
}

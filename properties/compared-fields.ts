/**
 * The fields of an observation (lib/observation.ts) that the checker compares between the model
 * and a design, listed one per line per view, and the equalities that walk exactly those lists.
 * Each list is typed as a record over its view's keys, so a field added to a view fails the
 * typecheck until it is listed here; properties/oracle-fields.test.ts shows that a design that
 * lies about any one listed field is caught, and scripts/oracle-ablation.mjs that removing any
 * one line here fails a test. A field a design returns beyond these views is not compared.
 *
 * Not covered here: outcomes and the identity map (properties/checker.ts), rendering a
 * difference (properties/diff.ts, properties/divergence.ts).
 */
import type {
  DeviceView,
  EntryView,
  FolioView,
  HolderView,
  Observation,
} from '../lib/observation.ts';
import { plainEqual } from './diff.ts';

/** Every key of any variant of a union. */
type KeysOfUnion<T> = T extends unknown ? keyof T : never;

/** The whole-system fields: the four lists (compared item by item with the lists below, and
 * by length) and the global counters. */
export const observationFieldsCompared: Readonly<Record<keyof Observation, true>> = {
  holders: true,
  entries: true,
  folios: true,
  devices: true,
  swapFreePages: true,
  zswapStored: true,
  zswapEnabled: true,
  memcgSwapCurrent: true,
};

/** Every field of any holder variant (a field a variant lacks reads as absent on both sides). */
export const holderFieldsCompared: Readonly<Record<KeysOfUnion<HolderView>, true>> = {
  kind: true,
  folio: true,
  page: true,
  entry: true,
  content: true,
  exclusive: true,
};

export const entryFieldsCompared: Readonly<Record<keyof EntryView, true>> = {
  entry: true,
  count: true,
  cache: true,
  shadow: true,
  backend: true,
  device: true,
  virtual: true,
  content: true,
  staleZswap: true,
  memcg: true,
};

export const folioFieldsCompared: Readonly<Record<keyof FolioView, true>> = {
  id: true,
  order: true,
  dirty: true,
  cached: true,
  pages: true,
};

export const deviceFieldsCompared: Readonly<Record<keyof DeviceView, true>> = {
  online: true,
  writeOk: true,
  inuse: true,
};

/** The views a compared field belongs to. */
export type ViewName = 'observation' | 'holder' | 'entry' | 'folio' | 'device';

const fieldsByView: Readonly<Record<ViewName, Readonly<Record<string, true>>>> = {
  observation: observationFieldsCompared,
  holder: holderFieldsCompared,
  entry: entryFieldsCompared,
  folio: folioFieldsCompared,
  device: deviceFieldsCompared,
};

/** Every compared field as `view.field` (e.g. `entry.shadow`), in list order. */
export function comparedFieldIds(): string[] {
  return (Object.keys(fieldsByView) as ViewName[]).flatMap((view) =>
    Object.keys(fieldsByView[view]).map((field) => `${view}.${field}`),
  );
}

const holderKeys = Object.keys(holderFieldsCompared);
const entryKeys = Object.keys(entryFieldsCompared);
const folioKeys = Object.keys(folioFieldsCompared);
const deviceKeys = Object.keys(deviceFieldsCompared);

function fieldsEqual(keys: readonly string[], expected: object, actual: object): boolean {
  const left = expected as Record<string, unknown>;
  const right = actual as Record<string, unknown>;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = left[key];
    // Most fields are equal primitives: plainEqual() is called only for the others.
    if (value !== right[key] && !plainEqual(value, right[key])) return false;
  }
  return true;
}

function listsEqual(
  keys: readonly string[],
  expected: readonly object[],
  actual: readonly object[],
): boolean {
  if (expected.length !== actual.length) return false;
  for (let i = 0; i < expected.length; i++) {
    if (!fieldsEqual(keys, expected[i] as object, actual[i] as object)) return false;
  }
  return true;
}

export function holderViewsEqual(expected: HolderView, actual: HolderView): boolean {
  return fieldsEqual(holderKeys, expected, actual);
}

/** Null is a dead entry (or folio) on that side. */
export function entryViewsEqual(expected: EntryView | null, actual: EntryView | null): boolean {
  if (expected === null || actual === null) return expected === actual;
  return fieldsEqual(entryKeys, expected, actual);
}

export function folioViewsEqual(expected: FolioView | null, actual: FolioView | null): boolean {
  if (expected === null || actual === null) return expected === actual;
  return fieldsEqual(folioKeys, expected, actual);
}

/** The item lists of an observation and the fields compared in each of their items. */
const itemKeysOf: Readonly<Partial<Record<keyof Observation, readonly string[]>>> = {
  holders: holderKeys,
  entries: entryKeys,
  folios: folioKeys,
  devices: deviceKeys,
};

const observationKeys = Object.keys(observationFieldsCompared) as (keyof Observation)[];

/**
 * Whether a full check may compare the items one at a time (properties/checker.ts) rather
 * than the whole observations: when the holder, entry and folio lists are all compared, and
 * each holder's entry is. The design reads an entry's content on the CPU of the entry's lowest
 * holder; item by item, the checker names that CPU from the model's holders, which is the
 * design's only when the holders' entries are compared.
 */
export function itemByItemComparable(): boolean {
  return (
    observationKeys.includes('holders') &&
    observationKeys.includes('entries') &&
    observationKeys.includes('folios') &&
    holderKeys.includes('entry')
  );
}

/** The full comparison: every listed whole-system field, the item lists item by item. */
export function observationsEqual(expected: Observation, actual: Observation): boolean {
  for (const key of observationKeys) {
    const itemKeys = itemKeysOf[key];
    const equal =
      itemKeys === undefined
        ? plainEqual(expected[key], actual[key])
        : listsEqual(
            itemKeys,
            expected[key] as readonly object[],
            actual[key] as readonly object[],
          );
    if (!equal) return false;
  }
  return true;
}

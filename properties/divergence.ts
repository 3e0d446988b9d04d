/**
 * Differences between the model's and a design's observations, in kernel words: each line
 * names a kernel object (holder 5's PTE, entry `swp(1:16)`, folio 3, device 0, the zswap
 * pool, memcg 0) and the property that differs (its swap count, its swap-cache folio,
 * PG_dirty, `si->inuse_pages`, `nr_swap_pages`, `memory.swap.current`), with the model's
 * value and the design's. Entries are
 * named by the design's entry value (the checker's identity map) and keyed by model serial,
 * so an entry that one side lacks is reported as such rather than as a shifted list. Also the
 * words for an op's outcome (errno, path and choices).
 *
 * Not covered here: finding that there is a difference (properties/diff.ts, the checker).
 */
import type {
  DeviceView,
  EntryView,
  FolioView,
  HolderView,
  Observation,
} from '../lib/observation.ts';
import type { Outcome } from '../lib/outcome.ts';
import { plainEqual } from './diff.ts';

/** Names a model entry serial in kernel words, e.g. `swp(1:16)` or `vswap(205)`. */
export type EntryNamer = (serial: number) => string;

/** What the two sides are called: the model and the design, or the state before and after
 * an op (replay --verbose says what an op changed). */
export interface Sides {
  readonly left: string;
  readonly right: string;
  /** A line for an object only the left (right) side has. */
  readonly onlyLeft: (subject: string, detail: string) => string;
  readonly onlyRight: (subject: string, detail: string) => string;
}

export const modelAndDesign: Sides = {
  left: 'model',
  right: 'design',
  onlyLeft: (subject, detail) => `${subject}: the model has it (${detail}), the design does not`,
  onlyRight: (subject, detail) =>
    `${subject}: the design still has it (${detail}), the model does not`,
};

export const beforeAndAfter: Sides = {
  left: 'was',
  right: 'now',
  onlyLeft: (subject) => `${subject}: freed`,
  onlyRight: (subject, detail) => `${subject}: new (${detail})`,
};

/** Lines after which the rest is summarized. */
const linesMax = 8;

/** An op's outcome: `OK, path disk, device 0`. */
export function outcomeWords(outcome: Outcome): string {
  const parts: string[] = [outcome.errno];
  if (outcome.how !== undefined) parts.push(`path ${outcome.how}`);
  if (outcome.order !== undefined) parts.push(`order ${outcome.order}`);
  if (outcome.virtual !== undefined)
    parts.push(outcome.virtual ? 'virtual entries' : 'physical entries');
  if (outcome.device !== undefined) parts.push(`device ${outcome.device}`);
  if (outcome.freedCache === true) parts.push('freed the swap cache');
  for (const reclaim of outcome.reclaimed ?? []) {
    parts.push(
      reclaim.kind === 'cache'
        ? `reclaimed cache-only folio ${reclaim.folio}`
        : `reclaimed the backing of folio ${reclaim.folio}`,
    );
  }
  return parts.join(', ');
}

/** What a PTE holds, in words. */
export function holderWords(view: HolderView, name: EntryNamer): string {
  switch (view.kind) {
    case 'empty':
      return 'none (pte_none)';
    case 'present':
      return `maps folio ${view.folio} page ${view.page} (content ${view.content})`;
    case 'swap':
      return `holds swap entry ${name(view.entry)} (content ${view.content})`;
  }
}

const yesNo = (value: boolean) => (value ? 'yes' : 'no');

/** Entry fields: their kernel words and how to print a value. */
const entryFields: readonly [keyof EntryView, string, (value: never) => string][] = [
  ['count', 'swap count', (value: number) => String(value)],
  [
    'cache',
    'swap-cache folio',
    (value: EntryView['cache']) =>
      value === null ? 'none' : `folio ${value.folio} page ${value.page}`,
  ],
  ['shadow', 'workingset shadow', (value: boolean) => (value ? 'stored' : 'none')],
  [
    'backend',
    'backing',
    (value: EntryView['backend']) =>
      ({ none: 'none', zero: 'zero page (zero flag)', zswap: 'zswap', disk: 'disk slot' })[value],
  ],
  [
    'device',
    'device (swap type)',
    (value: number | null) => (value === null ? 'none' : String(value)),
  ],
  ['virtual', 'virtual (vswap) entry', yesNo],
  ['content', 'content read through the lookup path', (value: number | 'lost') => String(value)],
  [
    'memcg',
    'memcg recorded (swap_cgroup id)',
    (value: number | null) => (value === null ? 'root' : `memcg ${value}`),
  ],
];

const folioFields: readonly [keyof FolioView, string, (value: never) => string][] = [
  ['order', 'order', (value: number) => String(value)],
  ['dirty', 'PG_dirty', yesNo],
  ['cached', 'in the swap cache (PG_swapcache)', yesNo],
  ['pages', 'page contents', (value: readonly number[]) => `[${value.join(', ')}]`],
];

const deviceFields: readonly [keyof DeviceView, string, (value: never) => string][] = [
  ['online', 'swapped on (SWP_USED)', yesNo],
  ['writeOk', 'SWP_WRITEOK', yesNo],
  ['inuse', 'si->inuse_pages', (value: number) => String(value)],
];

function fieldLines<T>(
  subject: string,
  fields: readonly [keyof T, string, (value: never) => string][],
  expected: T,
  actual: T,
  sides: Sides,
): string[] {
  const lines: string[] = [];
  for (const [field, words, show] of fields) {
    const left = expected[field];
    const right = actual[field];
    if (plainEqual(left, right)) continue;
    lines.push(
      `${subject}: ${words}: ${sides.left} ${show(left as never)}, ${sides.right} ${show(right as never)}`,
    );
  }
  return lines;
}

/** holder `index`'s PTE on both sides. */
export function holderDivergence(
  index: number,
  expected: HolderView,
  actual: HolderView,
  name: EntryNamer,
  sides = modelAndDesign,
): string[] {
  if (plainEqual(expected, actual)) return [];
  return [
    `holder ${index}'s PTE: ${sides.left} ${holderWords(expected, name)}, ${sides.right} ${holderWords(actual, name)}`,
  ];
}

/** One entry's fields in words (for an entry only one side has). */
export function entryWords(view: EntryView): string {
  return entryFields
    .map(([field, words, show]) => `${words} ${show(view[field] as never)}`)
    .join(', ');
}

/** The entry of model serial `serial` on both sides (null: no live entry). */
export function entryDivergence(
  serial: number,
  expected: EntryView | null,
  actual: EntryView | null,
  name: EntryNamer,
  sides = modelAndDesign,
): string[] {
  const subject = `entry ${name(serial)}`;
  if (expected === null && actual === null) return [];
  if (expected === null) return [sides.onlyRight(subject, `swap count ${actual?.count}`)];
  if (actual === null) return [sides.onlyLeft(subject, `swap count ${expected.count}`)];
  return fieldLines(subject, entryFields, expected, actual, sides);
}

/** One folio's fields in words. */
export function folioWords(view: FolioView): string {
  return folioFields
    .map(([field, words, show]) => `${words} ${show(view[field] as never)}`)
    .join(', ');
}

/** Folio `id` on both sides (null: no such live folio). */
export function folioDivergence(
  id: number,
  expected: FolioView | null,
  actual: FolioView | null,
  sides = modelAndDesign,
): string[] {
  if (expected === null && actual === null) return [];
  if (expected === null) return [sides.onlyRight(`folio ${id}`, `order ${actual?.order}`)];
  if (actual === null) return [sides.onlyLeft(`folio ${id}`, `order ${expected.order}`)];
  return fieldLines(`folio ${id}`, folioFields, expected, actual, sides);
}

/** One device's fields in words. */
export function deviceWords(view: DeviceView): string {
  return deviceFields
    .map(([field, words, show]) => `${words} ${show(view[field] as never)}`)
    .join(', ');
}

function byKey<T>(views: readonly T[], key: (view: T) => number): Map<number, T> {
  return new Map(views.map((view) => [key(view), view]));
}

function sortedKeys(...maps: Map<number, unknown>[]): number[] {
  return [...new Set(maps.flatMap((map) => [...map.keys()]))].sort((a, b) => a - b);
}

/** Every difference between two whole observations (entries keyed by model serial), at most
 * `max` lines (the rest counted). */
export function observationDivergence(
  expected: Observation,
  actual: Observation,
  name: EntryNamer,
  sides = modelAndDesign,
  max = linesMax,
): string[] {
  const lines: string[] = [];
  const holders = Math.max(expected.holders.length, actual.holders.length);
  for (let index = 0; index < holders; index++) {
    const left = expected.holders[index] ?? { kind: 'empty' as const };
    const right = actual.holders[index] ?? { kind: 'empty' as const };
    lines.push(...holderDivergence(index, left, right, name, sides));
  }
  const entriesLeft = byKey(expected.entries, (view) => view.entry);
  const entriesRight = byKey(actual.entries, (view) => view.entry);
  for (const serial of sortedKeys(entriesLeft, entriesRight)) {
    lines.push(
      ...entryDivergence(
        serial,
        entriesLeft.get(serial) ?? null,
        entriesRight.get(serial) ?? null,
        name,
        sides,
      ),
    );
  }
  const foliosLeft = byKey(expected.folios, (view) => view.id);
  const foliosRight = byKey(actual.folios, (view) => view.id);
  for (const id of sortedKeys(foliosLeft, foliosRight)) {
    lines.push(
      ...folioDivergence(id, foliosLeft.get(id) ?? null, foliosRight.get(id) ?? null, sides),
    );
  }
  const devices = Math.max(expected.devices.length, actual.devices.length);
  for (let index = 0; index < devices; index++) {
    const left = expected.devices[index];
    const right = actual.devices[index];
    if (left === undefined || right === undefined) {
      lines.push(
        `device ${index}: only the ${left === undefined ? sides.right : sides.left} side has it`,
      );
      continue;
    }
    lines.push(...fieldLines(`device ${index}`, deviceFields, left, right, sides));
  }
  const { left, right } = sides;
  if (expected.swapFreePages !== actual.swapFreePages) {
    lines.push(
      `free swap pages (nr_swap_pages): ${left} ${expected.swapFreePages}, ${right} ${actual.swapFreePages}`,
    );
  }
  if (expected.zswapStored !== actual.zswapStored) {
    lines.push(
      `zswap pool: stored pages: ${left} ${expected.zswapStored}, ${right} ${actual.zswapStored}`,
    );
  }
  if (expected.zswapEnabled !== actual.zswapEnabled) {
    lines.push(
      `zswap enabled: ${left} ${yesNo(expected.zswapEnabled)}, ${right} ${yesNo(actual.zswapEnabled)}`,
    );
  }
  const memcgs = Math.max(expected.memcgSwapCurrent.length, actual.memcgSwapCurrent.length);
  for (let index = 0; index < memcgs; index++) {
    const was = expected.memcgSwapCurrent[index];
    const now = actual.memcgSwapCurrent[index];
    if (was !== now)
      lines.push(
        `memcg ${index}: memory.swap.current: ${left} ${was ?? 'none'}, ${right} ${now ?? 'none'}`,
      );
  }
  return capped(lines, max);
}

/** At most `max` lines, the rest counted. */
export function capped(lines: readonly string[], max = linesMax): string[] {
  if (lines.length <= max) return [...lines];
  return [...lines.slice(0, max - 1), `... and ${lines.length - max + 1} more differences`];
}

/**
 * Test support for the oracle's canaries: designs that lie about exactly one compared
 * observation field (in observe() and in the per-item views alike), one lie per field the
 * comparison lists, and the op scenario that makes every field non-trivial, with the op at
 * which each lie must first be caught. Used by properties/oracle-fields.test.ts and
 * properties/checker-precision.test.ts.
 *
 * Not covered here: the tests themselves; the audit's corruptions (impl/audit.test.ts).
 */
import { configTinyMemcg } from '../lib/config.ts';
import type { EntryView, FolioView, HolderView, Observation } from '../lib/observation.ts';
import type { Op } from '../lib/ops.ts';
import type { SwapSystem } from '../lib/system.ts';
import type { ViewName } from './compared-fields.ts';
import { resolveDesign } from './design-registry.ts';
import type { DesignUnderTest } from './run.ts';

export const config = configTinyMemcg;

/**
 * One op sequence that makes every field non-trivial (holders 0-7 are in memcg 0). The index
 * of each op is where the lies below are first caught.
 */
export const scenario: readonly Op[] = [
  { op: 'swapon', device: 0, cpu: 0 }, // 0: a device online, free slots
  { op: 'fault', holder: 0, order: 0, cpu: 0 }, // 1: folio 1, exclusive mapping
  { op: 'write', holder: 0, value: 5, cpu: 0 }, // 2: content 5
  { op: 'allocSwap', holder: 0, cpu: 0 }, // 3: an entry, cached, charged to memcg 0
  { op: 'unmap', holder: 0, cpu: 0 }, // 4: a swap holder, count 1
  { op: 'writeout', folio: 1, cpu: 0 }, // 5: a zswap object
  { op: 'swapin', holder: 0, order: 0, cpu: 0 }, // 6
  { op: 'write', holder: 0, value: 0, cpu: 0 }, // 7
  { op: 'unmap', holder: 0, cpu: 0 }, // 8
  { op: 'writeout', folio: 1, cpu: 0 }, // 9: zero writeout, the zswap object left stale
  { op: 'evict', folio: 1, cpu: 0 }, // 10: a workingset shadow, no cache
  { op: 'fault', holder: 2, order: 1, cpu: 0 }, // 11: an order-1 folio, holder 3 at page 1
  { op: 'setZswap', enabled: false, cpu: 0 }, // 12: zswap disabled
  { op: 'allocSwap', holder: 2, cpu: 0 }, // 13: two more entries, one value apart
  { op: 'unmap', holder: 2, cpu: 0 }, // 14: holders 2 and 3 hold different entries
  { op: 'unmap', holder: 3, cpu: 0 }, // 15
  { op: 'fault', holder: 8, order: 0, cpu: 0 }, // 16: folio 3 (memcg 1: memcg 0 is at its swap.max)
  { op: 'allocSwap', holder: 8, cpu: 0 }, // 17: the newest entry ...
  { op: 'freeSwapCache', folio: 3, cpu: 0 }, // 18: ... freed: its value is dead
];

export interface Lie {
  /** What the field is made to read, given the entry values live in the design now and the
   * values live at any observation before. */
  readonly lie: (value: never, live: ReadonlySet<number>, seen: ReadonlySet<number>) => unknown;
  /** The scenario op at which the checker must catch it. */
  readonly caughtAt: number;
  /** The design it runs on (classic unless named). */
  readonly design?: string;
}

const dropLast = (list: readonly unknown[]) => list.slice(0, -1);
/** Another live entry value (the other entry of an aligned pair), else the truth: a value the
 * design never handed out is already an identity failure, without the comparison. */
const otherLive = (value: number, live: ReadonlySet<number>) =>
  live.has(value ^ 1) ? value ^ 1 : value;
/** The entry of the largest live value reads as the largest value that died (a stale key):
 * the checker maps it to that entry's last model serial, which sorts where the truth's did,
 * so only the key differs. */
const staleKey = (value: number, live: ReadonlySet<number>, seen: ReadonlySet<number>) => {
  const dead = [...seen].filter((other) => !live.has(other));
  return value !== Math.max(...live) || dead.length === 0 ? value : Math.max(...dead);
};

/** One lie per compared field, keyed `view.field` as comparedFieldIds() names them. */
export const lies: Readonly<Record<string, Lie>> = {
  'observation.holders': { lie: dropLast, caughtAt: 0 },
  'observation.entries': { lie: dropLast, caughtAt: 3 },
  'observation.folios': { lie: dropLast, caughtAt: 1 },
  'observation.devices': { lie: dropLast, caughtAt: 0 },
  'observation.swapFreePages': { lie: () => 0, caughtAt: 0 },
  'observation.zswapStored': { lie: () => 0, caughtAt: 5 },
  'observation.zswapEnabled': { lie: () => config.zswapEnabled, caughtAt: 12 },
  'observation.memcgSwapCurrent': {
    lie: (counts: readonly number[]) => counts.map(() => 0),
    caughtAt: 3,
  },
  'holder.kind': {
    lie: (kind: HolderView['kind']) => (kind === 'swap' ? 'empty' : kind),
    caughtAt: 4,
  },
  'holder.folio': { lie: () => 0, caughtAt: 1 },
  'holder.page': { lie: () => 0, caughtAt: 11 },
  'holder.entry': { lie: otherLive, caughtAt: 14 },
  'holder.content': { lie: () => 0, caughtAt: 2 },
  'holder.exclusive': { lie: () => false, caughtAt: 1 },
  'entry.entry': { lie: staleKey, caughtAt: 18 },
  'entry.count': { lie: () => 0, caughtAt: 4 },
  'entry.cache': { lie: () => null, caughtAt: 3 },
  'entry.shadow': { lie: () => false, caughtAt: 10 },
  'entry.backend': { lie: () => 'none', caughtAt: 5 },
  'entry.device': { lie: () => null, caughtAt: 3 },
  'entry.virtual': { lie: () => false, caughtAt: 3, design: 'vswap-all' },
  'entry.content': { lie: () => 0, caughtAt: 3 },
  'entry.staleZswap': { lie: () => false, caughtAt: 9 },
  'entry.memcg': { lie: () => null, caughtAt: 3 },
  'folio.id': { lie: () => 0, caughtAt: 1 },
  'folio.order': { lie: () => 0, caughtAt: 11 },
  'folio.dirty': { lie: () => false, caughtAt: 1 },
  'folio.cached': { lie: () => false, caughtAt: 3 },
  'folio.pages': { lie: (pages: readonly number[]) => pages.map(() => 0), caughtAt: 2 },
  'device.online': { lie: () => false, caughtAt: 0 },
  'device.writeOk': { lie: () => false, caughtAt: 0 },
  'device.inuse': { lie: () => 0, caughtAt: 3 },
};

/** A system that reports `view.field` falsely (through lie) and is otherwise `system`. */
export function lyingSystem(
  system: SwapSystem,
  view: ViewName,
  field: string,
  lie: Lie['lie'],
): SwapSystem {
  const seen = new Set<number>();
  const live = () => {
    const values = new Set(system.observe().entries.map((item) => item.entry));
    for (const value of values) seen.add(value);
    return values;
  };
  /** `item` with `field` replaced by the lie, when the item has that field. */
  const lieIn = <T extends object>(item: T): T => {
    if (!Object.hasOwn(item, field)) return item;
    const value = (item as Record<string, unknown>)[field];
    const told = lie as (
      value: unknown,
      live: ReadonlySet<number>,
      seen: ReadonlySet<number>,
    ) => unknown;
    return { ...item, [field]: told(value, live(), seen) };
  };
  const holder = (item: HolderView) => (view === 'holder' ? lieIn(item) : item);
  const entry = (item: EntryView) => (view === 'entry' ? lieIn(item) : item);
  const folio = (item: FolioView) => (view === 'folio' ? lieIn(item) : item);
  const observe = (): Observation => {
    const truth = system.observe();
    const items: Observation = {
      ...truth,
      holders: truth.holders.map(holder),
      entries: truth.entries.map(entry),
      folios: truth.folios.map(folio),
      devices: truth.devices.map((item) => (view === 'device' ? lieIn(item) : item)),
    };
    return view === 'observation' ? lieIn(items) : items;
  };
  return {
    apply: (op) => system.apply(op),
    observe,
    audit: () => system.audit(),
    auditEmpty: () => system.auditEmpty(),
    entryOffset: (value) => system.entryOffset(value),
    formatEntry: (value) => system.formatEntry(value),
    marks: () => system.marks(),
    observeHolder: (index) =>
      holder((system.observeHolder as (index: number) => HolderView)(index)),
    observeEntry: (value, cpu) => {
      const view = (system.observeEntry as (value: number, cpu: number) => EntryView | null)(
        value,
        cpu,
      );
      return view === null ? null : entry(view);
    },
    observeFolio: (id) => {
      const view = (system.observeFolio as (id: number) => FolioView | null)(id);
      return view === null ? null : folio(view);
    },
    auditTouched: (values) => (system.auditTouched as (values: readonly number[]) => void)(values),
  };
}

export function lyingDesign(id: string): DesignUnderTest {
  const entry = lies[id];
  if (entry === undefined) throw new Error(`no lie for ${id}`);
  const [view, field] = id.split('.') as [ViewName, string];
  const honest = resolveDesign(entry.design ?? 'classic');
  return {
    ...honest,
    name: `${honest.name} lying about ${id}`,
    create: (c) => lyingSystem(honest.create(c), view, field, entry.lie),
  };
}

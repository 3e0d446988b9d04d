/**
 * Canaries for the comparison (properties/checker.ts, properties/compared-fields.ts): a
 * wrapper around a design that lies about exactly one observation field, in observe() and in
 * the per-item views alike, must be caught by the checker, for every field the comparison
 * lists. Each lie reports the field's resting value (0, false, null, the last list item
 * dropped; an entry value reads as the other entry of its aligned pair, since a value never
 * handed out is an identity failure before any comparison), so it is caught only once a short
 * op sequence makes the field non-trivial; the test pins that op, and that the failure is an
 * observation difference. Also: every key a model observation has is a compared field, and the
 * lies cover exactly the compared fields, so a field added to lib/observation.ts is either
 * compared and lied about or a test fails.
 *
 * Not covered here: the audit's canaries (impl/audit.test.ts), catalogued mutants
 * (properties/canary.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { configTinyMemcg } from '../lib/config.ts';
import type { EntryView, FolioView, HolderView, Observation } from '../lib/observation.ts';
import type { Op } from '../lib/ops.ts';
import type { SwapSystem } from '../lib/system.ts';
import { checkerOptionsCampaign, checkerOptionsDefault } from './checker.ts';
import { comparedFieldIds, type ViewName } from './compared-fields.ts';
import { resolveDesign } from './design-registry.ts';
import { drawSwarm, drawTemplate } from './generator.ts';
import { resolveTemplate } from './op-template.ts';
import { Prng } from './prng.ts';
import { checkerFor, replayOps, type DesignUnderTest } from './run.ts';

const config = configTinyMemcg;

/**
 * One op sequence that makes every field non-trivial (holders 0-7 are in memcg 0). The index
 * of each op is where the lies below are first caught.
 */
const scenario: readonly Op[] = [
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

interface Lie {
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
const lies: Readonly<Record<string, Lie>> = {
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
function lyingSystem(
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

function lyingDesign(id: string): DesignUnderTest {
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

describe('the compared fields', () => {
  it('have exactly one lie each', () => {
    expect(Object.keys(lies).sort()).toEqual(comparedFieldIds().sort());
  });

  it('include every key a model observation has', () => {
    const seen: Record<ViewName, Set<string>> = {
      observation: new Set(),
      holder: new Set(),
      entry: new Set(),
      folio: new Set(),
      device: new Set(),
    };
    const collect = (observation: Observation) => {
      for (const key of Object.keys(observation)) seen.observation.add(key);
      for (const [view, items] of [
        ['holder', observation.holders],
        ['entry', observation.entries],
        ['folio', observation.folios],
        ['device', observation.devices],
      ] as const) {
        for (const item of items) for (const key of Object.keys(item)) seen[view].add(key);
      }
    };
    for (const design of ['classic', 'vswap-all']) {
      const checker = checkerFor(resolveDesign(design), config);
      for (const op of scenario) expect(checker.step(op)).toBeNull();
      collect(checker.model.observe());
      const prng = new Prng(7);
      const swarm = drawSwarm(prng);
      for (let i = 0; i < 300; i++) {
        expect(
          checker.step(resolveTemplate(config, checker.observation, drawTemplate(prng, swarm))),
        ).toBeNull();
        if (i % 10 === 0) collect(checker.model.observe());
      }
    }
    const listed = new Set(comparedFieldIds());
    const unlisted = (Object.keys(seen) as ViewName[]).flatMap((view) =>
      [...seen[view]].map((key) => `${view}.${key}`).filter((id) => !listed.has(id)),
    );
    expect(unlisted, 'observation keys the comparison does not list').toEqual([]);
  });

  it('hold on the honest designs over the scenario', () => {
    for (const design of ['classic', 'vswap-all']) {
      for (const options of [checkerOptionsDefault, checkerOptionsCampaign]) {
        expect(
          replayOps(resolveDesign(design), config, scenario, options).failure,
          design,
        ).toBeNull();
      }
    }
  });
});

describe.each(Object.keys(lies))('a design lying about %s', (id) => {
  it('is caught by full checks at the op that makes the field non-trivial', () => {
    const lie = lies[id];
    expect(lie, `no lie for ${id}: add one to properties/oracle-fields.test.ts`).toBeDefined();
    const result = replayOps(lyingDesign(id), config, scenario, checkerOptionsDefault);
    expect(result.failure?.kind, result.failure?.message).toBe('observation');
    expect(result.failure?.step, result.failure?.message).toBe(lie?.caughtAt);
  });

  it('is caught by campaign checks (footprints between full checks) too', () => {
    const result = replayOps(lyingDesign(id), config, scenario, checkerOptionsCampaign);
    expect(result.failure?.kind, result.failure?.message).toBe('observation');
    const [view] = id.split('.');
    // A per-item field is seen by the footprint of the op that changes it; the whole-system
    // fields (and the entry key, which footprints replace by the serial) wait for a full check.
    if (view !== 'observation' && view !== 'device' && id !== 'entry.entry') {
      expect(result.failure?.step, result.failure?.message).toBe(lies[id]?.caughtAt);
    }
  });
});

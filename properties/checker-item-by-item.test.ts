/**
 * The item-by-item full check (properties/checker.ts, SwapSystem.observeSummary()): every
 * built-in design's summary equals its whole observation without the item lists; while
 * everything agrees a full check reads the design one item at a time and never its whole
 * observe(); and a design that lies about a field is reported exactly as the whole comparison
 * reports it (the same failure with the summary as without it, when only the whole comparison
 * runs).
 *
 * Not covered here: which lie each compared field catches, and at which op
 * (properties/oracle-fields.test.ts); the speed of a full check (bench/full-check-bench.ts).
 */
import { describe, expect, it } from 'vitest';
import { configDefault, configPresets, type Config } from '../lib/config.ts';
import type { Observation, ObservationSummary } from '../lib/observation.ts';
import type { SwapSystem } from '../lib/system.ts';
import { checkerOptionsDefault } from './checker.ts';
import { designNames, resolveDesign } from './design-registry.ts';
import { drawSwarm, drawTemplate } from './generator.ts';
import { resolveTemplate } from './op-template.ts';
import { Prng, runSeed } from './prng.ts';
import { checkerFor, runRandom, type DesignUnderTest } from './run.ts';

/** `observation` without its item lists, with their lengths: what observeSummary() shows. */
function summaryOf(observation: Observation): ObservationSummary {
  const { holders, entries, folios, ...global } = observation;
  return {
    ...global,
    holderCount: holders.length,
    entryCount: entries.length,
    folioCount: folios.length,
  };
}

/** Its resting value for a field: 0, false or null. */
function resting(value: unknown): unknown {
  if (typeof value === 'number') return 0;
  if (typeof value === 'boolean') return false;
  return null;
}

/** `item` with `field` at its resting value, when the item has that field. */
function lieIn<T extends object>(item: T, field: string): T {
  if (!Object.hasOwn(item, field)) return item;
  return { ...item, [field]: resting((item as Record<string, unknown>)[field]) };
}

type Lie = 'holder' | 'entry' | 'folio' | 'device' | 'observation';

/**
 * `system` lying about `view.field` in observe() and in every per-item view (and, with
 * `summary`, in observeSummary() too; without it only the whole comparison runs); `reads`
 * counts the calls of observe().
 */
function lyingSystem(
  system: SwapSystem,
  view: Lie | null,
  field: string,
  summary: boolean,
  reads: { observe: number },
): SwapSystem {
  const lie = <T extends object>(kind: Lie, item: T): T =>
    kind === view ? lieIn(item, field) : item;
  const observe = (): Observation => {
    const truth = system.observe();
    return lie('observation', {
      ...truth,
      holders: truth.holders.map((item) => lie('holder', item)),
      entries: truth.entries.map((item) => lie('entry', item)),
      folios: truth.folios.map((item) => lie('folio', item)),
      devices: truth.devices.map((item) => lie('device', item)),
    });
  };
  const per = system as Required<SwapSystem>;
  const lying: SwapSystem = {
    apply: (op) => system.apply(op),
    observe: () => {
      reads.observe++;
      return observe();
    },
    audit: () => system.audit(),
    auditEmpty: () => system.auditEmpty(),
    entryOffset: (value) => system.entryOffset(value),
    formatEntry: (value) => system.formatEntry(value),
    marks: () => system.marks(),
    observeHolder: (index) => lie('holder', per.observeHolder(index)),
    observeEntry: (value, cpu) => {
      const item = per.observeEntry(value, cpu);
      return item === null ? null : lie('entry', item);
    },
    observeFolio: (id) => {
      const item = per.observeFolio(id);
      return item === null ? null : lie('folio', item);
    },
    auditTouched: (values) => per.auditTouched(values),
  };
  if (!summary) return lying;
  return {
    ...lying,
    observeSummary: () => {
      const truth = per.observeSummary();
      return lie('observation', {
        ...truth,
        devices: truth.devices.map((item) => lie('device', item)),
      });
    },
  };
}

function lyingDesign(
  name: string,
  view: Lie | null,
  field: string,
  summary: boolean,
  reads: { observe: number },
): DesignUnderTest {
  const honest = resolveDesign(name);
  return { ...honest, create: (c) => lyingSystem(honest.create(c), view, field, summary, reads) };
}

describe.each(designNames())('observeSummary() of %s', (name) => {
  it('equals the whole observation without its item lists, after every op', () => {
    const design = resolveDesign(name);
    for (const [index, config] of Object.values<Config>(configPresets).entries()) {
      const checker = checkerFor(design, config);
      const prng = new Prng(runSeed(7, index));
      const swarm = drawSwarm(prng);
      for (let device = 0; device < config.devices.length; device++)
        expect(checker.step({ op: 'swapon', device, cpu: 0 })).toBeNull();
      for (let i = 0; i < 150; i++) {
        const op = resolveTemplate(config, checker.observation, drawTemplate(prng, swarm));
        expect(checker.step(op)).toBeNull();
        const system = checker.system as Required<SwapSystem>;
        expect(system.observeSummary()).toEqual(summaryOf(system.observe()));
      }
    }
  });

  it('lets full checks read the design item by item: its whole observe() is never read', () => {
    const reads = { observe: 0 };
    const design = lyingDesign(name, null, '', true, reads);
    for (let seed = 1; seed <= 3; seed++) {
      const run = runRandom(design, configDefault, seed, 150, checkerOptionsDefault);
      expect(run.failure).toBeNull();
    }
    expect(reads.observe).toBe(0);
  });
});

/** A field of each view, lied about at its resting value. */
const lies: readonly [Lie, string][] = [
  ['holder', 'content'],
  ['holder', 'exclusive'],
  ['entry', 'count'],
  ['entry', 'content'],
  ['entry', 'backend'],
  ['folio', 'dirty'],
  ['folio', 'cached'],
  ['device', 'inuse'],
  ['observation', 'swapFreePages'],
];

describe.each(lies)('a design lying about %s.%s', (view, field) => {
  it('is reported as the whole comparison reports it', () => {
    let caught = 0;
    for (let seed = 1; seed <= 3; seed++) {
      const failures = [true, false].map((summary) => {
        const design = lyingDesign('classic', view, field, summary, { observe: 0 });
        return runRandom(design, configDefault, seed, 120, checkerOptionsDefault).failure;
      });
      expect(failures[0]).toEqual(failures[1]);
      if (failures[0]?.kind === 'observation') caught++;
    }
    expect(caught).toBeGreaterThan(0);
  });
});

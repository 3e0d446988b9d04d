/**
 * The seeded model-vs-impl campaign that Stryker runs against every mutant of impl/
 * (vitest.stryker.config.ts; docs/mutation-testing.md). Each case is one design (the built-in
 * presets plus the two knob combinations no preset uses) on one config preset, over a fixed
 * list of run seeds: runRandom compares every op with the reference model, audits the impl
 * after every op and drains to empty. Fixed seeds keep Stryker's results reproducible, and one
 * case per design and config lets Stryker's per-test coverage run only the cases a mutant
 * reaches. The catalogued mutants' committed traces, which Stryker runs too, are replayed by
 * properties/mutant-traces.test.ts.
 *
 * A focused campaign reaches what the short runs rarely do: per design, runs whose swarm has a
 * focus (swapoff, pressure on the synchronous-I/O device, pressure with large folios, zswap,
 * counts), taken as the first seeds of a fixed scan that draw that swarm, run with campaign
 * checks (footprints through the per-item views, a full check every 64 ops); each case
 * requires its runs to have reached what the focus is for (swapoff of a device holding
 * cached, shared, zswap-backed or virtual entries, devices more than half full, writeouts of
 * large folios, zswap writebacks, forks of swapped-out holders), counted from the model's
 * observation, so a change that makes the subset miss them fails here. The per-item views
 * (observeHolder, observeEntry, observeFolio) are also compared with the full observation
 * after every op of a short run, as properties/checker-incremental.test.ts does at length.
 *
 * The budget is modest on purpose (SUBSET_RUNS runs of SUBSET_OPS ops per case, a few hundred
 * ops per focus): this is a fast, deterministic slice of the campaigns, not a replacement for
 * them (docs/mutation-testing.md gives its time). Not covered here:
 * the fast-check property (properties/model-vs-impl.test.ts), the catalogued mutants
 * (properties/canary.test.ts) and interleavings.
 */
import { describe, expect, it } from 'vitest';
import { configPresets, type Config } from '../lib/config.ts';
import type { Knobs } from '../lib/system.ts';
import { designs } from '../lib/designs.ts';
import { designFromKnobs } from './design-registry.ts';
import { drawSwarm, drawTemplate, type Swarm } from './generator.ts';
import { resolveTemplate } from './op-template.ts';
import { Prng, runSeed } from './prng.ts';
import { describeFailure } from './report.ts';
import { checkerFor, runRandom } from './run.ts';
import { runFocused, type Reach } from './focused-run.ts';
import { ItemViewAudit } from './item-views.ts';

/** The campaign seed; run i of a case uses runSeed(SUBSET_SEED, i). */
const SUBSET_SEED = 0x57c0;
const SUBSET_RUNS = Number(process.env.SWAPCHECK_SUBSET_RUNS ?? 1);
const SUBSET_OPS = Number(process.env.SWAPCHECK_SUBSET_OPS ?? 60);

/** The built-in presets plus the lookup-cache knob values no preset combines them with. */
const variants: [string, Knobs][] = [
  ...Object.entries(designs).map(([name, design]): [string, Knobs] => [name, design.knobs]),
  [
    'vswap-all-validated',
    { virtualEntries: 'always', reverseMap: 'kept', lookupCache: 'validated' },
  ],
  ['vswap-rfc-pinned', { virtualEntries: 'when-zswap', reverseMap: 'kept', lookupCache: 'pinned' }],
];
const configs = Object.entries<Config>(configPresets);

/** The seed of the focused campaign; its runs use the first seeds runSeed(REACH_SEED, i)
 * whose swarm a focus accepts. */
const REACH_SEED = 0x57c1;
const REACH_RUNS = Number(process.env.SWAPCHECK_SUBSET_REACH_RUNS ?? 3);
const REACH_OPS = Number(process.env.SWAPCHECK_SUBSET_REACH_OPS ?? 250);
/** `SWAPCHECK_SUBSET=light` leaves out the two slowest parts, the focused campaign and the
 * per-item views (about 23 of the subset's 32 s of test time): a first Stryker pass over a file
 * whose mutants every test reaches (the allocators, the devices) then costs a third of the
 * time, and its survivors are rerun against the whole subset (docs/mutation-testing.md).
 * A light score is a lower bound: every test of it is in the whole subset. */
const SUBSET_LIGHT = process.env.SWAPCHECK_SUBSET === 'light';
/** Generated ops of each refused-ops case (refused ops follow every third). */
const REFUSED_OPS = 90;
/** Ops of each per-item view case (every op compares every view). */
const ITEM_VIEW_OPS = 80;

/** The first `count` run seeds whose swarm `accept` takes (deterministic: a fixed scan). */
function focusedSeeds(accept: (swarm: Swarm) => boolean, count: number): number[] {
  const seeds: number[] = [];
  for (let run = 0; run < 1000 && seeds.length < count; run++) {
    const seed = runSeed(REACH_SEED, run);
    if (accept(drawSwarm(new Prng(seed)))) seeds.push(seed);
  }
  expect(seeds.length, 'seeds with the swarm asked for').toBe(count);
  return seeds;
}

/** A focus: which swarm, on which config, how many runs, and what they must reach together
 * (by the design's knobs: classic's entries live on the devices, vswap's are virtual). */
interface Focus {
  readonly name: string;
  readonly config: keyof typeof configPresets;
  readonly runs: number;
  readonly accept: (swarm: Swarm) => boolean;
  readonly reaches: (knobs: Knobs) => readonly (keyof Reach)[];
}

const focuses: readonly Focus[] = [
  {
    // Six more runs than the others: a write-fault swapin (one in four) frees the swap cache
    // of an entry nothing else holds, a zap of a mapped page frees an unused cache, and a
    // writeout may fail its charge, so a device holding a cached virtual entry is rare at
    // swapoff: the first eight runs of this focus take none offline.
    name: 'swapoff',
    config: 'tiny',
    runs: REACH_RUNS + 6,
    accept: (s) => s.focus === 'swapoff',
    reaches: (knobs) => [
      'swapoffLive',
      'swapoffCached',
      'swapoffShared',
      'swapoffCacheOnly',
      knobs.virtualEntries === 'never' ? 'swapoffZswap' : 'swapoffVirtual',
    ],
  },
  {
    // Six more runs than the others: campaign templates prefer redirtying cached pages, and
    // (as above) caches are freed early, so the first eight swapoff runs take no device with
    // a cached entry offline on the virtual designs.
    name: 'swapoff',
    config: 'default',
    runs: REACH_RUNS + 6,
    accept: (s) => s.focus === 'swapoff',
    reaches: () => ['swapoffLive', 'swapoffCached', 'swapoffShared'],
  },
  {
    name: 'pressure on the sync device',
    config: 'tiny',
    runs: REACH_RUNS,
    accept: (s) => s.pressure && s.syncOnly,
    reaches: () => ['pressure'],
  },
  {
    name: 'pressure with large folios',
    config: 'tiny-disk',
    runs: REACH_RUNS,
    accept: (s) => s.pressure,
    reaches: () => ['pressure', 'largeWriteout'],
  },
  {
    name: 'zswap',
    config: 'tiny',
    runs: REACH_RUNS + 2,
    accept: (s) => s.focus === 'zswap',
    reaches: () => ['zswapWriteback'],
  },
  {
    name: 'counts',
    config: 'tiny',
    runs: REACH_RUNS,
    accept: (s) => s.focus === 'counts',
    reaches: () => ['forkSwapped'],
  },
];

describe.skipIf(SUBSET_LIGHT).each(variants)('focused campaign on %s', (name, knobs) => {
  const design = designFromKnobs(name, knobs);
  it.each(focuses)('agrees with the model with campaign checks: $name on $config', (focus) => {
    const total: Record<string, number> = {};
    for (const seed of focusedSeeds(focus.accept, focus.runs)) {
      const result = runFocused(design, configPresets[focus.config], seed, REACH_OPS);
      const { failure } = result;
      expect(failure, failure === null ? '' : describeFailure(failure)).toBeNull();
      // The coverage marks the outcomes determine are the ones the impl reports.
      expect(result.actualMarks, `marks of run ${seed}`).toEqual(result.expectedMarks);
      for (const [key, n] of Object.entries(result.reach)) total[key] = (total[key] ?? 0) + n;
    }
    for (const key of focus.reaches(knobs)) {
      expect(total[key] ?? 0, `${key} in ${JSON.stringify(total)}`).toBeGreaterThan(0);
    }
  });
});

describe.each(variants)('refused ops on %s', (name, knobs) => {
  const design = designFromKnobs(name, knobs);
  it.each(['tiny', 'tiny-disk'] as const)(
    'are refused as the model refuses them, on %s',
    (configName) => {
      const [seed] = focusedSeeds((s) => s.focus === 'swapoff', 1);
      const result = runFocused(design, configPresets[configName], seed ?? 0, REFUSED_OPS, 3);
      const { failure } = result;
      expect(failure, failure === null ? '' : describeFailure(failure)).toBeNull();
      expect(result.notRefused, 'ops refusedOps() expected the model to refuse').toEqual([]);
      expect(result.refused).toBeGreaterThan(REFUSED_OPS);
    },
  );
});

describe.skipIf(SUBSET_LIGHT).each(variants)('per-item views of %s', (name, knobs) => {
  it.each(['tiny', 'default-disk'] as const)(
    'equal the full observation after every op on %s, and are null for what is not live',
    (configName) => {
      const config = configPresets[configName];
      const design = designFromKnobs(name, knobs);
      const [seed] = focusedSeeds((s) => s.focus === 'swapoff', 1);
      const prng = new Prng(seed ?? 0);
      const swarm = drawSwarm(prng);
      const checker = checkerFor(design, config);
      const audit = new ItemViewAudit(checker.system, config.cpus);
      for (let device = 0; device < config.devices.length; device++) {
        expect(checker.step({ op: 'swapon', device, cpu: 0 })).toBeNull();
      }
      for (let i = 0; i < ITEM_VIEW_OPS; i++) {
        const op = resolveTemplate(
          config,
          checker.observation,
          drawTemplate(prng, swarm),
          swarm.hotHolders,
        );
        expect(checker.step(op)).toBeNull();
        expect(audit.afterOp()).toEqual([]);
      }
      expect(audit.freed).toBeGreaterThan(0);
    },
  );
});

// Last, so that Stryker, which stops a mutant at its first failing test, meets the focused
// cases first: they kill most mutants of the op files.
describe.each(variants)('seeded campaign on %s', (name, knobs) => {
  const design = designFromKnobs(name, knobs);
  it.each(configs)('agrees with the model on config %s', (_configName, config) => {
    for (let run = 0; run < SUBSET_RUNS; run++) {
      const result = runRandom(design, config, runSeed(SUBSET_SEED, run), SUBSET_OPS);
      const message = result.failure === null ? '' : describeFailure(result.failure);
      expect(result.failure, `run ${run}: ${message}`).toBeNull();
    }
  });
});

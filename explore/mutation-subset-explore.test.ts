/**
 * The explorer's part of the Stryker subset (vitest.stryker.config.ts): fast deterministic
 * runs of the concurrent model checker that reach the sectioned ops (impl/sections-ops.ts) and
 * the section protocol (impl/sections.ts), which the sequential campaign of
 * properties/mutation-subset.test.ts never runs. Every budget is a count of runs or scenarios,
 * never a time, so a mutant sees the same schedules on every run.
 *
 * It has four parts: seeded random-mode explorations of the correct designs and of each
 * `--sync-swapin` knob (every run must hold, except that `skip-unpinned` must fail); every
 * schedule of a spread of exhaustive-mode scenarios (each must complete and hold); a swapoff
 * beside a pinned op; and single split-op paths (restarts, device picks, waits, per-entry pins
 * of two entries at once, the bypass decision) in small scenarios.
 *
 * Not covered here: the replay of the committed race-mutant traces
 * (properties/mutant-traces.test.ts, also in the Stryker subset), killing race mutants from
 * scratch (properties/canary.test.ts), shrinking, the command line.
 */
import { describe, expect, it } from 'vitest';
import { designs } from '../lib/designs.ts';
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { sectionLabels } from '../impl/sections-ops.ts';
import type { SyncSwapin } from '../impl/sections.ts';
import { exploreRandom, setupDesign } from './campaign.ts';
import type { ConcurrentDesign, Execution } from './concurrent.ts';
import { configExplore, configExploreZswap, exploreConfigs } from './config.ts';
import {
  exploreAgainstBruteForce,
  interleavingsOfIndependent,
  stepsPerCpu,
} from './explore-test-support.ts';
import { everyScheduleHolds } from './mutant-race.ts';
import { exhaustiveScenarios, setupOps, type SetupChoice } from './scenario.ts';

type ExploreConfigName = keyof typeof exploreConfigs;

/** A deadline no run of this file comes near: the budgets below are counts. */
const noDeadlineMs = 120_000;

function design(name: string, syncSwapin: SyncSwapin = 'swap-cache'): ConcurrentDesign {
  const knobs = designs[name]?.knobs;
  if (knobs === undefined) throw new Error(`no design ${name}`);
  return { name, knobs, syncSwapin, mutant: null };
}

function failureName(failure: { kind: string; invariant?: string } | null): string {
  if (failure === null) return 'holds';
  return failure.invariant === undefined ? failure.kind : `${failure.kind}[${failure.invariant}]`;
}

/** The one-section ops, labelled with their op name (impl/sections-ops.ts oneSection()). */
const oneSectionOps = [
  'swapon',
  'fault',
  'write',
  'unmap',
  'writeout',
  'evict',
  'freeSwapCache',
  'setZswap',
  'split',
];

/** Every section reached is a named one: a split op's label or a one-section op's name. */
function expectNamedSections(sections: ReadonlySet<string>): void {
  const named = new Set([...sectionLabels, ...oneSectionOps]);
  expect([...sections].filter((label) => !named.has(label))).toEqual([]);
}

/** The correct design, knob and config combinations the random and exhaustive parts run. */
const correct: readonly [string, SyncSwapin, ExploreConfigName][] = [
  ['classic', 'swap-cache', 'explore'],
  ['classic', 'swap-cache', 'explore-zswap'],
  ['classic', 'skip-pinned', 'explore'],
  ['vswap-rfc', 'swap-cache', 'explore'],
  ['vswap-all', 'swap-cache', 'explore-zswap'],
  ['vswap-direct', 'swap-cache', 'explore'],
  ['vswap-direct-cached', 'skip-pinned', 'explore-zswap'],
];

describe('random mode', () => {
  /** The seeded random exploration of one combination: 30 runs of 3 CPUs x 2 ops. Each test
   * runs its own (no cache: Stryker switches a mutant on per test, so a result kept from
   * another test may have been computed under another mutant). */
  function randomRun(name: string, knob: SyncSwapin, config: ExploreConfigName) {
    const budget = {
      cpus: 3,
      opsPerCpu: 2,
      timeMs: noDeadlineMs,
      runsMax: 30,
      depth: 3,
      seed: 0x57c1,
    };
    return exploreRandom(design(name, knob), exploreConfigs[config], budget);
  }

  it.each(correct)(
    '%s with %s on %s: 3 CPUs x 2 ops, 30 seeded runs hold',
    (name, knob, config) => {
      const result = randomRun(name, knob, config);
      expect(
        failureName(result.failure?.execution.failure ?? null),
        result.failure?.execution.failure?.message,
      ).toBe('holds');
      expect(result.scenarios).toBe(30);
      expectNamedSections(result.sections);
    },
  );

  // Together the runs above reach every named section of a split op: a label that turned into
  // another named label (every commit section labelled `alloc:commit`, say) passes the check
  // of each run but leaves a section unreached here, and the coverage line of `swapcheck
  // explore` would misreport what was explored.
  it('together reach every named section of the split ops but two swapoff waits', () => {
    const reached = new Set<string>();
    for (const [name, knob, config] of correct) {
      for (const label of randomRun(name, knob, config).sections) reached.add(label);
    }
    // The two waits for a swapoff in progress need a swapoff beside the op at the right
    // moment; the swapoff-beside-op cases below reach them (measured: no seeded run here does).
    expect(sectionLabels.filter((label) => !reached.has(label))).toEqual([
      'swapin:wait-swapoff',
      'zap:wait-swapoff',
    ]);
  });

  it('skip-unpinned fails: the bypass without its pin frees the slot under the read', () => {
    const budget = {
      cpus: 2,
      opsPerCpu: 1,
      timeMs: noDeadlineMs,
      runsMax: 2000,
      depth: 3,
      seed: 0x57c1,
    };
    const result = exploreRandom(
      design('classic', 'skip-unpinned'),
      exploreConfigs.explore,
      budget,
    );
    expect(result.failure, `held for ${result.scenarios} runs`).not.toBeNull();
    // The same scenario holds under every schedule with the fix's pin.
    const scenario = result.failure?.scenario;
    if (scenario === undefined) return;
    expect(everyScheduleHolds(design('classic', 'skip-pinned'), scenario, noDeadlineMs)).toBe(true);
  });
});

describe('exhaustive mode', () => {
  /** Every `stride`-th scenario of the exhaustive list, `count` of them, spread over the setups. */
  function spread(
    name: string,
    knob: SyncSwapin,
    config: ExploreConfigName,
    stride: number,
    count: number,
  ) {
    const d = design(name, knob);
    const picked = [];
    let index = 0;
    for (const scenario of exhaustiveScenarios(setupDesign(d), exploreConfigs[config], 1, 2)) {
      if (index++ % stride === 0) picked.push(scenario);
      if (picked.length === count) break;
    }
    return { d, picked };
  }

  it.each(correct)(
    '%s with %s on %s: every schedule of 24 scenarios holds, as every interleaving does',
    (name, knob, config) => {
      const { d, picked } = spread(name, knob, config, 263, 24);
      expect(picked.length).toBe(24);
      for (const scenario of picked) {
        const { result } = exploreAgainstBruteForce(d, scenario);
        expectNamedSections(result.sections);
      }
    },
  );
});

describe('swapoff against pinned ops', () => {
  // Holder 0 swapped out to device 0, holder 1 cached and clean: every schedule of a swapoff
  // of device 0 beside one op on holder 0 must hold, and some schedule must take the op's
  // wait for the swapoff (get_swap_device() failing), which the spread scenarios above miss.
  const cases: readonly [string, SyncSwapin, Op, string][] = [
    ['classic', 'swap-cache', { op: 'swapin', holder: 0, order: 0, cpu: 1 }, 'swapin:wait-swapoff'],
    ['classic', 'skip-pinned', { op: 'zap', holder: 0, cpu: 1 }, 'zap:wait-swapoff'],
    ['vswap-rfc', 'swap-cache', { op: 'fork', holder: 0, target: 2, cpu: 1 }, 'fork:wait-swapoff'],
    ['classic', 'swap-cache', { op: 'swapoff', device: 0, cpu: 1 }, 'swapoff:wait-other'],
  ];

  it.each(cases)(
    '%s with %s: every schedule of swapoff beside %o holds and reaches %s',
    (name, knob, op, wait) => {
      const d = design(name, knob);
      const setup = setupOps(setupDesign(d), exploreConfigs.explore, {
        devices: 'both',
        holders: ['swapped', 'cached-clean', 'empty'],
      });
      expect(setup).not.toBeNull();
      const scenario = {
        config: exploreConfigs.explore,
        setup: setup ?? [],
        programs: [[{ op: 'swapoff', device: 0, cpu: 0 } as Op], [op]],
      };
      const { result } = exploreAgainstBruteForce(d, scenario);
      expect(result.sections.has(wait), [...result.sections].join(' ')).toBe(true);
      expectNamedSections(result.sections);
    },
  );
});

describe('split-op paths the spread scenarios miss', () => {
  // One small scenario per path of impl/sections-ops.ts that the spread scenarios above do not
  // take: every schedule must hold (checked against every interleaving, as above) and the run
  // must reach exactly the listed sections. Most of these paths change only who waits for
  // whom, or whether an op restarts, not any outcome (the commit re-reads everything), so the
  // sections show them; where the point is that two ops never wait for each other, the last
  // column says so, and every interleaving of their steps must then be possible (the
  // multinomial count): a coarser lock would serialize them and hide interleavings.

  /** The explorer's machine with the disk device ranked below the synchronous one. */
  const lowDisk: Config = {
    ...configExplore,
    devices: configExplore.devices.map((device, index) => ({
      ...device,
      priority: index === 0 ? 1 : device.priority,
    })),
  };
  const swapped: SetupChoice = { devices: 'sync-only', holders: ['swapped', 'empty', 'empty'] };
  const present: SetupChoice = { devices: 'sync-only', holders: ['present', 'empty', 'empty'] };
  const swappedTwo: SetupChoice = {
    devices: 'sync-only',
    holders: ['swapped', 'swapped', 'empty'],
  };
  const cases: readonly [
    string,
    string,
    SyncSwapin,
    Config,
    SetupChoice,
    Op[][],
    string[],
    'independent' | 'may-wait',
  ][] = [
    // The bypass swapin holds its per-entry pin while a fork raises the count and a swapin
    // through the swap cache maps the PTE: its pte_same() check (swapinSkipCache()) fails and
    // it restarts.
    [
      'pte_same() of the bypass',
      'classic',
      'skip-pinned',
      configExplore,
      swapped,
      [
        [{ op: 'swapin', holder: 0, order: 0, cpu: 0 }],
        [
          { op: 'fork', holder: 0, target: 2, cpu: 1 },
          { op: 'swapin', holder: 0, order: 0, cpu: 1 },
          { op: 'fault', holder: 1, order: 0, cpu: 1 },
        ],
      ],
      [
        'fault',
        'fork:commit',
        'fork:lookup',
        'fork:read-count',
        'fork:write-count',
        'swapin:commit',
        'swapin:entry-pinned',
        'swapin:lookup',
        'swapin:read',
        'swapin:sync-map',
        'swapin:sync-read',
      ],
      'may-wait',
    ],
    // A swapin maps the PTE between the zap's lookup and its cluster lock: the zap restarts.
    [
      'zap re-check',
      'classic',
      'swap-cache',
      configExplore,
      { devices: 'both', holders: ['swapped', 'empty', 'empty'] },
      [
        [{ op: 'zap', holder: 0, cpu: 0 }],
        [
          { op: 'swapin', holder: 0, order: 0, cpu: 1 },
          { op: 'fault', holder: 1, order: 0, cpu: 1 },
        ],
      ],
      [
        'fault',
        'swapin:commit',
        'swapin:lookup',
        'swapin:read',
        'zap:commit',
        'zap:lookup',
        'zap:put',
      ],
      'may-wait',
    ],
    // A swapin drops a reference of the entry while a fork holds the cluster lock: the fork's
    // count must stay the one the commit wrote (the stale read-modify-write is the mutant's).
    [
      'fork count',
      'classic',
      'swap-cache',
      configExplore,
      { devices: 'both', holders: ['shared', 'empty', 'empty'] },
      [
        [{ op: 'fork', holder: 0, target: 2, cpu: 0 }],
        [{ op: 'swapin', holder: 1, order: 0, cpu: 1 }],
      ],
      ['fork:lookup', 'fork:read-count', 'fork:write-count', 'swapin:lookup', 'swapin:read'],
      'may-wait',
    ],
    // vswap-rfc with zswap on allocates a virtual entry: no device pick, so the swapoff does
    // not wait for the allocation.
    [
      'virtual allocation',
      'vswap-rfc',
      'swap-cache',
      configExploreZswap,
      { devices: 'both', holders: ['present', 'empty', 'empty'] },
      [[{ op: 'allocSwap', holder: 0, cpu: 0 }], [{ op: 'swapoff', device: 0, cpu: 1 }]],
      ['alloc:commit', 'alloc:pick', 'swapoff:start', 'swapoff:unuse'],
      'may-wait',
    ],
    // Device 0 is offline: the allocation picks device 1, and its swapoff waits for it.
    [
      'pick skips an offline device',
      'classic',
      'swap-cache',
      configExplore,
      present,
      [[{ op: 'allocSwap', holder: 0, cpu: 0 }], [{ op: 'swapoff', device: 1, cpu: 1 }]],
      ['alloc:allocate', 'alloc:commit', 'alloc:pick', 'swapoff:start', 'swapoff:unuse'],
      'may-wait',
    ],
    // Device 1 ranks first: the allocation picks it, and its swapoff waits for it.
    [
      'pick by priority',
      'classic',
      'swap-cache',
      lowDisk,
      { devices: 'both', holders: ['present', 'empty', 'empty'] },
      [[{ op: 'allocSwap', holder: 0, cpu: 0 }], [{ op: 'swapoff', device: 1, cpu: 1 }]],
      ['alloc:allocate', 'alloc:pick', 'swapoff:start', 'swapoff:unuse'],
      'may-wait',
    ],
    // A swapoff of an offline device returns at once; a writeback of an entry not in zswap
    // commits without the writeback section.
    [
      'offline swapoff, disk writeback',
      'classic',
      'swap-cache',
      configExplore,
      swapped,
      [[{ op: 'swapoff', device: 0, cpu: 0 }], [{ op: 'zswapWriteback', holder: 0, cpu: 1 }]],
      ['swapoff:start', 'writeback:commit', 'writeback:lookup'],
      'may-wait',
    ],
    // Two bypass swapins of different entries: each holds its own entry's pin across its read
    // and its pte_same() check, so neither waits for the other (one pin for every entry, a
    // coarser entryLock(), would serialize them and hide most of these interleavings).
    [
      'bypass pins of two entries',
      'classic',
      'skip-pinned',
      configExplore,
      swappedTwo,
      [
        [{ op: 'swapin', holder: 0, order: 0, cpu: 0 }],
        [{ op: 'swapin', holder: 1, order: 0, cpu: 1 }],
      ],
      ['swapin:entry-pinned', 'swapin:lookup', 'swapin:sync-map', 'swapin:sync-read'],
      'independent',
    ],
    // A zap of another entry takes its own entry's pin while the bypass swapin holds its pin.
    [
      'zap pin beside a bypass pin',
      'classic',
      'skip-pinned',
      configExplore,
      swappedTwo,
      [[{ op: 'swapin', holder: 0, order: 0, cpu: 0 }], [{ op: 'zap', holder: 1, cpu: 1 }]],
      [
        'swapin:entry-pinned',
        'swapin:lookup',
        'swapin:sync-map',
        'swapin:sync-read',
        'zap:entry-pinned',
        'zap:lookup',
        'zap:put',
      ],
      'independent',
    ],
    // The bypass is for physical entries only: a virtual entry backed by a slot of the
    // synchronous device (count 1, uncached, on disk) is still read through the swap cache.
    [
      'no bypass for a virtual entry',
      'vswap-all',
      'skip-pinned',
      configExplore,
      swapped,
      [
        [{ op: 'swapin', holder: 0, order: 0, cpu: 0 }],
        [{ op: 'fault', holder: 1, order: 0, cpu: 1 }],
      ],
      ['fault', 'swapin:lookup', 'swapin:read'],
      'may-wait',
    ],
    // Nor for an entry whose data is in zswap (only disk and zero-filled entries are read
    // synchronously), though it occupies a slot of the synchronous device with count 1.
    [
      'no bypass for a zswap entry',
      'classic',
      'skip-pinned',
      configExploreZswap,
      swapped,
      [
        [{ op: 'swapin', holder: 0, order: 0, cpu: 0 }],
        [{ op: 'fault', holder: 1, order: 0, cpu: 1 }],
      ],
      ['fault', 'swapin:lookup', 'swapin:read'],
      'may-wait',
    ],
  ];

  it.each(cases)(
    '%s: %s with %s',
    (_what, name, knob, config, choice, programs, sections, waits) => {
      const d = design(name, knob);
      const setup = setupOps(setupDesign(d), config, choice);
      expect(setup).not.toBeNull();
      const { result, every } = exploreAgainstBruteForce(d, {
        config,
        setup: setup ?? [],
        programs,
      });
      expect([...result.sections].sort()).toEqual(sections);
      if (waits === 'independent') {
        // Each CPU takes the same steps in every interleaving (no restart, no wait), and every
        // order of those steps is possible.
        const steps = stepsPerCpu(every[0] as Execution, programs.length);
        for (const run of every) expect(stepsPerCpu(run, programs.length)).toEqual(steps);
        expect(every.length).toBe(interleavingsOfIndependent(steps));
      }
    },
  );
});

/**
 * The lifecycle scenario family and the preemption-bounded schedule search. Method: the walks
 * of a setup are checked against the op alphabet step by step; the bounded search is compared
 * with a brute-force enumeration of every interleaving (it runs exactly the schedules within
 * the bound, and a bound no schedule reaches gives every interleaving); a slice of the family
 * (programs of 1 op, on either swapin knob) holds on the correct design and completes; the
 * committed ABA trace's program is in the family; random scenarios are deterministic per seed.
 *
 * Not covered here: killing the ABA mutant (properties/canary.test.ts), the full family with
 * programs of 4 ops (minutes; docs/model-checking.md has the measured runs).
 */
import { describe, expect, it } from 'vitest';
import type { Op } from '../lib/ops.ts';
import type { Knobs } from '../lib/system.ts';
import { designs } from '../lib/designs.ts';
import type { SyncSwapin } from '../impl/sections.ts';
import { designFromKnobs } from '../properties/design-registry.ts';
import { exploreExhaustive } from './campaign.ts';
import type { ConcurrentDesign, Execution, Scenario } from './concurrent.ts';
import { exploreSchedules } from './concurrent.ts';
import { everyInterleaving } from './explore-test-support.ts';
import { configExplore } from './config.ts';
import { opAlphabet } from './alphabet.ts';
import { holderWalks, lifecycleScenarios, randomLifecycleScenario, setupOps } from './scenario.ts';

const knobs = designs.classic?.knobs;
if (knobs === undefined) throw new Error('no classic design');
const classic = designFromKnobs('classic', knobs);

function concurrent(syncSwapin: SyncSwapin): ConcurrentDesign {
  return { name: 'classic', knobs: knobs as Knobs, syncSwapin, mutant: null };
}

const setup = setupOps(classic, configExplore, {
  devices: 'sync-only',
  holders: ['present', 'swapped', 'empty'],
});

describe('holderWalks', () => {
  it('takes every op from the alphabet after the ops before it, on one holder, up to k ops', () => {
    if (setup === null) throw new Error('setup');
    const walks = holderWalks(classic, configExplore, setup, 1, 3, 1);
    expect(new Set(walks.map((walk) => walk.length))).toEqual(new Set([1, 2, 3]));
    for (const walk of walks) {
      const system = classic.create(configExplore);
      for (const op of setup) system.apply(op);
      for (const op of walk) {
        expect(op.cpu).toBe(1);
        expect('holder' in op && op.holder).toBe(1);
        expect(opAlphabet(configExplore, system.observe(), 1)).toContainEqual(op);
        expect(system.apply(op).errno).not.toBe('EINVAL');
      }
    }
    // No walk twice, and every one-op extension of a shorter walk that is a walk is listed.
    const keys = walks.map((walk) => JSON.stringify(walk));
    expect(new Set(keys).size).toBe(keys.length);
    const short = walks.filter((walk) => walk.length < 3);
    expect(
      short.every((walk) =>
        walks.some(
          (longer) =>
            longer.length === walk.length + 1 &&
            JSON.stringify(longer.slice(0, -1)) === JSON.stringify(walk),
        ),
      ),
    ).toBe(true);
  });
});

describe('exploreSchedules with a preemption bound', () => {
  if (setup === null) throw new Error('setup');
  const scenario: Scenario = {
    config: configExplore,
    setup,
    programs: [
      [{ op: 'swapin', holder: 1, order: 0, cpu: 0 }],
      [
        { op: 'zap', holder: 1, cpu: 1 },
        { op: 'fault', holder: 1, order: 0, cpu: 1 },
      ],
    ],
  };
  const preemptions = (run: Execution) =>
    run.schedule.filter(
      (cpu, i) =>
        i > 0 &&
        cpu !== run.schedule[i - 1] &&
        (run.enabled[i] ?? []).includes(run.schedule[i - 1] as number),
    ).length;
  // Every interleaving, by brute force (explore/explore-test-support.ts).
  const every = everyInterleaving(concurrent('swap-cache'), scenario);

  it.each([0, 1, 2, 3])('runs exactly the schedules with at most %i preemptions', (bound) => {
    const result = exploreSchedules(
      concurrent('swap-cache'),
      scenario,
      1e6,
      performance.now() + 60_000,
      true,
      undefined,
      bound,
    );
    expect(result.complete).toBe(true);
    expect(result.failure).toBeNull();
    expect(result.schedules).toBe(every.filter((run) => preemptions(run) <= bound).length);
    expect(every.every((run) => run.failure === null)).toBe(true);
  });

  it('gives every interleaving when the bound is never reached', () => {
    const all = exploreSchedules(
      concurrent('swap-cache'),
      scenario,
      1e6,
      performance.now() + 60_000,
      false,
    );
    const bounded = exploreSchedules(
      concurrent('swap-cache'),
      scenario,
      1e6,
      performance.now() + 60_000,
      true,
      undefined,
      100,
    );
    expect(bounded.complete && all.complete).toBe(true);
    expect(bounded.schedules).toBe(all.schedules);
    expect(all.schedules).toBe(every.length);
    expect(every.filter((run) => preemptions(run) === 0).length).toBe(2);
  });
});

describe('the lifecycle family', () => {
  it.each([
    ['skip-pinned', 1],
    ['swap-cache', 1],
  ] as const)('holds on classic (%s) for programs of %i op, completely', (sync, k) => {
    const result = exploreExhaustive(concurrent(sync), configExplore, {
      cpus: 2,
      opsPerCpu: k,
      timeMs: 120_000,
      runsMax: 1,
      depth: 3,
      seed: 1,
      family: 'lifecycle',
    });
    expect(result.failure?.execution.failure?.message ?? 'holds').toBe('holds');
    expect(result.complete).toBe(true);
    expect(result.sections.has('swapin:sync-map')).toBe(sync === 'skip-pinned');
  });

  it('contains the committed ABA program: a fault against zap, fault, allocSwap, unmap of its holder', () => {
    const wanted: Op[] = [
      { op: 'zap', holder: 1, cpu: 1 },
      { op: 'fault', holder: 1, order: 0, cpu: 1 },
      { op: 'allocSwap', holder: 1, cpu: 1 },
      { op: 'unmap', holder: 1, cpu: 1 },
    ];
    let found = false;
    for (const scenario of lifecycleScenarios(classic, configExplore, 4)) {
      const [sleeper, program] = scenario.programs;
      expect(sleeper?.length).toBe(1);
      expect(sleeper?.[0]?.op).toBe('swapin');
      expect(
        (program ?? []).every(
          (op) => 'holder' in op && op.holder === (sleeper?.[0] as { holder: number }).holder,
        ),
      ).toBe(true);
      if (JSON.stringify(program) === JSON.stringify(wanted)) {
        found = true;
        break;
      }
    }
    expect(found).toBe(true);
  });

  it('draws the same random scenario from the same seed, a fault against k ops on its holder', () => {
    const a = randomLifecycleScenario(classic, configExplore, 7, 4);
    expect(randomLifecycleScenario(classic, configExplore, 7, 4)).toEqual(a);
    expect(a.programs[0]?.[0]?.op).toBe('swapin');
    expect(a.programs[1]?.length).toBe(4);
  });
});

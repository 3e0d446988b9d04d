/**
 * The scheduler and the linearizability check. Method: hand-written scenarios on the
 * explorer's machine. Every schedule of a small scenario holds on the correct designs (and the
 * enumeration completes, checked against a brute-force enumeration of every interleaving); a
 * schedule replays exactly; PCT is deterministic per seed; a lock cycle is reported as a
 * deadlock; the checker rejects a history no order explains.
 *
 * Not covered here: the race mutants (properties/mutant-traces.test.ts replays each trace,
 * properties/canary.test.ts kills each).
 */
import { describe, expect, it } from 'vitest';
import type { Op } from '../lib/ops.ts';
import { designs } from '../lib/designs.ts';
import type { Knobs } from '../lib/system.ts';
import { designFromKnobs } from '../properties/design-registry.ts';
import type { ConcurrentDesign, Scenario, Sections } from './concurrent.ts';
import { execute, pctChooser, replaySchedule } from './concurrent.ts';
import { exploreAgainstBruteForce } from './explore-test-support.ts';
import { configExplore } from './config.ts';
import { checkLinearizable } from './linearize.ts';
import { setupOps } from './scenario.ts';

function knobsOf(name: string): Knobs {
  const knobs = designs[name]?.knobs;
  if (knobs === undefined) throw new Error(name);
  return knobs;
}

function design(name: string): ConcurrentDesign {
  return { name, knobs: knobsOf(name), syncSwapin: 'swap-cache', mutant: null };
}

function scenario(name: string, programs: Op[][]): Scenario {
  const setup = setupOps(designFromKnobs(name, knobsOf(name)), configExplore, {
    devices: 'both',
    holders: ['cached-clean', 'shared', 'empty'],
  });
  if (setup === null) throw new Error('setup');
  return { config: configExplore, setup, programs };
}

const twoByThree: Op[][] = [
  [
    { op: 'swapin', holder: 0, order: 0, cpu: 0 },
    { op: 'zap', holder: 1, cpu: 0 },
    { op: 'swapoff', device: 0, cpu: 0 },
  ],
  [
    { op: 'swapin', holder: 1, order: 0, cpu: 1 },
    { op: 'fork', holder: 2, target: 1, cpu: 1 },
    { op: 'allocSwap', holder: 0, cpu: 1 },
  ],
];

describe('exploreSchedules', () => {
  it.each(['classic', 'vswap-direct'])(
    'enumerates every schedule of 2 CPUs x 3 ops on %s, as a brute-force enumeration does',
    (name) => {
      // Holds and completes; every interleaving holds; fewer schedules than interleavings
      // (sleep sets skip reorderings of independent steps), reaching the same sections.
      const { result, every } = exploreAgainstBruteForce(design(name), scenario(name, twoByThree));
      expect(result.schedules).toBeLessThan(every.length);
    },
  );
});

describe('execute', () => {
  it('replays a PCT schedule exactly, and PCT is deterministic per seed', () => {
    const s = scenario('classic', twoByThree);
    const first = execute(design('classic'), s, pctChooser(7, 2, 3, 20));
    const again = execute(design('classic'), s, pctChooser(7, 2, 3, 20));
    expect(again.schedule).toEqual(first.schedule);
    const replayed = replaySchedule(design('classic'), s, first.schedule);
    expect(replayed.schedule).toEqual(first.schedule);
    expect(replayed.history).toEqual(first.history);
  });

  it('reports a deadlock when every CPU is blocked, with the locks each waits for', () => {
    // Two ops that take two locks in opposite orders (an ABBA cycle no real op has).
    const abba: Sections = function* (ctx, op) {
      const [first, second] =
        ctx.cpu === 0 ? ['cluster:0:0', 'cluster:0:1'] : ['cluster:0:1', 'cluster:0:0'];
      yield { kind: 'lock', lock: first, label: 'first' };
      yield { kind: 'lock', lock: second, label: 'second' };
      ctx.unlock(second);
      ctx.unlock(first);
      return ctx.commit(op);
    };
    const s = scenario('classic', [
      [{ op: 'setZswap', enabled: true, cpu: 0 }],
      [{ op: 'setZswap', enabled: true, cpu: 1 }],
    ]);
    const run = execute(
      design('classic'),
      s,
      (enabled, step) => (step < 2 ? step : (enabled[0] as number)),
      abba,
    );
    expect(run.failure?.kind).toBe('deadlock');
    expect(run.failure?.message).toContain('lock cluster:0:1');
    expect(run.schedule).toEqual([0, 1]);
  });

  it('reports a retry loop without progress as a livelock, with its schedule', () => {
    const spin: Sections = function* (ctx, op) {
      if (ctx.cpu === 1) {
        yield { kind: 'yield', label: 'once' };
        return ctx.commit(op);
      }
      for (;;) yield { kind: 'yield', label: 'spin' };
    };
    const s = scenario('classic', [
      [{ op: 'setZswap', enabled: true, cpu: 0 }],
      [{ op: 'setZswap', enabled: true, cpu: 1 }],
    ]);
    const run = execute(
      design('classic'),
      s,
      (enabled) => enabled[enabled.length - 1] as number,
      spin,
    );
    expect(run.failure?.kind).toBe('livelock');
    expect(run.schedule.length).toBeGreaterThan(1000);
  });

  it('holds on every schedule of swapoff against a fork that holds a device pin', () => {
    const s = scenario('classic', [
      [{ op: 'swapoff', device: 0, cpu: 0 }],
      [{ op: 'fork', holder: 1, target: 2, cpu: 1 }],
    ]);
    exploreAgainstBruteForce(design('classic'), s);
  });
});

describe('checkLinearizable', () => {
  it('rejects a history whose outcome no order explains', () => {
    const s = scenario('classic', []);
    const run = execute(
      design('classic'),
      { ...s, programs: [[{ op: 'zap', holder: 0, cpu: 0 }]] },
      () => 0,
    );
    expect(run.failure).toBeNull();
    const entry = run.history[0];
    if (entry === undefined) throw new Error('no history');
    const steps = s.setup.map((op) => ({ op, outcome: { errno: 'OK' as const } }));
    const lie = [{ ...entry, outcome: { errno: 'EINVAL' as const } }];
    const verdict = checkLinearizable(configExplore, steps, lie, {
      holders: [],
      entries: [],
      folios: [],
      devices: [],
      zswapStored: 0,
      zswapEnabled: false,
    } as never);
    expect(verdict.ok).toBe(false);
  });
});

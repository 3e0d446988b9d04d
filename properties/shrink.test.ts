/**
 * The shrinker's promotion move (properties/shrink.ts, pass 7): a trace stuck in a local
 * minimum because several small folios only fill the slots before the one the bug needs is
 * shrunk through one larger folio that reaches that slot. And its filler move (a lifecycle
 * deleted together with a few slots of a device): a trace that fills a device past half full
 * shrinks to near its shortest.
 *
 * Not covered here: the other passes (exercised by every shrunk failure of the canaries,
 * properties/canary.test.ts) and the self-check's portfolio (properties/mutant-check.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { configPresets, validateConfig, type Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { checkerOptionsCampaign, checkerOptionsDefault } from './checker.ts';
import { resolveDesign } from './design-registry.ts';
import { runSeed } from './prng.ts';
import { replayOps, runRandom } from './run.ts';
import { fillerCuts, shrinkTrace } from './shrink.ts';

const cpu = 0;

describe('the promotion move', () => {
  // bitmap-bad-slot-used hands out bad slot 5 of default-disk's device 2, a next-fit bitmap
  // device whose slot 0 is the header. This 19-op kill (seed 20, run 91 of the self-check,
  // shrunk by the passes without promotions: their fixpoint, measured) fills slots 2-3 with an
  // order-1 folio and slot 4 with an order-0 copy before an order-0 page lands on slot 5.
  // The documented shortest (9 ops) writes out one order-2 folio instead: the first aligned
  // run of four without the header is 4-7. Promoting the order-1 fault to order 2, with the
  // unmaps of its pages repeated for the two new ones, fails at the first writeout.
  const stuck: Op[] = [
    { op: 'fault', holder: 0, order: 1, cpu },
    { op: 'write', holder: 0, value: 1, cpu },
    { op: 'swapon', device: 2, cpu },
    { op: 'allocSwap', holder: 0, cpu },
    { op: 'unmap', holder: 1, cpu },
    { op: 'unmap', holder: 0, cpu },
    { op: 'fork', holder: 0, target: 2, cpu },
    { op: 'writeout', folio: 1, cpu },
    { op: 'swapin', holder: 0, order: 0, cpu },
    { op: 'write', holder: 0, value: 1, cpu },
    { op: 'allocSwap', holder: 0, cpu },
    { op: 'unmap', holder: 0, cpu },
    { op: 'zap', holder: 1, cpu },
    { op: 'writeout', folio: 2, cpu },
    { op: 'fault', holder: 1, order: 0, cpu },
    { op: 'write', holder: 1, value: 1, cpu },
    { op: 'allocSwap', holder: 1, cpu },
    { op: 'unmap', holder: 1, cpu },
    { op: 'writeout', folio: 3, cpu },
  ];

  it('shrinks a kill that only small folios reach to the documented 9 ops', () => {
    const config = configPresets['default-disk'];
    const design = resolveDesign({ base: 'vswap-direct', mutant: 'bitmap-bad-slot-used' });
    const failure = replayOps(design, config, stuck).failure;
    expect(failure?.invariant, 'the stuck trace is a liveness kill').toBe('liveness');
    expect(
      replayOps(resolveDesign('vswap-direct'), config, stuck).failure,
      'and holds without the bug',
    ).toBeNull();
    const shrunk = shrinkTrace(design, config, stuck, failure as NonNullable<typeof failure>, {
      timeMs: 60_000,
      attemptsMax: 20_000,
    });
    expect(shrunk.fixpoint).toBe(true);
    expect(shrunk.failure.invariant).toBe('liveness');
    expect(shrunk.ops.length).toBeLessThanOrEqual(9);
    expect(shrunk.ops.filter((op) => op.op === 'fault')).toEqual([
      { op: 'fault', holder: 0, order: 2, cpu },
    ]);
  }, 120_000);
});

describe('the filler move (a lifecycle deleted together with a few slots of a device)', () => {
  // reclaim-busy-folio needs swap past half full (vm_swap_full()) before the allocator's
  // cache-only reclaim runs: a campaign kill fills the device with lifecycles that only take
  // slots. This one (seed 6, run 42 of a campaign on classic with the mutant, tiny-disk, 52
  // ops) shrinks to 15 ops without the filler move (its fixpoint, measured) and to 10 with
  // it, below the catalogue's 14: on a smaller device the filler is not needed.
  const design = resolveDesign({ base: 'classic', mutant: 'reclaim-busy-folio' });
  const config = configPresets['tiny-disk'];
  const budget = { timeMs: 120_000, attemptsMax: 20_000 };
  const checks = { ...checkerOptionsDefault, fullCheckEvery: 1 };

  it('shrinks a kill that fills a device to near its shortest, shorter than without them', () => {
    const found = runRandom(design, config, runSeed(6, 42), 400, checkerOptionsCampaign);
    expect(found.failure).not.toBeNull();
    expect(found.ops).toHaveLength(52);
    const failure = found.failure as NonNullable<typeof found.failure>;
    const without = shrinkTrace(design, config, found.ops, failure, budget, checks, [], {
      smallerMachines: false,
    });
    const filler = shrinkTrace(design, config, found.ops, failure, budget, checks);
    expect(without.fixpoint && filler.fixpoint).toBe(true);
    expect(without.ops).toHaveLength(15);
    expect(filler.ops.length).toBeLessThanOrEqual(10);
    // The smaller device is what the shorter trace needs: it holds on the base design there,
    // and still fails on the mutant.
    expect(filler.config.devices.reduce((sum, d) => sum + d.slots, 0)).toBeLessThan(
      config.devices.reduce((sum, d) => sum + d.slots, 0),
    );
    expect(replayOps(resolveDesign('classic'), filler.config, filler.ops).failure).toBeNull();
    expect(replayOps(design, filler.config, filler.ops, checks).failure?.kind).toBe(failure.kind);
  });

  it('offers only valid configs with fewer slots', () => {
    for (const preset of Object.values(configPresets)) {
      const slots = (c: Config) =>
        c.devices.reduce((sum, d) => sum + d.slots, 0) + c.zswapCapacity + c.vswapSlots;
      for (const smaller of fillerCuts(preset)) {
        expect(validateConfig(smaller)).toBeNull();
        expect(slots(smaller)).toBeLessThan(slots(preset));
      }
      expect(fillerCuts(preset).length).toBeGreaterThan(0);
    }
  });
});

/**
 * The checker's own allowance checks (properties/checker.ts), each shown to fail on a design
 * that breaks it and to hold on the built-in designs: A1, the `virtual` choice of allocSwap
 * against the `virtualEntries` knob (first and when-zswap fall back to a physical device only
 * when the virtual space cannot take the folio), and A8's "must read large": a swapin whose
 * range qualifies for a large read of physical entries (SwapModel.largeReadCandidates()) with
 * contiguous aligned entry values reads large; virtual entries are exempt.
 *
 * Method: built-in systems, wrapped where a test needs a design that breaks the rule (a swapin
 * that never asks for a large folio), or checked against knobs other than their own.
 * Not covered here: the allowances the model itself checks (model/swap-model.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { configTiny, type Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { Knobs, SwapSystem } from '../lib/system.ts';
import { designs } from '../lib/designs.ts';
import { createSystem } from '../impl/designs.ts';
import { Checker, checkerOptionsDefault, type Failure } from './checker.ts';

const tinyDisk: Config = { ...configTiny, zswapEnabled: false };

/** The ops of `ops` on `system` checked with `knobs`: the first failure, or null. */
function check(
  system: SwapSystem,
  config: Config,
  knobs: Knobs,
  ops: readonly Op[],
): Failure | null {
  const checker = new Checker(config, system, { ...checkerOptionsDefault, knobs });
  for (const op of ops) {
    const failure = checker.step(op);
    if (failure !== null) return failure;
  }
  return null;
}

/** A design that never swaps in large: every swapin asks for order 0. */
function neverLarge(system: SwapSystem): SwapSystem {
  const apply = system.apply.bind(system);
  system.apply = (op: Op) => apply(op.op === 'swapin' ? { ...op, order: 0 } : op);
  return system;
}

/** An order-1 folio (holders 0 and 1) written out to disk on device `device` and evicted,
 * then a swapin of holder 1 asking for order 1. */
function largeRead(device: number): Op[] {
  return [
    { op: 'swapon', device, cpu: 0 },
    { op: 'fault', holder: 0, order: 1, cpu: 0 },
    { op: 'write', holder: 0, value: 5, cpu: 0 },
    { op: 'allocSwap', holder: 0, cpu: 0 },
    { op: 'unmap', holder: 0, cpu: 0 },
    { op: 'unmap', holder: 1, cpu: 0 },
    { op: 'writeout', folio: 1, cpu: 0 },
    { op: 'evict', folio: 1, cpu: 0 },
    { op: 'swapin', holder: 1, order: 1, cpu: 0 },
  ];
}

describe('A8: a qualifying large read must be large', () => {
  it('holds on classic, and fails a classic that never swaps in large', () => {
    const knobs = designs.classic!.knobs;
    expect(check(createSystem(tinyDisk, knobs), tinyDisk, knobs, largeRead(1))).toBeNull();
    const failure = check(neverLarge(createSystem(tinyDisk, knobs)), tinyDisk, knobs, largeRead(1));
    expect(failure?.kind).toBe('allowance');
    expect(failure?.step).toBe(8);
    expect(failure?.message).toMatch(
      /read order 0 where a large read of order 1 was required \(A8\)/,
    );
  });

  it('does not apply off a synchronous-I/O device, nor to virtual entries', () => {
    const classic = designs.classic!.knobs;
    expect(
      check(neverLarge(createSystem(tinyDisk, classic)), tinyDisk, classic, largeRead(0)),
    ).toBeNull();
    const virtual = designs['vswap-all']!.knobs;
    expect(
      check(neverLarge(createSystem(tinyDisk, virtual)), tinyDisk, virtual, largeRead(1)),
    ).toBeNull();
  });
});

describe('A1: the virtual choice of allocSwap follows the knob', () => {
  /** Eight order-0 allocations with seven virtual slots (slot 0 is reserved). */
  const fill: Op[] = [{ op: 'swapon', device: 0, cpu: 0 }];
  for (let holder = 0; holder < 8; holder++) {
    fill.push({ op: 'fault', holder, order: 0, cpu: 0 }, { op: 'allocSwap', holder, cpu: 0 });
  }
  const small: Config = { ...configTiny, vswapSlots: 8 };
  const knobsOf = (virtualEntries: Knobs['virtualEntries']): Knobs => ({
    virtualEntries,
    reverseMap: 'kept',
    lookupCache: 'off',
  });

  it('holds on first, when-zswap and always, whose allocations fall back or fail as they should', () => {
    for (const mode of ['first', 'when-zswap', 'always'] as const) {
      expect(
        check(createSystem(small, knobsOf(mode)), small, knobsOf(mode), fill),
        mode,
      ).toBeNull();
    }
  });

  it('fails a physical entry while the virtual space has room, for first and when-zswap with zswap on', () => {
    for (const mode of ['first', 'when-zswap'] as const) {
      const failure = check(createSystem(small, knobsOf('never')), small, knobsOf(mode), fill);
      expect(failure?.kind, mode).toBe('identity');
      expect(failure?.step, mode).toBe(2);
      expect(failure?.message).toMatch(/physical entries while the virtual space had 7 free slots/);
    }
  });

  it('fails a virtual entry for never, and for when-zswap with zswap off', () => {
    expect(check(createSystem(small, knobsOf('first')), small, knobsOf('never'), fill)?.kind).toBe(
      'identity',
    );
    const off: Op[] = [{ op: 'setZswap', enabled: false, cpu: 0 }, ...fill];
    const failure = check(createSystem(small, knobsOf('first')), small, knobsOf('when-zswap'), off);
    expect(failure?.message).toMatch(
      /made virtual entries; virtualEntries=when-zswap says physical/,
    );
    expect(
      check(createSystem(small, knobsOf('when-zswap')), small, knobsOf('when-zswap'), off),
    ).toBeNull();
  });

  it('fails a physical entry for always', () => {
    const failure = check(createSystem(small, knobsOf('first')), small, knobsOf('always'), fill);
    expect(failure?.message).toMatch(/physical entries; virtualEntries=always says virtual/);
    expect(failure?.step).toBe(16);
  });
});

/**
 * Test support for impl/ unit tests (not part of the package): a driver that applies ops to a
 * kernel-shaped design and audits it after every op, so a test reads as the op sequence it
 * pins and an invariant broken on the way fails at the op that broke it.
 *
 * Not covered here: the harness's model-against-design checks (properties/checker.ts).
 */
import { expect } from 'vitest';
import { configTiny, type Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import type { Knobs } from '../lib/system.ts';
import { createSystem } from './designs.ts';
import { KernelSwapSystem } from './swap-system.ts';

export class Driver {
  readonly system: KernelSwapSystem;

  constructor(knobs: Knobs, config: Config = configTiny) {
    const system = createSystem(config, knobs);
    expect(system).toBeInstanceOf(KernelSwapSystem);
    this.system = system as KernelSwapSystem;
  }

  /** Applies `op` and audits the design. */
  apply(op: Op): ImplOutcome {
    const outcome = this.system.apply(op);
    this.system.audit();
    return outcome;
  }

  /** Applies each op, which must succeed. */
  ok(...ops: Op[]): void {
    for (const op of ops) expect(this.apply(op).errno, JSON.stringify(op)).toBe('OK');
  }

  /** fault + write + allocSwap + unmap of `holder` on `cpu`, returning allocSwap's outcome. */
  swapOut(holder: number, value = holder + 1, cpu = 0): ImplOutcome {
    this.ok({ op: 'fault', holder, order: 0, cpu }, { op: 'write', holder, value, cpu });
    const outcome = this.apply({ op: 'allocSwap', holder, cpu });
    expect(outcome.errno).toBe('OK');
    this.ok({ op: 'unmap', holder, cpu });
    return outcome;
  }

  /** How often the design reached interesting state `name`. */
  mark(name: string): number {
    return this.system.marks()[name] ?? 0;
  }

  /** Each memcg's memory.swap.current, by memcg index. */
  current(): readonly number[] {
    return this.system.observe().memcgSwapCurrent;
  }
}

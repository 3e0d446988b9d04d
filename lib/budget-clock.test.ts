/**
 * The budget clocks (lib/budget-clock.ts): CPU time does not advance while the process sleeps,
 * elapsed time does; both advance while it computes.
 *
 * Not covered here: the budgets that use them (properties/mutant-check.ts, explore/).
 */
import { describe, expect, it } from 'vitest';
import { cpuClock, wallClock } from './budget-clock.ts';

describe('budget clocks', () => {
  it('CPU time stands nearly still across a 300 ms sleep that elapsed time sees whole', () => {
    const wall = wallClock();
    const cpu = cpuClock();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
    expect(wallClock() - wall).toBeGreaterThanOrEqual(290);
    expect(cpuClock() - cpu).toBeLessThan(150);
  });
  it('CPU time advances while the process computes', () => {
    const cpu = cpuClock();
    let x = 0;
    for (let i = 0; i < 3e7; i++) x = (x + i * 7) % 1_000_003;
    expect(x).toBeGreaterThanOrEqual(0);
    expect(cpuClock() - cpu).toBeGreaterThan(5);
  });
});

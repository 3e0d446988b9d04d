/**
 * The self-check's portfolio shrink (properties/mutant-check.ts checkMutant): a seed whose
 * first kill shrinks into a long local minimum still reports a short kill, found by
 * shrinking the further kills of its campaign on the other presets.
 *
 * Not covered here: the verdict (properties/mutant-verdict.test.ts) and the kill rates of
 * every mutant (properties/canary.test.ts, `swapcheck mutants`).
 */
import { describe, expect, it } from 'vitest';
import { configPresets, type Config } from '../lib/config.ts';
import { cpuClock } from '../lib/budget-clock.ts';
import { checkMutant, shrunkLimit } from './mutant-check.ts';

describe('the portfolio shrink of a seed', () => {
  // Seed 9 of vswap-percpu-trust first kills on `tiny` (run 1): shrinking that kill alone
  // takes about 11 s of CPU and stops at a fixpoint of 40 ops. The portfolio's later kills
  // shrink to the documented 8.
  it('reports a kill within 1.5 times the shortest where the first kill alone shrinks to 40 ops', () => {
    const result = checkMutant('vswap-percpu-trust', {
      seeds: 1,
      seedBase: 9,
      runsPerSeed: 128,
      opsPerRun: 400,
      timeMsPerSeed: 600_000,
      configs: Object.values<Config>(configPresets),
      shrinkMs: 20_000,
      clock: cpuClock,
    });
    expect(result.killed).toBe(1);
    expect(result.medianRunsToKill, 'the first kill is at run 1, on tiny').toBe(1);
    expect(result.shrunkLengthMax).not.toBeNull();
    expect(result.shrunkLengthMax as number).toBeLessThanOrEqual(shrunkLimit(result.doc.shortest));
  }, 120_000);
});

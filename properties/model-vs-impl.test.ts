/**
 * The main fast-check property, once per built-in design: a generated run (a config, a
 * campaign swarm and 100 to 400 templates with its intent: properties/fast-check-property.ts)
 * applied to the reference model and to the design side by side, comparing outcomes and
 * observations and auditing the impl, then the drain. The run is seeded: the seed is printed,
 * `SWAPCHECK_PROPERTY_SEED` and `SWAPCHECK_PROPERTY_RUNS` change seed and budget. fast-check
 * stops at the first failure; the project's shrinker shrinks it within a budget and the
 * failure message is the project's report with the command that reruns it.
 *
 * Also pinned: the property fails on bugs it targets (zswap, count overflow, a device past
 * half full), within its seeded budget, and its report names the shrunk trace. `swapcheck
 * mutants` runs it against every sequential mutant.
 *
 * Not covered here: interleavings (sequential only) and the PRNG campaign.
 */
import { describe, expect, it } from 'vitest';
import { configPresets } from '../lib/config.ts';
import { designNames, resolveDesign } from './design-registry.ts';
import { checkProperty, formatPropertyFailure } from './fast-check-property.ts';

const seed = Number(process.env.SWAPCHECK_PROPERTY_SEED ?? 18);
const numRuns = Number(process.env.SWAPCHECK_PROPERTY_RUNS ?? 40);
const configs = Object.values(configPresets);
const shrink = { timeMs: 10_000, attemptsMax: 10_000 };

describe.each(designNames())('design %s against the reference model', (name) => {
  it('agrees with the model on every op, keeps every invariant, and drains to empty', () => {
    console.info(`fast-check property on ${name}: seed ${seed}, ${numRuns} runs`);
    const verdict = checkProperty(resolveDesign(name), { seed, numRuns, configs, shrink });
    const rerun = `SWAPCHECK_PROPERTY_SEED=${seed} SWAPCHECK_PROPERTY_RUNS=${numRuns} npx vitest run properties/model-vs-impl.test.ts -t 'design ${name} '`;
    if (verdict.failure !== null) throw new Error(formatPropertyFailure(name, verdict, rerun));
    expect(verdict.runs).toBe(numRuns);
  });
});

describe('the fast-check property', () => {
  // A zswap bug, a count-overflow bug and one that needs a device past half full.
  it.each([
    ['zswap-load-no-owner', 'classic'],
    ['overflow-no-rollback', 'classic'],
    ['reclaim-busy-folio', 'classic'],
  ])('kills %s on %s within its seeded budget and reports the shrunk kill', (mutant, base) => {
    const verdict = checkProperty(resolveDesign({ base, mutant }), {
      seed,
      numRuns: 64,
      configs,
      clean: resolveDesign(base),
      shrink: { timeMs: 5_000, attemptsMax: 5_000 },
    });
    expect(
      verdict.failure,
      `${mutant} survived ${verdict.runs} runs of seed ${seed}`,
    ).not.toBeNull();
    const shrunk = verdict.failure?.shrunk;
    expect(shrunk?.ops.length).toBeLessThan(verdict.failure?.ops.length ?? 0);
    const report = formatPropertyFailure(mutant, verdict, 'RERUN');
    expect(report).toContain(`fast-check seed ${seed}, run ${verdict.runs} of 64`);
    expect(report).toContain(`shrunk to ${shrunk?.ops.length} ops`);
    expect(report.trim().endsWith('reproduce: RERUN')).toBe(true);
  });
});

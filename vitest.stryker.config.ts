/**
 * Vitest configuration for Stryker (stryker.config.mjs): the fast deterministic subset every
 * mutant of impl/ runs against. It is the impl unit tests beside the code, the seeded
 * model-vs-impl campaign of properties/mutation-subset.test.ts and the replay of the
 * catalogued mutants' committed traces (properties/mutant-traces.test.ts).
 *
 * Left out, for time: impl/random-ops.test.ts (about 10 s of audit-only random ops, which the
 * seeded campaign subsumes: it audits after every op too and also compares with the model),
 * the fast-check properties (not seeded by default) and the canaries (about a minute).
 *
 * `SWAPCHECK_SUBSET=light` is a first pass for files whose mutants every test reaches (the
 * devices and allocators): it also leaves out the model checker's subset (explore/) and, in
 * properties/mutation-subset.test.ts, the focused campaign and the per-item views, and in
 * properties/mutant-traces.test.ts, the race mutants' traces, so a surviving or looping mutant
 * costs seconds instead of a minute. Its score is a lower bound of the whole subset's
 * (docs/mutation-testing.md).
 */
import { defineConfig } from 'vitest/config';

/**
 * `SWAPCHECK_SUBSET=oracle` is the subset for the oracle's own files (impl/audit.ts,
 * properties/checker.ts, properties/compared-fields.ts): the audit's corruptions, the lying
 * designs, the checker's allowance tests, the regression corpus and the checker's precision
 * (first failing step and kind against a brute-force replay).
 */
const oracle = [
  'impl/audit.test.ts',
  'properties/oracle-fields.test.ts',
  'properties/checker-allowance.test.ts',
  'properties/regressions.test.ts',
  'properties/checker-precision.test.ts',
];

export default defineConfig({
  test: {
    include:
      process.env.SWAPCHECK_SUBSET === 'oracle'
        ? oracle
        : [
            'impl/**/*.test.ts',
            'properties/mutation-subset.test.ts',
            'properties/mutant-traces.test.ts',
            ...(process.env.SWAPCHECK_SUBSET === 'light'
              ? []
              : ['explore/mutation-subset-explore.test.ts']),
          ],
    exclude: ['impl/random-ops.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

/**
 * Vitest configuration for Stryker (stryker.config.mjs): the fast deterministic subset every
 * mutant of impl/ runs against. It is the impl unit tests beside the code plus the seeded
 * model-vs-impl campaign of properties/mutation-subset.test.ts.
 *
 * Left out, for time: impl/random-ops.test.ts (about 10 s of audit-only random ops, which the
 * seeded campaign subsumes: it audits after every op too and also compares with the model),
 * the fast-check properties (not seeded by default) and the canaries (about a minute).
 */
// @ts-nocheck

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['impl/**/*.test.ts', 'properties/mutation-subset.test.ts'],
    exclude: ['impl/random-ops.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

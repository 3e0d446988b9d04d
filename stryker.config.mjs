/**
 * Stryker configuration: mutation testing of impl/ (`npm run mutation`). Each mutant of an
 * impl/ source runs against the fast deterministic subset in vitest.stryker.config.ts; reports
 * go to reports/mutation/ (html and json) and the incremental state to
 * reports/stryker-incremental.json, both gitignored. docs/mutation-testing.md has the score and
 * the policy for equivalent mutants.
 *
 * Not mutated, and why (every exclusion lives here and in the ignorers, none in the code):
 * - the tests and their support files (`*-test-support.ts`);
 * - the catalogued mutants (impl/mutants/, their registry impl/mutants.ts and impl/mutant.ts):
 *   deliberately broken steps no correct design runs, whose kills properties/canary.test.ts
 *   proves; the correct steps they replace (impl/kernel-steps.ts gathers them) are mutated
 *   where they are defined, like any other code;
 * - impl/index.ts (re-exports only).
 * impl/audit.ts is mutated, its checks included: a weakened check is caught by its direct
 * corruption in impl/audit.test.ts. scripts/stryker-ignorers.mjs has the two ignorers:
 * module-level code and assertions (their messages). The comparison (properties/checker.ts) is
 * mutated on request with the oracle subset: `SWAPCHECK_SUBSET=oracle STRYKER_PART=oracle npm
 * run mutation -- --mutate impl/audit.ts,properties/checker.ts,properties/compared-fields.ts`.
 *
 * Not covered here: model/, the rest of properties/, lib/, cli/.
 */
/** A name for a partial run (`STRYKER_PART=core npm run mutation -- --mutate ...`). */
const part = process.env.STRYKER_PART === undefined ? '' : `-${process.env.STRYKER_PART}`;

export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner', './scripts/stryker-ignorers.mjs'],
  ignorers: ['module-level', 'assertions'],
  mutate: [
    'impl/**/*.ts',
    '!impl/**/*.test.ts',
    '!impl/**/*-test-support.ts',
    '!impl/mutants/**',
    '!impl/mutants.ts',
    '!impl/mutant.ts',
    '!impl/index.ts',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level code: the layout constants and load-time asserts) run the whole
  // subset with no per-test filter and cost most of a run; they are left out and listed under
  // "what is not covered" in docs/mutation-testing.md.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `reports/stryker-incremental${part}.json`,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `reports/mutation/mutation${part}.html` },
  jsonReporter: { fileName: `reports/mutation/mutation${part}.json` },
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  timeoutMS: 5_000,
  timeoutFactor: 1.5,
  // TypeScript 7 has no JavaScript API, so Stryker's tsconfig rewriting (it calls
  // ts.parseConfigFileTextToJson) cannot run. The project's tsconfig has no `extends` or
  // `references` to rewrite, so Stryker is pointed at a file that does not exist and skips it.
  tsconfigFile: 'tsconfig.stryker-skip.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 90, low: 85, break: null },
};

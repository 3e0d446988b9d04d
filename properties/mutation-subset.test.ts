/**
 * The seeded model-vs-impl campaign that Stryker runs against every mutant of impl/
 * (vitest.stryker.config.ts; docs/mutation-testing.md). Each case is one design (the built-in
 * presets plus the two knob combinations no preset uses) on one config preset, over a fixed
 * list of run seeds: runRandom compares every op with the reference model, audits the impl
 * after every op and drains to empty. Fixed seeds keep Stryker's results reproducible, and one
 * case per design and config lets Stryker's per-test coverage run only the cases a mutant
 * reaches. Beside it, every catalogued mutant's committed minimal trace (properties/mutants/)
 * is replayed: it must fail on the mutant with the catalogued first failure and hold on the
 * mutant's designs without it, so a mutation that hides a failure or breaks a clean run on
 * those short, targeted traces is caught cheaply.
 *
 * The budget is modest on purpose (SUBSET_RUNS runs of SUBSET_OPS ops per case): this is a
 * fast, deterministic slice of the campaigns, not a replacement for them. Not covered here:
 * the fast-check property (properties/model-vs-impl.test.ts), the catalogued mutants
 * (properties/canary.test.ts) and interleavings.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPresets, type Config } from '../lib/config.ts';
import type { Knobs } from '../lib/system.ts';
import { designs } from '../impl/designs.ts';
import { mutantCatalogue } from '../impl/mutants.ts';
import type { Failure } from './checker.ts';
import { designFromKnobs, resolveDesign } from './design-registry.ts';
import { runSeed } from './prng.ts';
import { describeFailure } from './report.ts';
import { replayOps, runRandom } from './run.ts';
import { readTrace, resolveConfig } from './trace.ts';

/** The campaign seed; run i of a case uses runSeed(SUBSET_SEED, i). */
const SUBSET_SEED = 0x57c0;
const SUBSET_RUNS = Number(process.env.SWAPCHECK_SUBSET_RUNS ?? 1);
const SUBSET_OPS = Number(process.env.SWAPCHECK_SUBSET_OPS ?? 60);

/** The built-in presets plus the lookup-cache knob values no preset combines them with. */
const variants: [string, Knobs][] = [
  ...Object.entries(designs).map(([name, design]): [string, Knobs] => [name, design.knobs]),
  ['vswap-all-validated',
    { virtualEntries: 'always', reverseMap: 'kept', lookupCache: 'validated' }],
  ['vswap-rfc-pinned', { virtualEntries: 'when-zswap', reverseMap: 'kept', lookupCache: 'pinned' }],
];
const configs = Object.entries(configPresets) as [string, Config][];

describe.each(variants)('seeded campaign on %s', (name, knobs) => {
  const design = designFromKnobs(name, knobs);
  it.each(configs)('agrees with the model on config %s', (_configName, config) => {
    for (let run = 0; run < SUBSET_RUNS; run++) {
      const result = runRandom(design, config, runSeed(SUBSET_SEED, run), SUBSET_OPS);
      const message = result.failure === null ? '' : describeFailure(result.failure);
      expect(result.failure, `run ${run}: ${message}`).toBeNull();
    }
  });
});

/** The first failure as `kind[invariant]`, or 'holds' (as properties/canary.test.ts words it). */
function firstFailure(failure: Failure | null): string {
  if (failure === null) return 'holds';
  return failure.invariant === undefined ? failure.kind : `${failure.kind}[${failure.invariant}]`;
}

// Race mutants need an interleaving: their committed traces are concurrent (version 2) and
// replayed by properties/canary.test.ts through the explorer.
const sequentialMutants = Object.entries(mutantCatalogue).filter(([, entry]) => entry.race === undefined);

describe.each(sequentialMutants)('committed trace of mutant %s', (name, entry) => {
  it('fails with the catalogued first failure on the mutant and holds without it', () => {
    const trace = readTrace(join(import.meta.dirname, 'mutants', `${name}.json`));
    const config = resolveConfig(trace.config);
    const { kind, invariant } = entry.catches;
    const expected = invariant === undefined ? kind : `${kind}[${invariant}]`;
    const mutated = replayOps(resolveDesign(trace.design), config, trace.ops);
    expect(firstFailure(mutated.failure), `${name} on ${entry.designs[0] ?? ''}`).toBe(expected);
    for (const design of entry.designs) {
      const clean = replayOps(resolveDesign(design), config, trace.ops);
      const message = clean.failure === null ? '' : describeFailure(clean.failure);
      expect(firstFailure(clean.failure), `${name}'s trace on ${design}: ${message}`).toBe('holds');
    }
  });
});

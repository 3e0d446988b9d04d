/**
 * The committed minimal trace of every catalogued mutant (properties/mutants/NAME.json):
 * (a) a sequential mutant's trace fails on the mutant with the catalogued first failure (kind
 *     and invariant), holds on every unmutated design the mutant is listed for, and fails with
 *     campaign checks too (footprints through the per-item views and auditTouched(), never at
 *     an earlier step than full checks report);
 * (b) a race mutant's concurrent trace (format version 2) replays its schedule step for step
 *     to the catalogued first failure on two CPUs or more, its ops run one after another hold
 *     on the mutant (only an interleaving exposes it), and every schedule of its scenario holds
 *     on each unmutated design.
 *
 * These are fast and deterministic, so Stryker runs this file against every mutant of impl/
 * (vitest.stryker.config.ts): a mutation that breaks a clean run of these short, targeted
 * traces, or hides a failure from full or footprint checks, is caught cheaply. Under
 * `SWAPCHECK_SUBSET=light` the race traces are left out, as the rest of the explorer is.
 *
 * Not covered here: killing the mutants from scratch (properties/canary.test.ts), the
 * catalogue's form and documentation (properties/canary.test.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cataloguedFailure,
  mutantCatalogue,
  mutantDesignRef,
  type MutantDoc,
} from '../impl/mutants.ts';
import { checkerOptionsCampaign, checkerOptionsDefault } from './checker.ts';
import { resolveDesign } from './design-registry.ts';
import { describeFailure } from './report.ts';
import { replayOps } from './run.ts';
import { readTrace, resolveConfig } from './trace.ts';
import { replaySchedule } from '../explore/concurrent.ts';
import { everyScheduleHolds, raceDesign } from '../explore/mutant-race.ts';
import { readConcurrentTrace, resolveExploreConfig } from '../explore/trace.ts';

const traceDir = join(import.meta.dirname, 'mutants');
const names = Object.keys(mutantCatalogue).sort();
const raceNames = names.filter((name) => doc(name).race !== undefined);
const sequentialNames = names.filter((name) => doc(name).race === undefined);
/** A deadline no replay here comes near: every schedule of a trace's scenario is a few hundred. */
const noDeadlineMs = 120_000;

function doc(name: string): MutantDoc {
  const entry = mutantCatalogue[name];
  if (entry === undefined) throw new Error(`no mutant ${name}`);
  return entry;
}

/** The first failure as `kind[invariant]`, or 'holds'. */
function firstFailure(failure: { kind: string; invariant?: string | undefined } | null): string {
  if (failure === null) return 'holds';
  return failure.invariant === undefined ? failure.kind : `${failure.kind}[${failure.invariant}]`;
}

describe.each(sequentialNames)('committed trace of mutant %s', (name) => {
  const entry = doc(name);
  const path = join(traceDir, `${name}.json`);

  it('fails with the catalogued first failure on the mutant and holds without it', () => {
    expect(existsSync(path), `${path} exists`).toBe(true);
    const trace = readTrace(path);
    expect(trace.design).toEqual(mutantDesignRef(name));
    expect(trace.note).toBe(entry.summary);
    expect(trace.ops.length, 'shortest = the committed trace').toBe(entry.shortest);
    const config = resolveConfig(trace.config);
    const result = replayOps(resolveDesign(trace.design), config, trace.ops);
    expect(
      firstFailure(result.failure),
      result.failure === null ? 'holds' : describeFailure(result.failure),
    ).toBe(cataloguedFailure(entry));
    for (const design of entry.designs) {
      const clean = replayOps(
        resolveDesign(mutantDesignRef(name, design, false)),
        config,
        trace.ops,
      );
      expect(
        clean.failure === null ? 'holds' : describeFailure(clean.failure),
        `unmutated ${design}`,
      ).toBe('holds');
    }
  });

  it('fails with campaign checks too, no earlier than with full checks', () => {
    const trace = readTrace(path);
    const config = resolveConfig(trace.config);
    const design = resolveDesign(trace.design);
    const campaign = replayOps(design, config, trace.ops, checkerOptionsCampaign);
    expect(campaign.failure, 'footprint checks let the mutant through').not.toBeNull();
    const exact = replayOps(design, config, trace.ops, checkerOptionsDefault);
    expect(campaign.failure?.step ?? 0).toBeGreaterThanOrEqual(exact.failure?.step ?? 0);
  });
});

describe.skipIf(process.env.SWAPCHECK_SUBSET === 'light').each(raceNames)(
  'committed trace of race mutant %s',
  (name) => {
    const entry = doc(name);

    it('replays to the catalogued first failure, holds sequentially and without the mutant', () => {
      const trace = readConcurrentTrace(join(traceDir, `${name}.json`));
      expect(trace.design).toEqual(mutantDesignRef(name));
      expect(trace.note).toBe(entry.summary);
      expect(trace.syncSwapin).toBe(entry.race?.syncSwapin);
      expect(trace.config).toBe(entry.race?.config);
      expect(trace.schedule.length, 'shortest = the committed schedule').toBe(entry.shortest);
      expect(trace.programs.length, 'an interleaving needs two CPUs').toBeGreaterThanOrEqual(2);
      const scenario = {
        config: resolveExploreConfig(trace.config),
        setup: trace.setup,
        programs: trace.programs,
      };
      const run = replaySchedule(raceDesign(name), scenario, trace.schedule);
      expect(run.schedule, 'the schedule replays step for step').toEqual(trace.schedule);
      expect(firstFailure(run.failure), run.failure?.message).toBe(cataloguedFailure(entry));
      // Sequentially (one CPU after the other) the same ops hold on the mutant.
      const ops = [...trace.setup, ...trace.programs.flat()];
      const sequential = replayOps(resolveDesign(trace.design), scenario.config, ops);
      expect(
        sequential.failure === null ? 'holds' : describeFailure(sequential.failure),
        'sequential',
      ).toBe('holds');
      for (const design of entry.designs) {
        expect(
          everyScheduleHolds(raceDesign(name, null, design), scenario, noDeadlineMs),
          `unmutated ${design}`,
        ).toBe(true);
      }
    });
  },
);

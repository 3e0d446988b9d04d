/**
 * The canaries: every catalogued mutant (impl/mutants.ts) must be caught by the harness.
 * (a) Its committed minimal trace fails on the mutant with the catalogued first failure and
 *     holds without it: properties/mutant-traces.test.ts checks that, for race mutants too.
 * (b) No sequential mutant survives the self-check (properties/mutant-check.ts, `swapcheck
 *     mutants`) with a small budget: campaign seeds 1 and 2, each at most
 *     `selfCheck.runsPerSeed` runs of 400 ops with the configPresets in turn, on the mutant's
 *     first design; both seeds must kill it (the same ops holding on the base design). Only
 *     the runs budget bounds it, so it is deterministic. Kills are not shrunk here (that is the
 *     time of the full self-check, whose table with shrunk lengths is in docs/mutants.md).
 * (c) Every invariant name the impl audit can report (read from impl/audit.ts) has a canary:
 *     a mutant whose first failure is that audit, or, for the audits observe() dominates, a
 *     direct state corruption that the audit must report.
 * (d) The catalogue is well formed: every mutant is one file impl/mutants/NAME.ts replacing
 *     named steps with different functions, no op path of impl/ tests for a mutant, and
 *     docs/mutants.md shows the current table.
 * (e) Race mutants (entries with `race`) are killed by `swapcheck explore` in random mode (a
 *     fixed seed) and in exhaustive mode.
 *
 * Not covered here: the regression corpus (properties/regressions.test.ts), mutation testing
 * of impl/ with Stryker, and the full `swapcheck mutants` run (20 seeds, docs/mutants.md).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPresets, configTinyMemcg, type Config } from '../lib/config.ts';
import { InvariantViolation } from '../lib/invariant.ts';
import { designs } from '../lib/designs.ts';
import { kernelSteps } from '../impl/kernel-steps.ts';
import {
  auditsWithoutMutantCanary,
  mutantCatalogue,
  mutants,
  mutantTableMarkdown,
  type MutantDoc,
} from '../impl/mutants.ts';
import { sectionSteps } from '../impl/sections-ops.ts';
import { KernelSwapSystem } from '../impl/swap-system.ts';
import { holderWithExclusive } from '../impl/holder-word.ts';
import { memcgToId } from '../impl/memcg.ts';
import { pfnToWord } from '../impl/swap-table-word.ts';
import type { MutantCheckOptions } from './mutant-check.ts';
import { checkMutant, mutantVerdict } from './mutant-check.ts';
import { killRaceMutant } from '../explore/mutant-race.ts';

const root = join(import.meta.dirname, '..');
const names = Object.keys(mutantCatalogue).sort();

/**
 * The self-check's budget in `npm test`: the CLI's first two seeds instead of twenty, half the
 * CLI's runs budget (64 of 128 runs: both seeds kill every mutant within it, so this is the
 * stricter test), no time limit that could bind (so the verdict does not depend on the
 * machine's load) and no shrinking. It was a quarter (32 runs) with four presets; the fifth,
 * tiny-memcg, changed which preset each run index gets, and the first kills of two mutants
 * that a run kills about one time in twenty-five moved past run 32 (reclaim-busy-folio seed 1
 * at run 46, zswap-load-no-owner seed 2 at run 39; docs/mutants.md, run 15).
 */
const selfCheck: MutantCheckOptions = {
  seeds: 2,
  seedBase: 1,
  runsPerSeed: 64,
  opsPerRun: 400,
  timeMsPerSeed: 600_000,
  configs: Object.values<Config>(configPresets),
  shrink: false,
  shrinkMs: 0,
};

function doc(name: string): MutantDoc {
  const entry = mutantCatalogue[name];
  if (entry === undefined) throw new Error(`no mutant ${name}`);
  return entry;
}

describe('mutant catalogue', () => {
  it('has at least 24 mutants, each on known designs with a one-sentence summary', () => {
    expect(names.length).toBeGreaterThanOrEqual(24);
    for (const name of names) {
      const entry = doc(name);
      expect(name, 'mutant names are kebab-case').toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(entry.designs.length, `${name} lists its designs`).toBeGreaterThan(0);
      for (const design of entry.designs) expect(Object.keys(designs), name).toContain(design);
      expect(entry.summary, `${name}: one sentence`).toMatch(/^[A-Za-z][^]*\.$/);
      expect(entry.summary.slice(0, -1), `${name}: one sentence`).not.toMatch(/\.\s/);
      expect(entry.mirrors.length, `${name} says what it mirrors`).toBeGreaterThan(10);
      const needsName = entry.catches.kind === 'invariant' || entry.catches.kind === 'drain';
      expect(entry.catches.invariant !== undefined, `${name}: invariant iff audit`).toBe(needsName);
    }
  });

  it('has one file per mutant in impl/mutants/, each replacing named steps', () => {
    const files = readdirSync(join(root, 'impl', 'mutants')).filter((file) => file.endsWith('.ts'));
    expect(new Set(files.map((file) => file.replace(/\.ts$/, '')))).toEqual(new Set(names));
    for (const name of names) {
      // The defaults as plain values: the test compares identities, it calls nothing.
      const defaultSteps = new Map<string, unknown>(Object.entries(kernelSteps));
      const defaultSections = new Map<string, unknown>(Object.entries(sectionSteps));
      const mutant = mutants[name];
      expect(mutant?.name, `impl/mutants/${name}.ts names itself`).toBe(name);
      const steps = Object.entries(mutant?.steps ?? {});
      const sections = Object.entries(mutant?.sections ?? {});
      expect(steps.length + sections.length, `${name} replaces a step`).toBeGreaterThan(0);
      for (const [step, fn] of steps) {
        expect(Object.keys(kernelSteps), `${name}: ${step} is a KernelSteps step`).toContain(step);
        expect(fn, `${name}: ${step} differs from the correct step`).not.toBe(
          defaultSteps.get(step),
        );
      }
      for (const [step, fn] of sections) {
        expect(Object.keys(sectionSteps), `${name}: ${step} is a SectionSteps step`).toContain(
          step,
        );
        expect(fn, `${name}: ${step} differs from the correct step`).not.toBe(
          defaultSections.get(step),
        );
      }
    }
  });

  it('leaves no mutant switch in the op paths of impl/', () => {
    const catalogue = new Set(['mutants.ts', 'mutant.ts', 'designs.ts']);
    for (const file of readdirSync(join(root, 'impl'))) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || catalogue.has(file)) continue;
      const source = readFileSync(join(root, 'impl', file), 'utf8');
      expect(source, `impl/${file} tests for a mutant`).not.toMatch(
        /\bmutant\b\s*[!=]==|\.mutant\b|MUTANT |Stryker (disable|restore)/,
      );
    }
  });

  it('is documented in docs/mutants.md with the current table', () => {
    const path = join(root, 'docs', 'mutants.md');
    const text = readFileSync(path, 'utf8');
    const begin = '<!-- mutant-table:begin -->\n';
    const end = '<!-- mutant-table:end -->';
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    expect(from, 'docs/mutants.md has the table markers').toBeGreaterThanOrEqual(0);
    expect(to).toBeGreaterThan(from);
    const table = mutantTableMarkdown();
    if (process.env.SWAPCHECK_WRITE_DOCS === '1') {
      writeFileSync(path, text.slice(0, from + begin.length) + table + text.slice(to));
    }
    const current = readFileSync(path, 'utf8');
    expect(
      current.slice(from + begin.length, current.indexOf(end)),
      'regenerate with SWAPCHECK_WRITE_DOCS=1',
    ).toBe(table);
  });
});

const raceNames = names.filter((name) => doc(name).race !== undefined);
const sequentialNames = names.filter((name) => doc(name).race === undefined);

describe('race mutants', () => {
  it('has at least 8, the ABA while a fault sleeps among them', () => {
    expect(raceNames.length).toBeGreaterThanOrEqual(8);
    expect(raceNames).toContain('skip-cache-early-unpin');
  });
});

describe.each(raceNames)('race mutant %s', (name) => {
  it.each(['random', 'exhaustive'] as const)('is killed by explore in %s mode', (mode) => {
    const kill = killRaceMutant(name, mode, selfCheck.seedBase, 60_000);
    expect(kill.scenario, `${name} survived ${kill.schedules} schedules`).not.toBeNull();
    expect(kill.baseHolds, 'the failing scenario holds without the mutant').toBe(true);
  });
});

describe.each(sequentialNames)('mutant %s', (name) => {
  it(`survives no seed of the self-check (seeds 1 and 2, ${selfCheck.runsPerSeed} runs each)`, () => {
    const result = checkMutant(name, selfCheck);
    const reproduce =
      `swapcheck mutants --mutant ${name} --seed ${selfCheck.seedBase} --seeds ${selfCheck.seeds} ` +
      `--runs-per-seed ${selfCheck.runsPerSeed} --time-per-mutant 600s`;
    expect(
      result.failureKinds.filter((kind) => kind.startsWith('base-design-fails')),
      reproduce,
    ).toEqual([]);
    expect(result.shrunkLengthMax, 'not shrunk here').toBeNull();
    expect(
      mutantVerdict(result, 1),
      `${name}: killed ${result.killed}/${result.seeds}; reproduce: ${reproduce}`,
    ).toBe('killed');
  });
});

/**
 * Direct corruptions for the audits that observe() dominates (no mutant can reach them first,
 * impl/mutants.ts auditsWithoutMutantCanary says why): each breaks exactly what the audit
 * checks in a live classic system, and the audit must name that invariant.
 */
const corruptions: Readonly<Record<string, (system: KernelSwapSystem) => void>> = {
  'cache-binding': (system) => {
    // Rebind swp(0:1) to the mapped folio 2, which is not in the swap cache.
    const device = system.state.devices[0];
    if (device?.kind !== 'table') throw new Error('classic has table devices');
    device.clusterOf(1).tableOf()[1] = pfnToWord(2, 0, false);
  },
  'allocation-fence': (system) => {
    const device = system.state.devices[0];
    if (device === undefined) throw new Error('device 0');
    device.writeOk = false; // online but not write-ok between ops
  },
  exclusive: (system) => {
    // Holder 2 maps folio 2's page too (a fork clears the bit of both mappings), and holder 1
    // keeps its exclusive bit.
    expect(system.apply({ op: 'fork', holder: 1, target: 2, cpu: 0 }).errno).toBe('OK');
    system.audit();
    system.state.holders[1] = holderWithExclusive(system.state.holders[1] ?? 0, true);
  },
  'memcg-accounting': (system) => {
    // memcg 0 is charged one page more than its memcg tables record (a leaked charge).
    expect(system.state.memcg.tryCharge(memcgToId(0), 1)).toBe(true);
  },
};

describe('every audit has a canary', () => {
  const auditSource = readFileSync(join(root, 'impl', 'audit.ts'), 'utf8');
  const audited = new Set(
    [...auditSource.matchAll(/check\([^;]*?,\s*'([a-z-]+)',\s*'[a-z0-9-]+',\s*\(\)\s*=>/gs)].map(
      (m) => m[1] ?? '',
    ),
  );

  it('reads the invariant names from impl/audit.ts', () => {
    expect(audited.size).toBeGreaterThanOrEqual(10);
    expect(audited).toContain('drain');
    expect(audited).toContain('count-conservation');
  });

  it('has a mutant whose first failure is each audit, or a direct corruption for it', () => {
    const byMutant = new Set<string>(
      names.flatMap((name) => {
        const { kind, invariant } = doc(name).catches;
        return (kind === 'invariant' || kind === 'drain') && invariant !== undefined
          ? [invariant]
          : [];
      }),
    );
    const missing = [...audited].filter(
      (invariant) =>
        !byMutant.has(invariant) && !Object.hasOwn(auditsWithoutMutantCanary, invariant),
    );
    expect(missing, 'audits with no canary').toEqual([]);
    for (const invariant of Object.keys(auditsWithoutMutantCanary)) {
      expect(audited, `${invariant} is an audit`).toContain(invariant);
      expect(byMutant.has(invariant), `${invariant} has a mutant canary now`).toBe(false);
    }
    expect(Object.keys(corruptions).sort()).toEqual(Object.keys(auditsWithoutMutantCanary).sort());
    expect(
      names.some((name) => doc(name).catches.kind === 'identity'),
      'a mutant breaks the checker identity map',
    ).toBe(true);
  });

  it.each(Object.keys(corruptions))('the %s audit reports a direct corruption', (invariant) => {
    const knobs = designs['classic']?.knobs;
    if (knobs === undefined) throw new Error('no classic design');
    // Holders 0 and 1 are in memcg 0 (swap.max 3): the allocation is charged.
    const system = new KernelSwapSystem(configTinyMemcg, knobs);
    for (const op of [
      { op: 'swapon', device: 0, cpu: 0 },
      { op: 'fault', holder: 0, order: 0, cpu: 0 },
      { op: 'allocSwap', holder: 0, cpu: 0 },
      { op: 'fault', holder: 1, order: 0, cpu: 0 },
    ] as const) {
      expect(system.apply(op).errno).toBe('OK');
    }
    expect(() => system.audit()).not.toThrow();
    corruptions[invariant]?.(system);
    let reported: string | null = null;
    try {
      system.audit();
    } catch (error) {
      if (error instanceof InvariantViolation) reported = error.invariant;
      else throw error;
    }
    expect(reported).toBe(invariant);
  });
});

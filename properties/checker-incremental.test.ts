/**
 * Footprint checks (properties/checker.ts): the per-item views of every built-in design equal
 * the matching parts of its full observation; the model's footprint covers every change, so
 * the views the checker keeps from footprints equal a fresh model observation at every full
 * check (and a footprint that drops a change is reported); and runRandom() reports the exact
 * first failing step of a run that footprint checks saw late.
 *
 * Not covered here: campaign checks on every catalogued mutant's committed trace
 * (properties/mutant-traces.test.ts), the speed of footprint checks (bench/, BENCHMARKS.md).
 */
import { describe, expect, it } from 'vitest';
import { configPresets, type Config } from '../lib/config.ts';
import {
  type Checker,
  checkerOptionsCampaign,
  checkerOptionsDefault,
  type CheckerOptions,
} from './checker.ts';
import { designNames, resolveDesign } from './design-registry.ts';
import { drawSwarm, drawTemplate } from './generator.ts';
import { resolveTemplate } from './op-template.ts';
import { Prng, runSeed } from './prng.ts';
import { checkerFor, runRandom } from './run.ts';
import { ItemViewAudit } from './item-views.ts';

const presets = Object.entries<Config>(configPresets);

/** Drives `checker` with generated ops after swapon; calls `each` after every op. */
function drive(
  checker: Checker,
  config: Config,
  seed: number,
  ops: number,
  each: () => void,
): void {
  const prng = new Prng(seed);
  const swarm = drawSwarm(prng);
  for (let device = 0; device < config.devices.length; device++) {
    expect(checker.step({ op: 'swapon', device, cpu: 0 })).toBeNull();
  }
  for (let i = 0; i < ops; i++) {
    const failure = checker.step(
      resolveTemplate(config, checker.observation, drawTemplate(prng, swarm)),
    );
    expect(failure).toBeNull();
    each();
  }
}

describe.each(designNames())('per-item views of %s', (name) => {
  it('equal the full observation after every op, and are null for what is not live', () => {
    const design = resolveDesign(name);
    let freed = 0;
    for (const [index, [, config]] of presets.entries()) {
      const checker = checkerFor(design, config);
      const audit = new ItemViewAudit(checker.system, config.cpus);
      drive(checker, config, runSeed(31, index), 150, () => {
        expect(audit.afterOp()).toEqual([]);
      });
      freed += audit.freed;
    }
    expect(freed).toBeGreaterThan(0);
  });
});

describe('the per-item view audit', () => {
  it('reports a holder view that differs from observe(), and a freed value that still reads as live', () => {
    const config = configPresets.tiny;
    const checker = checkerFor(resolveDesign('classic'), config);
    const real = checker.system;
    let stale: ReturnType<NonNullable<typeof real.observeEntry>> = null;
    // A wrapper whose views lag: holder 0 always reads empty, and entry views read the first
    // entry ever seen.
    const lagging = Object.create(real) as typeof real;
    lagging.observeHolder = () => ({ kind: 'empty' });
    lagging.observeEntry = (value, cpu) => {
      stale ??= real.observeEntry?.(value, cpu) ?? null;
      return stale;
    };
    const audit = new ItemViewAudit(lagging, config.cpus);
    expect(checker.step({ op: 'swapon', device: 0, cpu: 0 })).toBeNull();
    expect(checker.step({ op: 'fault', holder: 0, order: 0, cpu: 0 })).toBeNull();
    expect(audit.afterOp().join('\n')).toMatch(/^holder 0: view \{"kind":"empty"\}/);
    expect(checker.step({ op: 'allocSwap', holder: 0, cpu: 0 })).toBeNull();
    expect(checker.step({ op: 'unmap', holder: 0, cpu: 0 })).toBeNull();
    const folio = real.observe().folios[0]?.id ?? -1;
    expect(checker.step({ op: 'writeout', folio, cpu: 0 })).toBeNull();
    expect(checker.step({ op: 'evict', folio, cpu: 0 })).toBeNull();
    audit.afterOp();
    expect(checker.step({ op: 'zap', holder: 0, cpu: 0 })).toBeNull();
    expect(audit.afterOp().some((line) => line.startsWith('freed entry'))).toBe(true);
  });
});

describe('the model footprint', () => {
  it.each(designNames())(
    'covers every change on %s (kept views equal fresh observations)',
    (name) => {
      const design = resolveDesign(name);
      // A full check every 3 ops verifies the views kept from the two footprints before it.
      const options: CheckerOptions = { ...checkerOptionsCampaign, fullCheckEvery: 3 };
      for (let run = 0; run < 24; run++) {
        const config = presets[run % presets.length]?.[1] as Config;
        const result = runRandom(design, config, runSeed(47, run), 300, options);
        expect(result.failure).toBeNull();
      }
    },
  );

  it('is verified: a footprint that drops its holders is reported as a model fault', () => {
    const config = configPresets.tiny;
    const checker = checkerFor(resolveDesign('classic'), config, {
      ...checkerOptionsCampaign,
      fullCheckEvery: 4,
    });
    const footprint = checker.model.footprint.bind(checker.model);
    checker.model.footprint = () => ({ ...footprint(), holders: [] });
    expect(checker.step({ op: 'swapon', device: 0, cpu: 0 })).toBeNull();
    expect(checker.step({ op: 'fault', holder: 0, order: 0, cpu: 0 })).toBeNull();
    expect(checker.step({ op: 'fault', holder: 1, order: 0, cpu: 0 })).toBeNull();
    const failure = checker.step({ op: 'fault', holder: 2, order: 0, cpu: 0 });
    expect(failure).toMatchObject({ kind: 'model-crash' });
    expect(failure?.message).toMatch(/footprint missed a change: .* at holders\[0\]/);
  });

  it('makes the checker compare only what an op reached between full checks', () => {
    const config = configPresets.default;
    const checker = checkerFor(resolveDesign('vswap-all'), config, checkerOptionsCampaign);
    drive(checker, config, 5, 256, () => {});
    // 256 ops after the swapons: full checks at every 64th step, and before and after each
    // swapoff and after each swapon; every other op gets a footprint check.
    expect(checker.fullChecks).toBeLessThan(24);
    expect(checker.footprintChecks).toBeGreaterThan(220);
    expect(checker.fullChecks + checker.footprintChecks).toBeGreaterThanOrEqual(256);
  });
});

describe('campaign checks', () => {
  it('report the exact first failing step of a run through runRandom', () => {
    const design = resolveDesign({ base: 'classic', mutant: 'extend-table-leak' });
    let compared = 0;
    for (let run = 0; run < 200 && compared < 3; run++) {
      const config = configPresets.tiny;
      const seed = runSeed(0x5eed, run);
      const campaign = runRandom(design, config, seed, 400, checkerOptionsCampaign);
      if (campaign.failure === null) continue;
      const full = runRandom(design, config, seed, 400, checkerOptionsDefault);
      expect(campaign.failure).toEqual(full.failure);
      compared++;
    }
    expect(compared).toBe(3);
  });
});

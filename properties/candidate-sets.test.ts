/**
 * The candidate sets the campaign runner keeps from footprints (properties/candidate-sets.ts):
 * before every generated op of runs of every built-in design on every preset config (and a
 * machine of many holders), under every steer, each kept set equals its scan
 * (properties/candidates.ts); sets that miss an op are reported by name; and a template
 * resolves to the same op against the kept sets as against the scans.
 *
 * Not covered here: OrderedIdSet itself (ordered-id-set.test.ts), what the sets mean for the
 * ops (op-template.ts, its resolution is pinned by the walkthrough outputs and mutant tables).
 */
import { describe, expect, it } from 'vitest';
import { configDefault, configPresets, type Config } from '../lib/config.ts';
import { CandidateSets } from './candidate-sets.ts';
import { checkerOptionsCampaign } from './checker.ts';
import { designNames, resolveDesign } from './design-registry.ts';
import { drawHotBase, drawSwarm, drawTemplate, steers } from './generator.ts';
import { resolveTemplate, resolveWith } from './op-template.ts';
import { Prng, runSeed } from './prng.ts';
import { checkerFor, runRandom, swaponOps } from './run.ts';

const configs: [string, Config][] = [
  ...Object.entries<Config>(configPresets),
  ['default with 512 holders', { ...configDefault, holders: 512 }],
];

describe.each(designNames())('the candidate sets of %s', (name) => {
  it('equal their scans before every generated op, on every config and steer', () => {
    const design = resolveDesign(name);
    let ops = 0;
    configs.forEach(([, config], index) => {
      for (const steer of [undefined, ...steers]) {
        const seed = runSeed(19, index * 8 + (steer === undefined ? 0 : steers.indexOf(steer) + 1));
        const result = runRandom(design, config, seed, 150, checkerOptionsCampaign, steer, true);
        expect(result.failure).toBeNull();
        ops += result.ops.length;
      }
    });
    expect(ops).toBeGreaterThan(configs.length * 7 * 150);
  });
});

describe('CandidateSets.check()', () => {
  it('names a set that an op changed when afterStep() did not follow', () => {
    const config = configPresets.tiny;
    const checker = checkerFor(resolveDesign('classic'), config);
    for (const op of swaponOps(config, drawSwarm(new Prng(1)))) expect(checker.step(op)).toBeNull();
    const sets = new CandidateSets(config, checker);
    sets.check();
    expect(checker.step({ op: 'fault', holder: 3, order: 0, cpu: 0 })).toBeNull();
    expect(() => sets.check()).toThrow(/candidate set holders empty: kept \[0, 1, 2, 3, 4/);
    sets.afterStep();
    sets.check();
  });
});

describe('resolveWith() against the kept sets', () => {
  it('gives the op resolveTemplate() gives against the scans, template for template', () => {
    let compared = 0;
    configs.forEach(([, config], index) => {
      const prng = new Prng(runSeed(23, index));
      const swarm = drawSwarm(prng, steers[index % steers.length]);
      const hotBase = drawHotBase(prng, config);
      const checker = checkerFor(resolveDesign('vswap-rfc'), config, checkerOptionsCampaign);
      for (const op of swaponOps(config, swarm)) expect(checker.step(op)).toBeNull();
      const sets = new CandidateSets(config, checker);
      for (let i = 0; i < 300; i++) {
        const template = drawTemplate(prng, swarm);
        const kept = resolveWith(
          config,
          checker.observation.holders,
          sets,
          template,
          swarm.hotHolders,
          hotBase,
        );
        const scanned = resolveTemplate(
          config,
          checker.observation,
          template,
          swarm.hotHolders,
          hotBase,
        );
        expect(kept).toEqual(scanned);
        compared++;
        expect(checker.step(kept)).toBeNull();
        sets.afterStep();
      }
    });
    expect(compared).toBe(configs.length * 300);
  });
});

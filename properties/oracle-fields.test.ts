/**
 * Canaries for the comparison (properties/checker.ts, properties/compared-fields.ts): a
 * wrapper around a design that lies about exactly one observation field, in observe() and in
 * the per-item views alike, must be caught by the checker, for every field the comparison
 * lists. Each lie reports the field's resting value (0, false, null, the last list item
 * dropped; an entry value reads as the other entry of its aligned pair, since a value never
 * handed out is an identity failure before any comparison), so it is caught only once a short
 * op sequence makes the field non-trivial; the test pins that op, and that the failure is an
 * observation difference. Also: every key a model observation has is a compared field, and the
 * lies cover exactly the compared fields, so a field added to lib/observation.ts is either
 * compared and lied about or a test fails.
 *
 * The lying designs and the scenario are in properties/oracle-fields-test-support.ts.
 *
 * Not covered here: the audit's canaries (impl/audit.test.ts), catalogued mutants
 * (properties/canary.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Observation } from '../lib/observation.ts';
import { checkerOptionsCampaign, checkerOptionsDefault } from './checker.ts';
import { comparedFieldIds, type ViewName } from './compared-fields.ts';
import { resolveDesign } from './design-registry.ts';
import { drawSwarm, drawTemplate } from './generator.ts';
import { resolveTemplate } from './op-template.ts';
import { config, lies, lyingDesign, scenario } from './oracle-fields-test-support.ts';
import { Prng } from './prng.ts';
import { checkerFor, replayOps } from './run.ts';

describe('the compared fields', () => {
  it('have exactly one lie each', () => {
    expect(Object.keys(lies).sort()).toEqual(comparedFieldIds().sort());
  });

  it('include every key a model observation has', () => {
    const seen: Record<ViewName, Set<string>> = {
      observation: new Set(),
      holder: new Set(),
      entry: new Set(),
      folio: new Set(),
      device: new Set(),
    };
    const collect = (observation: Observation) => {
      for (const key of Object.keys(observation)) seen.observation.add(key);
      for (const [view, items] of [
        ['holder', observation.holders],
        ['entry', observation.entries],
        ['folio', observation.folios],
        ['device', observation.devices],
      ] as const) {
        for (const item of items) for (const key of Object.keys(item)) seen[view].add(key);
      }
    };
    for (const design of ['classic', 'vswap-all']) {
      const checker = checkerFor(resolveDesign(design), config);
      for (const op of scenario) expect(checker.step(op)).toBeNull();
      collect(checker.model.observe());
      const prng = new Prng(7);
      const swarm = drawSwarm(prng);
      for (let i = 0; i < 300; i++) {
        expect(
          checker.step(resolveTemplate(config, checker.observation, drawTemplate(prng, swarm))),
        ).toBeNull();
        if (i % 10 === 0) collect(checker.model.observe());
      }
    }
    const listed = new Set(comparedFieldIds());
    const unlisted = (Object.keys(seen) as ViewName[]).flatMap((view) =>
      [...seen[view]].map((key) => `${view}.${key}`).filter((id) => !listed.has(id)),
    );
    expect(unlisted, 'observation keys the comparison does not list').toEqual([]);
  });

  it('hold on the honest designs over the scenario', () => {
    for (const design of ['classic', 'vswap-all']) {
      for (const options of [checkerOptionsDefault, checkerOptionsCampaign]) {
        expect(
          replayOps(resolveDesign(design), config, scenario, options).failure,
          design,
        ).toBeNull();
      }
    }
  });
});

describe.each(Object.keys(lies))('a design lying about %s', (id) => {
  it('is caught by full checks at the op that makes the field non-trivial', () => {
    const lie = lies[id];
    expect(lie, `no lie for ${id}: add one to properties/oracle-fields.test.ts`).toBeDefined();
    const result = replayOps(lyingDesign(id), config, scenario, checkerOptionsDefault);
    expect(result.failure?.kind, result.failure?.message).toBe('observation');
    expect(result.failure?.step, result.failure?.message).toBe(lie?.caughtAt);
  });

  it('is caught by campaign checks (footprints between full checks) too', () => {
    const result = replayOps(lyingDesign(id), config, scenario, checkerOptionsCampaign);
    expect(result.failure?.kind, result.failure?.message).toBe('observation');
    const [view] = id.split('.');
    // A per-item field is seen by the footprint of the op that changes it; the whole-system
    // fields (and the entry key, which footprints replace by the serial) wait for a full check.
    if (view !== 'observation' && view !== 'device' && id !== 'entry.entry') {
      expect(result.failure?.step, result.failure?.message).toBe(lies[id]?.caughtAt);
    }
  });
});

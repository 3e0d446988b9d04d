/**
 * Pins the knob swarm (properties/knob-swarm.ts): every knob value of every built-in design's
 * space is legal and is run within the budget the header promises, half the runs keep the
 * preset, references that set a knob keep it, and a campaign's summary counts runs by value.
 *
 * Not covered here: what the knobs change (impl/ tests).
 */
import { describe, expect, it } from 'vitest';
import { configPresets } from '../lib/config.ts';
import { designs, knobDocs } from '../lib/designs.ts';
import { runCampaign } from './campaign.ts';
import { designSpelling, parseDesignSpelling } from './design-ref.ts';
import { designNames, resolveDesign } from './design-registry.ts';
import { knobCombinations, knobValuesMissed, refKnobs, runDesignRef } from './knob-swarm.ts';

const configCount = Object.keys(configPresets).length;

describe('knob swarm', () => {
  it("lists every value of every knob in some built-in design's space, each combination legal", () => {
    const seen = new Set<string>();
    for (const name of designNames()) {
      for (const knobs of knobCombinations(name)) {
        expect(() => resolveDesign({ base: name, knobs }).create(configPresets.tiny)).not.toThrow();
        for (const [knob, value] of Object.entries(knobs)) seen.add(`${knob}=${value}`);
      }
    }
    const all = Object.entries(knobDocs).flatMap(([knob, doc]) =>
      doc.values.map((value) => `${knob}=${value}`),
    );
    expect([...seen].sort()).toEqual(all.sort());
  });

  it('runs the preset in even blocks, every value within 2 x configs x (values - 1) runs, every combination within 2 x configs x (combinations - 1)', () => {
    for (const name of designNames()) {
      const combinations = knobCombinations(name);
      const budget = 2 * configCount * Math.max(1, combinations.length - 1);
      const ran = new Set<string>();
      const values = new Set<string>();
      let preset = 0;
      for (let run = 0; run < budget; run++) {
        const ref = runDesignRef(name, 'swarm', run, configCount);
        if (designSpelling(ref) === name) preset++;
        ran.add(JSON.stringify(refKnobs(ref)));
        for (const [knob, value] of Object.entries(refKnobs(ref) ?? {}))
          values.add(`${knob}=${value}`);
        if (run + 1 === 2 * configCount * 2) {
          // Every value of every design by run 20 on the presets (three lookup-cache values).
          const all = new Set(
            combinations.flatMap((knobs) => Object.entries(knobs).map(([k, v]) => `${k}=${v}`)),
          );
          expect([...values].sort()).toEqual([...all].sort());
        }
      }
      expect(ran.size).toBe(combinations.length);
      expect(preset).toBe(combinations.length === 1 ? budget : budget / 2);
    }
  });

  it('keeps the knobs a reference sets, and every knob with --knobs fixed', () => {
    const ref = parseDesignSpelling('vswap-rfc[lookupCache=validated]');
    for (let run = 0; run < 60; run++) {
      expect(refKnobs(runDesignRef(ref, 'swarm', run, configCount))?.lookupCache).toBe('validated');
      expect(runDesignRef('vswap-rfc', 'fixed', run, configCount)).toBe('vswap-rfc');
    }
    expect(knobCombinations(ref)).toHaveLength(2);
    expect(knobCombinations('classic')).toEqual([designs['classic']?.knobs]);
  });

  it("spells a run's design so that it reads back as the same knobs, the mutant kept", () => {
    for (let run = 0; run < 40; run++) {
      const ref = runDesignRef(
        { base: 'vswap-all', mutant: 'rmap-slot-not-offset' },
        'swarm',
        run,
        configCount,
      );
      const back = parseDesignSpelling(designSpelling(ref));
      expect(refKnobs(back)).toEqual(refKnobs(ref));
      expect(
        typeof back === 'string' ? undefined : 'mutant' in back ? back.mutant : undefined,
      ).toBe('rmap-slot-not-offset');
    }
  });

  it("counts a campaign's runs and ops by knob value and names values never run", async () => {
    const configs = Object.values(configPresets);
    const short = await runCampaign({
      designs: ['vswap-direct-cached'],
      configs,
      seed: 9,
      runs: configCount,
      opsPerRun: 20,
      shardIndex: 0,
      shardCount: 1,
      knobs: 'swarm',
    });
    expect(knobValuesMissed(short.designs[0]?.perKnob ?? {})).toEqual(['lookupCache=validated']);
    const full = await runCampaign({
      designs: ['vswap-direct-cached'],
      configs,
      seed: 9,
      runs: 2 * configCount,
      opsPerRun: 20,
      shardIndex: 0,
      shardCount: 1,
      knobs: 'swarm',
    });
    const summary = full.designs[0];
    expect(knobValuesMissed(summary?.perKnob ?? {})).toEqual([]);
    expect(summary?.perKnob['lookupCache']?.['validated']?.runs).toBe(configCount);
    expect(summary?.perKnob['lookupCache']?.['pinned']?.ops).toBe(
      (summary?.ops ?? 0) - (summary?.perKnob['lookupCache']?.['validated']?.ops ?? 0),
    );
  });
});

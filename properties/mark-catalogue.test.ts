/**
 * Pins the mark catalogue (properties/mark-catalogue.ts) against the impl, and coverage-guided
 * reach (properties/mark-steering.ts): every mark a run hits is listed, as reachable with that
 * run's knobs and config; a steered campaign is the same for the same seed, steers only after
 * two epochs, names the marks it missed, and one steered run reproduces alone with its steer.
 *
 * Not covered here: hitting marks (impl/marks.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { configPresets } from '../lib/config.ts';
import { runCampaign, type CampaignOptions } from './campaign.ts';
import { checkerOptionsCampaign } from './checker.ts';
import { designNames, resolveDesign } from './design-registry.ts';
import { steers } from './generator.ts';
import { runDesignRef } from './knob-swarm.ts';
import { markCatalogue, marksReachable } from './mark-catalogue.ts';
import { epochRuns, marksRare, steerOfRun, steersFor } from './mark-steering.ts';
import { runSeed } from './prng.ts';
import { runRandom } from './run.ts';

const configs = Object.values(configPresets);

describe('the mark catalogue', () => {
  it("lists every mark a run hits, as reachable with the run's knobs and config", () => {
    for (const name of designNames()) {
      for (let run = 0; run < 20; run++) {
        const design = resolveDesign(runDesignRef(name, 'swarm', run, configs.length));
        const config = configs[run % configs.length] ?? configPresets.tiny;
        // Every fourth run steered, so the steers' states are hit too.
        const steer = run % 4 === 3 ? steers[(run >> 2) % steers.length] : undefined;
        const result = runRandom(
          design,
          config,
          runSeed(4, run),
          250,
          checkerOptionsCampaign,
          steer,
        );
        expect(result.failure).toBeNull();
        const reachable = marksReachable(design.knobs ?? (configPresets.tiny as never), config);
        for (const [mark, count] of Object.entries(result.marks)) {
          if (count === 0) continue;
          expect(Object.hasOwn(markCatalogue, mark), `mark ${mark} is not catalogued`).toBe(true);
          expect(
            reachable,
            `${mark} hit by ${design.name} on config ${run % configs.length}`,
          ).toContain(mark);
        }
      }
    }
  });

  it('calls a mark rare below a twentieth of the runs, and steers odd runs toward rare marks in turn', () => {
    const runs = Array.from({ length: 40 }, (_, i) => ({
      'write-cow': 1,
      'swapin-large': i < 1 ? 1 : 0,
    }));
    expect(marksRare(['write-cow', 'swapin-large', 'enospc'], runs)).toEqual([
      'swapin-large',
      'enospc',
    ]);
    expect(steersFor(['swapin-large', 'enospc', 'swapin-large-mixed-exclusive'])).toEqual([
      'large',
      'pressure',
    ]);
    expect([0, 1, 2, 3, 5].map((run) => steerOfRun(run, ['large', 'pressure']))).toEqual([
      undefined,
      'large',
      undefined,
      'pressure',
      'large',
    ]);
  });
});

describe('coverage-guided reach', () => {
  const base: CampaignOptions = {
    designs: ['classic'],
    configs,
    seed: 11,
    opsPerRun: 150,
    shardIndex: 0,
    shardCount: 1,
    knobs: 'swarm',
    steering: true,
  };
  const epoch = epochRuns(configs.length);

  it('steers after two epochs, the same for the same seed, and names the marks it missed', async () => {
    const first = (await runCampaign({ ...base, runs: 3 * epoch })).designs[0];
    const again = (await runCampaign({ ...base, runs: 3 * epoch })).designs[0];
    expect(again?.marks).toEqual(first?.marks);
    expect(again?.steered).toEqual(first?.steered);
    const steered = Object.values(first?.steered ?? {}).reduce((sum, n) => sum + (n ?? 0), 0);
    expect(steered).toBeGreaterThan(0);
    expect(steered).toBeLessThanOrEqual(epoch / 2);
    const unsteered = (await runCampaign({ ...base, runs: 2 * epoch })).designs[0];
    expect(unsteered?.steered).toEqual({});
    expect(first?.marksMissed).toEqual(
      first?.marksListed.filter((mark) => (first.marks[mark] ?? 0) === 0),
    );
    expect(first?.marksListed).not.toContain('vswap-index-lookup');
  });

  it('reproduces a steered run alone with its steer', async () => {
    // Run r's own ops are the difference between budgets r + 1 and r; the steer likewise.
    const r = 2 * epoch + 1;
    const upTo = (await runCampaign({ ...base, runs: r + 1 })).designs[0];
    const before = (await runCampaign({ ...base, runs: r })).designs[0];
    const steer = steers.find((s) => (upTo?.steered[s] ?? 0) > (before?.steered[s] ?? 0));
    expect(steer).toBeDefined();
    const alone = (
      await runCampaign({
        ...base,
        onlyRun: r,
        ...(steer === undefined ? {} : { onlySteer: steer }),
      })
    ).designs[0];
    expect(alone?.runs).toBe(1);
    expect(alone?.ops).toBe((upTo?.ops ?? 0) - (before?.ops ?? 0));
    expect(alone?.steered).toEqual(steer === undefined ? {} : { [steer]: 1 });
  });
});

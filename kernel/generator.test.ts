/**
 * The random program generator's memcg draw: the same seed gives the same programs, memcg or
 * not; a program without a memcg is the one the seed gives with memcgs off (the draw has a
 * stream of its own); a memcg holds every holder (the oracle's one-cgroup layout) with a
 * swap.max small enough that charges fail and the memcg-full arms fire in random programs.
 *
 * Method: generate programs of fixed seeds and look at their configs and model outcomes; the
 * kernel runs some of them in kernel-oracle.test.ts.
 *
 * Not covered here: the round trip through the translator (translate.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { devicePages } from '../lib/config.ts';
import type { GeneratedProgram } from './generator.ts';
import { generateProgram } from './generator.ts';

const seed = 4242;
const programs = 60;

function summary(generated: GeneratedProgram): string {
  return JSON.stringify({ config: generated.config, actions: generated.actions });
}

/**
 * The read faults of a program that free the swap cache of a page read from a non-synchronous
 * device while swap as a whole is less than half used: only the memcg arm of
 * mem_cgroup_swap_full() frees it there.
 */
function memcgOnlyFrees({ config, program }: GeneratedProgram): number[] {
  return program.steps.flatMap((step, index) => {
    const before = index === 0 ? program.initial : (program.steps[index - 1] as typeof step).expect;
    const holder = step.action.kind === 'read' ? step.action.holder : -1;
    const view = before.holders.find((each) => each.holder === holder)?.view;
    if (
      view?.kind !== 'swapped' ||
      view.device === null ||
      config.devices[view.device]?.synchronousIo !== false
    )
      return [];
    return before.swapFreePages * 2 >= before.swapTotalPages &&
      step.outcomes[0]?.freedCache === true
      ? [step.index]
      : [];
  });
}

describe('generateProgram with memcgs', () => {
  const sometimes = Array.from({ length: programs }, (_, index) => generateProgram(seed, index));
  const never = Array.from({ length: programs }, (_, index) =>
    generateProgram(seed, index, { memcg: 'never' }),
  );
  const always = Array.from({ length: programs }, (_, index) =>
    generateProgram(seed, index, { memcg: 'always' }),
  );

  it('gives the same programs for the same seed', () => {
    const again = Array.from({ length: programs }, (_, index) => generateProgram(seed, index));
    expect(again.map(summary)).toEqual(sometimes.map(summary));
  });

  it('puts about one program in three in a memcg, and leaves the others as they are without memcgs', () => {
    const inMemcg = sometimes.filter((each) => each.config.memcgs !== undefined).length;
    expect(inMemcg).toBeGreaterThanOrEqual(programs / 6);
    expect(inMemcg).toBeLessThanOrEqual(programs / 2);
    sometimes.forEach((generated, index) => {
      if (generated.config.memcgs === undefined)
        expect(summary(generated)).toBe(summary(never[index] as GeneratedProgram));
    });
    expect(never.every((each) => each.config.memcgs === undefined)).toBe(true);
  });

  it('draws one memcg of every holder with a swap.max of at most about a third of the swap pages', () => {
    for (const { config } of always) {
      const memcg = config.memcgs?.[0];
      expect([config.memcgs?.length, memcg?.holders]).toEqual([1, config.holders]);
      const pages = config.devices.reduce((sum, device) => sum + devicePages(device), 0);
      if (memcg?.swapMax !== null)
        expect(memcg?.swapMax).toBeLessThanOrEqual(Math.max(2, Math.round(pages / 3) + 1));
    }
    expect(always.some((each) => each.config.memcgs?.[0]?.swapMax === null)).toBe(true);
  });

  it('makes swap charges fail, and reads free the swap cache on a disk because only the memcg is half full', () => {
    const steps = always.flatMap((each) => each.program.steps);
    expect(
      steps.some((step) => step.action.kind === 'pageout' && step.outcomes[0]?.errno === 'ENOMEM'),
    ).toBe(true);
    expect(always.flatMap(memcgOnlyFrees).length).toBeGreaterThan(0);
    // Without memcgs no read frees a disk page's cache while swap is less than half used.
    expect(never.flatMap(memcgOnlyFrees)).toEqual([]);
  });
});

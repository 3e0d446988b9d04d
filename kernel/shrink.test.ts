/**
 * Shrinking with the kernel in the loop: rebuilding an action list without some actions drops
 * the ones that no longer apply; on UML, a generated program that diverges from the model
 * shrinks to a few actions with the same failure shape. The UML part is skipped, with one line
 * saying what to install, where UML is missing.
 *
 * Not covered here: the campaign around it (kernel-oracle.test.ts runs a seeded one).
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../lib/config.ts';
import type { Action } from './actions.ts';
import { generateProgram } from './generator.ts';
import { runOnKernel } from './oracle.ts';
import { failureShape, rebuild, sameShape, shrinkOnKernel } from './shrink.ts';
import { findUml } from './uml.ts';

const config: Config = {
  holders: 8,
  cpus: 1,
  clusterSlots: 4,
  countBits: 2,
  orderMax: 0,
  devices: [{ slots: 16, bad: [], priority: 1, synchronousIo: false, discard: false }],
  zswapEnabled: false,
  zswapCapacity: 64,
  vswapSlots: 32,
};

describe('rebuild', () => {
  it('drops the actions that lose their precondition when others are removed', () => {
    const actions: Action[] = [{ kind: 'swapon', device: 0 }, { kind: 'fault', holder: 0 }, { kind: 'pageout', holder: 0 }, { kind: 'read', holder: 0 }, { kind: 'write', holder: 0, value: 3 }];
    expect(rebuild(config, actions).actions).toEqual(actions);
    // Without the fault there is no page: the swap-out, the read and the write go too.
    expect(rebuild(config, actions.filter((action) => action.kind !== 'fault')).actions).toEqual([{ kind: 'swapon', device: 0 }]);
    // Without the swap-out the read has no swapped-out page; the write still has its page.
    expect(rebuild(config, actions.filter((action) => action.kind !== 'pageout')).actions.map((action) => action.kind)).toEqual(['swapon', 'fault', 'write']);
  });
});

const tools = findUml();

describe.skipIf(tools === null)('shrinkOnKernel', () => {
  it('shrinks a diverging generated program to a few actions of the same shape', async () => {
    // Program 2 of seed 5 diverges (a page read back from the swap cache and unmapped).
    const generated = generateProgram(5, 2);
    const first = (await runOnKernel(tools!, [{ name: 'original', program: generated.program, source: { origin: 'seed 5, program 2' } }])).results[0];
    const shape = first === undefined ? null : failureShape(first);
    expect(shape).not.toBeNull();
    if (shape === null) return;
    const shrunk = await shrinkOnKernel(tools!, generated.config, generated.actions, shape, { timeMs: 120_000 });
    expect(shrunk.reproduced).toBe(true);
    expect(shrunk.actions.length).toBeLessThanOrEqual(5);
    expect(shrunk.actions.length).toBeLessThan(generated.actions.length);
    expect(sameShape(shape, failureShape(shrunk.result))).toBe(true);
  }, 300_000);
});

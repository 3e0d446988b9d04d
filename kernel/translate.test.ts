/**
 * The translator: which userspace action each run of trace ops becomes, what it refuses and
 * why (each refusal names the profile entry), failing ops as steps with nothing to run, and
 * the round trip from a generated program's ops back to the same program.
 *
 * Not covered here: running programs (kernel-oracle.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { expectationText } from './emit-c.ts';
import { generateProgram } from './generator.ts';
import type { KernelProgram } from './program.ts';
import { linux61 } from './profile.ts';
import { translate } from './translate.ts';

const disk = { slots: 16, bad: [], priority: 10, synchronousIo: false, discard: false };
const zram = { slots: 10, bad: [], priority: 5, synchronousIo: true, discard: false };
const config: Config = { holders: 8, cpus: 2, clusterSlots: 4, countBits: 2, orderMax: 1, devices: [disk, zram], zswapEnabled: false, zswapCapacity: 64, vswapSlots: 32 };

const op = (name: Op['op'], fields: Record<string, unknown> = {}): Op => ({ op: name, cpu: 0, ...fields }) as Op;
const pageout = (holder: number, folio: number): Op[] => [op('allocSwap', { holder }), op('unmap', { holder }), op('writeout', { folio })];
const swappedOut: Op[] = [op('swapon', { device: 0 }), op('fault', { holder: 0, order: 0 }), op('write', { holder: 0, value: 7 }), ...pageout(0, 1), op('evict', { folio: 1 })];

function program(ops: readonly Op[], onConfig: Config = config): KernelProgram {
  const translation = translate(onConfig, ops);
  if (!translation.ok) throw new Error(`refused: op ${translation.op}: ${translation.reason}`);
  return translation.program;
}

function refusal(ops: readonly Op[], onConfig: Config = config): { op: number; entry: string; reason: string } {
  const translation = translate(onConfig, ops);
  if (translation.ok) throw new Error('translated');
  return translation;
}

describe('translate', () => {
  it('groups a swap-out into MADV_PAGEOUT and a later evict into memory.reclaim, then drains', () => {
    const steps = program([...swappedOut, op('swapin', { holder: 0, order: 0 }), op('zap', { holder: 0 })]).steps;
    expect(steps.map((step) => [step.action.kind, step.ops.map((each) => each.op).join(','), step.drain])).toEqual([
      ['swapon', 'swapon', false],
      ['fault', 'fault', false],
      ['write', 'write', false],
      ['pageout', 'allocSwap,unmap,writeout', false],
      ['reclaim', 'evict', false],
      ['read', 'swapin', false],
      ['zap', 'zap', false],
      ['swapoff', 'swapoff', true],
    ]);
  });

  it('expects the evict inside MADV_PAGEOUT when the write completes at once (zram, zswap)', () => {
    const onZram = [op('swapon', { device: 1 }), op('fault', { holder: 0, order: 0 }), ...pageout(0, 1)];
    expect(refusal(onZram)).toMatchObject({ op: 3, entry: 'kernel-internal-op' });
    expect(refusal(onZram).reason).toContain('evict(folio=1)');
    const withEvict = program([...onZram, op('evict', { folio: 1 })]);
    expect(withEvict.steps[2]?.ops.map((each) => each.op)).toEqual(['allocSwap', 'unmap', 'writeout', 'evict']);
    const zswap = program([op('swapon', { device: 0 }), op('fault', { holder: 0, order: 0 }), op('write', { holder: 0, value: 1 }), ...pageout(0, 1), op('evict', { folio: 1 })], { ...config, zswapEnabled: true });
    expect(zswap.steps[3]?.action.kind).toBe('pageout');
    expect(zswap.steps[3]?.expect.zswapStoredPages).toBe(1);
  });

  it('keeps failing ops as steps with nothing to run, and makes swapon and swapoff fail for real', () => {
    const steps = program([op('swapon', { device: 0 }), op('swapon', { device: 0 }), op('swapoff', { device: 1 }), op('write', { holder: 3, value: 1 }), op('zap', { holder: 2 })]).steps;
    expect(steps.map((step) => [step.action.kind, step.outcomes[0]?.errno])).toEqual([
      ['swapon', 'OK'],
      ['swapon', 'EBUSY'],
      ['swapoff', 'EINVAL'],
      ['skip', 'EINVAL'],
      ['skip', 'EINVAL'],
      ['swapoff', 'OK'],
    ]);
  });

  it('ignores CPUs and takes a large swapin as an order-0 read', () => {
    const ops = [...swappedOut.map((each) => ({ ...each, cpu: 1 })), op('swapin', { holder: 0, order: 1 })];
    const last = program(ops).steps.find((step) => step.action.kind === 'read');
    expect(last?.outcomes[0]).toMatchObject({ errno: 'OK', order: 0 });
  });

  it.each([
    ['an injected failure', [op('swapon', { device: 0 }), op('fault', { holder: 0, order: 0 }), op('allocSwap', { holder: 0, failAlloc: true })], 3, 'failure-injection'],
    ['folio_free_swap() on request', [...swappedOut, op('swapin', { holder: 0, order: 0 }), op('freeSwapCache', { folio: 2 })], 9, 'kernel-internal-op'],
    ['a large folio', [op('fault', { holder: 0, order: 1 })], 1, 'no-mthp'],
    ['a swap-out left half done', [op('swapon', { device: 0 }), op('fault', { holder: 0, order: 0 }), op('allocSwap', { holder: 0 }), op('unmap', { holder: 0 }), op('fork', { holder: 0, target: 1 })], 3, 'kernel-internal-op'],
    ['a swap-out of a page mapped twice', [op('swapon', { device: 0 }), op('fault', { holder: 0, order: 0 }), op('fork', { holder: 0, target: 1 }), op('allocSwap', { holder: 0 })], 4, 'shared-page-swap-out'],
    ['a fork into a holder used before', [op('fault', { holder: 1, order: 0 }), op('zap', { holder: 1 }), op('fault', { holder: 0, order: 0 }), op('fork', { holder: 0, target: 1 })], 4, 'process-layout'],
  ] as const)('refuses %s', (_, ops, at, entry) => {
    const refused = refusal(ops);
    expect({ op: refused.op, entry: refused.entry }).toEqual({ op: at, entry });
    expect(linux61.entries.some((each) => each.id === refused.entry)).toBe(true);
  });

  it('refuses configs the kernel cannot run as the model does', () => {
    const large = { ...config, devices: [{ ...disk, slots: 400 }] };
    expect(refusal([], large)).toMatchObject({ op: 0, entry: 'swap-slot-cache' });
    const empty = { ...config, devices: [{ ...disk, slots: 2, bad: [1] }] };
    expect(refusal([], empty)).toMatchObject({ op: 0, entry: 'empty-device' });
  });

  it('refuses a swap-out that would take the last free slot of a device', () => {
    const small = { ...config, devices: [{ ...disk, slots: 3 }] };
    const ops = [op('swapon', { device: 0 }), op('fault', { holder: 0, order: 0 }), ...pageout(0, 1), op('fault', { holder: 1, order: 0 }), ...pageout(1, 2)];
    expect(refusal(ops, small)).toMatchObject({ op: 7, entry: 'last-free-slot' });
  });

  it('refuses a swap-cache hit on a synchronous device that would leave the folio unused', () => {
    const onZram = [op('swapon', { device: 1 }), op('fault', { holder: 0, order: 0 }), op('write', { holder: 0, value: 2 }), ...pageout(0, 1), op('evict', { folio: 1 }), op('fork', { holder: 0, target: 1 })];
    // The first read finds a count of 2 and keeps the cache; the second is the refused hit.
    const ops = [...onZram, op('swapin', { holder: 0, order: 0 }), op('swapin', { holder: 1, order: 0 })];
    expect(refusal(ops)).toMatchObject({ op: 10, entry: 'sync-io-cache-hit' });
  });

  it('turns a generated program back into the same program from its ops', () => {
    for (let index = 0; index < 40; index++) {
      const generated = generateProgram(99, index);
      const source = generated.program.ops.slice(0, generated.program.sourceOps);
      const again = program(source, generated.config);
      expect(again.steps.map((step) => step.action)).toEqual(generated.program.steps.map((step) => step.action));
      expect(again.steps.map((step) => expectationText(step.expect))).toEqual(generated.program.steps.map((step) => expectationText(step.expect)));
    }
  });
});

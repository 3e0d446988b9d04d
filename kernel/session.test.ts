/**
 * The kernel session's 6.1 bookkeeping: zswap objects that outlive a load and go with a
 * rewrite or a freed slot (profile entries zswap-load-not-exclusive, no-zero-map), a folio the
 * model marks dirty that 6.1 keeps clean, and the expansion of memory.reclaim over it; the
 * same bookkeeping for a folio a write fault read from zswap and then copied.
 *
 * Not covered here: translation of traces (translate.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../lib/config.ts';
import type { Action } from './actions.ts';
import { ProgramBuilder } from './program.ts';

const config: Config = {
  holders: 8,
  cpus: 1,
  clusterSlots: 4,
  countBits: 2,
  orderMax: 0,
  devices: [{ slots: 16, bad: [], priority: 1, synchronousIo: false, discard: false }],
  zswapEnabled: true,
  zswapCapacity: 64,
  vswapSlots: 32,
};

function run(actions: readonly Action[]) {
  const builder = new ProgramBuilder(config);
  return actions.map((action) => builder.apply(action));
}

const stored: Action[] = [
  { kind: 'swapon', device: 0 },
  { kind: 'fault', holder: 0 },
  { kind: 'write', holder: 0, value: 5 },
  { kind: 'pageout', holder: 0 },
];

describe('KernelSession', () => {
  it('keeps a zswap object after a load, where the model releases it', () => {
    const steps = run([...stored, { kind: 'read', holder: 0 }]);
    const read = steps.at(-1);
    expect(read?.outcomes[0]?.how).toBe('read-zswap');
    expect(read?.expect.zswapStoredPages).toBe(1);
    expect(read?.expect.adjusted).toEqual(['zswap-load-not-exclusive']);
  });

  it('drops the object with the slot', () => {
    const steps = run([
      ...stored,
      { kind: 'fork', holder: 0, target: 1 },
      { kind: 'read', holder: 0 },
      { kind: 'zap', holder: 1 },
      { kind: 'write', holder: 0, value: 6 },
      { kind: 'pageout', holder: 0 },
      { kind: 'zap', holder: 0 },
    ]);
    // Read (object kept), then the rewrite stores a new object for the same slot...
    expect(steps.at(-2)?.expect.zswapStoredPages).toBe(1);
    // ...and dropping the last reference frees the slot and its object.
    expect(steps.at(-1)?.expect.zswapStoredPages).toBe(0);
  });

  it('counts a zero page stored while zswap is enabled, and not one written to disk', () => {
    const zero = run([
      { kind: 'swapon', device: 0 },
      { kind: 'fault', holder: 0 },
      { kind: 'pageout', holder: 0 },
    ]);
    expect(zero.at(-1)?.outcomes.map((outcome) => outcome.how ?? outcome.errno)).toEqual([
      'OK',
      'OK',
      'zero',
      'OK',
    ]);
    expect(zero.at(-1)?.expect.zswapStoredPages).toBe(1);
    const disk = run([
      { kind: 'swapon', device: 0 },
      { kind: 'zswap', enabled: false },
      { kind: 'fault', holder: 0 },
      { kind: 'pageout', holder: 0 },
    ]);
    expect(disk.at(-1)?.expect.zswapStoredPages).toBe(0);
  });

  it('evicts a folio read from zswap without a 6.1 write: the store the model makes again changes nothing', () => {
    const steps = run([
      ...stored,
      { kind: 'fork', holder: 0, target: 1 },
      { kind: 'read', holder: 0 },
      { kind: 'zap', holder: 0 },
      { kind: 'zswap', enabled: false },
      { kind: 'reclaim' },
    ]);
    const reclaim = steps.at(-1);
    expect(reclaim?.ops.map((op) => op.op)).toEqual(['writeout', 'evict']);
    expect(reclaim?.outcomes[0]?.how).toBe('disk');
    // The model wrote the page to disk and dropped its zswap object; 6.1 wrote nothing and
    // still holds the object it kept at the load.
    expect(reclaim?.expect.zswapStoredPages).toBe(1);
  });

  it('keeps the object and a clean folio after a write fault copies a page read from zswap', () => {
    const steps = run([
      ...stored,
      { kind: 'fork', holder: 0, target: 1 },
      { kind: 'writeFault', holder: 0 },
      { kind: 'zswap', enabled: false },
      { kind: 'reclaim' },
    ]);
    const fault = steps.at(-3);
    expect(fault?.ops).toEqual([{ op: 'swapin', holder: 0, order: 0, cpu: 0, write: true }]);
    expect([fault?.outcomes[0]?.how, fault?.outcomes[0]?.wp]).toEqual(['read-zswap', 'cow']);
    expect([
      fault?.expect.swapCachedPages,
      fault?.expect.zswapStoredPages,
      fault?.expect.adjusted,
    ]).toEqual([1, 1, ['zswap-load-not-exclusive']]);
    // The copied-from folio is clean on 6.1: reclaim evicts it without a write, and zswap
    // still holds the object (the model wrote it to disk).
    const reclaim = steps.at(-1);
    expect([
      reclaim?.ops.map((op) => op.op),
      reclaim?.outcomes[0]?.how,
      reclaim?.expect.zswapStoredPages,
    ]).toEqual([['writeout', 'evict'], 'disk', 1]);
  });
});

/**
 * Tests of the bitmap device of the direct vswap design: every usable slot handed out once and
 * no bad one, an order larger than the device refused, a planned allocation (allocAt) that
 * marks exactly its run and refuses a run past the device's end, and hasFreeRun() against an
 * independent bookkeeping of random allocations and frees.
 *
 * Not covered here: the next-fit order of alloc() beyond what these tests need (the cursor is a
 * design choice), and the backing reclaim by scan that uses the device (impl/reclaim.ts, tested
 * through impl/swap-system.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceConfig } from '../lib/config.ts';
import { BitmapDevice } from './bitmap-device.ts';
import { SwapCounters } from './swap-counters.ts';

function device(config: Partial<DeviceConfig> = {}) {
  const counters = new SwapCounters();
  const dev = new BitmapDevice(
    0,
    {
      slots: 10,
      bad: [],
      priority: 0,
      synchronousIo: false,
      discard: false,
      ...config,
    },
    counters,
  );
  dev.swapon();
  return { dev, counters };
}

describe('bitmap device', () => {
  it('hands out every usable slot once and no bad one, then fails with -1', () => {
    const { dev, counters } = device({ slots: 10, bad: [3, 9] });
    const offsets: number[] = [];
    // At most one allocation per slot can succeed, so the loop is bounded.
    for (let k = 0; k < 10; k++) {
      const offset = dev.alloc(0);
      if (offset < 0) break;
      offsets.push(offset);
    }
    // Slot 0 (the header), 3 and 9 are bad; the other seven are usable.
    expect(offsets.sort((a, b) => a - b)).toEqual([1, 2, 4, 5, 6, 7, 8]);
    expect(dev.inuse).toBe(7);
    expect(counters.nrSwapPages).toBe(0);
    expect(dev.alloc(0)).toBe(-1);
    expect(dev.hasFreeRun(0)).toBe(false);
  });

  it('refuses an order whose run is larger than the whole device', () => {
    const { dev, counters } = device({ slots: 3 });
    // Slots 1 and 2 are free single slots; three slots hold no aligned run of four.
    expect(dev.hasFreeRun(0)).toBe(true);
    expect(dev.alloc(2)).toBe(-1);
    expect(dev.hasFreeRun(2)).toBe(false);
    expect(dev.inuse).toBe(0);
    expect(counters.nrSwapPages).toBe(2);
  });

  it('a planned allocation marks exactly its run', () => {
    const { dev } = device();
    dev.allocAt(4, 2);
    expect([3, 4, 5, 6].map((slot) => dev.isUsed(slot))).toEqual([false, true, true, false]);
    expect(dev.slotIsFree(6)).toBe(true);
    expect(dev.inuse).toBe(2);
    // Slot 6 is free, so the aligned run [6, 8) can be planned next.
    dev.allocAt(6, 2);
    expect(dev.inuse).toBe(4);
  });

  it('refuses a planned run that runs past the end of the device', () => {
    const { dev } = device({ slots: 10 });
    // Slot 9 is the last one: [9, 11) is not a run of this device, though the bitmap word
    // holding bit 10 exists.
    expect(() => dev.allocAt(9, 2)).toThrow();
    expect(dev.inuse).toBe(0);
    dev.allocAt(9, 1);
    expect(dev.isUsed(9)).toBe(true);
  });

  /**
   * Random allocations and frees, with an oracle kept apart from the device: the slots handed
   * out and the bad slots from the config. hasFreeRun(k) must say whether some aligned run of
   * 2^k slots inside the device is neither used nor bad, and an allocation must fail exactly
   * when none is.
   */
  it('hasFreeRun() matches a brute-force scan, and an allocation fails exactly when no run exists', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 39 }), { maxLength: 4 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 2 }), fc.nat()), {
          minLength: 1,
          maxLength: 60,
        }),
        (slots, badList, script) => {
          const badSlots = badList.filter((slot) => slot < slots);
          const bad = new Set([0, ...badSlots]);
          const { dev } = device({ slots, bad: badSlots });
          const used = new Set<number>();
          const runs: [number, number][] = [];
          const oracle = (order: number): boolean => {
            const nr = 2 ** order;
            for (let first = 0; first + nr <= slots; first += nr) {
              let free = true;
              for (let i = first; i < first + nr; i++) free &&= !used.has(i) && !bad.has(i);
              if (free) return true;
            }
            return false;
          };
          for (const [alloc, order, pick] of script) {
            for (const k of [0, 1, 2]) expect(dev.hasFreeRun(k), `order ${k}`).toBe(oracle(k));
            if (alloc) {
              const expected = oracle(order);
              const offset = dev.alloc(order);
              expect(offset >= 0, `alloc order ${order}`).toBe(expected);
              if (offset < 0) continue;
              const nr = 2 ** order;
              expect(offset % nr).toBe(0);
              expect(offset + nr).toBeLessThanOrEqual(slots);
              for (let i = offset; i < offset + nr; i++) {
                expect(used.has(i) || bad.has(i)).toBe(false);
                used.add(i);
              }
              runs.push([offset, nr]);
            } else if (runs.length > 0) {
              const [first, nr] = runs.splice(pick % runs.length, 1)[0]!;
              dev.free(first, nr);
              for (let i = first; i < first + nr; i++) used.delete(i);
            }
            expect(dev.inuse).toBe(used.size);
          }
        },
      ),
      { seed: 20261126, numRuns: 300 },
    );
  });
});

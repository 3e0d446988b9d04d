/**
 * The kernel-scale workloads: sizes parse from `--scale` (integers or `1e5`) within what the
 * virtual space can hold, the machine has the kernel's geometry and room for every page, the
 * written-out stream refers only to folios its faults created, and a small one runs clean on
 * classic and vswap-direct with every page swapped out at its peak.
 *
 * Not covered here: the reports (properties/compare.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { compareOne } from './compare.ts';
import { resolveDesign } from './design-registry.ts';
import {
  parseScaleSizes,
  scaleConfig,
  scaleName,
  scalePagesMax,
  scaleStream,
} from './scale-workloads.ts';
import { InputError } from './trace.ts';
import { scaleWorkload, workloadPlan } from './workloads.ts';

describe('scale workloads', () => {
  it('parse sizes, once each, and reject what does not fit', () => {
    expect(parseScaleSizes(['1e4,1e5', '1e4', '2048'])).toEqual([10_000, 100_000, 2048]);
    for (const bad of ['12', '1e7', 'x', '1.5e4', ''])
      expect(() => parseScaleSizes([bad])).toThrow(InputError);
    expect(scalePagesMax).toBeGreaterThanOrEqual(1_000_000);
    expect(scaleName(1_000_000)).toBe('scale-1e6');
    expect(scaleName(2048)).toBe('scale-2048');
  });

  it('have the kernel geometry and room for every page on disk and in the virtual space', () => {
    const config = scaleConfig(1_000_000);
    expect(config.clusterSlots).toBe(512);
    expect(config.orderMax).toBe(9);
    const slots = config.devices.reduce((sum, device) => sum + device.slots, 0);
    expect(slots).toBeGreaterThan(1_000_448);
    expect(config.vswapSlots).toBeGreaterThan(1_000_448);
  });

  it('refer only to folios their faults created', () => {
    const { ops, checkpoints } = scaleStream(4096);
    const faults = ops.filter((op) => op.op === 'fault').length;
    for (const op of ops)
      if (op.op === 'writeout' || op.op === 'evict') expect(op.folio).toBeLessThanOrEqual(faults);
    expect(checkpoints).toHaveLength(3);
    expect(checkpoints[2]).toBe(ops.length - 1);
  });

  it.each(['classic', 'vswap-direct'])(
    'run clean on %s with every page swapped out at the peak',
    (name) => {
      const workload = scaleWorkload(2048);
      const cell = compareOne(resolveDesign(name), workload, workloadPlan(workload));
      expect(cell.failure).toBeNull();
      expect(cell.peakSwappedPages).toBe(2048);
      expect(cell.costs?.memcg).toBeDefined();
    },
  );
});

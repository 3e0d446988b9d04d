/**
 * The userspace comparison's rules on hand-made views: identical views differ nowhere; a
 * virtual entry shows as a change of swap type; offsets are compared as a partition (which
 * pages share an entry), never as numbers; per-device and machine-wide figures name what
 * differs; memory.swap.current names the cgroup that differs; a field the view gains later
 * is compared as a whole under its label; and the first difference is the one kept as the
 * example.
 *
 * Not covered here: running the streams (properties/compare.test.ts) and the projection itself
 * (lib/userspace-view.ts, kernel/ tests).
 */
import { describe, expect, it } from 'vitest';
import type { UserspaceView } from '../lib/userspace-view.ts';
import { interfaceIds, UserspaceDiffer } from './userspace-diff.ts';

const base: UserspaceView = {
  holders: [
    { kind: 'swapped', entry: 'e1', device: 0, cached: false },
    { kind: 'swapped', entry: 'e1', device: 0, cached: false },
    { kind: 'swapped', entry: 'e2', device: 1, cached: true },
    { kind: 'present', page: 'f1.0', content: 7 },
    { kind: 'empty' },
  ],
  devices: [
    { online: true, sizePages: 100, usedPages: 2 },
    { online: true, sizePages: 50, usedPages: 1 },
  ],
  swapTotalPages: 150,
  swapFreePages: 147,
  swapCachedPages: 1,
  zswapStoredPages: 0,
  memcgSwapCurrentPages: [],
};

function diff(design: UserspaceView, reference: UserspaceView = base) {
  const differ = new UserspaceDiffer('classic');
  differ.compare(4, { op: 'unmap', holder: 1, cpu: 0 }, reference, design);
  return differ.result();
}

function changed(design: UserspaceView) {
  return diff(design)
    .interfaces.filter((face) => face.differingViews > 0)
    .map((face) => face.id);
}

describe('userspace differences', () => {
  it('finds none between equal views, listing every interface', () => {
    const result = diff(structuredClone(base));
    expect(result.interfaces.map((face) => face.id)).toEqual(interfaceIds);
    expect(changed(structuredClone(base))).toEqual([]);
  });

  it('shows a virtual entry as another swap type, not as another offset, when it is shared alike', () => {
    const virtual = {
      ...base,
      holders: base.holders.map((holder) =>
        holder.kind === 'swapped' ? { ...holder, device: null, entry: `v${holder.entry}` } : holder,
      ),
    };
    expect(changed(virtual)).toEqual(['pagemap-swap-type']);
    const first = diff(virtual).interfaces.find((face) => face.id === 'pagemap-swap-type')?.first;
    expect(first).toEqual({
      op: 4,
      opText: 'unmap(holder=1) @cpu0',
      where: 'holder 0',
      reference: 'type 0',
      design: 'the virtual device',
    });
  });

  it('compares offsets as a partition: splitting a shared entry is a difference', () => {
    const split = {
      ...base,
      holders: base.holders.map((holder, index) =>
        index === 1 && holder.kind === 'swapped' ? { ...holder, entry: 'e9' } : holder,
      ),
    };
    expect(changed(split)).toEqual(['pagemap-swap-offset']);
    const first = diff(split).interfaces.find((face) => face.id === 'pagemap-swap-offset')?.first;
    expect(first?.where).toBe('holder 1');
    expect(first?.reference).toBe('the offset of holder 0');
    expect(first?.design).toBe('an offset of its own');
  });

  it('names the device and the machine-wide figures that differ', () => {
    const used = {
      ...base,
      devices: [
        { online: true, sizePages: 100, usedPages: 0 },
        base.devices[1] as UserspaceView['devices'][number],
      ],
      swapFreePages: 149,
    };
    expect(changed(used)).toEqual(['proc-swaps-used', 'swap-free']);
    const first = diff(used).interfaces.find((face) => face.id === 'proc-swaps-used')?.first;
    expect(first).toMatchObject({ where: 'device 0', reference: '2 used', design: '0 used' });
    expect(
      changed({
        ...base,
        holders: [
          base.holders[0],
          base.holders[1],
          { kind: 'present', page: 'f2.0', content: 3 },
          base.holders[3],
          base.holders[4],
        ] as UserspaceView['holders'],
      }),
    ).toEqual(['pagemap-present']);
  });

  it('names the memory cgroup whose memory.swap.current differs', () => {
    const withMemcg = (pages: number[]) => ({ ...base, memcgSwapCurrentPages: pages });
    expect(changed(withMemcg([]))).toEqual([]);
    const result = diff(withMemcg([2, 0]), withMemcg([2, 1]));
    expect(
      result.interfaces.filter((face) => face.differingViews > 0).map((face) => face.id),
    ).toEqual(['memcg-swap-current']);
    const face = result.interfaces.find((entry) => entry.id === 'memcg-swap-current');
    expect(face?.label).toBe('memory.swap.current (per cgroup)');
    expect(face?.first).toMatchObject({
      where: 'memcg 1',
      reference: '1 pages',
      design: '0 pages',
    });
  });

  it('compares a field the view gains later as a whole, under its label', () => {
    const withEvents = (events: number[]) =>
      ({ ...base, swapEventsMax: events }) as unknown as UserspaceView;
    const result = diff(withEvents([3, 0]), withEvents([2, 1]));
    const face = result.interfaces.find((entry) => entry.id === 'swapEventsMax');
    expect(face?.label).toBe('memory.swap.events: max (per cgroup)');
    expect(face?.first).toMatchObject({ reference: '[2,1]', design: '[3,0]' });
  });

  it('keeps the first difference and counts every view that differs', () => {
    const differ = new UserspaceDiffer('classic');
    const other = { ...base, swapCachedPages: 2 };
    differ.compare(-1, null, base, base);
    differ.compare(0, { op: 'swapon', device: 0, cpu: 0 }, base, other);
    differ.compare(1, { op: 'swapon', device: 1, cpu: 0 }, base, { ...base, swapCachedPages: 3 });
    const face = differ.result().interfaces.find((entry) => entry.id === 'swap-cached');
    expect(differ.result().views).toBe(3);
    expect(face?.differingViews).toBe(2);
    expect(face?.first).toMatchObject({ op: 0, reference: '1 pages', design: '2 pages' });
  });
});

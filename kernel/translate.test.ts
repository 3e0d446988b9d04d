/**
 * The translator: which userspace action each run of trace ops becomes (a swapin with
 * write=true is a store of the page's own content), what it refuses and
 * why (each refusal names the profile entry), failing ops as steps with nothing to run, the
 * round trip from a generated program's ops back to the same program, and memcg configs (one
 * cgroup for the whole program, memory.swap.current in every expectation, a swap charge that
 * fails at swap.max).
 *
 * Not covered here: running programs (kernel-oracle.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { emitC, expectationText } from './emit-c.ts';
import { generateProgram } from './generator.ts';
import type { KernelProgram } from './program.ts';
import { linux61 } from './profile.ts';
import { translate } from './translate.ts';

const disk = { slots: 16, bad: [], priority: 10, synchronousIo: false, discard: false };
const zram = { slots: 10, bad: [], priority: 5, synchronousIo: true, discard: false };
const config: Config = {
  holders: 8,
  cpus: 2,
  clusterSlots: 4,
  countBits: 2,
  orderMax: 1,
  devices: [disk, zram],
  zswapEnabled: false,
  zswapCapacity: 64,
  vswapSlots: 32,
};

const op = (name: Op['op'], fields: Record<string, unknown> = {}): Op =>
  ({ op: name, cpu: 0, ...fields }) as Op;
const pageout = (holder: number, folio: number): Op[] => [
  op('allocSwap', { holder }),
  op('unmap', { holder }),
  op('writeout', { folio }),
];
const swappedOut: Op[] = [
  op('swapon', { device: 0 }),
  op('fault', { holder: 0, order: 0 }),
  op('write', { holder: 0, value: 7 }),
  ...pageout(0, 1),
  op('evict', { folio: 1 }),
];

function program(ops: readonly Op[], onConfig: Config = config, drain = true): KernelProgram {
  const translation = translate(onConfig, ops, { drain });
  if (!translation.ok) throw new Error(`refused: op ${translation.op}: ${translation.reason}`);
  return translation.program;
}

function refusal(
  ops: readonly Op[],
  onConfig: Config = config,
): { op: number; entry: string; reason: string } {
  const translation = translate(onConfig, ops);
  if (translation.ok) throw new Error('translated');
  return translation;
}

describe('translate', () => {
  it('groups a swap-out into MADV_PAGEOUT and a later evict into memory.reclaim, then drains', () => {
    const steps = program([
      ...swappedOut,
      op('swapin', { holder: 0, order: 0 }),
      op('zap', { holder: 0 }),
    ]).steps;
    expect(
      steps.map((step) => [
        step.action.kind,
        step.ops.map((each) => each.op).join(','),
        step.drain,
      ]),
    ).toEqual([
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
    const onZram = [
      op('swapon', { device: 1 }),
      op('fault', { holder: 0, order: 0 }),
      ...pageout(0, 1),
    ];
    expect(refusal(onZram)).toMatchObject({ op: 3, entry: 'kernel-internal-op' });
    expect(refusal(onZram).reason).toContain('evict(folio=1)');
    const withEvict = program([...onZram, op('evict', { folio: 1 })]);
    expect(withEvict.steps[2]?.ops.map((each) => each.op)).toEqual([
      'allocSwap',
      'unmap',
      'writeout',
      'evict',
    ]);
    const zswap = program(
      [
        op('swapon', { device: 0 }),
        op('fault', { holder: 0, order: 0 }),
        op('write', { holder: 0, value: 1 }),
        ...pageout(0, 1),
        op('evict', { folio: 1 }),
      ],
      { ...config, zswapEnabled: true },
    );
    expect(zswap.steps[3]?.action.kind).toBe('pageout');
    expect(zswap.steps[3]?.expect.zswapStoredPages).toBe(1);
  });

  it('keeps failing ops as steps with nothing to run, and makes swapon and swapoff fail for real', () => {
    const steps = program([
      op('swapon', { device: 0 }),
      op('swapon', { device: 0 }),
      op('swapoff', { device: 1 }),
      op('write', { holder: 3, value: 1 }),
      op('zap', { holder: 2 }),
    ]).steps;
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
    const ops = [
      ...swappedOut.map((each) => ({ ...each, cpu: 1 })),
      op('swapin', { holder: 0, order: 1 }),
    ];
    const last = program(ops).steps.find((step) => step.action.kind === 'read');
    expect(last?.outcomes[0]).toMatchObject({ errno: 'OK', order: 0 });
  });

  it('takes a swapin with write=true as a write fault: a store of the content the page holds', () => {
    const ops = [
      ...swappedOut,
      op('fork', { holder: 0, target: 1 }),
      op('swapin', { holder: 0, order: 1, write: true }),
    ];
    const step = program(ops).steps.find((each) => each.action.kind === 'writeFault');
    expect([step?.action, step?.ops.map((each) => each.op), step?.outcomes[0]]).toEqual([
      { kind: 'writeFault', holder: 0 },
      ['swapin'],
      { errno: 'OK', how: 'read-disk', order: 0, freedCache: false, wp: 'cow' },
    ]);
    // Holder 0 gets a copy with the same content; holder 1's entry stays in the swap cache.
    const views = Object.fromEntries(
      step!.expect.holders.map(({ holder, view }) => [holder, view]),
    );
    expect([views[0], views[1]]).toEqual([
      { kind: 'present', page: expect.any(String), content: 7 },
      expect.objectContaining({ kind: 'swapped', cached: true }),
    ]);
    expect(emitC(program(ops), { origin: 'test' })).toContain('\tsc_write_fault(0, 7ULL);\n');
    // A flag set to false is the flag left out: a read.
    const read = program(
      [...swappedOut, op('swapin', { holder: 0, order: 0, write: false })],
      config,
      false,
    ).steps.at(-1);
    expect(read?.action).toEqual({ kind: 'read', holder: 0 });
  });

  it.each([
    [
      'an injected failure',
      [
        op('swapon', { device: 0 }),
        op('fault', { holder: 0, order: 0 }),
        op('allocSwap', { holder: 0, failAlloc: true }),
      ],
      3,
      'failure-injection',
    ],
    [
      'folio_free_swap() on request',
      [...swappedOut, op('swapin', { holder: 0, order: 0 }), op('freeSwapCache', { folio: 2 })],
      9,
      'kernel-internal-op',
    ],
    ['a large folio', [op('fault', { holder: 0, order: 1 })], 1, 'no-mthp'],
    [
      'a swap-out left half done',
      [
        op('swapon', { device: 0 }),
        op('fault', { holder: 0, order: 0 }),
        op('allocSwap', { holder: 0 }),
        op('unmap', { holder: 0 }),
        op('fork', { holder: 0, target: 1 }),
      ],
      3,
      'kernel-internal-op',
    ],
    [
      'a swap-out of a page mapped twice',
      [
        op('swapon', { device: 0 }),
        op('fault', { holder: 0, order: 0 }),
        op('fork', { holder: 0, target: 1 }),
        op('allocSwap', { holder: 0 }),
      ],
      4,
      'shared-page-swap-out',
    ],
    [
      'a fork into a holder used before',
      [
        op('fault', { holder: 1, order: 0 }),
        op('zap', { holder: 1 }),
        op('fault', { holder: 0, order: 0 }),
        op('fork', { holder: 0, target: 1 }),
      ],
      4,
      'process-layout',
    ],
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
    const ops = [
      op('swapon', { device: 0 }),
      op('fault', { holder: 0, order: 0 }),
      ...pageout(0, 1),
      op('fault', { holder: 1, order: 0 }),
      ...pageout(1, 2),
    ];
    expect(refusal(ops, small)).toMatchObject({ op: 7, entry: 'last-free-slot' });
  });

  it('refuses a swap-cache hit on a synchronous device that would leave the folio unused', () => {
    const onZram = [
      op('swapon', { device: 1 }),
      op('fault', { holder: 0, order: 0 }),
      op('write', { holder: 0, value: 2 }),
      ...pageout(0, 1),
      op('evict', { folio: 1 }),
      op('fork', { holder: 0, target: 1 }),
    ];
    // The first read finds a count of 2 and keeps the cache; the second is the refused hit.
    const ops = [
      ...onZram,
      op('swapin', { holder: 0, order: 0 }),
      op('swapin', { holder: 1, order: 0 }),
    ];
    expect(refusal(ops)).toMatchObject({ op: 10, entry: 'sync-io-cache-hit' });
  });

  it('refuses a write fault on that hit only while another holder maps the folio (6.1 copies the page and keeps the cache)', () => {
    const onZram = [
      op('swapon', { device: 1 }),
      op('fault', { holder: 0, order: 0 }),
      op('write', { holder: 0, value: 2 }),
      ...pageout(0, 1),
      op('evict', { folio: 1 }),
      op('fork', { holder: 0, target: 1 }),
      op('swapin', { holder: 0, order: 0 }),
    ];
    const writeFault = op('swapin', { holder: 1, order: 0, write: true });
    expect(refusal([...onZram, writeFault])).toMatchObject({ op: 10, entry: 'sync-io-cache-hit' });
    expect(refusal([...onZram, writeFault]).reason).toContain('another holder maps the folio');
    // With holder 0 unmapped, 6.1's write arm frees the swap cache as the model does.
    const step = program([...onZram, op('zap', { holder: 0 }), writeFault]).steps.find(
      (each) => each.action.kind === 'writeFault',
    );
    expect([
      step?.outcomes[0]?.how,
      step?.outcomes[0]?.freedCache,
      step?.expect.swapCachedPages,
    ]).toEqual(['cache-hit', true, 0]);
  });

  it('turns a generated program back into the same program from its ops', () => {
    let writeFaults = 0;
    for (let index = 0; index < 40; index++) {
      const generated = generateProgram(99, index);
      const source = generated.program.ops.slice(0, generated.program.sourceOps);
      const again = program(source, generated.config);
      expect(again.steps.map((step) => step.action)).toEqual(
        generated.program.steps.map((step) => step.action),
      );
      expect(again.steps.map((step) => expectationText(step.expect))).toEqual(
        generated.program.steps.map((step) => expectationText(step.expect)),
      );
      writeFaults += again.steps.filter((step) => step.action.kind === 'writeFault').length;
    }
    expect(writeFaults).toBeGreaterThan(0);
  });
});

describe('translate with a memcg', () => {
  const inMemcg = (swapMax: number | null): Config => ({
    ...config,
    memcgs: [{ holders: config.holders, swapMax }],
  });
  const twoPageouts: Op[] = [
    op('swapon', { device: 0 }),
    op('fault', { holder: 0, order: 0 }),
    op('write', { holder: 0, value: 1 }),
    ...pageout(0, 1),
    op('fault', { holder: 1, order: 0 }),
    op('write', { holder: 1, value: 2 }),
    op('allocSwap', { holder: 1 }),
  ];

  it('runs a config without memcgs, or with an empty list, outside any cgroup', () => {
    for (const onConfig of [config, { ...config, memcgs: [] }]) {
      const built = program(swappedOut, onConfig);
      expect(expectationText(built.steps[3]!.expect)).not.toContain('memcg');
      expect(emitC(built, { origin: 'test' })).toContain('#define SC_MEMCG 0\n');
    }
  });

  it('runs one memcg holding every holder in a cgroup with swap.max in pages, and expects memory.swap.current', () => {
    const built = program(swappedOut, inMemcg(3));
    expect(built.initial.memcgSwapCurrentPages).toEqual([0]);
    expect(expectationText(built.steps[3]!.expect)).toContain(' memcg0=1');
    const c = emitC(built, { origin: 'test' });
    expect(c).toContain('#define SC_MEMCG 1\n#define SC_SWAP_MAX_PAGES 3\n');
    expect(c).toContain('memory.swap.max 3 pages');
    expect(emitC(program(swappedOut, inMemcg(null)), { origin: 'test' })).toContain(
      '#define SC_SWAP_MAX_PAGES -1\n',
    );
  });

  it.each([
    [
      'two memcgs',
      [
        { holders: 4, swapMax: 2 },
        { holders: 4, swapMax: null },
      ],
      /puts 8 of 8 holders in 2 memcgs/,
    ],
    [
      'holders left in the root cgroup',
      [{ holders: 4, swapMax: 2 }],
      /puts 4 of 8 holders in 1 memcg;/,
    ],
  ])('refuses %s: the oracle runs every holder in one cgroup', (_, memcgs, reason) => {
    const refused = refusal(swappedOut, { ...config, memcgs });
    expect(refused).toMatchObject({ op: 0, entry: 'memcg-layout' });
    expect(refused.reason).toMatch(reason);
    expect(refused.reason).toContain('only one memcg holding all 8 holders can run');
  });

  it('keeps a page mapped when MADV_PAGEOUT cannot charge its swap (ENOMEM at swap.max)', () => {
    const step = program(twoPageouts, inMemcg(1)).steps[6]!;
    expect([step.action.kind, step.ops.map((each) => each.op), step.outcomes[0]?.errno]).toEqual([
      'pageout',
      ['allocSwap'],
      'ENOMEM',
    ]);
    expect(step.expect.holders.find((each) => each.holder === 1)?.view).toMatchObject({
      kind: 'present',
      content: 2,
    });
    expect([step.expect.devices[0]?.usedPages, step.expect.memcgSwapCurrentPages]).toEqual([
      1,
      [1],
    ]);
  });

  it('takes turns between equal priorities after a failed charge too (get_swap_pages() requeued the device)', () => {
    const equal = { ...inMemcg(1), devices: [disk, { ...disk, slots: 12 }] };
    const ops = [
      op('swapon', { device: 1 }),
      ...twoPageouts,
      op('zap', { holder: 0 }),
      ...pageout(1, 2),
    ];
    const steps = program(ops, equal).steps.filter((step) => step.action.kind === 'pageout');
    const swapped = (step: number, holder: number) =>
      steps[step]?.expect.holders.find((each) => each.holder === holder)?.view;
    expect([steps[1]?.outcomes[0]?.errno, steps[1]?.outcomes[0]?.device]).toEqual(['ENOMEM', 0]);
    // Device 1, swapped on first, takes the first swap-out; the failed charge took its slot
    // from device 0 (then requeued), so the next swap-out goes to device 1 again.
    expect(swapped(0, 0)).toMatchObject({ kind: 'swapped', device: 1 });
    expect(swapped(2, 1)).toMatchObject({ kind: 'swapped', device: 1 });
  });

  it('refuses memory.reclaim while the memcg uses all of its swap.max', () => {
    expect(refusal(swappedOut, inMemcg(1))).toMatchObject({
      op: 7,
      entry: 'memcg-swap-max-reclaim',
    });
    expect(program(swappedOut, inMemcg(2)).steps[4]?.action.kind).toBe('reclaim');
  });

  it('lets a zram cache hit that leaves the folio unused run while the memcg is half full (6.1 frees the cache then)', () => {
    const onZram = [
      op('swapon', { device: 1 }),
      op('fault', { holder: 0, order: 0 }),
      op('write', { holder: 0, value: 2 }),
      ...pageout(0, 1),
      op('evict', { folio: 1 }),
      op('fork', { holder: 0, target: 1 }),
      op('swapin', { holder: 0, order: 0 }),
      op('swapin', { holder: 1, order: 0 }),
    ];
    expect(refusal(onZram, inMemcg(3))).toMatchObject({ op: 10, entry: 'sync-io-cache-hit' });
    const step = program(onZram, inMemcg(2)).steps.find(
      (each) => !each.drain && each.action.kind === 'read' && each.action.holder === 1,
    );
    expect([
      step?.action,
      step?.outcomes[0]?.freedCache,
      step?.expect.memcgSwapCurrentPages,
    ]).toEqual([{ kind: 'read', holder: 1 }, true, [0]]);
  });
});

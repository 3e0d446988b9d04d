/**
 * Named, seeded workloads that resemble real use, for `swapcheck compare`: each is a machine
 * (a Config), an op mix and a length. Its op stream is generated once, deterministically, by
 * resolving PRNG-drawn templates (properties/op-template.ts) against the reference model while
 * the classic design runs alongside, and every design then replays the same stream. (Resolving
 * against each design's own run would let legitimate design choices, such as which device an
 * entry lands on, change the stream.) The workloads at kernel scale (`--scale`) are written
 * out directly instead (properties/scale-workloads.ts); workloadPlan() gives either kind's
 * stream and how often to measure it.
 *
 * Not covered here: running the streams and measuring costs (properties/compare.ts).
 */
import { configDefault, type Config } from '../lib/config.ts';
import { opNames, type Op, type OpName } from '../lib/ops.ts';
import { designs } from '../lib/designs.ts';
import { createSystem } from '../impl/designs.ts';
import { Checker, checkerOptionsDefault } from './checker.ts';
import { opWeightsBase } from '../lib/op-weights.ts';
import { drawTemplateWith } from './generator.ts';
import { resolveTemplate, type OpTemplate } from './op-template.ts';
import { Prng } from './prng.ts';
import { scaleConfig, scaleName, scalePages, scaleStream } from './scale-workloads.ts';

/** A workload at kernel scale: `pages` swapped-out pages (properties/scale-workloads.ts). */
export interface ScaleWorkload {
  readonly kind: 'scale';
  readonly name: string;
  readonly summary: string;
  readonly config: Config;
  /** The size asked for (`--scale`), which names the workload. */
  readonly size: number;
  /** Pages swapped out: `size` rounded up to whole order-9 folios. */
  readonly pages: number;
}

export type AnyWorkload = Workload | ScaleWorkload;

/** A mix workload: ops drawn from a seeded mix and resolved against the model. */
export interface Workload {
  readonly kind?: 'mix';
  readonly name: string;
  readonly summary: string;
  readonly config: Config;
  readonly seed: number;
  /** Generated ops after the prologue (swapon of every device). */
  readonly ops: number;
  /** Relative weight of each op kind. */
  readonly weights: Readonly<Record<OpName, number>>;
  /** Probability of each kind's flag (failAlloc, failZswap, setZswap's enabled). */
  readonly flags: Readonly<Partial<Record<OpName, number>>>;
  /** Largest order a fault or swapin template asks for (resolved against config.orderMax). */
  readonly orderMax: number;
}

function weights(overrides: Partial<Record<OpName, number>>): Record<OpName, number> {
  return { ...opWeightsBase, ...overrides };
}

/** Injected failures stay rare everywhere. */
const flagsRare: Partial<Record<OpName, number>> = {
  fork: 0.02,
  unmap: 0.02,
  allocSwap: 0.02,
  swapin: 0.02,
  zswapWriteback: 0.02,
  writeout: 0.05,
  setZswap: 0.5,
};

const opsPerWorkload = 800;

/**
 * The workloads' machine: the default geometry (16-slot clusters, 4-bit counts) with more
 * holders and larger devices, so that tables are shared by many swapped pages and fixed costs
 * (one xarray node, the cluster array) are spread as they would be on a real machine.
 */
const machine: Config = {
  ...configDefault,
  holders: 256,
  devices: [
    { slots: 256, bad: [17], priority: 10, synchronousIo: false, discard: false },
    { slots: 128, bad: [], priority: 5, synchronousIo: true, discard: true },
  ],
  zswapCapacity: 64,
  vswapSlots: 1024,
};

/** Swap-out pressure: pages are faulted, written and swapped out more than swapped in. */
const swapOutHeavy: Partial<Record<OpName, number>> = {
  fault: 16,
  write: 8,
  allocSwap: 16,
  unmap: 16,
  writeout: 14,
  evict: 12,
  swapin: 6,
  zap: 3,
};

export const workloads: readonly Workload[] = [
  {
    name: 'zswap-heavy',
    summary: 'zswap on with a large pool, frequent writeout and zswap writeback to disk',
    config: { ...machine, zswapEnabled: true, zswapCapacity: 192 },
    seed: 0x5a5a01,
    ops: opsPerWorkload,
    weights: weights({ ...swapOutHeavy, zswapWriteback: 10, swapoff: 0, swapon: 0, setZswap: 1 }),
    flags: { ...flagsRare, setZswap: 0.9 },
    orderMax: 0,
  },
  {
    name: 'disk-only',
    summary: 'zswap off throughout: every swapped page goes to a physical slot',
    config: { ...machine, zswapEnabled: false },
    seed: 0x5a5a02,
    ops: opsPerWorkload,
    weights: weights({ ...swapOutHeavy, setZswap: 0, zswapWriteback: 0, swapoff: 0, swapon: 0 }),
    flags: flagsRare,
    orderMax: 0,
  },
  {
    name: 'fork-heavy',
    summary: 'many forks of swapped entries with 2-bit counts: counts overflow into extend tables',
    config: { ...machine, countBits: 2 },
    seed: 0x5a5a03,
    ops: opsPerWorkload,
    weights: weights({ ...swapOutHeavy, fork: 30, zap: 8, swapoff: 0, swapon: 0 }),
    flags: flagsRare,
    orderMax: 0,
  },
  {
    name: 'large-folios',
    summary: 'faults and swapins of order up to 3 on 16-slot clusters, zswap off',
    config: { ...machine, orderMax: 3, zswapEnabled: false },
    seed: 0x5a5a04,
    ops: opsPerWorkload,
    weights: weights({ ...swapOutHeavy, setZswap: 0, split: 4, swapoff: 0, swapon: 0 }),
    flags: flagsRare,
    orderMax: 3,
  },
  {
    name: 'swapoff-under-load',
    summary: 'devices swapped off and on again while pages keep being swapped out and in',
    config: machine,
    seed: 0x5a5a05,
    ops: opsPerWorkload,
    weights: weights({ ...swapOutHeavy, swapoff: 4, swapon: 6 }),
    flags: flagsRare,
    orderMax: 1,
  },
  {
    name: 'many-cpus',
    summary: '8 CPUs: per-CPU caches compete for clusters',
    config: { ...machine, cpus: 8 },
    seed: 0x5a5a06,
    ops: opsPerWorkload,
    weights: weights({ ...swapOutHeavy, swapoff: 0, swapon: 0 }),
    flags: flagsRare,
    orderMax: 1,
  },
];

export function workloadNames(): string[] {
  return workloads.map((workload) => workload.name);
}

/** Draws one template from a workload's mix. */
function drawTemplate(
  prng: Prng,
  workload: Workload,
  cumulative: readonly number[],
  total: number,
): OpTemplate {
  return drawTemplateWith(
    prng,
    cumulative,
    total,
    workload.orderMax + 1,
    (kind) => workload.flags[kind] ?? 0,
  );
}

/**
 * The workload's op stream: swapon of every device, then `ops` ops resolved against the model
 * (with classic alongside). Deterministic in the workload alone.
 */
export function workloadOps(workload: Workload): Op[] {
  const config = workload.config;
  const classic = designs['classic'];
  if (classic === undefined) throw new Error('the classic design is missing');
  const checker = new Checker(config, createSystem(config, classic.knobs), {
    ...checkerOptionsDefault,
    knobs: classic.knobs,
  });
  const ops: Op[] = [];
  const apply = (op: Op): boolean => {
    ops.push(op);
    return checker.step(op) === null;
  };
  for (let device = 0; device < config.devices.length; device++) {
    if (!apply({ op: 'swapon', device, cpu: device % config.cpus })) return ops;
  }
  const cumulative: number[] = [];
  let total = 0;
  for (const name of opNames) {
    total += workload.weights[name];
    cumulative.push(total);
  }
  const prng = new Prng(workload.seed);
  for (let i = 0; i < workload.ops; i++) {
    const template = drawTemplate(prng, workload, cumulative, total);
    if (!apply(resolveTemplate(config, checker.observation, template))) break;
  }
  return ops;
}

/** The scale workload of `pages` swapped-out pages. */
export function scaleWorkload(pages: number): ScaleWorkload {
  const whole = scalePages(pages);
  return {
    kind: 'scale',
    name: scaleName(pages),
    summary:
      `${whole.toLocaleString('en-US')} pages swapped out in order-9 folios on 512-slot clusters ` +
      '(half to zswap, the rest and the zero-filled to disk or the zero flag), then zswap writeback, swapins and frees',
    config: scaleConfig(pages),
    size: pages,
    pages: whole,
  };
}

/** A workload's stream and how it is measured. */
export interface WorkloadPlan {
  readonly ops: readonly Op[];
  /** Ops after which costs are measured and userspace views compared besides `every`. */
  readonly checkpoints: readonly number[];
  /** Metadata measured after every N-th op. */
  readonly sampleEvery: number;
  /** Userspace views compared after every N-th op (checkpoints aside). */
  readonly viewEvery: number;
  /** Full checks every N ops (footprint checks after every op). */
  readonly fullCheckEvery: number;
}

export function workloadPlan(workload: AnyWorkload): WorkloadPlan {
  if (workload.kind === 'scale') {
    const stream = scaleStream(workload.pages);
    return {
      ops: stream.ops,
      checkpoints: stream.checkpoints,
      sampleEvery: Math.max(1, Math.floor(workload.pages / 32)),
      viewEvery: Number.MAX_SAFE_INTEGER,
      fullCheckEvery: Number.MAX_SAFE_INTEGER,
    };
  }
  return {
    ops: workloadOps(workload),
    checkpoints: [],
    sampleEvery: 1,
    viewEvery: 1,
    fullCheckEvery: 64,
  };
}

/**
 * Random kernel programs for the differential campaign: small machines (a few holders, one to
 * three small devices, zswap on or off) and sequences of userspace actions that the profile
 * can express, drawn from a per-program swarm of action weights so that some programs churn
 * fork and shared entries, some fill a small device past half, some toggle zswap, some swap
 * devices off under load. Some programs run in a memcg whose memory.swap.max is small enough
 * to be reached (about a third of the swap pages), so swap charges fail and the memcg-full
 * arms of mem_cgroup_swap_full() fire. Every action is checked against the profile before it is applied
 * (kernel/session.ts), so a generated program is expressible by construction; its model ops
 * are a trace that the translator turns back into the same program (a test keeps that so).
 *
 * The same seed gives the same program on every machine (properties/prng.ts). Whether a
 * program has a memcg is drawn from a stream of its own, so a program without one is the
 * program the same seed gave before memcgs were drawn.
 *
 * Not covered here: running programs (kernel/oracle.ts), shrinking (kernel/shrink.ts).
 */
import type { Config, DeviceConfig, MemcgConfig } from '../lib/config.ts';
import { devicePages } from '../lib/config.ts';
import { Prng, runSeed } from '../properties/prng.ts';
import type { Action, ActionKind } from './actions.ts';
import type { KernelProgram } from './program.ts';
import { ProgramBuilder } from './program.ts';
import { Rejection } from './session.ts';
import type { KernelSession } from './session.ts';

/** The actions a generator draws from, with their base weights. */
const actionWeights: Readonly<Record<Exclude<ActionKind, 'skip'>, number>> = {
  swapon: 2,
  swapoff: 2,
  fault: 10,
  write: 8,
  read: 10,
  writeFault: 6,
  zap: 5,
  fork: 6,
  pageout: 12,
  reclaim: 5,
  zswap: 2,
};

type DrawnKind = keyof typeof actionWeights;

/** Kinds every swarm keeps: without them no swap state is built. */
const kindsCore: ReadonlySet<DrawnKind> = new Set<DrawnKind>(['fault', 'pageout', 'read']);

export interface GeneratedProgram {
  readonly seed: number;
  readonly config: Config;
  /** The source actions (the drain is in the program). */
  readonly actions: readonly Action[];
  readonly program: KernelProgram;
  /** Drawn actions the profile refused, by profile entry (another was drawn instead). */
  readonly refused: Readonly<Record<string, number>>;
}

/** Which programs run in a memcg: about one in three, every one, or none. */
export type MemcgMode = 'sometimes' | 'always' | 'never';

export const memcgModes: readonly MemcgMode[] = ['sometimes', 'always', 'never'];

export interface GeneratorOptions {
  /** Source actions per program; default 24. */
  readonly steps?: number;
  /** Default 'sometimes'. */
  readonly memcg?: MemcgMode;
}

/** The memcg draw's seed is runSeed(programSeed, memcgStream), apart from the program's. */
const memcgStream = 1;

/**
 * The memcg of a program (one memcg holding every holder: profile entry memcg-layout), or
 * undefined. Its swap.max is mostly about a third of the usable swap pages, sometimes one or
 * two pages (every other swap-out fails its charge), sometimes "max" (charged, never full).
 */
export function kernelMemcgs(
  programSeed: number,
  config: Config,
  mode: MemcgMode,
): readonly MemcgConfig[] | undefined {
  if (mode === 'never') return undefined;
  const prng = new Prng(runSeed(programSeed, memcgStream));
  const drawn = prng.chance(1 / 3);
  if (mode === 'sometimes' && !drawn) return undefined;
  const pages = config.devices.reduce((sum, device) => sum + devicePages(device), 0);
  const third = Math.max(1, Math.round(pages / 3));
  const shape = prng.below(20);
  const swapMax =
    shape < 3 ? null : shape < 8 ? 1 + prng.below(2) : Math.max(1, third - 1 + prng.below(3));
  return [{ holders: config.holders, swapMax }];
}

/** A small machine the kernel can run: at most 320 usable pages in all (profile entry
 * swap-slot-cache), devices of 6 to 40 slots so that some fill past half. */
export function kernelConfig(prng: Prng): Config {
  const deviceCount = 1 + prng.below(3);
  const priorities = [0, 5, 10];
  const devices = Array.from({ length: deviceCount }, (): DeviceConfig => {
    const slots = prng.chance(0.4) ? 6 + prng.below(6) : 12 + prng.below(29);
    const bad = prng.chance(0.3) ? [1 + prng.below(slots - 1)] : [];
    return {
      slots,
      bad,
      priority: priorities[prng.below(priorities.length)] as number,
      synchronousIo: prng.chance(0.4),
      discard: false,
    };
  });
  const clusterSlots = 2 ** (2 + prng.below(3));
  return {
    holders: 6 + prng.below(7),
    cpus: 1,
    clusterSlots,
    countBits: 2 + prng.below(3),
    orderMax: 0,
    devices,
    zswapEnabled: prng.chance(0.4),
    zswapCapacity: 4096,
    vswapSlots: 64,
  };
}

/** Program `index` of a campaign with seed `seed`. */
export function generateProgram(
  seed: number,
  index: number,
  options: GeneratorOptions = {},
): GeneratedProgram {
  const programSeed = runSeed(seed, index);
  const prng = new Prng(programSeed);
  const drawnConfig = kernelConfig(prng);
  const memcgs = kernelMemcgs(programSeed, drawnConfig, options.memcg ?? 'sometimes');
  const config: Config = memcgs === undefined ? drawnConfig : { ...drawnConfig, memcgs };
  const weights = drawSwarm(prng);
  const builder = new ProgramBuilder(config);
  const actions: Action[] = [];
  const refused: Record<string, number> = {};
  const apply = (action: Action) => {
    builder.apply(action);
    actions.push(action);
  };
  // Most programs start with every device on, some with a subset.
  config.devices.forEach((_, device) => {
    if (device === 0 || prng.chance(0.7)) apply({ kind: 'swapon', device });
  });
  const steps = options.steps ?? 24;
  while (actions.length < steps) {
    let applied = false;
    for (let attempt = 0; attempt < 12 && !applied; attempt++) {
      const action = drawAction(prng, builder.session, weights);
      if (action === null) continue;
      const refusal = builder.session.rejection(action);
      if (refusal !== null) {
        refused[refusal.entry] = (refused[refusal.entry] ?? 0) + 1;
        continue;
      }
      try {
        apply(action);
        applied = true;
      } catch (error) {
        if (!(error instanceof Rejection)) throw error;
      }
    }
    if (!applied) break;
  }
  builder.drain();
  return { seed: programSeed, config, actions, program: builder.build(), refused };
}

/** Per-program weights: each kind outside the core is off one time in four, and the rest are
 * scaled by 1 to 3. */
function drawSwarm(prng: Prng): Record<DrawnKind, number> {
  const weights = { ...actionWeights };
  for (const kind of Object.keys(weights) as DrawnKind[]) {
    if (!kindsCore.has(kind) && prng.chance(0.25)) weights[kind] = 0;
    else weights[kind] *= 1 + prng.below(3);
  }
  return weights;
}

/** An action of a kind drawn by weight, with arguments that make sense in the state, or null
 * when the kind has no candidate now. */
function drawAction(
  prng: Prng,
  session: KernelSession,
  weights: Readonly<Record<DrawnKind, number>>,
): Action | null {
  const kinds = Object.keys(weights) as DrawnKind[];
  const total = kinds.reduce((sum, kind) => sum + weights[kind], 0);
  let pick = prng.below(total);
  let kind = kinds[0] as DrawnKind;
  for (const each of kinds) {
    if (pick < weights[each]) {
      kind = each;
      break;
    }
    pick -= weights[each];
  }
  const model = session.model;
  const holders = model.holders();
  const indices = (test: (index: number) => boolean) =>
    holders.flatMap((_, index) => (test(index) ? [index] : []));
  const one = (list: readonly number[]) =>
    list.length === 0 ? null : (list[prng.below(list.length)] as number);
  const online = new Set(model.onlineDevices());
  const devices = session.config.devices.map((_, device) => device);
  const mappings = (folio: number) => model.mappersOf(folio).length;
  switch (kind) {
    case 'swapon': {
      const device = one(prng.chance(0.9) ? devices.filter((d) => !online.has(d)) : devices);
      return device === null ? null : { kind, device };
    }
    case 'swapoff': {
      const device = one(prng.chance(0.95) ? devices.filter((d) => online.has(d)) : devices);
      return device === null ? null : { kind, device };
    }
    case 'fault': {
      const holder = one(indices((index) => holders[index]?.kind === 'empty'));
      return holder === null ? null : { kind, holder };
    }
    case 'write': {
      const holder = one(indices((index) => holders[index]?.kind === 'present'));
      return holder === null
        ? null
        : { kind, holder, value: prng.chance(0.2) ? 0 : 1 + prng.below(99) };
    }
    case 'read':
    case 'writeFault': {
      const holder = one(indices((index) => holders[index]?.kind === 'swap'));
      return holder === null ? null : { kind, holder };
    }
    case 'zap': {
      const holder = one(indices((index) => holders[index]?.kind !== 'empty'));
      return holder === null ? null : { kind, holder };
    }
    case 'fork': {
      const holder = one(indices((index) => holders[index]?.kind !== 'empty'));
      const target = one(indices((index) => session.placement.placeOf(index) === null));
      return holder === null || target === null ? null : { kind, holder, target };
    }
    case 'pageout': {
      const holder = one(
        indices((index) => {
          const view = holders[index];
          return view?.kind === 'present' && mappings(view.folio) === 1;
        }),
      );
      return holder === null ? null : { kind, holder };
    }
    case 'reclaim':
      return model.liveFolios().some((folio) => folio.cached && !folio.mapped) ? { kind } : null;
    case 'zswap':
      return { kind, enabled: !model.zswapEnabled };
  }
}

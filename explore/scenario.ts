/**
 * Scenarios for the concurrent explorer: a sequential setup that puts each holder in a chosen
 * state (present, swapped out with its folio still in the swap cache dirty or clean, swapped
 * out to the backend, shared by two holders), then one short program per CPU drawn from the op
 * alphabet of the state the setup reached. Random mode draws both from a seed; exhaustive mode
 * enumerates every setup of a fixed list and every tuple of programs, taking CPU programs in
 * non-decreasing order (the CPUs are symmetric, so a tuple and its permutations give the same
 * histories up to CPU names). The lifecycle family instead runs a fault (swapin) on CPU 0
 * against every program of up to k ops on the fault's holder on CPU 1, each op taken from the
 * alphabet of the state the program reaches alone: the family in which an entry value can be
 * freed, reused and stored in the same PTE again while the fault sleeps.
 *
 * Not covered here: running a scenario (explore/concurrent.ts).
 */
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { DesignUnderTest } from '../properties/run.ts';
import { checkerFor } from '../properties/run.ts';
import { opAlphabet } from './alphabet.ts';
import type { Scenario } from './concurrent.ts';
import { Prng } from '../properties/prng.ts';

/** What the setup makes of one holder. */
export type HolderSetup =
  'empty' | 'present' | 'cached-dirty' | 'cached-clean' | 'swapped' | 'shared';

export const holderSetups: readonly HolderSetup[] = [
  'empty',
  'present',
  'cached-dirty',
  'cached-clean',
  'swapped',
  'shared',
];

/** Devices online after the setup: both, or only the synchronous-I/O device 1. */
export type DeviceSetup = 'both' | 'sync-only';

export interface SetupChoice {
  readonly devices: DeviceSetup;
  readonly holders: readonly HolderSetup[];
}

/** Builds the setup ops of `choice`, checking them on `design` as it goes. */
export function setupOps(
  design: DesignUnderTest,
  config: Config,
  choice: SetupChoice,
): Op[] | null {
  const checker = checkerFor(design, config);
  const ops: Op[] = [];
  const apply = (op: Op): boolean => {
    ops.push(op);
    return checker.step(op) === null;
  };
  const devices = choice.devices === 'both' ? config.devices.map((_, device) => device) : [1];
  for (const device of devices) if (!apply({ op: 'swapon', device, cpu: 0 })) return null;
  const folioOf = (holder: number): number | null => {
    const view = checker.observation.holders[holder];
    return view?.kind === 'present' ? view.folio : null;
  };
  for (const [holder, kind] of choice.holders.entries()) {
    if (kind === 'empty') continue;
    if (kind === 'shared' && holder + 1 >= config.holders) return null;
    if (!apply({ op: 'fault', holder, order: 0, cpu: 0 })) return null;
    if (!apply({ op: 'write', holder, value: holder + 1, cpu: 0 })) return null;
    if (kind === 'present') continue;
    const folio = folioOf(holder);
    if (folio === null) return null;
    if (!apply({ op: 'allocSwap', holder, cpu: 0 })) return null;
    if (!apply({ op: 'unmap', holder, cpu: 0 })) return null;
    if (kind === 'cached-dirty') continue;
    if (!apply({ op: 'writeout', folio, cpu: 0 })) return null;
    if (kind === 'cached-clean') continue;
    if (!apply({ op: 'evict', folio, cpu: 0 })) return null;
    if (kind === 'shared' && !apply({ op: 'fork', holder, target: holder + 1, cpu: 0 }))
      return null;
  }
  return ops;
}

/** The op alphabet after `setup`, per CPU. */
function alphabetAfter(
  design: DesignUnderTest,
  config: Config,
  setup: readonly Op[],
  cpu: number,
): Op[] {
  const checker = checkerFor(design, config);
  for (const op of setup) checker.step(op);
  return opAlphabet(config, checker.observation, cpu);
}

/** Ops that impl/sections-ops.ts splits into several sections. */
const splitOps: ReadonlySet<Op['op']> = new Set([
  'swapin',
  'zap',
  'fork',
  'allocSwap',
  'swapoff',
  'zswapWriteback',
]);

/** The holder an op works on, if any. */
function holderOf(op: Op): number | null {
  return 'holder' in op ? op.holder : null;
}

/**
 * Ops that race with `op` on a shared object: the same holder, or a swapoff against the ops
 * that use a device (the entry's device or the allocator's).
 */
function related(op: Op, other: Op): boolean {
  const usesDevice = (candidate: Op) => splitOps.has(candidate.op) && candidate.op !== 'swapoff';
  if (op.op === 'swapoff') return usesDevice(other);
  if (other.op === 'swapoff') return usesDevice(op);
  return holderOf(op) !== null && holderOf(op) === holderOf(other);
}

/** Setups and their alphabets already built, by design, config and choice. */
const setupCache = new Map<string, { setup: Op[]; alphabet: Op[] } | null>();

function cachedSetup(design: DesignUnderTest, config: Config, choice: SetupChoice) {
  const key = JSON.stringify([design.name, design.knobs, config, choice]);
  let entry = setupCache.get(key);
  if (entry === undefined) {
    const setup = setupOps(design, config, choice);
    entry = setup === null ? null : { setup, alphabet: alphabetAfter(design, config, setup, 0) };
    if (setupCache.size > 4096) setupCache.clear();
    setupCache.set(key, entry);
  }
  return entry;
}

/** A random setup choice: a third of the time the synchronous-I/O device alone, each holder's
 * setup drawn uniformly. */
function randomSetupChoice(prng: Prng, holders: number): SetupChoice {
  return {
    devices: prng.below(3) === 0 ? 'sync-only' : 'both',
    holders: Array.from(
      { length: holders },
      () => holderSetups[prng.below(holderSetups.length)] as HolderSetup,
    ),
  };
}

/**
 * A random scenario: a random setup and `opsPerCpu` random alphabet ops on each CPU, three
 * times out of four among the split ops. Races need two CPUs on the same object, so a third of
 * the time a CPU's op repeats CPU 0's op at the same position (a hot target, as the op
 * templates of `run` have), a third of the time it is an op related to it (the same holder, or
 * swapoff against an op that uses a device), and a third of the time it is drawn freely.
 */
export function randomScenario(
  design: DesignUnderTest,
  config: Config,
  seed: number,
  opsPerCpu: number,
  cpus: number,
): Scenario {
  const prng = new Prng(seed);
  const machine = { ...config, cpus: Math.max(config.cpus, cpus) };
  for (;;) {
    const entry = cachedSetup(design, machine, randomSetupChoice(prng, config.holders));
    if (entry === null) continue;
    const { setup, alphabet } = entry;
    // Split ops are where races live: three times out of four an op is drawn among them.
    const split = alphabet.filter((op) => splitOps.has(op.op));
    const draw = (): Op => {
      const pool = split.length > 0 && prng.below(4) !== 0 ? split : alphabet;
      return pool[prng.below(pool.length)] as Op;
    };
    const first: Op[] = Array.from({ length: opsPerCpu }, draw);
    const programs = Array.from({ length: cpus }, (_, cpu) =>
      first.map((op) => {
        if (cpu === 0) return op;
        const choice = prng.below(3);
        const partners = choice === 1 ? alphabet.filter((other) => related(op, other)) : [];
        const chosen =
          choice === 0
            ? op
            : partners.length > 0
              ? (partners[prng.below(partners.length)] as Op)
              : draw();
        return { ...chosen, cpu };
      }),
    );
    return { config: machine, setup, programs };
  }
}

/** Every setup choice with at most two non-empty holders, in a fixed order. */
export function setupChoices(config: Config): SetupChoice[] {
  const choices: SetupChoice[] = [];
  for (const devices of ['sync-only', 'both'] as const) {
    for (const first of holderSetups) {
      for (const second of holderSetups) {
        if (first === 'shared' && second !== 'empty') continue;
        const holders = Array.from({ length: config.holders }, (_, i) =>
          i === 0 ? first : i === 1 ? second : 'empty',
        );
        choices.push({ devices, holders });
      }
    }
  }
  return choices;
}

/** The op families of the concurrent modes (docs/model-checking.md). */
export type ScenarioFamily = 'pairs' | 'lifecycle';

export const scenarioFamilies: readonly ScenarioFamily[] = ['pairs', 'lifecycle'];

/**
 * The lifecycle family's sleepers after `setup`: the faults, i.e. the swapins of the alphabet
 * (do_swap_page(), the op that reads an entry, sleeps on I/O or a lock, and then maps what it
 * read if the PTE still holds the same value). The other split ops re-read what they change in
 * their commit section; the pairs family runs them against every single op.
 */
function sleepers(alphabet: readonly Op[]): Op[] {
  return alphabet.filter((op) => op.op === 'swapin');
}

/** The system after `setup` and `program`, each op applied on its CPU. */
function systemAfter(design: DesignUnderTest, config: Config, ops: readonly Op[]) {
  const system = design.create(config);
  const outcomes = ops.map((op) => system.apply(op));
  return { system, outcomes };
}

/**
 * The ops that take a holder one step further through its lifecycle from each kind of state,
 * as the op templates of `run` do (properties/op-template.ts advanceOp): an empty holder
 * faults; a present page is written, gets a swap entry and is unmapped; a swap entry is
 * swapped in, zapped, forked or written back from zswap.
 */
const lifecycleProgress: Readonly<Record<string, ReadonlySet<Op['op']>>> = {
  empty: new Set(['fault']),
  present: new Set(['write', 'allocSwap', 'unmap']),
  swap: new Set(['zap', 'swapin', 'fork', 'zswapWriteback']),
};

interface WalkSteps {
  /** Every op the program may take next. */
  readonly steps: readonly Op[];
  /** Those of them that take the holder one lifecycle step further (lifecycleProgress). */
  readonly progress: readonly Op[];
}

/**
 * The ops a lifecycle program may take next on `holder` after `setup` and `program` ran alone:
 * the alphabet ops that name the holder, less those the impl then rejects with EINVAL (they
 * change nothing when the program runs alone).
 */
function walkSteps(
  design: DesignUnderTest,
  config: Config,
  setup: readonly Op[],
  program: readonly Op[],
  holder: number,
  cpu: number,
): WalkSteps {
  const key = JSON.stringify([design.name, design.knobs, config, setup, program, holder, cpu]);
  const known = walkCache.get(key);
  if (known !== undefined) return known;
  const base = [...setup, ...program];
  const { system } = systemAfter(design, config, base);
  const observation = system.observe();
  const steps = opAlphabet(config, observation, cpu).filter((op) => {
    if (holderOf(op) !== holder) return false;
    const { outcomes } = systemAfter(design, config, [...base, op]);
    return outcomes.at(-1)?.errno !== 'EINVAL';
  });
  const further = lifecycleProgress[observation.holders[holder]?.kind ?? 'empty'];
  const walk = { steps, progress: steps.filter((op) => further?.has(op.op) === true) };
  if (walkCache.size > 65_536) walkCache.clear();
  walkCache.set(key, walk);
  return walk;
}

/** Lifecycle steps already computed, by design, config, setup, program prefix and holder. */
const walkCache = new Map<string, WalkSteps>();

/**
 * Every lifecycle program of 1..`length` ops on `holder` (a walk: each op is taken from the
 * steps after the ones before it), shortest first, then in alphabet order.
 */
export function holderWalks(
  design: DesignUnderTest,
  config: Config,
  setup: readonly Op[],
  holder: number,
  length: number,
  cpu: number,
): Op[][] {
  const walks: Op[][] = [];
  let frontier: Op[][] = [[]];
  for (let depth = 1; depth <= length; depth++) {
    frontier = frontier.flatMap((program) =>
      walkSteps(design, config, setup, program, holder, cpu).steps.map((op) => [...program, op]),
    );
    walks.push(...frontier);
  }
  return walks;
}

/**
 * Every scenario of the lifecycle family, lazily: for each setup choice, each sleeper (a
 * split op on a holder, on CPU 0) against each lifecycle program of up to `maxOps` ops on the
 * same holder (CPU 1). This is the family in which an entry value can be freed, reused and
 * stored in the same PTE again while the sleeper is between two sections.
 */
export function* lifecycleScenarios(
  design: DesignUnderTest,
  config: Config,
  maxOps: number,
): Generator<Scenario> {
  const machine = { ...config, cpus: Math.max(config.cpus, 2) };
  for (const choice of setupChoices(machine)) {
    const setup = setupOps(design, machine, choice);
    if (setup === null) continue;
    for (const sleeper of sleepers(alphabetAfter(design, machine, setup, 0))) {
      const holder = holderOf(sleeper) as number;
      for (const program of holderWalks(design, machine, setup, holder, maxOps, 1)) {
        yield { config: machine, setup, programs: [[sleeper], program] };
      }
    }
  }
}

/**
 * A random scenario of the lifecycle family: a random setup, a random sleeper on CPU 0 and a
 * random lifecycle program of `maxOps` ops on its holder on CPU 1 (shorter only when no step
 * is left). Half the program's steps are drawn among those that take the holder further
 * through its lifecycle: on skip-cache-early-unpin, random mode's seeds 1-5 needed 146, 3,076,
 * 10,324, 20,369 and 2,232 scenarios to a kill with uniform steps, and 3,212, 45, 2,133, 631 and
 * 2,714 with this bias (docs/model-checking.md).
 */
export function randomLifecycleScenario(
  design: DesignUnderTest,
  config: Config,
  seed: number,
  maxOps: number,
): Scenario {
  const prng = new Prng(seed);
  const machine = { ...config, cpus: Math.max(config.cpus, 2) };
  for (;;) {
    const entry = cachedSetup(design, machine, randomSetupChoice(prng, config.holders));
    if (entry === null) continue;
    const candidates = sleepers(entry.alphabet);
    if (candidates.length === 0) continue;
    const sleeper = candidates[prng.below(candidates.length)] as Op;
    const holder = holderOf(sleeper) as number;
    const program: Op[] = [];
    while (program.length < maxOps) {
      const { steps, progress } = walkSteps(design, machine, entry.setup, program, holder, 1);
      if (steps.length === 0) break;
      // Half the steps take the holder further through its lifecycle, so that a program can
      // free the entry, reuse its value and store it in the same PTE within a few ops.
      const pool = progress.length > 0 && prng.below(2) === 0 ? progress : steps;
      program.push(pool[prng.below(pool.length)] as Op);
    }
    return { config: machine, setup: entry.setup, programs: [[sleeper], program] };
  }
}

/** Every program of `length` ops over the alphabet after `setup` on `cpu`. */
function programsOf(alphabet: readonly Op[], length: number): Op[][] {
  let programs: Op[][] = [[]];
  for (let i = 0; i < length; i++)
    programs = programs.flatMap((p) => alphabet.map((op) => [...p, op]));
  return programs;
}

/**
 * Every scenario of the exhaustive mode, lazily: each setup choice, each tuple of programs of
 * `opsPerCpu` ops per CPU, CPU programs in non-decreasing alphabet order (symmetry).
 */
export function* exhaustiveScenarios(
  design: DesignUnderTest,
  config: Config,
  opsPerCpu: number,
  cpus: number,
): Generator<Scenario> {
  const machine = { ...config, cpus: Math.max(config.cpus, cpus) };
  for (const choice of setupChoices(machine)) {
    const setup = setupOps(design, machine, choice);
    if (setup === null) continue;
    const alphabet = alphabetAfter(design, machine, setup, 0);
    const programs = programsOf(alphabet, opsPerCpu);
    const indices = new Array<number>(cpus).fill(0);
    for (;;) {
      yield {
        config: machine,
        setup,
        programs: indices.map((index, cpu) =>
          (programs[index] ?? []).map((op) => ({ ...op, cpu })),
        ),
      };
      let position = cpus - 1;
      while (position >= 0 && (indices[position] ?? 0) === programs.length - 1) position--;
      if (position < 0) break;
      const value = (indices[position] ?? 0) + 1;
      for (let i = position; i < cpus; i++) indices[i] = value;
    }
  }
}

/**
 * The deterministic scheduler: runs a scenario (a sequential setup, then one op program per
 * simulated CPU) on a kernel-shaped system whose ops are split into critical sections
 * (impl/sections-ops.ts), choosing at every step which runnable CPU runs its next section.
 * A CPU is runnable when what it asked for is available: a free lock, a true wait condition.
 * The schedule (the CPU of every step) is recorded, so a run replays exactly from it.
 *
 * Failures: a deadlock (every unfinished CPU blocked), a livelock (an op restarted too often),
 * a use-after-free of device metadata, an impl assertion or a broken audit at a quiescent point
 * (no op in flight), a lock still held when its op returned, and a history the sequential model
 * cannot explain (explore/linearize.ts).
 *
 * Two drivers: pctChooser() (PCT: random CPU priorities, lowered at d - 1 random steps) and
 * exploreSchedules() (every schedule up to sleep-set equivalence, or every schedule within a
 * preemption bound, depth first, by re-execution from the start: the impl cannot be cloned).
 *
 * Not covered here: choosing scenarios (explore/scenario.ts), traces (explore/trace.ts).
 */
import { wallClock, type BudgetClock } from '../lib/budget-clock.ts';
import type { Config } from '../lib/config.ts';
import { InvariantViolation } from '../lib/invariant.ts';
import type { Op } from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import type { Knobs } from '../lib/system.ts';
import { createKernelSystem } from '../impl/designs.ts';
import { sectioned } from '../impl/sections-ops.ts';
import {
  Livelock,
  UseAfterFree,
  type Footprint,
  type SectionContext,
  type SectionRequest,
  type SectionedOp,
  type SyncSwapin,
} from '../impl/sections.ts';
import { Prng } from '../properties/prng.ts';
import { checkLinearizable, type HistoryEntry, type SequentialStep } from './linearize.ts';

/** A design for the explorer: the knobs, the legacy swapin knob, and a mutant or none. */
export interface ConcurrentDesign {
  readonly name: string;
  readonly knobs: Knobs;
  readonly syncSwapin: SyncSwapin;
  readonly mutant: string | null;
}

/** A small concurrent test: setup ops run sequentially on CPU 0, then programs[cpu] on cpu. */
export interface Scenario {
  readonly config: Config;
  readonly setup: readonly Op[];
  readonly programs: readonly (readonly Op[])[];
}

export type ConcurrentFailureKind =
  | 'deadlock'
  | 'livelock'
  | 'use-after-free'
  | 'impl-crash'
  | 'invariant'
  | 'lock-leak'
  | 'linearizability'
  | 'setup';

export interface ConcurrentFailure {
  readonly kind: ConcurrentFailureKind;
  /** The audit that broke, for kind 'invariant'. */
  readonly invariant?: string;
  readonly message: string;
  /** Steps run when it was found. */
  readonly step: number;
}

export interface Execution {
  readonly schedule: readonly number[];
  /** The runnable CPUs before every step (what the exhaustive driver branches on). */
  readonly enabled: readonly (readonly number[])[];
  readonly history: readonly HistoryEntry[];
  readonly failure: ConcurrentFailure | null;
  /** Section labels run. */
  readonly sections: ReadonlySet<string>;
  /** The chooser stopped the execution before every op completed (no verdict). */
  readonly stopped: boolean;
}

/**
 * Chooses the CPU of step `step` among the runnable `enabled` (never empty), seeing every CPU's
 * pending request; -1 stops the execution there (the exhaustive driver's sleep-set cut).
 */
export type Chooser = (
  enabled: readonly number[],
  step: number,
  requests: readonly (SectionRequest | null)[],
) => number;

interface Cpu {
  readonly program: readonly Op[];
  next: number;
  generator: SectionedOp | null;
  request: SectionRequest | null;
  op: Op | null;
  invoke: number;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function failureOf(error: unknown): { kind: ConcurrentFailureKind; invariant?: string } {
  if (error instanceof UseAfterFree) return { kind: 'use-after-free' };
  if (error instanceof Livelock) return { kind: 'livelock' };
  if (error instanceof InvariantViolation) return { kind: 'invariant', invariant: error.invariant };
  return { kind: 'impl-crash' };
}

/** Bound on steps of one execution (every op is bounded by sectionRetryMax restarts). */
const stepsMax = 10_000;

/** Builds the sectioned form of an op (impl/sections-ops.ts sectioned(); tests pass others). */
export type Sections = (ctx: SectionContext, op: Op) => SectionedOp;

/** Runs one schedule of `scenario`; `choose` picks the CPU of every step. */
export function execute(
  design: ConcurrentDesign,
  scenario: Scenario,
  choose: Chooser,
  sectionsOf: Sections = sectioned,
): Execution {
  const system = createKernelSystem(scenario.config, design.knobs, design.mutant ?? undefined);
  const state = system.state;
  const schedule: number[] = [];
  const enabledLog: number[][] = [];
  const history: HistoryEntry[] = [];
  const sections = new Set<string>();
  const setupSteps: SequentialStep[] = [];
  const result = (failure: ConcurrentFailure | null, stopped = false): Execution => ({
    schedule,
    enabled: enabledLog,
    history,
    failure,
    sections,
    stopped,
  });
  for (const op of scenario.setup) {
    try {
      setupSteps.push({ op, outcome: system.apply(op) });
    } catch (error) {
      return result({ kind: 'setup', message: `setup ${op.op}: ${errorText(error)}`, step: 0 });
    }
  }
  const locks = new Map<string, number>();
  const pins = new Array<number>(scenario.config.devices.length).fill(0);
  const scanners = new Array<number>(scenario.config.devices.length).fill(0);
  const swapoffs = new Set<number>();
  const online = (device: number) => state.devices[device]?.online === true;
  const contextFor = (cpu: number): SectionContext => ({
    state,
    steps: system.sectionSteps,
    cpu,
    syncSwapin: design.syncSwapin,
    commit: (op: Op): ImplOutcome => system.apply({ ...op, cpu }),
    unlock: (lock: string) => {
      if (locks.get(lock) !== cpu)
        throw new Error(`cpu${cpu} unlocks ${lock}, held by ${locks.get(lock) ?? 'nobody'}`);
      locks.delete(lock);
    },
    pin: (device: number) => {
      if (!online(device) || swapoffs.has(device)) return false;
      pins[device] = (pins[device] ?? 0) + 1;
      return true;
    },
    unpin: (device: number) => {
      if ((pins[device] ?? 0) <= 0)
        throw new Error(`cpu${cpu} unpins device ${device} with no pin`);
      pins[device] = (pins[device] ?? 0) - 1;
    },
    dying: (device: number) => swapoffs.has(device) && online(device),
    startSwapoff: (device: number) => {
      swapoffs.add(device);
    },
    users: (device: number) => (pins[device] ?? 0) + (scanners[device] ?? 0),
    scanner: (device: number, delta: 1 | -1) => {
      scanners[device] = (scanners[device] ?? 0) + delta;
    },
    access: (device: number, what: string) => {
      if (!online(device))
        throw new UseAfterFree(`${what} on swap device ${device} after swapoff freed it`);
    },
  });
  const cpus: Cpu[] = scenario.programs.map((program) => ({
    program,
    next: 0,
    generator: null,
    request: null,
    op: null,
    invoke: -1,
  }));
  const contexts = cpus.map((_, cpu) => contextFor(cpu));
  // Starts the next op of a CPU: the generator yields its first request before running code.
  const start = (cpu: number): ConcurrentFailure | null => {
    const slot = cpus[cpu] as Cpu;
    const op = slot.program[slot.next];
    if (op === undefined) return null;
    const generator = sectionsOf(contexts[cpu] as SectionContext, { ...op, cpu });
    const first = generator.next();
    if (first.done === true) throw new Error(`${op.op} returned before its first section`);
    slot.generator = generator;
    slot.request = first.value;
    slot.op = op;
    slot.invoke = -1;
    return null;
  };
  const runnable = (cpu: number): boolean => {
    const request = cpus[cpu]?.request;
    if (request === null || request === undefined) return false;
    if (request.kind === 'yield') return true;
    if (request.kind === 'lock') return !locks.has(request.lock);
    return request.until();
  };
  cpus.forEach((_, cpu) => start(cpu));
  for (let step = 0; step < stepsMax; step++) {
    const unfinished = cpus
      .map((slot, cpu) => (slot.generator === null ? -1 : cpu))
      .filter((cpu) => cpu >= 0);
    if (unfinished.length === 0) break;
    const enabled = unfinished.filter(runnable);
    if (enabled.length === 0) {
      const blocked = unfinished
        .map(
          (cpu) =>
            `cpu${cpu} ${cpus[cpu]?.op?.op ?? '?'} waits for ` +
            `${describeRequest(cpus[cpu]?.request ?? null)}`,
        )
        .join('; ');
      return result({ kind: 'deadlock', message: `every CPU is blocked: ${blocked}`, step });
    }
    const cpu = choose(
      enabled,
      step,
      cpus.map((slot) => slot.request),
    );
    if (cpu < 0) return result(null, true);
    if (!enabled.includes(cpu)) throw new Error(`the chooser picked cpu${cpu}, not runnable`);
    schedule.push(cpu);
    enabledLog.push(enabled);
    const slot = cpus[cpu] as Cpu;
    const request = slot.request as SectionRequest;
    if (request.kind === 'lock') locks.set(request.lock, cpu);
    sections.add(request.label);
    if (slot.invoke < 0) slot.invoke = step;
    state.cpu = cpu;
    let next: IteratorResult<SectionRequest, ImplOutcome>;
    try {
      next = (slot.generator as SectionedOp).next();
    } catch (error) {
      return result({
        ...failureOf(error),
        message: `cpu${cpu} ${slot.op?.op}: ${errorText(error)}`,
        step,
      });
    }
    if (next.done !== true) {
      slot.request = next.value;
      continue;
    }
    const op = slot.op as Op;
    history.push({
      cpu,
      op: { ...op, cpu },
      outcome: next.value,
      invoke: slot.invoke,
      response: step,
    });
    const held = [...locks].filter(([, holder]) => holder === cpu).map(([lock]) => lock);
    if (held.length > 0) {
      return result({
        kind: 'lock-leak',
        message: `cpu${cpu} ${op.op} returned holding ${held.join(', ')}`,
        step,
      });
    }
    if (op.op === 'swapoff') swapoffs.delete(op.device);
    slot.generator = null;
    slot.request = null;
    slot.next++;
    start(cpu);
    if (cpus.every((other) => other.invoke < 0 || other.generator === null)) {
      try {
        system.audit(); // a quiescent point: no op in flight
      } catch (error) {
        return result({
          ...failureOf(error),
          message: `audit at a quiescent point: ${errorText(error)}`,
          step,
        });
      }
    }
  }
  if (cpus.some((slot) => slot.generator !== null)) {
    return result({
      kind: 'livelock',
      message: `no completion within ${stepsMax} steps`,
      step: stepsMax,
    });
  }
  const verdict = checkLinearizable(scenario.config, setupSteps, history, system.observe());
  if (!verdict.ok)
    return result({ kind: 'linearizability', message: verdict.reason, step: schedule.length });
  return result(null);
}

function describeRequest(request: SectionRequest | null): string {
  if (request === null) return 'nothing';
  if (request.kind === 'lock') return `lock ${request.lock}`;
  return request.label;
}

/**
 * Replays a recorded schedule. Where the recorded CPU is not runnable (the schedule was found
 * on another design, or the trace was edited) or the schedule ran out, the lowest runnable CPU
 * runs instead; the caller compares the schedule run with the one recorded to tell an exact
 * replay from an approximate one.
 */
export function replaySchedule(
  design: ConcurrentDesign,
  scenario: Scenario,
  schedule: readonly number[],
): Execution {
  return execute(design, scenario, (enabled, step) => {
    const cpu = schedule[step];
    if (cpu === undefined || !enabled.includes(cpu)) return enabled[0] as number;
    return cpu;
  });
}

/**
 * A PCT schedule (Burckhardt et al.): distinct random priorities per CPU; the highest-priority
 * runnable CPU runs; at each of `depth - 1` random change points the running CPU drops to a
 * priority below all initial ones.
 */
export function pctChooser(
  seed: number,
  cpus: number,
  depth: number,
  stepsEstimate: number,
): Chooser {
  const prng = new Prng(seed);
  const priorities = Array.from({ length: cpus }, (_, cpu) => depth + cpu);
  for (let i = priorities.length - 1; i > 0; i--) {
    const j = prng.below(i + 1);
    [priorities[i], priorities[j]] = [priorities[j] as number, priorities[i] as number];
  }
  const changes = Array.from({ length: Math.max(0, depth - 1) }, () =>
    prng.below(Math.max(1, stepsEstimate)),
  );
  return (enabled, step) => {
    let best = enabled[0] as number;
    for (const cpu of enabled) if ((priorities[cpu] ?? 0) > (priorities[best] ?? 0)) best = cpu;
    const change = changes.indexOf(step);
    if (change >= 0) {
      priorities[best] = depth - 1 - change;
      for (const cpu of enabled) if ((priorities[cpu] ?? 0) > (priorities[best] ?? 0)) best = cpu;
    }
    return best;
  };
}

export interface ExhaustiveResult {
  /** Complete schedules run (each checked to the end). */
  readonly schedules: number;
  /** Executions cut by the sleep sets (a schedule equivalent to one already run). */
  readonly pruned: number;
  readonly complete: boolean;
  readonly failure: Execution | null;
  readonly sections: ReadonlySet<string>;
}

const everything: Footprint = { reads: ['*'], writes: ['*'], adds: [] };

/** The footprint of the section a request leads to (a lock or a wait touches everything). */
function footprintOf(request: SectionRequest | null | undefined): Footprint {
  if (request === null || request === undefined || request.kind !== 'yield') return everything;
  return request.footprint ?? everything;
}

function meets(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  if (a.includes('*') || b.includes('*')) return true;
  return a.some((resource) => b.includes(resource));
}

/** Whether two sections of different CPUs commute (impl/sections.ts Footprint). */
export function independent(a: Footprint, b: Footprint): boolean {
  if (meets(a.writes, b.reads) || meets(a.writes, b.writes) || meets(a.writes, b.adds))
    return false;
  if (meets(b.writes, a.reads) || meets(b.writes, a.adds)) return false;
  return !meets(a.adds, b.reads) && !meets(b.adds, a.reads);
}

/** One step of the current path of the depth-first search. */
interface Node {
  readonly enabled: readonly number[];
  readonly footprints: readonly Footprint[];
  readonly sleep: ReadonlySet<number>;
  readonly done: Set<number>;
  /** The CPU of the step before, and the preemptions taken before this step. */
  readonly previous: number;
  readonly preemptions: number;
  chosen: number;
}

/**
 * A preemption is a switch away from a CPU that could have run on (Musuvathi and Qadeer,
 * CHESS); switching when the running CPU finished or blocked is free.
 */
function preemptionCost(
  node: { enabled: readonly number[]; previous: number },
  cpu: number,
): number {
  return node.previous >= 0 && cpu !== node.previous && node.enabled.includes(node.previous)
    ? 1
    : 0;
}

/**
 * Every schedule of `scenario` up to equivalence, depth first with sleep sets (Godefroid):
 * after exploring CPU p at a step, p sleeps in the sibling subtrees as long as the steps taken
 * there commute with p's pending step, so two orders of commuting sections are run once. The
 * search runs a schedule to its end taking the lowest runnable CPU that is not asleep, then
 * branches at the deepest step with an untried CPU. Stops at the first failure, after
 * `schedulesMax` schedules or at `deadline` (on `clock`, wall-clock time by default). With `reduce` false every interleaving is run.
 * With `onFailure`, a failing schedule is handed to it and the search goes on unless it
 * returns true (the shrinker looks for the failing schedule with the fewest switches).
 * With a finite `preemptionsMax`, only schedules with at most that many preemptions are run
 * (CHESS's preemption bounding), the running CPU going on first, and without sleep sets.
 */
export function exploreSchedules(
  design: ConcurrentDesign,
  scenario: Scenario,
  schedulesMax: number,
  deadline: number,
  reduce = true,
  onFailure?: (run: Execution) => boolean,
  preemptionsMax = Number.POSITIVE_INFINITY,
  clock: BudgetClock = wallClock,
): ExhaustiveResult {
  // Sleep sets assume every order of commuting steps is reachable; a preemption bound cuts
  // some of those orders, so a bounded search runs without them (still complete for the bound).
  const bounded = Number.isFinite(preemptionsMax);
  const sleeping = reduce && !bounded;
  const allowed = (
    node: { enabled: readonly number[]; previous: number; preemptions: number },
    cpu: number,
  ) => node.preemptions + preemptionCost(node, cpu) <= preemptionsMax;
  const sections = new Set<string>();
  const path: Node[] = [];
  let schedules = 0;
  let pruned = 0;
  for (;;) {
    if (schedules >= schedulesMax || clock() > deadline) {
      return { schedules, pruned, complete: false, failure: null, sections };
    }
    const run = execute(design, scenario, (enabled, step, requests) => {
      const known = path[step];
      if (known !== undefined) return known.chosen;
      const parent = path[step - 1];
      const sleep = new Set<number>();
      if (parent !== undefined && sleeping) {
        const taken = parent.footprints[parent.chosen] ?? everything;
        for (const cpu of [...parent.sleep, ...parent.done]) {
          if (cpu !== parent.chosen && independent(taken, parent.footprints[cpu] ?? everything))
            sleep.add(cpu);
        }
      }
      const previous = parent?.chosen ?? -1;
      const preemptions =
        parent === undefined ? 0 : parent.preemptions + preemptionCost(parent, parent.chosen);
      const awake = enabled.filter(
        (cpu) => !sleep.has(cpu) && allowed({ enabled, previous, preemptions }, cpu),
      );
      if (awake.length === 0) return -1;
      // Unbounded: the lowest CPU first. Bounded: the running CPU goes on first (no preemption).
      const first = bounded && awake.includes(previous) ? previous : (awake[0] as number);
      const footprints = requests.map((request) => footprintOf(request));
      path.push({
        enabled,
        footprints,
        sleep,
        done: new Set(),
        previous,
        preemptions,
        chosen: first,
      });
      return first;
    });
    for (const label of run.sections) sections.add(label);
    if (run.stopped) pruned++;
    else schedules++;
    if (run.failure !== null && (onFailure === undefined || onFailure(run))) {
      return { schedules, pruned, complete: false, failure: run, sections };
    }
    path.length = Math.min(path.length, run.schedule.length);
    let branched = false;
    while (path.length > 0 && !branched) {
      const node = path[path.length - 1] as Node;
      node.done.add(node.chosen);
      const next = node.enabled.find(
        (cpu) => !node.done.has(cpu) && !node.sleep.has(cpu) && allowed(node, cpu),
      );
      if (next === undefined) {
        path.pop();
        continue;
      }
      node.chosen = next;
      branched = true;
    }
    if (!branched) return { schedules, pruned, complete: true, failure: null, sections };
  }
}

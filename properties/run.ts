/**
 * One randomized run and one replay. A run draws a swarm and op templates from its seed,
 * resolves each template against the model's observation, checks every op with the Checker,
 * and ends with the drain. A replay runs a fixed op list (a trace) the same way. Both return
 * the ops that ran, so a failure can be written as a trace and shrunk.
 *
 * Not covered here: campaigns over many runs and designs (properties/campaign.ts), shrinking.
 */
import type { Config } from '../lib/config.ts';
import type { Op, OpName } from '../lib/ops.ts';
import type { Knobs, SwapSystem } from '../lib/system.ts';
import type { CheckerOptions, Failure, StepListener } from './checker.ts';
import { Checker, checkerOptionsDefault } from './checker.ts';
import { drawHotBase, drawSwarm, drawTemplate, type Steer, type Swarm } from './generator.ts';
import { CandidateSets } from './candidate-sets.ts';
import { resolveWith } from './op-template.ts';
import { Prng } from './prng.ts';

/** How to build a fresh system for one run. */
export interface DesignUnderTest {
  readonly name: string;
  readonly knobs?: Knobs;
  readonly create: (config: Config) => SwapSystem;
}

export interface RunResult {
  readonly ops: readonly Op[];
  readonly failure: Failure | null;
  /** Ops applied, including the prologue and the drain. */
  readonly steps: number;
  readonly marks: Readonly<Record<string, number>>;
  readonly opCounts: Readonly<Partial<Record<OpName, number>>>;
}

/** A fresh checker over a fresh system of `design`, told the design's knobs when it has them. */
export function checkerFor(
  design: DesignUnderTest,
  config: Config,
  options: CheckerOptions = checkerOptionsDefault,
): Checker {
  const withKnobs = design.knobs === undefined ? options : { ...options, knobs: design.knobs };
  return new Checker(config, design.create(config), withKnobs);
}

function safeMarks(checker: Checker): Readonly<Record<string, number>> {
  try {
    return checker.system.marks();
  } catch {
    return {};
  }
}

/** The swapons a generated run starts with: every device, or the synchronous-I/O devices
 * alone when the swarm says so and the config has one (Swarm.syncOnly). */
export function swaponOps(config: Config, swarm: Swarm): Op[] {
  const syncOnly = swarm.syncOnly && config.devices.some((d) => d.synchronousIo);
  const ops: Op[] = [];
  config.devices.forEach((device, index) => {
    if (!syncOnly || device.synchronousIo)
      ops.push({ op: 'swapon', device: index, cpu: index % config.cpus });
  });
  return ops;
}

/** Runs `opsPerRun` generated ops (after swaponOps()) and the drain; `steer` steers the swarm
 * (properties/mark-steering.ts); `checkCandidates` checks the kept candidate sets against
 * their scans before every generated op (properties/candidate-sets.ts check(), for tests). */
export function runRandom(
  design: DesignUnderTest,
  config: Config,
  seed: number,
  opsPerRun: number,
  options: CheckerOptions = checkerOptionsDefault,
  steer?: Steer,
  checkCandidates = false,
): RunResult {
  const prng = new Prng(seed);
  const swarm = drawSwarm(prng, steer);
  const hotBase = drawHotBase(prng, config);
  const checker = checkerFor(design, config, options);
  const ops: Op[] = [];
  const opCounts: Partial<Record<OpName, number>> = {};
  const apply = (op: Op): Failure | null => {
    ops.push(op);
    opCounts[op.op] = (opCounts[op.op] ?? 0) + 1;
    return checker.step(op);
  };
  let failure: Failure | null = null;
  for (const op of swaponOps(config, swarm)) {
    failure = apply(op);
    if (failure !== null) break;
  }
  // The candidate sets the templates resolve against, kept from each op's footprint.
  const candidates = failure === null ? new CandidateSets(config, checker) : null;
  for (let i = 0; i < opsPerRun && candidates !== null && failure === null; i++) {
    const template = drawTemplate(prng, swarm);
    const holders = checker.observation.holders;
    if (checkCandidates) candidates.check();
    failure = apply(resolveWith(config, holders, candidates, template, swarm.hotHolders, hotBase));
    if (failure === null) candidates.afterStep();
  }
  // A failure inside the drain names a step past the trace's ops; replay reruns the drain.
  if (failure === null) failure = checker.drain();
  const steps = checker.steps;
  if (failure !== null && options.fullCheckEvery > 1) {
    // Footprint checks may see a failure late; the same ops with full checks after every op
    // name the first failing step (they fail no later, since they check a superset).
    const exact = replayOps(design, config, ops, { ...options, fullCheckEvery: 1 });
    if (exact.failure !== null) failure = exact.failure;
  }
  return { ops, failure, steps, marks: safeMarks(checker), opCounts };
}

/** Replays a fixed op list, then the drain (unless `drain` is false); `listener` hears of
 * every op, the drain's included, and is first called with the fresh checker (`start`). */
export function replayOps(
  design: DesignUnderTest,
  config: Config,
  ops: readonly Op[],
  options: CheckerOptions = checkerOptionsDefault,
  drain = true,
  listener?: { readonly start?: (checker: Checker) => void; readonly step: StepListener },
): RunResult {
  const checker = checkerFor(design, config, options);
  if (listener !== undefined) {
    listener.start?.(checker);
    checker.listener = listener.step;
  }
  const opCounts: Partial<Record<OpName, number>> = {};
  let failure: Failure | null = null;
  for (const op of ops) {
    opCounts[op.op] = (opCounts[op.op] ?? 0) + 1;
    failure = checker.step(op);
    if (failure !== null) break;
  }
  if (failure === null && drain) failure = checker.drain();
  return { ops, failure, steps: checker.steps, marks: safeMarks(checker), opCounts };
}

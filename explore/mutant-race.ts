/**
 * Killing race mutants (impl/mutants.ts entries with `race`): run the explorer against the
 * mutant in random or exhaustive mode on its config and legacy knob, and count a kill only if
 * every schedule of the failing scenario holds on the design without the bug (so a broken
 * harness or base design cannot pass for a caught mutant). Used by `swapcheck mutants` and by
 * properties/canary.test.ts.
 *
 * Not covered here: sequential mutants (properties/mutant-check.ts).
 */
import { wallClock, type BudgetClock } from '../lib/budget-clock.ts';
import { designs } from '../lib/designs.ts';
import { mutantCatalogue, type MutantDoc } from '../impl/mutants.ts';
import { median, type MutantResult } from '../properties/mutant-check.ts';
import { exploreExhaustive, exploreRandom, type CampaignResult } from './campaign.ts';
import { exploreSchedules, type ConcurrentDesign, type Scenario } from './concurrent.ts';
import { exploreConfigs } from './config.ts';
import { shrinkScenario } from './shrink.ts';

export type RaceMode = 'random' | 'exhaustive';

export interface RaceKill {
  readonly mode: RaceMode;
  readonly killed: boolean;
  readonly schedules: number;
  readonly elapsedMs: number;
  /** The first failure's kind (with the audit name for an invariant), when killed. */
  readonly kind: string | null;
  readonly scenario: Scenario | null;
  /** Every schedule of the failing scenario holds without the mutant. */
  readonly baseHolds: boolean | null;
  readonly result: CampaignResult;
}

function raceDoc(name: string): MutantDoc & { race: NonNullable<MutantDoc['race']> } {
  const doc = mutantCatalogue[name];
  if (doc?.race === undefined) throw new Error(`${name} is not a race mutant`);
  return doc as MutantDoc & { race: NonNullable<MutantDoc['race']> };
}

/** The explorer design of race mutant `name` on `base` (its first design by default). */
export function raceDesign(
  name: string,
  mutant: string | null = name,
  base?: string,
): ConcurrentDesign {
  const doc = raceDoc(name);
  const designName = base ?? doc.designs[0] ?? 'classic';
  const knobs = designs[designName]?.knobs;
  if (knobs === undefined) throw new Error(`no design ${designName}`);
  return { name: designName, knobs, syncSwapin: doc.race.syncSwapin, mutant };
}

/** Whether every schedule of `scenario` holds on `design` (bounded by `timeMs`). */
export function everyScheduleHolds(
  design: ConcurrentDesign,
  scenario: Scenario,
  timeMs: number,
): boolean {
  const result = exploreSchedules(
    design,
    scenario,
    Number.MAX_SAFE_INTEGER,
    performance.now() + timeMs,
  );
  return result.failure === null && result.complete;
}

/** Runs the explorer against race mutant `name` in `mode`. */
export function killRaceMutant(
  name: string,
  mode: RaceMode,
  seed: number,
  timeMs: number,
  runsMax = 1e9,
  clock: BudgetClock = wallClock,
): RaceKill {
  const doc = raceDoc(name);
  const design = raceDesign(name);
  const config = exploreConfigs[doc.race.config];
  // The mutant's scenario family: one op per CPU, or a fault against lifecycle programs.
  const budget = {
    cpus: 2,
    opsPerCpu: doc.race.maxOps ?? 1,
    family: doc.race.family ?? 'pairs',
    timeMs,
    runsMax,
    depth: 3,
    seed,
    clock,
  };
  const result =
    mode === 'random'
      ? exploreRandom(design, config, budget)
      : exploreExhaustive(design, config, budget);
  const failure = result.failure;
  if (failure === null) {
    return {
      mode,
      killed: false,
      schedules: result.schedules,
      elapsedMs: result.elapsedMs,
      kind: null,
      scenario: null,
      baseHolds: null,
      result,
    };
  }
  const baseHolds = everyScheduleHolds(raceDesign(name, null), failure.scenario, 20_000);
  const first = failure.execution.failure;
  const kind =
    first === null
      ? null
      : first.invariant === undefined
        ? first.kind
        : `${first.kind}:${first.invariant}`;
  return {
    mode,
    killed: baseHolds,
    schedules: result.schedules,
    elapsedMs: result.elapsedMs,
    kind,
    scenario: failure.scenario,
    baseHolds,
    result,
  };
}

/**
 * The `swapcheck mutants` row of a race mutant: seeds of random mode (each within
 * `timeMsPerSeed`), plus one exhaustive run whose kill is required as well; the shrunk length
 * is the longest shrunk schedule in steps.
 */
export function checkRaceMutant(
  name: string,
  seeds: number,
  seedBase: number,
  timeMsPerSeed: number,
  shrinkMs: number,
  clock: BudgetClock = wallClock,
): MutantResult {
  const doc = raceDoc(name);
  const design = raceDesign(name);
  const schedules: number[] = [];
  const times: number[] = [];
  const shrunk: number[] = [];
  const kinds = new Set<string>();
  // Random mode is bounded by time only: a seed that ends without a kill is counted as cut.
  let timedOut = 0;
  let shrinkCut = 0;
  const exhaustive = killRaceMutant(
    name,
    'exhaustive',
    seedBase,
    Math.max(timeMsPerSeed, 30_000),
    1e9,
    clock,
  );
  if (!exhaustive.killed) kinds.add('exhaustive-survived');
  for (let s = 0; s < seeds && exhaustive.killed; s++) {
    const kill = killRaceMutant(name, 'random', (seedBase + s) >>> 0, timeMsPerSeed, 1e9, clock);
    if (kill.baseHolds === false) kinds.add('base-design-fails');
    if (!kill.killed || kill.result.failure === null) {
      timedOut++;
      continue;
    }
    schedules.push(kill.schedules);
    times.push(kill.elapsedMs);
    if (kill.kind !== null) kinds.add(kill.kind);
    const shrinkStarted = clock();
    const small = shrinkScenario(
      design,
      kill.result.failure.scenario,
      kill.result.failure.execution,
      shrinkMs,
      2000,
      clock,
    );
    if (clock() - shrinkStarted >= shrinkMs) shrinkCut++;
    shrunk.push(small.execution.schedule.length);
  }
  return {
    name,
    design: design.name,
    doc,
    seeds,
    killed: schedules.length,
    timedOut,
    shrinkCut,
    // A race is killed by schedules, not runs: the median counts schedules, and the shortest
    // kill is a concurrent (version 2) trace, not an op list.
    medianRunsToKill: null,
    medianOpsToKill: median(schedules),
    medianMsToKill: median(times),
    shrunkLengthMax: shrunk.length === 0 ? null : Math.max(...shrunk),
    shrunkShortest: null,
    property: null,
    failureKinds: [...kinds].sort(),
  };
}

/**
 * `swapcheck explore`: the model checker. Three modes:
 * - sequential: every op sequence up to --max-ops ops on the explorer's tiny machine, with the
 *   number of distinct states reached (explore/sequential.ts);
 * - random: random scenarios (a setup, then --max-ops ops on each of --cpus CPUs) under PCT
 *   schedules, each history checked for linearizability (explore/campaign.ts);
 * - exhaustive: every scenario of the exhaustive list under every schedule.
 * --family picks the scenarios of both concurrent modes: pairs (one short program per CPU) or
 * lifecycle (a fault against every program of up to --max-ops ops on its holder, schedules
 * with at most --preemptions preemptions, 1 by default).
 * With --replay TRACE it replays a concurrent trace (format version 2) exactly. A failure is
 * shrunk (fewer CPUs, ops and switches), written as a trace under --out, printed with its
 * schedule, and followed by the commands that replay and reproduce it. Exit codes as `run`.
 * A proposal module (--design FILE.mjs) is explored in the sequential mode only: the
 * interleaving modes run the built-in designs split into their critical sections.
 *
 * Not covered here: the checking itself (explore/).
 */
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import type { Command } from 'commander';
import { formatOp, type Op } from '../lib/ops.ts';
import { designs } from '../lib/designs.ts';
import { mutantCatalogue } from '../impl/mutants.ts';
import { sectionLabels } from '../impl/sections-ops.ts';
import { syncSwapinValues, type SyncSwapin } from '../impl/sections.ts';
import { designSlug, designSpelling } from '../properties/design-ref.ts';
import { resolveDesign } from '../properties/design-registry.ts';
import {
  InputError,
  checkWritableDir,
  writeFileAtomic,
  type DesignRef,
} from '../properties/trace.ts';
import {
  exploreExhaustive,
  exploreRandom,
  type CampaignBudget,
  type CampaignResult,
} from '../explore/campaign.ts';
import {
  replaySchedule,
  type ConcurrentDesign,
  type Execution,
  type Scenario,
} from '../explore/concurrent.ts';
import { exploreConfigs } from '../explore/config.ts';
import { exploreSequential } from '../explore/sequential.ts';
import { scenarioFamilies, type ScenarioFamily } from '../explore/scenario.ts';
import { shrinkScenario, switches } from '../explore/shrink.ts';
import {
  concurrentTraceVersion,
  formatConcurrentTrace,
  readConcurrentTrace,
  resolveExploreConfig,
  type ConcurrentTrace,
  type ExploreConfigName,
} from '../explore/trace.ts';
import type { CommandContext, CommandModule } from './command-module.ts';
import { commandLine } from './invocation.ts';
import type { Io } from './io.ts';
import { absolute, chooseDesign, chooseRef, parseDuration } from './options.ts';

interface ExploreFlags {
  readonly design?: string;
  readonly mutant?: string;
  readonly syncSwapin?: string;
  readonly cpus?: string;
  readonly mode?: string;
  readonly maxOps?: string;
  readonly time?: string;
  readonly seed?: string;
  readonly runs?: string;
  readonly depth?: string;
  readonly config?: string;
  readonly out?: string;
  readonly replay?: string;
  readonly shrinkTime?: string;
  readonly family?: string;
  readonly preemptions?: string;
}

function parseInteger(
  flag: string,
  text: string | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new InputError(`${flag}: expected an integer in ${min}..${max}, got '${text}'`);
  }
  return Number(text);
}

/** The explorer design of a design reference and the legacy swapin knob. */
export function concurrentDesign(ref: DesignRef, syncSwapin: SyncSwapin): ConcurrentDesign {
  if (typeof ref !== 'string' && 'module' in ref) {
    throw new InputError(
      "explore: interleavings run the built-in designs' critical sections; a proposal module is explored with --mode sequential",
    );
  }
  const resolved = resolveDesign(ref);
  const knobs = resolved.knobs ?? designs[typeof ref === 'string' ? ref : ref.base]?.knobs;
  if (knobs === undefined) throw new InputError('explore: the design has no knobs');
  const mutant = typeof ref === 'string' ? null : (ref.mutant ?? null);
  return { name: resolved.name, knobs, syncSwapin, mutant };
}

function describeScenario(scenario: Scenario, execution: Execution): string[] {
  const lines = [
    `  setup (cpu0, sequential): ${scenario.setup.map(formatOp).join('; ') || '(none)'}`,
  ];
  scenario.programs.forEach((program, cpu) =>
    lines.push(`  cpu${cpu}: ${program.map(formatOp).join('; ')}`),
  );
  lines.push(
    `  schedule (${execution.schedule.length} steps, ${switches(execution.schedule)} switches): ` +
      `${execution.schedule.join(' ')}`,
  );
  for (const entry of execution.history) {
    lines.push(
      `  done  ${formatOp(entry.op)} -> ${JSON.stringify(entry.outcome)} (steps ${entry.invoke}..${entry.response})`,
    );
  }
  if (execution.failure !== null)
    lines.push(`  ${execution.failure.kind}: ${execution.failure.message}`);
  return lines;
}

function traceOf(
  ref: DesignRef,
  design: ConcurrentDesign,
  config: ExploreConfigName,
  scenario: Scenario,
  execution: Execution,
  seed: number | undefined,
): ConcurrentTrace {
  const failure =
    execution.failure === null
      ? undefined
      : { kind: execution.failure.kind, message: execution.failure.message };
  return {
    format: 'swapcheck-trace',
    version: concurrentTraceVersion,
    design: ref,
    syncSwapin: design.syncSwapin,
    config,
    ...(seed === undefined ? {} : { seed }),
    ...(failure === undefined ? {} : { failure }),
    setup: scenario.setup,
    programs: scenario.programs.map((program) => program.map((op: Op) => op)),
    schedule: execution.schedule,
  };
}

export async function commandReplayConcurrent(
  path: string,
  designFlag: string | undefined,
  io: Io,
): Promise<number> {
  const out = io.out;
  const trace = readConcurrentTrace(path);
  const ref =
    designFlag === undefined
      ? (await chooseRef(trace.design)).ref
      : (await chooseDesign(designFlag, io.cwd)).ref;
  const design = concurrentDesign(ref, trace.syncSwapin);
  const config = resolveExploreConfig(trace.config);
  const scenario: Scenario = { config, setup: trace.setup, programs: trace.programs };
  const execution = replaySchedule(design, scenario, trace.schedule);
  const exact =
    execution.schedule.length === trace.schedule.length &&
    execution.schedule.every((cpu, i) => cpu === trace.schedule[i]);
  for (const line of describeScenario(scenario, execution)) out(line);
  if (!exact)
    out(
      '  note: the schedule did not replay step for step (a step was not runnable or steps were left)',
    );
  out(
    execution.failure === null
      ? `${path} (${design.name}): holds`
      : `${path} (${design.name}): FAILS`,
  );
  return execution.failure === null ? 0 : 1;
}

async function commandExplore(values: ExploreFlags, io: Io): Promise<number> {
  const out = io.out;
  if (values.replay !== undefined)
    return commandReplayConcurrent(absolute(io.cwd, values.replay), values.design, io);
  // A design flag may carry the mutant (`classic[mutant=NAME]`), as reports print it.
  const given = values.design === undefined ? undefined : await chooseDesign(values.design, io.cwd);
  const isModule = given !== undefined && typeof given.ref !== 'string' && 'module' in given.ref;
  const mode = values.mode ?? (isModule ? 'sequential' : 'random');
  if (mode !== 'sequential' && mode !== 'random' && mode !== 'exhaustive') {
    throw new InputError(`--mode: expected sequential, random or exhaustive, got '${mode}'`);
  }
  const spelledMutant =
    given !== undefined && typeof given.ref !== 'string' && 'base' in given.ref
      ? given.ref.mutant
      : undefined;
  const mutant = values.mutant ?? spelledMutant;
  if (mutant !== undefined && !Object.hasOwn(mutantCatalogue, mutant)) {
    throw new InputError(`--mutant: unknown mutant '${mutant}' (swapcheck mutants --list)`);
  }
  // A race mutant's catalogue entry says where it lives: its design, legacy swapin knob, config
  // and scenario family are the defaults of the flags not given.
  const doc = mutant === undefined ? undefined : mutantCatalogue[mutant];
  const race = doc?.race;
  const syncSwapin = (values.syncSwapin ?? race?.syncSwapin ?? 'swap-cache') as SyncSwapin;
  if (!syncSwapinValues.includes(syncSwapin)) {
    throw new InputError(
      `--sync-swapin: expected ${syncSwapinValues.join(', ')}, got '${syncSwapin}'`,
    );
  }
  const configName = (values.config ?? race?.config ?? 'explore') as ExploreConfigName;
  if (!Object.hasOwn(exploreConfigs, configName)) {
    throw new InputError(
      `--config: expected ${Object.keys(exploreConfigs).join(' or ')}, got '${configName}'`,
    );
  }
  const baseRef =
    given?.ref ??
    (await chooseDesign((race === undefined ? undefined : doc?.designs[0]) ?? 'classic', io.cwd))
      .ref;
  const ref: DesignRef =
    mutant === undefined || (typeof baseRef !== 'string' && 'module' in baseRef)
      ? baseRef
      : typeof baseRef === 'string'
        ? { base: baseRef, mutant }
        : { ...baseRef, mutant };
  const design: ConcurrentDesign =
    mode === 'sequential' && isModule
      ? {
          name: resolveDesign(ref).name,
          knobs: { virtualEntries: 'never', reverseMap: 'kept', lookupCache: 'off' },
          syncSwapin,
          mutant: null,
        }
      : concurrentDesign(ref, syncSwapin);
  const cpus = parseInteger('--cpus', values.cpus, 2, 4, 2);
  const timeMs = values.time === undefined ? 30_000 : parseDuration(values.time);
  const seed = parseInteger('--seed', values.seed, 0, 0xffffffff, randomInt(0, 0xffffffff));
  const config = {
    ...exploreConfigs[configName],
    cpus: Math.max(exploreConfigs[configName].cpus, cpus),
  };
  const outDir = absolute(io.cwd, values.out ?? 'swapcheck-failures');
  checkWritableDir(outDir, '--out');
  // The design's name carries its mutant (`classic[mutant=NAME]`).
  out(
    `swapcheck explore: design ${design.name}, ` +
      `sync swapin ${syncSwapin}, config ${configName}, mode ${mode}, seed ${seed}`,
  );
  if (mode === 'sequential') {
    const depth = parseInteger('--max-ops', values.maxOps, 1, 12, 4);
    const result = exploreSequential(resolveDesign(ref), config, {
      depth,
      timeMs,
      alternateCpus: true,
      onLevel: (level) =>
        out(`  depth ${level.depth}: ${level.states} new states from ${level.sequences} sequences`),
    });
    const seconds = result.elapsedMs / 1000;
    out(
      `distinct states: ${result.states} (depth ${result.depthDone}${result.complete ? ', complete' : ', incomplete: time'})`,
    );
    out(
      `${result.sequences} sequences, ${result.opsApplied} ops applied in ${seconds.toFixed(1)} s: ` +
        `${Math.round(result.states / seconds)} states/s, ${Math.round(result.opsApplied / seconds)} ops/s`,
    );
    if (result.failure !== null) {
      out(
        `FAIL after ${result.failure.ops.length} ops: ${result.failure.failure.kind}: ${result.failure.failure.message}`,
      );
      for (const op of result.failure.ops) out(`  ${formatOp(op)}`);
      out(
        `reproduce: ${commandLine(['explore', '--mode', 'sequential', '--design', designSpelling(ref), '--max-ops', String(depth)])}`,
      );
      out('0 passed, 1 failed');
      return 1;
    }
    out('1 passed, 0 failed');
    return 0;
  }
  const family = (values.family ?? race?.family ?? 'pairs') as ScenarioFamily;
  if (!scenarioFamilies.includes(family)) {
    throw new InputError(
      `--family: expected ${scenarioFamilies.join(' or ')}, got '${values.family}'`,
    );
  }
  if (family === 'lifecycle' && cpus !== 2)
    throw new InputError('--family lifecycle: runs on exactly 2 CPUs (--cpus 2)');
  const opsPerCpu = parseInteger(
    '--max-ops',
    values.maxOps,
    1,
    4,
    family === 'lifecycle' ? (race?.maxOps ?? 4) : mode === 'exhaustive' ? 1 : 2,
  );
  const preemptions =
    values.preemptions === undefined
      ? undefined
      : parseInteger('--preemptions', values.preemptions, 0, 100, 0);
  const budget: CampaignBudget = {
    cpus,
    opsPerCpu,
    timeMs,
    seed,
    family,
    ...(preemptions === undefined ? {} : { preemptions }),
    runsMax: parseInteger('--runs', values.runs, 1, 1e9, 1e9),
    depth: parseInteger('--depth', values.depth, 1, 10, 3),
    onProgress: (p) =>
      io.progress(
        `  ${p.scenarios} scenarios, ${p.schedules} schedules, ` +
          `${Math.round((p.schedules * 1000) / Math.max(1, p.elapsedMs))} schedules/s\n`,
      ),
  };
  const result: CampaignResult =
    mode === 'random'
      ? exploreRandom(design, config, budget)
      : exploreExhaustive(design, config, budget);
  const seconds = result.elapsedMs / 1000;
  out(
    `${result.scenarios} scenarios, ${result.schedules} schedules in ${seconds.toFixed(1)} s: ` +
      `${Math.round(result.schedules / Math.max(seconds, 0.001))} schedules/s` +
      (mode === 'exhaustive'
        ? result.complete
          ? ', enumeration complete'
          : ', enumeration incomplete'
        : ''),
  );
  const reached = sectionLabels.filter((label) => result.sections.has(label));
  out(
    `sections reached: ${reached.length}/${sectionLabels.length}` +
      (reached.length < sectionLabels.length
        ? ` (not: ${sectionLabels.filter((label) => !result.sections.has(label)).join(', ')})`
        : ''),
  );
  if (result.failure === null) {
    out('1 passed, 0 failed');
    return 0;
  }
  const { scenario, execution } = result.failure;
  out(`FAIL: ${execution.failure?.kind}: ${execution.failure?.message}`);
  for (const line of describeScenario(scenario, execution)) out(line);
  const shrinkMs =
    values.shrinkTime === undefined ? 10_000 : parseDuration(values.shrinkTime, '--shrink-time');
  const shrunk = shrinkScenario(design, scenario, execution, shrinkMs);
  out(`shrunk (${shrunk.attempts} candidates):`);
  for (const line of describeScenario(shrunk.scenario, shrunk.execution)) out(line);
  const path = join(outDir, `explore-${designSlug(design.name)}-${seed}.json`);
  writeFileAtomic(
    path,
    formatConcurrentTrace(
      traceOf(ref, design, configName, shrunk.scenario, shrunk.execution, seed),
    ),
  );
  out(`wrote ${path}`);
  out(`replay: ${commandLine(['explore', '--replay', path])}`);
  out(
    `reproduce: ${commandLine([
      'explore',
      '--mode',
      mode,
      '--design',
      designSpelling(baseRef),
      ...(design.mutant === null ? [] : ['--mutant', design.mutant]),
      '--sync-swapin',
      syncSwapin,
      '--config',
      configName,
      '--cpus',
      String(cpus),
      '--max-ops',
      String(opsPerCpu),
      ...(family === 'pairs' ? [] : ['--family', family]),
      ...(preemptions === undefined ? [] : ['--preemptions', String(preemptions)]),
      '--seed',
      String(seed),
      ...(values.time === undefined ? [] : ['--time', values.time]),
    ])}`,
  );
  out('0 passed, 1 failed');
  return 1;
}

export const exploreCommand: CommandModule = {
  name: 'explore',
  register(program: Command, context: CommandContext) {
    program
      .command('explore')
      .description('the model checker: interleavings of critical sections, or every op sequence')
      .option(
        '--design <name>',
        'a design (NAME, NAME[knob=value,mutant=NAME], .json, or a module: sequential mode only) (default classic)',
      )
      .option(
        '--mutant <name>',
        'a catalogued mutant; a race mutant also sets the design, swapin knob, config and family',
      )
      .option('--cpus <n>', 'simulated CPUs, 2..4 (default 2)')
      .option(
        '--mode <mode>',
        'random, exhaustive or sequential (default random; sequential for a module)',
      )
      .option('--max-ops <n>', 'ops per CPU (random, exhaustive) or sequence length (sequential)')
      .option('--time <duration>', 'time budget (default 30s)')
      .option('--seed <n>', 'seed (random and printed when absent)')
      .option('--runs <n>', 'at most this many scenarios')
      .option('--depth <n>', 'PCT depth, 1..10 (default 3)')
      .option(
        '--sync-swapin <knob>',
        'swap-cache, skip-pinned or skip-unpinned (default swap-cache)',
      )
      .option('--config <name>', 'explore or explore-zswap (default explore)')
      .option('--family <family>', 'pairs or lifecycle (default pairs)')
      .option('--preemptions <n>', 'lifecycle schedules: at most this many preemptions (default 1)')
      .option('--out <dir>', 'where a failing trace is written (default ./swapcheck-failures)')
      .option('--shrink-time <duration>', 'time budget to shrink a failure (default 10s)')
      .option('--replay <trace>', 'replay a version 2 (concurrent) trace exactly')
      .action(async (flags: ExploreFlags) => context.exit(await commandExplore(flags, context.io)));
  },
};

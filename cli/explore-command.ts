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
 *
 * Not covered here: the checking itself (explore/).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomInt } from 'node:crypto';
import { formatOp, type Op } from '../lib/ops.ts';
import { designs } from '../impl/designs.ts';
import { mutantCatalogue } from '../impl/mutants.ts';
import { sectionLabels } from '../impl/sections-ops.ts';
import { syncSwapinValues, type SyncSwapin } from '../impl/sections.ts';
import { resolveDesign } from '../properties/design-registry.ts';
import { InputError, checkWritableDir, writeFileAtomic, type DesignRef } from '../properties/trace.ts';
import { exploreExhaustive, exploreRandom, type CampaignBudget, type CampaignResult } from '../explore/campaign.ts';
import { replaySchedule, type ConcurrentDesign, type Execution, type Scenario } from '../explore/concurrent.ts';
import { exploreConfigs } from '../explore/config.ts';
import { exploreSequential } from '../explore/sequential.ts';
import { scenarioFamilies, type ScenarioFamily } from '../explore/scenario.ts';
import { shrinkScenario, switches } from '../explore/shrink.ts';
import {
  concurrentTraceVersion, formatConcurrentTrace, readConcurrentTrace, resolveExploreConfig,
  type ConcurrentTrace, type ExploreConfigName,
} from '../explore/trace.ts';
import { designRefFromFlag, parseDuration } from './commands.ts';

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function parseInteger(flag: string, text: string | undefined, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new InputError(`${flag}: expected an integer in ${min}..${max}, got '${text}'`);
  }
  return Number(text);
}

/** The explorer design of a design reference and the legacy swapin knob. */
export function concurrentDesign(ref: DesignRef, syncSwapin: SyncSwapin): ConcurrentDesign {
  const resolved = resolveDesign(ref);
  const knobs = resolved.knobs ?? designs[typeof ref === 'string' ? ref : ref.base]?.knobs;
  if (knobs === undefined) throw new InputError('explore: the design has no knobs');
  const mutant = typeof ref === 'string' ? null : (ref.mutant ?? null);
  return { name: resolved.name, knobs, syncSwapin, mutant };
}

function describeScenario(scenario: Scenario, execution: Execution): string[] {
  const lines = [`  setup (cpu0, sequential): ${scenario.setup.map(formatOp).join('; ') || '(none)'}`];
  scenario.programs.forEach((program, cpu) => lines.push(`  cpu${cpu}: ${program.map(formatOp).join('; ')}`));
  lines.push(`  schedule (${execution.schedule.length} steps, ${switches(execution.schedule)} switches): ` +
    `${execution.schedule.join(' ')}`);
  for (const entry of execution.history) {
    lines.push(`  done  ${formatOp(entry.op)} -> ${JSON.stringify(entry.outcome)} (steps ${entry.invoke}..${entry.response})`);
  }
  if (execution.failure !== null) lines.push(`  ${execution.failure.kind}: ${execution.failure.message}`);
  return lines;
}

function traceOf(ref: DesignRef, design: ConcurrentDesign, config: ExploreConfigName, scenario: Scenario,
  execution: Execution, seed: number | undefined): ConcurrentTrace {
  const failure = execution.failure === null ? undefined : { kind: execution.failure.kind, message: execution.failure.message };
  return {
    format: 'swapcheck-trace', version: concurrentTraceVersion, design: ref, syncSwapin: design.syncSwapin, config,
    ...(seed === undefined ? {} : { seed }),
    ...(failure === undefined ? {} : { failure }),
    setup: scenario.setup,
    programs: scenario.programs.map((program) => program.map((op: Op) => op)),
    schedule: execution.schedule,
  };
}

export function commandReplayConcurrent(path: string, designFlag: string | undefined): number {
  const trace = readConcurrentTrace(path);
  const ref = designFlag === undefined ? trace.design : designRefFromFlag(designFlag);
  const design = concurrentDesign(ref, trace.syncSwapin);
  const config = resolveExploreConfig(trace.config);
  const scenario: Scenario = { config, setup: trace.setup, programs: trace.programs };
  const execution = replaySchedule(design, scenario, trace.schedule);
  const exact = execution.schedule.length === trace.schedule.length &&
    execution.schedule.every((cpu, i) => cpu === trace.schedule[i]);
  for (const line of describeScenario(scenario, execution)) out(line);
  if (!exact) out('  note: the schedule did not replay step for step (a step was not runnable or steps were left)');
  out(execution.failure === null ? `${path} (${design.name}): holds` : `${path} (${design.name}): FAILS`);
  return execution.failure === null ? 0 : 1;
}

export function commandExplore(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      design: { type: 'string' }, mutant: { type: 'string' }, 'sync-swapin': { type: 'string' },
      cpus: { type: 'string' }, mode: { type: 'string' }, 'max-ops': { type: 'string' },
      time: { type: 'string' }, seed: { type: 'string' }, runs: { type: 'string' }, depth: { type: 'string' },
      config: { type: 'string' }, out: { type: 'string' }, replay: { type: 'string' },
      'shrink-time': { type: 'string' }, family: { type: 'string' }, preemptions: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.replay !== undefined) return commandReplayConcurrent(values.replay, values.design);
  const mode = values.mode ?? 'random';
  if (mode !== 'sequential' && mode !== 'random' && mode !== 'exhaustive') {
    throw new InputError(`--mode: expected sequential, random or exhaustive, got '${mode}'`);
  }
  const mutant = values.mutant;
  if (mutant !== undefined && !Object.hasOwn(mutantCatalogue, mutant)) {
    throw new InputError(`--mutant: unknown mutant '${mutant}' (swapcheck mutants --list)`);
  }
  // A race mutant's catalogue entry says where it lives: its design, legacy swapin knob, config
  // and scenario family are the defaults of the flags not given.
  const doc = mutant === undefined ? undefined : mutantCatalogue[mutant];
  const race = doc?.race;
  const syncSwapin = (values['sync-swapin'] ?? race?.syncSwapin ?? 'swap-cache') as SyncSwapin;
  if (!syncSwapinValues.includes(syncSwapin)) {
    throw new InputError(`--sync-swapin: expected ${syncSwapinValues.join(', ')}, got '${syncSwapin}'`);
  }
  const configName = (values.config ?? race?.config ?? 'explore') as ExploreConfigName;
  if (!Object.hasOwn(exploreConfigs, configName)) {
    throw new InputError(`--config: expected ${Object.keys(exploreConfigs).join(' or ')}, got '${configName}'`);
  }
  const baseRef = designRefFromFlag(values.design ?? (race === undefined ? undefined : doc?.designs[0]) ?? 'classic');
  const ref: DesignRef = mutant === undefined ? baseRef
    : typeof baseRef === 'string' ? { base: baseRef, mutant } : { ...baseRef, mutant };
  const design = concurrentDesign(ref, syncSwapin);
  const cpus = parseInteger('--cpus', values.cpus, 2, 4, 2);
  const timeMs = values.time === undefined ? 30_000 : parseDuration(values.time);
  const seed = parseInteger('--seed', values.seed, 0, 0xffffffff, randomInt(0, 0xffffffff));
  const config = { ...exploreConfigs[configName], cpus: Math.max(exploreConfigs[configName].cpus, cpus) };
  const outDir = values.out ?? 'swapcheck-failures';
  checkWritableDir(outDir, '--out');
  // The design's name carries its mutant (`classic[mutant=NAME]`).
  out(`swapcheck explore: design ${design.name}, ` +
    `sync swapin ${syncSwapin}, config ${configName}, mode ${mode}, seed ${seed}`);
  if (mode === 'sequential') {
    const depth = parseInteger('--max-ops', values['max-ops'], 1, 12, 4);
    const result = exploreSequential(resolveDesign(ref), config, {
      depth, timeMs, alternateCpus: true,
      onLevel: (level) => out(`  depth ${level.depth}: ${level.states} new states from ${level.sequences} sequences`),
    });
    const seconds = result.elapsedMs / 1000;
    out(`distinct states: ${result.states} (depth ${result.depthDone}${result.complete ? ', complete' : ', incomplete: time'})`);
    out(`${result.sequences} sequences, ${result.opsApplied} ops applied in ${seconds.toFixed(1)} s: ` +
      `${Math.round(result.states / seconds)} states/s, ${Math.round(result.opsApplied / seconds)} ops/s`);
    if (result.failure !== null) {
      out(`FAIL after ${result.failure.ops.length} ops: ${result.failure.failure.kind}: ${result.failure.failure.message}`);
      for (const op of result.failure.ops) out(`  ${formatOp(op)}`);
      out(`reproduce: swapcheck explore --mode sequential --design ${design.name} --max-ops ${depth}`);
      out('0 passed, 1 failed');
      return 1;
    }
    out('1 passed, 0 failed');
    return 0;
  }
  const family = (values.family ?? race?.family ?? 'pairs') as ScenarioFamily;
  if (!scenarioFamilies.includes(family)) {
    throw new InputError(`--family: expected ${scenarioFamilies.join(' or ')}, got '${values.family}'`);
  }
  if (family === 'lifecycle' && cpus !== 2) throw new InputError('--family lifecycle: runs on exactly 2 CPUs (--cpus 2)');
  const opsPerCpu = parseInteger('--max-ops', values['max-ops'], 1, 4,
    family === 'lifecycle' ? (race?.maxOps ?? 4) : mode === 'exhaustive' ? 1 : 2);
  const preemptions = values.preemptions === undefined ? undefined
    : parseInteger('--preemptions', values.preemptions, 0, 100, 0);
  const budget: CampaignBudget = {
    cpus, opsPerCpu, timeMs, seed, family, ...(preemptions === undefined ? {} : { preemptions }),
    runsMax: parseInteger('--runs', values.runs, 1, 1e9, 1e9),
    depth: parseInteger('--depth', values.depth, 1, 10, 3),
    onProgress: (p) => process.stderr.write(`  ${p.scenarios} scenarios, ${p.schedules} schedules, ` +
      `${Math.round((p.schedules * 1000) / Math.max(1, p.elapsedMs))} schedules/s\n`),
  };
  const result: CampaignResult = mode === 'random'
    ? exploreRandom(design, config, budget) : exploreExhaustive(design, config, budget);
  const seconds = result.elapsedMs / 1000;
  out(`${result.scenarios} scenarios, ${result.schedules} schedules in ${seconds.toFixed(1)} s: ` +
    `${Math.round(result.schedules / Math.max(seconds, 0.001))} schedules/s` +
    (mode === 'exhaustive' ? (result.complete ? ', enumeration complete' : ', enumeration incomplete') : ''));
  const reached = sectionLabels.filter((label) => result.sections.has(label));
  out(`sections reached: ${reached.length}/${sectionLabels.length}` +
    (reached.length < sectionLabels.length
      ? ` (not: ${sectionLabels.filter((label) => !result.sections.has(label)).join(', ')})` : ''));
  if (result.failure === null) {
    out('1 passed, 0 failed');
    return 0;
  }
  const { scenario, execution } = result.failure;
  out(`FAIL: ${execution.failure?.kind}: ${execution.failure?.message}`);
  for (const line of describeScenario(scenario, execution)) out(line);
  const shrinkMs = values['shrink-time'] === undefined ? 10_000 : parseDuration(values['shrink-time'], '--shrink-time');
  const shrunk = shrinkScenario(design, scenario, execution, shrinkMs);
  out(`shrunk (${shrunk.attempts} candidates):`);
  for (const line of describeScenario(shrunk.scenario, shrunk.execution)) out(line);
  const path = join(outDir, `explore-${design.name}-${seed}.json`);
  writeFileAtomic(path, formatConcurrentTrace(traceOf(ref, design, configName, shrunk.scenario, shrunk.execution, seed)));
  out(`wrote ${path}`);
  out(`replay: swapcheck explore --replay ${path}`);
  // The design as given (design.name carries a `[mutant=...]` suffix that --design rejects).
  out(`reproduce: swapcheck explore --mode ${mode} --design ${values.design ?? 'classic'}` +
    `${design.mutant === null ? '' : ` --mutant ${design.mutant}`} --sync-swapin ${syncSwapin} --config ${configName} ` +
    `--cpus ${cpus} --max-ops ${opsPerCpu}${family === 'pairs' ? '' : ` --family ${family}`}` +
    `${preemptions === undefined ? '' : ` --preemptions ${preemptions}`} --seed ${seed}` +
    `${values.time === undefined ? '' : ` --time ${values.time}`}`);
  out('0 passed, 1 failed');
  return 1;
}

/**
 * The swapcheck command line. `run` drives a randomized campaign of every chosen design against
 * the reference model and ends with a per-design summary and `N passed, M failed`; `replay`
 * runs a trace; `shrink` minimizes one; `designs` lists the built-in designs and knobs.
 * Exit codes: 0 nothing failed, 1 a property failed, 2 a usage or input error (one line on
 * stderr, never a stack trace).
 *
 * Not covered here: the checking itself (properties/).
 */
import { randomInt } from 'node:crypto';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../lib/config.ts';
import type { ConfigPresetName } from '../lib/config.ts';
import { configPresets } from '../lib/config.ts';
import { knobDocs, designs } from '../impl/designs.ts';
import { mutantCatalogue } from '../impl/mutants.ts';
import { checkMutants, mutantVerdict } from '../properties/mutant-check.ts';
import type { CampaignProgress, DesignSummary } from '../properties/campaign.ts';
import { runCampaign } from '../properties/campaign.ts';
import { checkerOptionsCampaign } from '../properties/checker.ts';
import { cpuClock } from '../lib/budget-clock.ts';
import { designNames, resolveDesign } from '../properties/design-registry.ts';
import { describeFailure, formatDivergence, formatOpMix, formatOps } from '../properties/report.ts';
import { withPool } from '../properties/worker-pool.ts';
import { campaignJson, campaignJunit } from './formats.ts';
import { regressionDir } from './paths.ts';
import { replayOps } from '../properties/run.ts';
import { shrinkBudgetDefault, shrinkTrace } from '../properties/shrink.ts';
import type { DesignRef, Trace } from '../properties/trace.ts';
import * as v from 'valibot';
import {
  InputError,
  checkWritableDir,
  describeIssues,
  designRefSchema,
  formatTrace,
  parseTrace,
  readTrace,
  resolveConfig,
  traceFormat,
  traceVersion,
  writeFileAtomic,
} from '../properties/trace.ts';
import { readFileSync } from 'node:fs';
import { commandCompare } from './compare-command.ts';
import { commandValidate } from './validate-command.ts';
import { commandExplore, commandReplayConcurrent } from './explore-command.ts';
import { checkRaceMutant } from '../explore/mutant-race.ts';
import { commandKernel, emitReproducer, kernelUsage } from './kernel-command.ts';

const usage = `usage: swapcheck <command> [options]
commands:
  run      [--design NAME|FILE ...|all] [--seed N] [--runs N | --time 30s] [--max-ops N]
           [--config tiny|default|tiny-disk|default-disk|mixed|FILE] [--out DIR]
           [--full-check-every 64]: compare everything and audit the whole impl after
           every N ops (1 = after every op); between them only what each op touched
           [--emit-c FILE]: the C reproducer of a failure (Linux 6.1 userspace subset)
  replay   TRACE... [--design NAME|FILE] [--verbose] [--emit-c FILE]
  shrink   TRACE [--design NAME|FILE] [--time 20s] [--emit-c FILE]
  mutants  [--seeds 20] [--runs-per-seed 128] [--time-per-mutant 10s] [--max-ops 400]
           [--shrink-time 30s] [--kill-ratio 0.95] [--seed 1] [--mutant NAME ...]
           [--format text|json|markdown] [--list]: how fast the harness kills every mutant.
           Seed i (--seed + i) of a mutant is a campaign of runs of --max-ops ops, the
           configs in turn; it stops at the first kill (the same ops must hold on the base
           design), after --runs-per-seed runs, or after --time-per-mutant, whichever comes
           first (the runs budget decides on an unloaded machine; seeds cut by time are
           counted). Time budgets and times are CPU time of the process, so other jobs on
           the machine slow the run down but do not change its verdict. A mutant passes
           when at least --kill-ratio of its seeds kill it and every shrunk kill (own
           budget --shrink-time) is at most 1.5 x its shortest. --mutant is repeatable.
  compare  [--designs NAME ...] [--workload NAME ...] [--format text|markdown|json|html]:
           each design's cost on the named workloads, with its verdict
  validate FILE [--time 60s] [--workload NAME ...]: a design proposal (knob file or
           module) through the properties and the drain, then its costs
  explore  [--design NAME|FILE] [--mutant NAME] [--cpus 2..4] [--mode random|exhaustive|sequential]
           [--max-ops K] [--time 30s] [--seed N] [--sync-swapin swap-cache|skip-pinned|skip-unpinned]
           [--config explore|explore-zswap] [--family pairs|lifecycle] [--preemptions N]
           [--replay TRACE]: the model checker (interleavings)
${kernelUsage}
  designs  list the built-in designs and knobs
  help     this text`;

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Parses `30s`, `2m`, `500ms` or plain seconds. */
export function parseDuration(text: string, flag = '--time'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  if (match === null) throw new InputError(`${flag}: expected a duration like 30s, 2m or 500ms, got '${text}'`);
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  return unit === 'ms' ? amount : unit === 's' ? amount * 1000 : amount * 60_000;
}

function parseCount(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new InputError(`${flag}: expected an integer in ${min}..${max}, got '${text}'`);
  }
  return Number(text);
}

function loadConfigs(flag: string | undefined): { label: string; configs: Config[] } {
  if (flag === undefined || flag === 'mixed') {
    return { label: `mixed (${Object.keys(configPresets).join(', ')})`, configs: Object.values(configPresets) };
  }
  if (Object.hasOwn(configPresets, flag)) return { label: flag, configs: [configPresets[flag as ConfigPresetName]] };
  let text: string;
  try {
    text = readFileSync(flag, 'utf8');
  } catch {
    throw new InputError(`--config: cannot read '${flag}' (expected tiny, default, mixed or a JSON file)`);
  }
  const wrapped = `{"format":"${traceFormat}","version":${traceVersion},"design":"classic","config":${text},"ops":[]}`;
  const trace = parseTrace(wrapped, flag);
  return { label: flag, configs: [resolveConfig(trace.config)] };
}

interface DesignChoice {
  readonly name: string;
  readonly ref: DesignRef;
}

/** A --design value: a built-in name, or a JSON knob file `{"base": NAME, "knobs": {...}}`. */
export function designRefFromFlag(text: string): DesignRef {
  if (!text.endsWith('.json')) return text;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(text, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not JSON';
    throw new InputError(`--design: cannot read knob file '${text}' (${reason})`);
  }
  const result = v.safeParse(designRefSchema, json);
  if (!result.success) throw new InputError(`${text}: ${describeIssues(result.issues)}`);
  return result.output;
}

function selectDesigns(names: readonly string[]): DesignChoice[] {
  const refs: DesignRef[] = names.length === 0 || names.includes('all') ? designNames() : names.map(designRefFromFlag);
  return refs.map((ref) => ({ name: resolveDesign(ref).name, ref }));
}

function progressPrinter(): (progress: CampaignProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  return (progress) => {
    const rate = progress.elapsedMs > 0 ? Math.round((progress.ops * 1000) / progress.elapsedMs) : 0;
    const line = `${progress.design}: ${progress.runs} runs, ${progress.ops} ops, ${rate} ops/s, ${progress.failures} failed`;
    if (tty) {
      const filled = Math.round(progress.fraction * 20);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${String(Math.round(progress.fraction * 100)).padStart(3)}%`;
      process.stderr.write(`\r\x1b[2K${bar} ${line}`);
    } else if (performance.now() - lastLine > 5000) {
      lastLine = performance.now();
      process.stderr.write(`${line}\n`);
    }
  };
}

/** Writes the shrunk failure of `summary` as a trace in `dir`; returns its path. */
function writeShrunkTrace(dir: string, summary: DesignSummary, seed: number, note: string): string {
  const failure = summary.failure;
  if (failure === null) throw new Error('no failure');
  const trace: Trace = {
    format: traceFormat,
    version: traceVersion,
    design: summary.ref,
    config: failure.config,
    seed: failure.runSeed,
    note,
    ops: failure.shrunk.ops,
  };
  const safeName = summary.design.replace(/[^a-z0-9-]+/gi, '_');
  const path = join(dir, `${safeName}-seed${seed}-run${failure.runIndex}.json`);
  writeFileAtomic(path, formatTrace(trace));
  return path;
}

function writeFailureTrace(outDir: string, summary: DesignSummary, seed: number): string {
  const failure = summary.failure;
  if (failure === null) throw new Error('no failure');
  const note = `found by 'swapcheck run --seed ${seed}', run ${failure.runIndex}; ${describeFailure(failure.shrunk.failure)}`;
  return writeShrunkTrace(outDir, summary, seed, note);
}

function printSummary(summaries: readonly DesignSummary[]): void {
  out('');
  out(`${'design'.padEnd(22)} ${'runs'.padStart(6)} ${'ops'.padStart(9)} ${'ops/s'.padStart(8)}  result  op mix`);
  for (const s of summaries) {
    const rate = s.elapsedMs > 0 ? Math.round((s.ops * 1000) / s.elapsedMs) : 0;
    const result = s.failure === null ? 'pass' : 'FAIL';
    out(`${s.design.padEnd(22)} ${String(s.runs).padStart(6)} ${String(s.ops).padStart(9)} ${String(rate).padStart(8)}  ${result.padEnd(6)}  ${formatOpMix(s)}`);
  }
  out('');
  out('interesting states reached (count summed over runs):');
  for (const s of summaries) {
    const reached = Object.entries(s.marks)
      .filter(([, count]) => count > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => `${name} ${count}`);
    out(`  ${s.design}: ${reached.length === 0 ? '(none)' : reached.join(', ')}`);
  }
}

/** Parses `I/N` (1-based shard I of N). */
export function parseShard(text: string | undefined): { shardIndex: number; shardCount: number } {
  if (text === undefined) return { shardIndex: 0, shardCount: 1 };
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new InputError(`--shard: expected I/N with 1 <= I <= N, got '${text}'`);
  }
  return { shardIndex: index - 1, shardCount: count };
}

async function commandRun(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      design: { type: 'string', multiple: true },
      seed: { type: 'string' },
      runs: { type: 'string' },
      time: { type: 'string' },
      'max-ops': { type: 'string' },
      config: { type: 'string' },
      out: { type: 'string' },
      workers: { type: 'string' },
      shard: { type: 'string' },
      format: { type: 'string' },
      'save-regressions': { type: 'boolean' },
      'full-check-every': { type: 'string' },
      'emit-c': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.runs !== undefined && values.time !== undefined) throw new InputError('--runs and --time exclude each other');
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'junit') {
    throw new InputError(`--format: expected text, json or junit, got '${format}'`);
  }
  const seed = parseCount('--seed', values.seed, 0, 0xffffffff) ?? randomInt(0, 0xffffffff);
  const runs = parseCount('--runs', values.runs, 1, 1_000_000_000);
  const timeMs = values.time === undefined ? (runs === undefined ? 30_000 : undefined) : parseDuration(values.time);
  const opsPerRun = parseCount('--max-ops', values['max-ops'], 1, 10_000_000) ?? 400;
  const workers = parseCount('--workers', values.workers, 1, 64) ?? 1;
  const fullCheckEvery = parseCount('--full-check-every', values['full-check-every'], 1, 1_000_000_000) ?? checkerOptionsCampaign.fullCheckEvery;
  const shard = parseShard(values.shard);
  const designsChosen = selectDesigns(values.design ?? []);
  const { label, configs } = loadConfigs(values.config);
  const outDir = values.out ?? 'swapcheck-failures';
  checkWritableDir(outDir, '--out');
  const text = format === 'text';
  const budget = runs === undefined ? `${(timeMs ?? 0) / 1000}s` : `${runs} runs per design`;
  const shardText = shard.shardCount === 1 ? '' : `; shard ${shard.shardIndex + 1}/${shard.shardCount}`;
  const say = (line = '') => (text ? out(line) : process.stderr.write(`${line}\n`));
  say(`swapcheck run: seed ${seed}`);
  say(`designs ${designsChosen.map((d) => d.name).join(', ')}; config ${label}; ${opsPerRun} ops per run; budget ${budget}${shardText}`);
  const result = await withPool(workers, (execute) =>
    runCampaign({
      designs: designsChosen.map((d) => d.ref),
      configs,
      seed,
      opsPerRun,
      checker: { ...checkerOptionsCampaign, fullCheckEvery },
      ...shard,
      onProgress: progressPrinter(),
      concurrency: workers * 2,
      ...(execute === undefined ? {} : { execute }),
      ...(runs === undefined ? {} : { runs }),
      ...(timeMs === undefined ? {} : { timeMs }),
    }),
  );
  if (process.stderr.isTTY === true) process.stderr.write('\r\x1b[2K');
  const idle = result.designs.find((s) => s.runs === 0);
  if (idle !== undefined) {
    throw new InputError(`the budget was too small for a single run of ${idle.design}; raise --time or use --runs`);
  }
  const designFlags = designsChosen.length === designNames().length ? '' : designsChosen.map((d) => ` --design ${d.name}`).join('');
  const configFlag = values.config === undefined ? '' : ` --config ${values.config}`;
  const shardFlag = values.shard === undefined ? '' : ` --shard ${values.shard}`;
  // Checks that find a bug at a different step may also differ in which run fails first.
  const checkFlag = values['full-check-every'] === undefined ? '' : ` --full-check-every ${fullCheckEvery}`;
  const tracePaths = new Map<string, string>();
  const failedDesigns = result.designs.filter((s) => s.failure !== null);
  for (const s of result.designs) {
    const failure = s.failure;
    if (failure === null) continue;
    const path = writeFailureTrace(outDir, s, seed);
    tracePaths.set(s.design, path);
    if (values['save-regressions'] === true) tracePaths.set(`${s.design}#regression`, saveRegression(s, seed));
    const shrunk = failure.shrunk;
    say('');
    say(`FAIL ${s.design}: run ${failure.runIndex} (run seed ${failure.runSeed}), ${failure.ops.length} ops, shrunk to ${shrunk.ops.length} ops in ${Math.round(shrunk.elapsedMs)} ms`);
    for (const line of formatOps(shrunk.ops, shrunk.failure)) say(line);
    for (const line of formatDivergence(shrunk.failure)) say(line);
    say(`  trace:     ${path}`);
    if (values['emit-c'] !== undefined) {
      const target = emitTarget(values['emit-c'], s.design, failedDesigns.length > 1);
      say(`  ${emitReproducer(target, failure.config, shrunk.ops, path)}`);
    }
    say(`  replay:    swapcheck replay ${path}`);
    say(`  reproduce: swapcheck run --seed ${seed} --runs ${failure.runIndex + 1} --max-ops ${opsPerRun}${configFlag}${shardFlag}${checkFlag} --design ${s.design}`);
  }
  const passed = result.designs.reduce((sum, s) => sum + s.runsPassed, 0);
  const failed = result.designs.filter((s) => s.failure !== null).length;
  const runsFlag = runs === undefined ? ` --time ${values.time ?? '30s'}` : ` --runs ${runs}`;
  const reproduce = `swapcheck run --seed ${seed}${runsFlag} --max-ops ${opsPerRun}${configFlag}${shardFlag}${checkFlag}${designFlags}`;
  if (format === 'json') {
    out(JSON.stringify(campaignJson(result, { seed, config: label, opsPerRun, fullCheckEvery, reproduce, tracePaths, passed, failed }), null, 2));
  } else if (format === 'junit') {
    out(campaignJunit(result, tracePaths));
  } else {
    printSummary(result.designs);
    out('');
    out(`reproduce: ${reproduce}`);
    out(`${passed} passed, ${failed} failed`);
  }
  return failed === 0 ? 0 : 1;
}

function saveRegression(summary: DesignSummary, seed: number): string {
  const failure = summary.failure;
  if (failure === null) throw new Error('no failure');
  return writeShrunkTrace(regressionDir(), summary, seed, `caught: ${describeFailure(failure.shrunk.failure)}`);
}

/** The `version` field of a trace file, or null when it cannot be read as JSON. */
function traceVersionOf(path: string): unknown {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version ?? null;
  } catch {
    return null;
  }
}

function commandReplay(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { design: { type: 'string' }, verbose: { type: 'boolean' }, 'emit-c': { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new InputError('replay: expected at least one TRACE file');
  // A concurrent trace (version 2) replays its schedule through the explorer.
  if (positionals.length === 1 && traceVersionOf(positionals[0] as string) === 2) {
    return commandReplayConcurrent(positionals[0] as string, values.design);
  }
  const traces = positionals.map((path) => ({ path, trace: readTrace(path) }));
  let failed = 0;
  for (const { path, trace } of traces) {
    const design = resolveDesign(values.design === undefined ? trace.design : designRefFromFlag(values.design));
    const config = resolveConfig(trace.config);
    const result = replayOps(design, config, trace.ops, undefined, true, (index, op, checker) => {
      if (values.verbose !== true) return;
      out(`${String(index + 1).padStart(4)}  ${JSON.stringify(op)}`);
      out(`      model: ${JSON.stringify(checker.observation)}`);
    });
    if (result.failure === null) {
      out(`${basename(path)} (${design.name}): holds, ${trace.ops.length} ops`);
    } else {
      failed++;
      out(`${basename(path)} (${design.name}): FAILS`);
      for (const line of formatOps(trace.ops, result.failure)) out(line);
      for (const line of formatDivergence(result.failure)) out(line);
    }
    if (values['emit-c'] !== undefined) {
      const target = emitTarget(values['emit-c'], basename(path).replace(/\.json$/, ''), traces.length > 1);
      out(`  ${emitReproducer(target, config, trace.ops, path, trace.note)}`);
    }
  }
  out(`${traces.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function commandShrink(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { design: { type: 'string' }, time: { type: 'string' }, 'emit-c': { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new InputError('shrink: expected exactly one TRACE file');
  const path = positionals[0] as string;
  const trace = readTrace(path);
  const design = resolveDesign(values.design === undefined ? trace.design : designRefFromFlag(values.design));
  const config = resolveConfig(trace.config);
  const result = replayOps(design, config, trace.ops);
  if (result.failure === null) {
    out(`${basename(path)} (${design.name}): holds; nothing to shrink`);
    return 0;
  }
  const timeMs = values.time === undefined ? 20_000 : parseDuration(values.time);
  // A trace on a preset config may move to another preset on which it fails sooner.
  const presets = Object.entries(configPresets) as [ConfigPresetName, Config][];
  const others = typeof trace.config === 'string' ? presets.map(([, preset]) => preset) : [];
  const shrunk = shrinkTrace(design, config, trace.ops, result.failure, { timeMs, attemptsMax: 1_000_000 }, undefined, others);
  const shrunkConfig = presets.find(([, preset]) => preset === shrunk.config)?.[0] ?? trace.config;
  const target = path.replace(/(\.min)?\.json$/, '') + '.min.json';
  writeFileAtomic(target, formatTrace({ ...trace, config: shrunkConfig, note: describeFailure(shrunk.failure), ops: shrunk.ops }));
  out(`${basename(path)}: ${shrunk.lengthBefore} ops -> ${shrunk.ops.length} ops in ${Math.round(shrunk.elapsedMs)} ms (${shrunk.attempts} replays)`);
  for (const line of formatOps(shrunk.ops, shrunk.failure)) out(line);
  for (const line of formatDivergence(shrunk.failure)) out(line);
  out(`wrote ${target}`);
  if (values['emit-c'] !== undefined) out(emitReproducer(values['emit-c'], shrunk.config, shrunk.ops, target));
  return 1;
}

/** Least time per seed for a race mutant in `swapcheck mutants`. */
const raceSeedMsMin = 10_000;

function commandMutants(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      seeds: { type: 'string' },
      'time-per-mutant': { type: 'string' },
      'runs-per-seed': { type: 'string' },
      'max-ops': { type: 'string' },
      'kill-ratio': { type: 'string' },
      'shrink-time': { type: 'string' },
      seed: { type: 'string' },
      mutant: { type: 'string', multiple: true },
      format: { type: 'string' },
      list: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'markdown') {
    throw new InputError(`--format: expected text, json or markdown, got '${format}'`);
  }
  if (values.list === true) {
    for (const [name, doc] of Object.entries(mutantCatalogue)) out(`${name.padEnd(34)} ${doc.designs[0]}: ${doc.summary}`);
    return 0;
  }
  const names = values.mutant ?? Object.keys(mutantCatalogue);
  for (const name of names) {
    if (!Object.hasOwn(mutantCatalogue, name)) throw new InputError(`unknown mutant '${name}' (swapcheck mutants --list)`);
  }
  const seeds = parseCount('--seeds', values.seeds, 1, 10_000) ?? 20;
  const timeMs = values['time-per-mutant'] === undefined ? 10_000 : parseDuration(values['time-per-mutant'], '--time-per-mutant');
  const ratioText = values['kill-ratio'] ?? '0.95';
  const ratio = Number(ratioText);
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(ratioText) || ratio <= 0) {
    throw new InputError(`--kill-ratio: expected a number in (0, 1], got '${ratioText}'`);
  }
  const seedBase = parseCount('--seed', values.seed, 0, 0xffffffff) ?? 1;
  const runsPerSeed = parseCount('--runs-per-seed', values['runs-per-seed'], 1, 1_000_000) ?? 128;
  // One and a half times the budget `swapcheck run` gives its failure's shrink
  // (shrinkBudgetDefault): the self-check splits it over a portfolio of kills, and it is CPU
  // time, which still grows under load (docs/mutants.md, run 11: one seed of
  // bitmap-bad-slot-used that reaches 9 ops alone stopped at 18 in a loaded 3-process run).
  const shrinkMs = values['shrink-time'] === undefined ? (shrinkBudgetDefault.timeMs * 3) / 2 : parseDuration(values['shrink-time'], '--shrink-time');
  // Race mutants are killed by the explorer (schedules, not ops, to kill); the rest by `run`.
  const raceNames = new Set(names.filter((name) => mutantCatalogue[name]?.race !== undefined));
  const sequential = checkMutants(
    {
      seeds,
      // Each seed's campaign has the whole time budget; the runs budget normally ends it first.
      timeMsPerSeed: timeMs,
      runsPerSeed,
      opsPerRun: parseCount('--max-ops', values['max-ops'], 1, 1_000_000) ?? 400,
      configs: Object.values(configPresets),
      // Shrinking is not part of the time to kill; it gets its own budget per kill.
      shrinkMs,
      seedBase,
      // Budgets and times are process CPU time, so other jobs on the machine do not decide.
      clock: cpuClock,
      onMutant: (name, result) => {
        if (process.stderr.isTTY === true || format !== 'text') process.stderr.write(`${name}: ${result.killed}/${result.seeds}\n`);
      },
    },
    names.filter((name) => !raceNames.has(name)),
  );
  const results = names.map((name) => {
    if (!raceNames.has(name)) return sequential.find((result) => result.name === name) as (typeof sequential)[number];
    // A race needs a scenario and a schedule to line up: each seed gets at least 10 s.
    const result = checkRaceMutant(name, seeds, seedBase, Math.max(timeMs, raceSeedMsMin), shrinkMs, cpuClock);
    if (process.stderr.isTTY === true || format !== 'text') process.stderr.write(`${name}: ${result.killed}/${result.seeds}\n`);
    return result;
  });
  const rows = results.map((r) => ({ ...r, verdict: mutantVerdict(r, ratio) }));
  const bad = rows.filter((r) => r.verdict !== 'killed');
  if (format === 'json') {
    out(JSON.stringify({ format: 'swapcheck-mutants', version: 1, seeds, seedBase, runsPerSeed, timeMsPerMutant: timeMs, clock: 'cpu', killRatio: ratio, mutants: rows.map(({ doc, ...rest }) => ({ ...rest, shortest: doc.shortest, catches: doc.catches })) }, null, 2));
  } else {
    const header = ['mutant', 'design', 'killed', 'timed out', 'median runs', 'median ops/schedules', 'median ms', 'shrunk', 'shortest', 'verdict'];
    const cells = rows.map((r) => [r.name, r.design, `${r.killed}/${r.seeds}`, String(r.timedOut), String(r.medianRunsToKill ?? '-'), String(r.medianOpsToKill ?? '-'), r.medianMsToKill === null ? '-' : String(Math.round(r.medianMsToKill)), String(r.shrunkLengthMax ?? '-'), String(r.doc.shortest), r.verdict]);
    if (format === 'markdown') {
      out(`| ${header.join(' | ')} |`);
      out(`|${header.map(() => '---').join('|')}|`);
      for (const row of cells) out(`| ${row.join(' | ')} |`);
    } else {
      const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] as string).length)));
      out(header.map((h, i) => h.padEnd(widths[i] as number)).join('  '));
      for (const row of cells) out(row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  '));
    }
  }
  if (format !== 'json') out(`${rows.length - bad.length} passed, ${bad.length} failed`);
  return bad.length === 0 ? 0 : 1;
}

function commandDesigns(): number {
  out('built-in designs:');
  for (const [name, design] of Object.entries(designs)) {
    out(`  ${name.padEnd(22)} ${design.summary}`);
    out(`  ${''.padEnd(22)} knobs: ${Object.entries(design.knobs).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  }
  out('');
  out('knobs:');
  for (const [name, doc] of Object.entries(knobDocs)) {
    out(`  ${name}: ${doc.meaning}`);
    out(`    values: ${doc.values.join(' | ')}; default ${doc.default}`);
  }
  return 0;
}

/** The usage lines of one command (its entry in `usage`), or null for an unknown command. */
export function usageOf(command: string): string | null {
  const lines = usage.split('\n');
  const isEntry = (line: string) => line.startsWith(`  ${command} `) || line === `  ${command}`;
  if (!lines.some(isEntry)) return null;
  // A command may have several entries (kernel: traces, --random, --profile); each with its
  // continuation lines. 'usage: swapcheck ' is 14 characters longer than the list's indent.
  const out: string[] = [];
  lines.forEach((line, index) => {
    if (!isEntry(line)) return;
    out.push(`${out.length === 0 ? 'usage: swapcheck ' : '       swapcheck '}${line.slice(2)}`);
    for (let next = index + 1; next < lines.length && (lines[next] as string).startsWith('           '); next++) out.push(`${' '.repeat(14)}${lines[next] as string}`);
  });
  return out.join('\n');
}

const commandNames = ['run', 'replay', 'shrink', 'mutants', 'compare', 'validate', 'explore', 'kernel', 'designs', 'help'];

/** The --emit-c file of one of several reproducers: FILE with `-NAME` before `.c`. */
function emitTarget(file: string, name: string, several: boolean): string {
  if (!several) return file;
  const safe = name.replace(/[^a-z0-9-]+/gi, '_');
  return file.endsWith('.c') ? `${file.slice(0, -2)}-${safe}.c` : `${file}-${safe}.c`;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    // `swapcheck COMMAND --help` (or -h) prints that command's usage.
    if (command !== undefined && commandNames.includes(command) && (rest.includes('--help') || rest.includes('-h'))) {
      out(usageOf(command) ?? usage);
      return 0;
    }
    switch (command) {
      case 'run':
        return await commandRun(rest);
      case 'replay':
        return commandReplay(rest);
      case 'shrink':
        return commandShrink(rest);
      case 'compare':
        return commandCompare(rest);
      case 'validate':
        return await commandValidate(rest);
      case 'designs':
        return commandDesigns();
      case 'mutants':
        return commandMutants(rest);
      case 'explore':
        return commandExplore(rest);
      case 'kernel':
        return await commandKernel(rest);
      case 'help':
      case '--help':
      case '-h':
        out(usage);
        return 0;
      default:
        throw new InputError(command === undefined ? `expected a command (${commandNames.join(', ')})` : `unknown command '${command}' (known: ${commandNames.join(', ')})`);
    }
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`swapcheck: ${error.message}\n`);
      return 2;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`swapcheck: ${error.message.split('\n')[0]}\n`);
      return 2;
    }
    throw error;
  }
}


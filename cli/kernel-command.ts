/**
 * `swapcheck kernel`: the kernel as a second oracle. With trace files, translates each into a
 * userspace program (or says why it cannot), runs the programs on Linux 6.1 under User-Mode
 * Linux and compares every step with the model. With --random, runs the differential
 * campaign of random expressible programs, shrinks each new kind of divergence with the kernel
 * in the loop and writes it as a trace, a C reproducer and the kernel's output. --emit-c
 * writes the C reproducers (with or without UML installed); --profile lists what the
 * linux-6.1 profile changes.
 *
 * Exit codes: 0 every program ran and agreed, 1 a divergence or a program that could not run,
 * 2 a usage or input error, no UML, or nothing expressible to run.
 *
 * Not covered here: the oracle itself (kernel/).
 */
import { randomInt } from 'node:crypto';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { formatOp } from '../lib/ops.ts';
import { formatAction } from '../kernel/actions.ts';
import type { KernelCampaignFailure } from '../kernel/campaign.ts';
import { runKernelCampaign } from '../kernel/campaign.ts';
import { emitC } from '../kernel/emit-c.ts';
import type { MemcgMode } from '../kernel/generator.ts';
import { memcgModes } from '../kernel/generator.ts';
import type { OracleJob, OracleResult, OracleRun } from '../kernel/oracle.ts';
import { runOnKernel } from '../kernel/oracle.ts';
import type { KernelProgram } from '../kernel/program.ts';
import { linux61 } from '../kernel/profile.ts';
import type { TranslationRefusal } from '../kernel/translate.ts';
import { translate } from '../kernel/translate.ts';
import { checkClaimsOnKernel, checkClaimsOnModel } from '../kernel/facts.ts';
import { findUml, umlMissingMessage } from '../kernel/uml.ts';
import type { UmlTools } from '../kernel/uml.ts';
import type { Trace } from '../properties/trace.ts';
import { InputError, checkWritableDir, formatTrace, readTrace, resolveConfig, traceFormat, traceVersion, writeFileAtomic } from '../properties/trace.ts';

export const kernelUsage = `  kernel   TRACE... [--emit-c DIR] [--emit-only] [--no-drain] [--batch 32] [--timeout 120s]
           runs each trace as a C program on Linux 6.1 (User-Mode Linux) and compares every
           step with the model; --emit-c writes the C reproducers, --emit-only skips the run
  kernel   --random [--runs 50] [--seed N] [--steps 24] [--memcg sometimes|always|never]
           [--out DIR] [--max-failures 3] [--shrink-time 120s] [--batch 32]: the
           differential campaign of random programs (--memcg: which run in a memcg)
  kernel   --profile: what the linux-6.1 profile rejects, adjusts and maps`;

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function count(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new InputError(`${flag}: expected an integer in ${min}..${max}, got '${text}'`);
  return Number(text);
}

function duration(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  if (match === null) throw new InputError(`${flag}: expected a duration like 30s, 2m or 500ms, got '${text}'`);
  const amount = Number(match[1]);
  return match[2] === 'ms' ? amount : match[2] === 'm' ? amount * 60_000 : amount * 1000;
}

export async function commandKernel(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      random: { type: 'boolean' },
      profile: { type: 'boolean' },
      runs: { type: 'string' },
      seed: { type: 'string' },
      steps: { type: 'string' },
      memcg: { type: 'string' },
      out: { type: 'string' },
      'max-failures': { type: 'string' },
      'shrink-time': { type: 'string' },
      batch: { type: 'string' },
      timeout: { type: 'string' },
      'emit-c': { type: 'string' },
      'emit-only': { type: 'boolean' },
      'no-drain': { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.profile === true) return printProfile();
  const batchSize = count('--batch', values.batch, 32, 1, 256);
  if (values.random === true) {
    if (positionals.length > 0) throw new InputError('kernel --random takes no TRACE files');
    return campaign(values, batchSize);
  }
  if (positionals.length === 0) throw new InputError('kernel: expected TRACE files, --random or --profile');
  const timeoutMs = values.timeout === undefined ? undefined : duration('--timeout', values.timeout, 0);
  return runTraces(positionals, { emitDir: values['emit-c'], emitOnly: values['emit-only'] === true, drain: values['no-drain'] !== true, batchSize, timeoutMs });
}

function printProfile(): number {
  out(`profile ${linux61.name}: ${linux61.kernel}`);
  for (const entry of linux61.entries) {
    out('');
    out(`${entry.id} (${entry.kind}): ${entry.summary}`);
    out(`  effect: ${entry.effect}`);
    out(`  source: ${entry.source}`);
  }
  return 0;
}

function needUml(): UmlTools {
  const tools = findUml();
  if (tools === null) throw new InputError(umlMissingMessage);
  return tools;
}

/** The kernel program of a trace's ops, or why the profile cannot express it. */
export function traceProgram(config: Config, ops: readonly Op[], drain = true): { program: KernelProgram } | { refusal: TranslationRefusal } {
  const translation = translate(config, ops, { drain });
  return translation.ok ? { program: translation.program } : { refusal: translation };
}

/** One line saying why a trace is not expressible. */
export function describeRefusal(refusal: TranslationRefusal): string {
  const where = refusal.op === 0 ? 'config' : `op ${refusal.op}`;
  return `not expressible on ${linux61.name}: ${where}: ${refusal.reason} [${refusal.entry}]`;
}

/**
 * Writes the C reproducer of a trace's ops to `path` (atomically) and returns a line saying
 * so, or why the trace has none. Used by --emit-c of run, replay and shrink.
 */
export function emitReproducer(path: string, config: Config, ops: readonly Op[], origin: string, note?: string): string {
  const result = traceProgram(config, ops);
  if ('refusal' in result) return `no C reproducer: ${describeRefusal(result.refusal)}`;
  writeFileAtomic(path, emitC(result.program, { origin, ...(note === undefined ? {} : { note }) }));
  return `C reproducer: ${path} (gcc -static -o repro ${path}; see docs/kernel-oracle.md to run it)`;
}

interface TraceRunOptions {
  readonly emitDir: string | undefined;
  readonly emitOnly: boolean;
  readonly drain: boolean;
  readonly batchSize: number;
  readonly timeoutMs: number | undefined;
}

async function runTraces(paths: readonly string[], options: TraceRunOptions): Promise<number> {
  if (options.emitDir !== undefined) checkWritableDir(options.emitDir, '--emit-c');
  const traces = paths.map((path) => ({ path, trace: readTrace(path) }));
  const claims = new Map(traces.flatMap(({ path, trace }) => (trace.kernel === undefined ? [] : [[path, trace.kernel] as const])));
  const jobs: OracleJob[] = [];
  let refused = 0;
  for (const { path, trace } of traces) {
    const result = traceProgram(resolveConfig(trace.config), trace.ops, options.drain);
    if ('refusal' in result) {
      refused += 1;
      out(`${basename(path)}: ${describeRefusal(result.refusal)}`);
      continue;
    }
    const job: OracleJob = { name: path, program: result.program, source: { origin: path, ...(trace.note === undefined ? {} : { note: trace.note }) } };
    jobs.push(job);
    if (options.emitDir !== undefined) {
      const target = join(options.emitDir, `${basename(path).replace(/\.json$/, '')}.c`);
      writeFileAtomic(target, emitC(job.program, job.source));
      out(`${basename(path)}: C reproducer ${target}`);
    }
  }
  if (options.emitOnly) return jobs.length === 0 ? 2 : 0;
  if (jobs.length === 0) {
    out(`0 passed, 0 failed, ${refused} not expressible`);
    return 2;
  }
  const tools = needUml();
  const run = await runOnKernel(tools, jobs, {
    batchSize: options.batchSize,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    onBoot: (done, total) => say(`kernel: ${done}/${total} programs run`),
    onRetry: (tail) => say(`kernel: a boot died before running its programs; booting again${tail}`),
  });
  let failed = 0;
  let errors = 0;
  for (const result of run.results) {
    const name = basename(result.job.name);
    const scenario = claims.get(result.job.name);
    if (result.verdict.kind === 'error') {
      errors += 1;
      out(`${name}: ERROR: ${result.verdict.message}`);
      continue;
    }
    if (scenario !== undefined) {
      // A scenario's claims are the kernel's behaviour; the model is judged against them.
      const observations = new Map([...result.parsed.steps].map(([index, step]) => [index, step.observation]));
      const onKernel = checkClaimsOnKernel(result.job.program, scenario, observations);
      const onModel = checkClaimsOnModel(result.job.program, scenario);
      if (onKernel.length > 0) {
        failed += 1;
        out(`${name}: the kernel breaks the scenario's claims (${scenario.source})`);
        for (const line of onKernel) out(`  - ${line}`);
        continue;
      }
      const model = onModel.length === 0 ? 'the model agrees' : `the model disagrees${scenario.modelDisagrees === undefined ? '' : ` (known: ${scenario.modelDisagrees})`}`;
      out(`${name}: the kernel keeps the scenario's claims; ${model}`);
      for (const line of onModel) out(`  - model: ${line}`);
      if (onModel.length > 0 && scenario.modelDisagrees === undefined) failed += 1;
      continue;
    }
    if (result.verdict.kind === 'pass') {
      out(`${name}: holds on the kernel, ${result.job.program.steps.length} steps`);
      continue;
    }
    failed += 1;
    out(`${name}: DIFFERS on the kernel`);
    for (const line of describeFailure(result)) out(`  ${line}`);
  }
  out(`${run.results.length - failed - errors} passed, ${failed} failed, ${errors} errors, ${refused} not expressible${bootSummary(run)}`);
  return failed + errors > 0 ? 1 : 0;
}

function bootSummary(run: OracleRun): string {
  const boots = run.boots.length;
  if (boots === 0) return '';
  const bootMs = run.boots.reduce((sum, boot) => sum + boot.bootMs, 0) / boots;
  return ` (${boots} boot${boots === 1 ? '' : 's'}, ${(bootMs / 1000).toFixed(1)} s to boot)`;
}

/** The program's steps up to the first failing one, the differences there, in kernel words. */
export function describeFailure(result: OracleResult): string[] {
  const verdict = result.verdict;
  if (verdict.kind !== 'fail') return [];
  const program = result.job.program;
  const lines: string[] = [];
  for (const step of program.steps) {
    if (step.index > verdict.stepIndex) break;
    const ops = step.ops.map((op, index) => `${step.drain ? 'drain' : `op ${(step.opIndices[index] ?? 0) + 1}`} ${formatOp(op)}`).join('; ');
    const marker = step.index === verdict.stepIndex ? '  <- differs' : '';
    lines.push(`step ${String(step.index).padStart(2)} ${formatAction(step.action)}${ops === '' ? '' : ` [${ops}]`}${marker}`);
  }
  if (verdict.stepIndex === 0) lines.push('the state after set-up differs');
  for (const difference of verdict.differences) lines.push(`  - ${difference.text}`);
  return lines;
}

interface CampaignFlags {
  readonly runs?: string | undefined;
  readonly seed?: string | undefined;
  readonly steps?: string | undefined;
  readonly memcg?: string | undefined;
  readonly out?: string | undefined;
  readonly 'max-failures'?: string | undefined;
  readonly 'shrink-time'?: string | undefined;
}

async function campaign(values: CampaignFlags, batchSize: number): Promise<number> {
  const seed = count('--seed', values.seed, randomInt(0, 0xffffffff), 0, 0xffffffff);
  const runs = count('--runs', values.runs, 50, 1, 1_000_000);
  const steps = count('--steps', values.steps, 24, 1, 10_000);
  const memcg = (values.memcg ?? 'sometimes') as MemcgMode;
  if (!memcgModes.includes(memcg)) throw new InputError(`--memcg: expected ${memcgModes.join(', ')}, got '${values.memcg}'`);
  const memcgFlag = memcg === 'sometimes' ? '' : ` --memcg ${memcg}`;
  const maxFailures = count('--max-failures', values['max-failures'], 3, 0, 1000);
  const shrinkMs = duration('--shrink-time', values['shrink-time'], 120_000);
  const outDir = values.out ?? 'swapcheck-failures';
  checkWritableDir(outDir, '--out');
  const tools = needUml();
  out(`swapcheck kernel --random: seed ${seed}; ${runs} programs of ${steps} actions, memcg ${memcg}; profile ${linux61.name} (${linux61.kernel})`);
  let stop = false;
  const onSignal = () => {
    stop = true;
    say('kernel: interrupted; finishing the current batch');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await runKernelCampaign(tools, {
      seed,
      runs,
      steps,
      memcg,
      batchSize,
      maxFailures,
      shrinkMs,
      stopped: () => stop,
      onProgress: (done, total, failed) => say(`kernel: ${done}/${total} programs, ${failed} differ`),
      onShrinkRound: (round, actions) => say(`kernel: shrink round ${round}: ${actions} actions`),
      onRetry: (tail) => say(`kernel: a boot died before running its programs; booting again${tail}`),
    });
    for (const failure of result.failures) writeFailure(failure, seed, `--steps ${steps}${memcgFlag}`, outDir);
    out('');
    const signatures = result.failures.length;
    const bootMs = result.boots.length === 0 ? 0 : result.boots.reduce((sum, boot) => sum + boot.bootMs, 0) / result.boots.length;
    out(`${result.programs} programs: ${result.passed} passed, ${result.failed} differ (${signatures} kind${signatures === 1 ? '' : 's'}), ${result.errors.length} errors${result.interrupted ? ' (interrupted)' : ''}`);
    out(`${result.memcgPrograms} programs in a memcg: ${result.memcgPassed} passed`);
    out(`${result.boots.length} boots, ${(bootMs / 1000).toFixed(1)} s to boot, ${result.programsPerSecond.toFixed(1)} programs/s`);
    const refusals = Object.entries(result.refused).sort(([a], [b]) => a.localeCompare(b));
    if (refusals.length > 0) out(`actions the profile refused while generating (others were drawn instead): ${refusals.map(([entry, times]) => `${entry} ${times}`).join(', ')}`);
    for (const error of result.errors.slice(0, 5)) out(`error in program ${error.index}: ${error.message}`);
    out(`reproduce: swapcheck kernel --random --seed ${seed} --runs ${runs} --steps ${steps}${memcgFlag}`);
    return result.failed + result.errors.length > 0 || result.interrupted ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

function writeFailure(failure: KernelCampaignFailure, seed: number, flags: string, outDir: string): void {
  const shrunk = failure.shrunk;
  const program = shrunk?.program ?? failure.generated.program;
  const result = shrunk?.result ?? failure.result;
  const base = join(outDir, `kernel-seed${seed}-program${failure.index}`);
  const origin = `swapcheck kernel --random --seed ${seed} ${flags}, program ${failure.index}${shrunk === null ? '' : ', shrunk'}`;
  const note = `kernel divergence (${failure.signature}): ${result.verdict.kind === 'fail' ? result.verdict.differences.map((d) => d.text).join('; ') : result.verdict.kind}`;
  const trace: Trace = {
    format: traceFormat,
    version: traceVersion,
    design: 'classic',
    config: program.config,
    seed: failure.generated.seed,
    note: `found by ${origin}: ${note}`,
    ops: program.ops.slice(0, program.sourceOps),
  };
  writeFileAtomic(`${base}.json`, formatTrace(trace));
  writeFileAtomic(`${base}.c`, emitC(program, { origin, note }));
  writeFileAtomic(`${base}.out.txt`, result.output);
  out('');
  out(`DIFFERS ${failure.signature}: ${failure.count} program${failure.count === 1 ? '' : 's'}, first program ${failure.index}`);
  if (shrunk !== null) {
    const status = shrunk.reproduced ? `shrunk ${shrunk.lengthBefore} -> ${shrunk.actions.length} actions in ${shrunk.rounds} rounds (${shrunk.programsRun} programs, ${Math.round(shrunk.elapsedMs / 1000)} s)` : 'did not come back when rerun: not shrunk (a flaky kernel behaviour, or timing)';
    out(`  ${status}`);
  }
  for (const line of describeFailure(result)) out(`  ${line}`);
  out(`  trace:  ${base}.json`);
  out(`  C:      ${base}.c`);
  out(`  output: ${base}.out.txt`);
  out(`  rerun:  swapcheck kernel ${base}.json`);
}

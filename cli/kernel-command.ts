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
import type { Command } from 'commander';
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
import {
  InputError,
  checkWritableDir,
  formatTrace,
  readTrace,
  resolveConfig,
  traceFormat,
  traceVersion,
  writeFileAtomic,
} from '../properties/trace.ts';
import type { CommandContext, CommandModule } from './command-module.ts';
import { commandLine } from './invocation.ts';
import type { Io } from './io.ts';
import { absolute, parseCount, parseDuration } from './options.ts';

interface KernelFlags {
  readonly random?: boolean;
  readonly profile?: boolean;
  readonly runs?: string;
  readonly seed?: string;
  readonly steps?: string;
  readonly memcg?: string;
  readonly out?: string;
  readonly maxFailures?: string;
  readonly shrinkTime?: string;
  readonly batch?: string;
  readonly timeout?: string;
  readonly emitC?: string;
  readonly emitOnly?: boolean;
  readonly drain?: boolean;
}

async function commandKernel(
  files: readonly string[],
  flags: KernelFlags,
  io: Io,
): Promise<number> {
  if (flags.profile === true) {
    if (files.length > 0 || flags.random === true)
      throw new InputError('kernel --profile takes no TRACE files and no --random');
    return printProfile(io);
  }
  const batchSize = parseCount('--batch', flags.batch, 1, 256) ?? 32;
  if (flags.random === true) {
    if (files.length > 0) throw new InputError('kernel --random takes no TRACE files');
    return campaign(flags, batchSize, io);
  }
  if (files.length === 0)
    throw new InputError('kernel: expected TRACE files, --random or --profile');
  const timeoutMs =
    flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
  return runTraces(
    files.map((file) => absolute(io.cwd, file)),
    {
      emitDir: flags.emitC === undefined ? undefined : absolute(io.cwd, flags.emitC),
      emitOnly: flags.emitOnly === true,
      drain: flags.drain !== false,
      batchSize,
      timeoutMs,
    },
    io,
  );
}

export const kernelCommand: CommandModule = {
  name: 'kernel',
  register(program: Command, context: CommandContext) {
    program
      .command('kernel')
      .description(
        'run traces, or random programs, as C programs on Linux 6.1 under User-Mode Linux and compare every step with the model (docs/kernel-oracle.md)',
      )
      .usage('TRACE... [options] | --random [options] | --profile')
      .argument('[traces...]', 'traces to run on the kernel')
      .option('--random', 'the differential campaign of random programs')
      .option('--profile', 'list what the linux-6.1 profile rejects, adjusts and maps')
      .option('--emit-c <dir>', "write each trace's C reproducer into DIR")
      .option('--emit-only', 'write the C reproducers and run nothing (no UML needed)')
      .option('--no-drain', 'do not append the drain (read back, unmap, swapoff)')
      .option('--batch <n>', 'programs per kernel boot (default 32)')
      .option('--timeout <duration>', 'time limit of one boot (default 120s)')
      .option('--runs <n>', '--random: programs to run (default 50)')
      .option('--seed <n>', '--random: campaign seed (default: a fresh one, printed)')
      .option('--steps <n>', '--random: actions per program (default 24)')
      .option(
        '--memcg <mode>',
        '--random: which programs run in a memcg: sometimes (about one in three), always or never (default sometimes)',
      )
      .option(
        '--out <dir>',
        '--random: where divergences are written (default ./swapcheck-failures)',
      )
      .option('--max-failures <n>', '--random: kinds of divergence to shrink and write (default 3)')
      .option('--shrink-time <duration>', '--random: shrink budget per divergence (default 120s)')
      .action(async (files: string[], flags: KernelFlags) =>
        context.exit(await commandKernel(files, flags, context.io)),
      );
  },
};

function printProfile(io: Io): number {
  io.out(`profile ${linux61.name}: ${linux61.kernel}`);
  for (const entry of linux61.entries) {
    io.out('');
    io.out(`${entry.id} (${entry.kind}): ${entry.summary}`);
    io.out(`  effect: ${entry.effect}`);
    io.out(`  source: ${entry.source}`);
  }
  return 0;
}

function needUml(): UmlTools {
  const tools = findUml();
  if (tools === null) throw new InputError(umlMissingMessage);
  return tools;
}

/** The kernel program of a trace's ops, or why the profile cannot express it. */
export function traceProgram(
  config: Config,
  ops: readonly Op[],
  drain = true,
): { program: KernelProgram } | { refusal: TranslationRefusal } {
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
export function emitReproducer(
  path: string,
  config: Config,
  ops: readonly Op[],
  origin: string,
  note?: string,
): string {
  const result = traceProgram(config, ops);
  if ('refusal' in result) return `no C reproducer: ${describeRefusal(result.refusal)}`;
  writeFileAtomic(path, emitC(result.program, { origin, ...(note === undefined ? {} : { note }) }));
  return `C reproducer: ${path} (gcc -static -o repro ${path}; see docs/kernel-oracle.md to run it)`;
}

/** The --emit-c file of one of several reproducers: FILE with `-NAME` before `.c`. */
export function emitTarget(file: string, name: string, several: boolean): string {
  if (!several) return file;
  return file.endsWith('.c') ? `${file.slice(0, -2)}-${name}.c` : `${file}-${name}.c`;
}

interface TraceRunOptions {
  readonly emitDir: string | undefined;
  readonly emitOnly: boolean;
  readonly drain: boolean;
  readonly batchSize: number;
  readonly timeoutMs: number | undefined;
}

async function runTraces(
  paths: readonly string[],
  options: TraceRunOptions,
  io: Io,
): Promise<number> {
  if (options.emitDir !== undefined) checkWritableDir(options.emitDir, '--emit-c');
  const traces = paths.map((path) => ({ path, trace: readTrace(path) }));
  const claims = new Map(
    traces.flatMap(({ path, trace }) =>
      trace.kernel === undefined ? [] : [[path, trace.kernel] as const],
    ),
  );
  const jobs: OracleJob[] = [];
  let refused = 0;
  for (const { path, trace } of traces) {
    const result = traceProgram(resolveConfig(trace.config), trace.ops, options.drain);
    if ('refusal' in result) {
      refused += 1;
      io.out(`${basename(path)}: ${describeRefusal(result.refusal)}`);
      continue;
    }
    const job: OracleJob = {
      name: path,
      program: result.program,
      source: { origin: path, ...(trace.note === undefined ? {} : { note: trace.note }) },
    };
    jobs.push(job);
    if (options.emitDir !== undefined) {
      const target = join(options.emitDir, `${basename(path).replace(/\.json$/, '')}.c`);
      writeFileAtomic(target, emitC(job.program, job.source));
      io.out(`${basename(path)}: C reproducer ${target}`);
    }
  }
  if (jobs.length === 0)
    throw new InputError(
      `no trace is expressible on ${linux61.name} (${refused} refused; the lines above say why)`,
    );
  if (options.emitOnly) return 0;
  const tools = needUml();
  const run = await runOnKernel(tools, jobs, {
    batchSize: options.batchSize,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    onBoot: (done, total) => io.err(`kernel: ${done}/${total} programs run`),
    onRetry: (tail) =>
      io.err(`kernel: a boot died before running its programs; booting again${tail}`),
  });
  let failed = 0;
  let errors = 0;
  for (const result of run.results) {
    const name = basename(result.job.name);
    const scenario = claims.get(result.job.name);
    if (result.verdict.kind === 'error') {
      errors += 1;
      io.out(`${name}: ERROR: ${result.verdict.message}`);
      continue;
    }
    if (scenario !== undefined) {
      // A scenario's claims are the kernel's behaviour; the model is judged against them.
      const observations = new Map(
        [...result.parsed.steps].map(([index, step]) => [index, step.observation]),
      );
      const onKernel = checkClaimsOnKernel(result.job.program, scenario, observations);
      const onModel = checkClaimsOnModel(result.job.program, scenario);
      if (onKernel.length > 0) {
        failed += 1;
        io.out(`${name}: the kernel breaks the scenario's claims (${scenario.source})`);
        for (const line of onKernel) io.out(`  - ${line}`);
        continue;
      }
      const model =
        onModel.length === 0
          ? 'the model agrees'
          : `the model disagrees${scenario.modelDisagrees === undefined ? '' : ` (known: ${scenario.modelDisagrees})`}`;
      io.out(`${name}: the kernel keeps the scenario's claims; ${model}`);
      for (const line of onModel) io.out(`  - model: ${line}`);
      if (onModel.length > 0 && scenario.modelDisagrees === undefined) failed += 1;
      continue;
    }
    if (result.verdict.kind === 'pass') {
      io.out(`${name}: holds on the kernel, ${result.job.program.steps.length} steps`);
      continue;
    }
    failed += 1;
    io.out(`${name}: DIFFERS on the kernel`);
    for (const line of describeFailure(result)) io.out(`  ${line}`);
  }
  io.out(
    `${run.results.length - failed - errors} passed, ${failed} failed, ${errors} errors, ${refused} not expressible${bootSummary(run)}`,
  );
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
    const ops = step.ops
      .map(
        (op, index) =>
          `${step.drain ? 'drain' : `op ${(step.opIndices[index] ?? 0) + 1}`} ${formatOp(op)}`,
      )
      .join('; ');
    const marker = step.index === verdict.stepIndex ? '  <- differs' : '';
    lines.push(
      `step ${String(step.index).padStart(2)} ${formatAction(step.action)}${ops === '' ? '' : ` [${ops}]`}${marker}`,
    );
  }
  if (verdict.stepIndex === 0) lines.push('the state after set-up differs');
  for (const difference of verdict.differences) lines.push(`  - ${difference.text}`);
  return lines;
}

async function campaign(flags: KernelFlags, batchSize: number, io: Io): Promise<number> {
  const seed = parseCount('--seed', flags.seed, 0, 0xffffffff) ?? randomInt(0, 0xffffffff);
  const runs = parseCount('--runs', flags.runs, 1, 1_000_000) ?? 50;
  const steps = parseCount('--steps', flags.steps, 1, 10_000) ?? 24;
  const memcg = (flags.memcg ?? 'sometimes') as MemcgMode;
  if (!memcgModes.includes(memcg))
    throw new InputError(`--memcg: expected ${memcgModes.join(', ')}, got '${flags.memcg}'`);
  const memcgArgs = memcg === 'sometimes' ? [] : ['--memcg', memcg];
  const maxFailures = parseCount('--max-failures', flags.maxFailures, 0, 1000) ?? 3;
  const shrinkMs =
    flags.shrinkTime === undefined ? 120_000 : parseDuration(flags.shrinkTime, '--shrink-time');
  const outDir = absolute(io.cwd, flags.out ?? 'swapcheck-failures');
  checkWritableDir(outDir, '--out');
  const tools = needUml();
  io.out(
    `swapcheck kernel --random: seed ${seed}; ${runs} programs of ${steps} actions, memcg ${memcg}; profile ${linux61.name} (${linux61.kernel})`,
  );
  let stop = false;
  const unsubscribe = io.interrupts((signal) => {
    if (stop) return;
    stop = true;
    io.err(
      `swapcheck: ${signal}: finishing the current batch; the report covers the programs run so far`,
    );
  });
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
      onProgress: (done, total, failed) =>
        io.err(`kernel: ${done}/${total} programs, ${failed} differ`),
      onShrinkRound: (round, actions) =>
        io.err(`kernel: shrink round ${round}: ${actions} actions`),
      onRetry: (tail) =>
        io.err(`kernel: a boot died before running its programs; booting again${tail}`),
    });
    for (const failure of result.failures)
      writeFailure(failure, seed, ['--steps', String(steps), ...memcgArgs], outDir, io);
    io.out('');
    const signatures = result.failures.length;
    const bootMs =
      result.boots.length === 0
        ? 0
        : result.boots.reduce((sum, boot) => sum + boot.bootMs, 0) / result.boots.length;
    io.out(
      `${result.programs} programs: ${result.passed} passed, ${result.failed} differ (${signatures} kind${signatures === 1 ? '' : 's'}), ${result.errors.length} errors${result.interrupted ? ' (interrupted)' : ''}`,
    );
    io.out(`${result.memcgPrograms} programs in a memcg: ${result.memcgPassed} passed`);
    io.out(
      `${result.boots.length} boots, ${(bootMs / 1000).toFixed(1)} s to boot, ${result.programsPerSecond.toFixed(1)} programs/s`,
    );
    const refusals = Object.entries(result.refused).sort(([a], [b]) => a.localeCompare(b));
    if (refusals.length > 0)
      io.out(
        `actions the profile refused while generating (others were drawn instead): ${refusals.map(([entry, times]) => `${entry} ${times}`).join(', ')}`,
      );
    for (const error of result.errors.slice(0, 5))
      io.out(`error in program ${error.index}: ${error.message}`);
    io.out(
      `reproduce: ${commandLine(['kernel', '--random', '--seed', String(seed), '--runs', String(runs), '--steps', String(steps), ...memcgArgs])}`,
    );
    return result.failed + result.errors.length > 0 || result.interrupted ? 1 : 0;
  } finally {
    unsubscribe();
  }
}

function writeFailure(
  failure: KernelCampaignFailure,
  seed: number,
  flags: readonly string[],
  outDir: string,
  io: Io,
): void {
  const shrunk = failure.shrunk;
  const program = shrunk?.program ?? failure.generated.program;
  const result = shrunk?.result ?? failure.result;
  const base = join(outDir, `kernel-seed${seed}-program${failure.index}`);
  const origin = `swapcheck kernel --random --seed ${seed} ${flags.join(' ')}, program ${failure.index}${shrunk === null ? '' : ', shrunk'}`;
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
  io.out('');
  io.out(
    `DIFFERS ${failure.signature}: ${failure.count} program${failure.count === 1 ? '' : 's'}, first program ${failure.index}`,
  );
  if (shrunk !== null) {
    const status = shrunk.reproduced
      ? `shrunk ${shrunk.lengthBefore} -> ${shrunk.actions.length} actions in ${shrunk.rounds} rounds (${shrunk.programsRun} programs, ${Math.round(shrunk.elapsedMs / 1000)} s)`
      : 'did not come back when rerun: not shrunk (a flaky kernel behaviour, or timing)';
    io.out(`  ${status}`);
  }
  for (const line of describeFailure(result)) io.out(`  ${line}`);
  io.out(`  trace:  ${base}.json`);
  io.out(`  C:      ${base}.c`);
  io.out(`  output: ${base}.out.txt`);
  io.out(`  rerun:  ${commandLine(['kernel', `${base}.json`])}`);
}

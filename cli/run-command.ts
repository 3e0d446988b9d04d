/**
 * `swapcheck run`: a randomized campaign of every chosen design against the reference model.
 * It prints the seed first, a progress line while it runs, then per failure the shrunk trace
 * as numbered ops, what broke in kernel words, the trace file and the commands that replay it
 * and reproduce the one failing run alone (`--run N`), and at the end a per-design summary,
 * the command that reruns the whole campaign and `N passed, M failed`. Every printed command
 * runs as printed from any directory (cli/invocation.ts).
 *
 * Failures are saved in the failure database (`--db`, default `.swapcheck/failures/`) and
 * tried first on the next run of the same design. SIGINT and SIGTERM stop the campaign: the
 * summary is printed, every requested report (`--json`, `--junit`, `--ktap`, `--format`) is
 * written and marked interrupted, and a failure not yet shrunk is saved unshrunk with its
 * replay command; the exit code is then 1 if something failed, else 130 (SIGINT) or 143.
 *
 * Not covered here: the campaign (properties/campaign.ts) and the report formats (cli/*-report.ts).
 */
import { randomInt } from 'node:crypto';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { configPresets, type Config, type ConfigPresetName } from '../lib/config.ts';
import type { CampaignProgress, CampaignResult, DesignSummary } from '../properties/campaign.ts';
import { runCampaign } from '../properties/campaign.ts';
import { checkerOptionsCampaign } from '../properties/checker.ts';
import { designSlug, designSpelling } from '../properties/design-ref.ts';
import { designNames } from '../properties/design-registry.ts';
import { knobModes, knobValuesMissed } from '../properties/knob-swarm.ts';
import { steers } from '../properties/generator.ts';
import { FailureDatabase } from '../properties/failure-database.ts';
import { describeFailure, formatDivergence, formatOpMix, formatOps } from '../properties/report.ts';
import { shrinkBudgetDefault } from '../properties/shrink.ts';
import { shrinkOnThread } from '../properties/shrink-thread.ts';
import {
  checkWritableDir,
  formatTrace,
  InputError,
  parseTrace,
  resolveConfig,
  traceFormat,
  traceVersion,
  writeFileAtomic,
  type Trace,
} from '../properties/trace.ts';
import { withPool } from '../properties/worker-pool.ts';
import type { CommandContext, CommandModule } from './command-module.ts';
import { commandLine } from './invocation.ts';
import { emitReproducer, emitTarget } from './kernel-command.ts';
import { signalExitCode, type Io } from './io.ts';
import { runReportJunit } from './junit-report.ts';
import { runReportKtap } from './ktap-report.ts';
import { regressionDir } from './paths.ts';
import {
  absolute,
  chooseDesign,
  collect,
  parseChoice,
  parseCount,
  parseDuration,
  parseShard,
  type DesignChoice,
} from './options.ts';
import { buildRunReport, configName, type RunReport } from './run-report.ts';
import { readFileSync } from 'node:fs';

interface RunFlags {
  readonly design?: string[];
  readonly seed?: string;
  readonly runs?: string;
  readonly run?: string;
  readonly time?: string;
  readonly maxOps?: string;
  readonly config?: string;
  readonly out?: string;
  readonly workers?: string;
  readonly shard?: string;
  readonly format?: string;
  readonly json?: string;
  readonly junit?: string;
  readonly ktap?: string;
  readonly saveRegressions?: boolean;
  readonly db?: string | false;
  readonly fullCheckEvery?: string;
  readonly shrinkTime?: string;
  readonly emitC?: string;
  readonly knobs?: string;
  readonly steer?: string;
  readonly steering?: boolean;
}

const formats = ['text', 'json', 'junit', 'ktap'] as const;

/** The configs a --config value names, its label, and the value to print back. */
function loadConfigs(
  flag: string | undefined,
  cwd: string,
): { label: string; configs: Config[]; printed: string | null } {
  if (flag === undefined || flag === 'mixed') {
    return {
      label: `mixed (${Object.keys(configPresets).join(', ')})`,
      configs: Object.values(configPresets),
      printed: null,
    };
  }
  if (Object.hasOwn(configPresets, flag)) {
    return { label: flag, configs: [configPresets[flag as ConfigPresetName]], printed: flag };
  }
  const path = absolute(cwd, flag);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(
      `--config: cannot read '${flag}' (expected tiny, default, tiny-disk, default-disk, tiny-memcg, mixed or a JSON file)`,
    );
  }
  const wrapped = `{"format":"${traceFormat}","version":${traceVersion},"design":"classic","config":${text},"ops":[]}`;
  const trace = parseTrace(wrapped, flag);
  return { label: basename(flag), configs: [resolveConfig(trace.config)], printed: path };
}

function progressPrinter(io: Io): (progress: CampaignProgress) => void {
  let lastLine = 0;
  const announced = new Set<string>();
  return (progress) => {
    // A failure found is said at once: shrinking it may take a while, and an interrupt then
    // keeps it unshrunk.
    if (progress.failures > 0 && !announced.has(progress.design)) {
      announced.add(progress.design);
      if (io.stderrTty) io.progress('\r\x1b[2K');
      io.err(`${progress.design}: a run failed; shrinking it (an interrupt now keeps it unshrunk)`);
    }
    const rate =
      progress.elapsedMs > 0 ? Math.round((progress.ops * 1000) / progress.elapsedMs) : 0;
    const line = `${progress.design}: ${progress.runs} runs, ${progress.ops} ops, ${rate} ops/s, ${progress.failures} failed`;
    if (io.stderrTty) {
      const filled = Math.round(progress.fraction * 20);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${String(Math.round(progress.fraction * 100)).padStart(3)}%`;
      io.progress(`\r\x1b[2K${bar} ${line}`);
    } else if (performance.now() - lastLine > 5000) {
      lastLine = performance.now();
      io.progress(`${line}\n`);
    }
  };
}

function printSummary(say: (line?: string) => void, summaries: readonly DesignSummary[]): void {
  const width = Math.max(22, ...summaries.map((s) => s.design.length));
  say('');
  say(
    `${'design'.padEnd(width)} ${'runs'.padStart(6)} ${'ops'.padStart(9)} ${'ops/s'.padStart(8)}  result  op mix`,
  );
  for (const s of summaries) {
    const rate = s.elapsedMs > 0 ? Math.round((s.ops * 1000) / s.elapsedMs) : 0;
    const result = s.failure !== null ? 'FAIL' : s.interrupted ? 'cut' : 'pass';
    say(
      `${s.design.padEnd(width)} ${String(s.runs).padStart(6)} ${String(s.ops).padStart(9)} ${String(rate).padStart(8)}  ${result.padEnd(6)}  ${formatOpMix(s)}`,
    );
  }
  const swarmed = summaries.filter((s) =>
    Object.values(s.perKnob).some((row) => Object.keys(row).length > 1),
  );
  if (swarmed.length > 0) {
    say('');
    say('runs (ops) by knob value:');
    for (const s of swarmed) {
      const cells = Object.entries(s.perKnob)
        .filter(([, row]) => Object.keys(row).length > 1)
        .map(
          ([knob, row]) =>
            `${knob} ${Object.entries(row)
              .map(([value, c]) => `${value} ${c.runs} (${c.ops})`)
              .join(', ')}`,
        );
      const missed = knobValuesMissed(s.perKnob);
      say(
        `  ${s.design}: ${cells.join('; ')}${missed.length === 0 ? '' : `; never run: ${missed.join(', ')}`}`,
      );
    }
  }
  say('');
  say('interesting states reached (count summed over runs):');
  for (const s of summaries) {
    const reached = Object.entries(s.marks)
      .filter(([, count]) => count > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => `${name} ${count}`);
    say(`  ${s.design}: ${reached.length === 0 ? '(none)' : reached.join(', ')}`);
  }
  const listed = summaries.filter((s) => s.marksListed.length > 0);
  if (listed.length > 0) {
    say('');
    say(
      'catalogued states never reached (docs/run-json.md: marksMissed), and runs steered toward rare ones:',
    );
    for (const s of listed) {
      const steered = Object.entries(s.steered).map(([steer, runs]) => `${steer} ${runs}`);
      const missed =
        s.marksMissed.length === 0
          ? `all ${s.marksListed.length} reached`
          : `${s.marksMissed.length} of ${s.marksListed.length} never reached: ${s.marksMissed.join(', ')}`;
      say(
        `  ${s.design}: ${missed}; steered runs: ${steered.length === 0 ? 'none' : steered.join(', ')}`,
      );
    }
  }
}

/** The trace of a design's failure (shrunk, or as found when shrinking was interrupted). */
function failureTrace(summary: DesignSummary, note: string): Trace {
  const failure = summary.failure;
  if (failure === null) throw new Error('no failure');
  // The config came back from a shrink thread as a copy: a preset is recognized by value.
  const name = configName(failure.shrunk.config, '');
  return {
    format: traceFormat,
    version: traceVersion,
    design: failure.ref,
    config: Object.hasOwn(configPresets, name) ? (name as ConfigPresetName) : failure.shrunk.config,
    ...(failure.source === 'run' ? { seed: failure.runSeed } : {}),
    note,
    ops: failure.shrunk.ops,
  };
}

/** The arguments every printed `run` command repeats. */
interface Repeat {
  readonly seed: number;
  readonly opsPerRun: number;
  readonly config: string[];
  readonly check: string[];
  readonly shrink: string[];
  /** `--knobs fixed`: a reproduce line names the failing run's own knobs. */
  readonly knobs: string[];
}

async function commandRun(flags: RunFlags, io: Io): Promise<number> {
  if (flags.runs !== undefined && flags.time !== undefined)
    throw new InputError('--runs and --time exclude each other');
  if (
    flags.run !== undefined &&
    (flags.runs !== undefined || flags.time !== undefined || flags.shard !== undefined)
  ) {
    throw new InputError('--run N reruns one run alone: it excludes --runs, --time and --shard');
  }
  const format = parseChoice('--format', flags.format, formats, 'text');
  const seed = parseCount('--seed', flags.seed, 0, 0xffffffff) ?? randomInt(0, 0xffffffff);
  const onlyRun = parseCount('--run', flags.run, 0, 1_000_000_000);
  const runs = parseCount('--runs', flags.runs, 1, 1_000_000_000);
  const timeMs =
    flags.time === undefined
      ? runs === undefined && onlyRun === undefined
        ? 30_000
        : undefined
      : parseDuration(flags.time);
  const opsPerRun = parseCount('--max-ops', flags.maxOps, 1, 10_000_000) ?? 400;
  const workers = parseCount('--workers', flags.workers, 1, 64) ?? 1;
  const fullCheckEvery =
    parseCount('--full-check-every', flags.fullCheckEvery, 1, 1_000_000_000) ??
    checkerOptionsCampaign.fullCheckEvery;
  const shrinkMs =
    flags.shrinkTime === undefined
      ? shrinkBudgetDefault.timeMs
      : parseDuration(flags.shrinkTime, '--shrink-time');
  const shard = parseShard(flags.shard);
  const knobs = parseChoice('--knobs', flags.knobs, knobModes, 'swarm');
  if (flags.steer !== undefined && onlyRun === undefined)
    throw new InputError('--steer names the steer of the one run of --run N');
  const onlySteer =
    flags.steer === undefined
      ? undefined
      : parseChoice('--steer', flags.steer, steers, steers[0] as (typeof steers)[number]);
  const steering = flags.steering !== false;
  const chosen: DesignChoice[] = [];
  for (const text of flags.design === undefined || flags.design.includes('all')
    ? designNames()
    : flags.design) {
    chosen.push(await chooseDesign(text, io.cwd));
  }
  const { label, configs, printed } = loadConfigs(flags.config, io.cwd);
  const outDir = absolute(io.cwd, flags.out ?? 'swapcheck-failures');
  checkWritableDir(outDir, '--out');
  const reports = { json: flags.json, junit: flags.junit, ktap: flags.ktap };
  for (const [name, path] of Object.entries(reports))
    if (path !== undefined) checkWritableDir(absolute(io.cwd, path), `--${name}`);
  // One run reproduced alone does not consult the database: it is that run, nothing else.
  const db =
    flags.db === false || onlyRun !== undefined
      ? null
      : new FailureDatabase(absolute(io.cwd, flags.db ?? join('.swapcheck', 'failures')), io.err);
  const text = format === 'text';
  const say = (line = '') => (text ? io.out(line) : io.err(line));
  const budget =
    onlyRun !== undefined
      ? `run ${onlyRun} alone`
      : runs === undefined
        ? `${(timeMs ?? 0) / 1000}s`
        : `${runs} runs per design`;
  const shardText =
    shard.shardCount === 1 ? '' : `; shard ${shard.shardIndex + 1}/${shard.shardCount}`;
  // Set by the interrupt handler below; the assertion keeps TypeScript from narrowing it to
  // null for the rest of the function (assignments in callbacks do not widen a narrowed let).
  let signal = null as 'SIGINT' | 'SIGTERM' | null;
  let markStopped = () => {};
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  const unsubscribe = io.interrupts((received) => {
    if (signal !== null) return;
    signal = received;
    if (io.stderrTty) io.progress('\r\x1b[2K');
    io.err(`swapcheck: ${received}: stopping; the report covers the runs done so far`);
    markStopped();
  });
  say(`swapcheck run: seed ${seed}`);
  say(
    `designs ${chosen.map((d) => d.design.name).join(', ')}; config ${label}; ${opsPerRun} ops per run; budget ${budget}${shardText}`,
  );

  let result: CampaignResult;
  try {
    result = await withPool(workers, (execute) =>
      runCampaign({
        designs: chosen.map((d) => d.ref),
        configs,
        seed,
        opsPerRun,
        knobs,
        steering,
        ...(onlySteer === undefined ? {} : { onlySteer }),
        checker: { ...checkerOptionsCampaign, fullCheckEvery },
        shrink: { ...shrinkBudgetDefault, timeMs: shrinkMs },
        ...shard,
        onProgress: progressPrinter(io),
        concurrency: workers * 2,
        stop: () => signal !== null,
        shrinker: (job) =>
          shrinkOnThread(job, { stopped: () => signal !== null, whenStopped: stopped }),
        ...(db === null ? {} : { saved: (ref) => db.load(ref) }),
        ...(onlyRun === undefined ? {} : { onlyRun }),
        ...(execute === undefined ? {} : { execute }),
        ...(runs === undefined ? {} : { runs }),
        ...(timeMs === undefined ? {} : { timeMs }),
      }),
    );
  } finally {
    unsubscribe();
  }
  if (io.stderrTty) io.progress('\r\x1b[2K');
  const idle = result.designs.find((s) => s.runs === 0 && s.failure === null);
  if (idle !== undefined && signal === null) {
    throw new InputError(
      `the budget was too small for a single run of ${idle.design}; raise --time or use --runs`,
    );
  }
  if (db !== null) {
    for (const path of result.savedHeld) {
      db.remove(path);
      say(`failure database: ${path} holds now; removed`);
    }
  }
  const repeat: Repeat = {
    seed,
    opsPerRun,
    config: printed === null ? [] : ['--config', printed],
    check: flags.fullCheckEvery === undefined ? [] : ['--full-check-every', String(fullCheckEvery)],
    shrink: flags.shrinkTime === undefined ? [] : ['--shrink-time', flags.shrinkTime],
    knobs: ['--knobs', 'fixed'],
  };
  const written = new Map<string, { trace: string; replay: string; reproduce: string | null }>();
  const failing = result.designs.filter((s) => s.failure !== null);
  const emitC = flags.emitC === undefined ? null : absolute(io.cwd, flags.emitC);
  for (const s of failing) {
    const emit =
      emitC === null ? null : emitTarget(emitC, designSlug(s.design), failing.length > 1);
    written.set(
      s.design,
      reportFailure(s, repeat, outDir, db, flags.saveRegressions === true, say, emit),
    );
  }
  // With a time budget, rerunning as many runs as the busiest design did covers every run done.
  const runsDone = Math.max(
    1,
    ...result.designs.map((s) =>
      s.runs === 0 ? 0 : shard.shardIndex + (s.runs - 1) * shard.shardCount + 1,
    ),
  );
  const designArgs =
    flags.design === undefined || flags.design.includes('all')
      ? []
      : chosen.flatMap((d) => ['--design', designSpelling(d.ref)]);
  const knobArgs = [
    ...(knobs === 'fixed' ? ['--knobs', 'fixed'] : []),
    ...(onlySteer === undefined ? [] : ['--steer', onlySteer]),
    ...(steering || onlyRun !== undefined ? [] : ['--no-steering']),
  ];
  const reproduce =
    onlyRun !== undefined
      ? commandLine([
          'run',
          '--seed',
          String(seed),
          '--run',
          String(onlyRun),
          '--max-ops',
          String(opsPerRun),
          ...repeat.config,
          ...repeat.check,
          ...knobArgs,
          ...designArgs,
        ])
      : commandLine([
          'run',
          '--seed',
          String(seed),
          '--runs',
          String(runs ?? runsDone),
          '--max-ops',
          String(opsPerRun),
          ...repeat.config,
          ...(flags.shard === undefined ? [] : ['--shard', flags.shard]),
          ...repeat.check,
          ...knobArgs,
          ...designArgs,
          '--no-db',
        ]);
  const report: RunReport = buildRunReport(result, {
    config: label,
    configs,
    configLabel: label,
    opsPerRun,
    fullCheckEvery,
    knobs,
    steering,
    budget: { runs: onlyRun !== undefined ? 1 : (runs ?? null), timeMs: timeMs ?? null },
    shard: { index: shard.shardIndex, count: shard.shardCount },
    signal,
    reproduce,
    written,
  });
  const rendered = {
    json: () => `${JSON.stringify(report, null, 2)}\n`,
    junit: () => runReportJunit(report),
    ktap: () => runReportKtap(report),
  };
  for (const [name, path] of Object.entries(reports)) {
    if (path !== undefined)
      writeFileAtomic(absolute(io.cwd, path), rendered[name as keyof typeof rendered]());
  }
  if (format === 'text') {
    printSummary(io.out, result.designs);
    io.out('');
    if (signal !== null) io.out(`interrupted by ${signal}: the summary covers the runs done`);
    io.out(`reproduce: ${reproduce}`);
    io.out(`${report.passed} passed, ${report.failed} failed`);
  } else {
    io.write(rendered[format]());
  }
  if (report.failed > 0) return 1;
  return signal === null ? 0 : signalExitCode(signal);
}

/** Writes a failure's trace (and saves it in the database and, asked, the regression
 * corpus), prints it with its commands; returns where it went and the commands. */
function reportFailure(
  s: DesignSummary,
  repeat: Repeat,
  outDir: string,
  db: FailureDatabase | null,
  saveRegression: boolean,
  say: (line?: string) => void,
  emitC: string | null,
): { trace: string; replay: string; reproduce: string | null } {
  const failure = s.failure;
  if (failure === null) throw new Error('no failure');
  const shrunk = failure.shrunk;
  // The failing run's own design: the campaign's with that run's knobs, which --knobs fixed
  // keeps for the one run reproduced.
  const spelling = designSpelling(failure.ref);
  const reproduce =
    failure.source === 'database'
      ? null
      : commandLine([
          'run',
          '--seed',
          String(repeat.seed),
          '--run',
          String(failure.runIndex),
          '--max-ops',
          String(repeat.opsPerRun),
          ...repeat.config,
          ...repeat.check,
          ...repeat.shrink,
          ...repeat.knobs,
          ...(failure.steer === undefined ? [] : ['--steer', failure.steer]),
          '--design',
          spelling,
        ]);
  const found =
    failure.source === 'database'
      ? `the failure database (${failure.savedPath ?? '?'})`
      : (reproduce ?? '');
  const note = `${failure.unshrunk ? 'unshrunk (interrupted); ' : ''}found by ${found}; ${describeFailure(shrunk.failure)}`;
  const trace = failureTrace(s, note);
  const stem =
    failure.source === 'database'
      ? `${designSlug(s.design)}-saved-${basename(failure.savedPath ?? 'failure.json', '.json')}`
      : `${designSlug(s.design)}-seed${repeat.seed}-run${failure.runIndex}`;
  const path = join(outDir, `${stem}${failure.unshrunk ? '.unshrunk' : ''}.json`);
  writeFileAtomic(path, formatTrace(trace));
  const replay = commandLine(['replay', path]);
  say('');
  const where =
    failure.source === 'database'
      ? `saved failure ${failure.savedPath ?? ''}`
      : `run ${failure.runIndex} (run seed ${failure.runSeed}, config ${configName(failure.config, 'file')})`;
  const how = failure.unshrunk
    ? 'not shrunk (interrupted)'
    : `shrunk to ${shrunk.ops.length} ops in ${Math.round(shrunk.elapsedMs)} ms`;
  const on =
    designSpelling(failure.ref) === designSpelling(s.ref)
      ? ''
      : ` on ${designSpelling(failure.ref)}`;
  say(`FAIL ${s.design}${on}: ${where}, ${failure.ops.length} ops, ${how}`);
  for (const line of formatOps(shrunk.ops, shrunk.failure)) say(line);
  for (const line of formatDivergence(shrunk.failure)) say(line);
  say(`  trace:     ${path}`);
  if (emitC !== null) say(`  ${emitReproducer(emitC, shrunk.config, shrunk.ops, path)}`);
  say(`  replay:    ${replay}`);
  if (reproduce !== null) say(`  reproduce: ${reproduce}`);
  if (failure.unshrunk) say(`  shrink:    ${commandLine(['shrink', path])}`);
  if (db !== null && failure.source === 'run') {
    say(
      `  saved in the failure database: ${db.save(s.ref, shrunk.config, shrunk.ops, note, failure.ref)}`,
    );
  }
  if (saveRegression) {
    const regression = join(regressionDir(), `${stem}.json`);
    writeFileAtomic(
      regression,
      formatTrace({ ...trace, note: `caught: ${describeFailure(shrunk.failure)}` }),
    );
    say(`  saved regression: ${regression}`);
  }
  return { trace: path, replay, reproduce };
}

export const runCommand: CommandModule = {
  name: 'run',
  register(program: Command, context: CommandContext) {
    program
      .command('run')
      .description('a randomized campaign of every chosen design against the reference model')
      .option(
        '--design <name>',
        'a design: NAME, NAME[knob=value,mutant=NAME], a knob file (.json) or a module (.js, .mjs); repeatable; all by default',
        collect,
      )
      .option('--seed <n>', 'campaign seed (0..4294967295); random and printed when absent')
      .option('--runs <n>', 'runs per design (exclusive with --time)')
      .option('--time <duration>', 'time budget shared by the designs, e.g. 30s, 2m (default 30s)')
      .option(
        '--run <n>',
        "rerun run N of the campaign alone (what a failure's reproduce line uses)",
      )
      .option('--max-ops <n>', 'generated ops per run (default 400)')
      .option(
        '--config <name>',
        'tiny, default, tiny-disk, default-disk, tiny-memcg, mixed (default: the five in turn) or a JSON config file',
      )
      .option('--out <dir>', 'where failure traces are written (default ./swapcheck-failures)')
      .option('--workers <n>', 'worker threads (default 1: inline)')
      .option(
        '--shard <i/n>',
        'take every n-th run starting at run i-1 (CI matrices; merge the reports with swapcheck merge)',
      )
      .option('--format <format>', 'stdout: text, json, junit or ktap (default text)')
      .option('--json <file>', 'also write the JSON report (docs/run-json.md) to FILE')
      .option('--junit <file>', 'also write the JUnit XML report to FILE')
      .option('--ktap <file>', 'also write the KTAP report to FILE')
      .option('--save-regressions', 'also add each shrunk failure to properties/regressions/')
      .option('--db <dir>', 'the failure database, tried first (default ./.swapcheck/failures)')
      .option('--no-db', 'neither read nor write the failure database')
      .option('--full-check-every <n>', 'ops between full checks (default 64; 1 = after every op)')
      .option('--shrink-time <duration>', 'time budget to shrink a failure (default 20s)')
      .option(
        '--steer <steer>',
        `with --run N: the run's steer toward rare states (${steers.join(', ')}; what a reproduce line names)`,
      )
      .option('--no-steering', 'do not steer later runs toward states earlier runs rarely reached')
      .option(
        '--knobs <mode>',
        "swarm: runs take the knob values of each design's knob space in turn (default); fixed: every run takes the design as named",
      )
      .option(
        '--emit-c <file>',
        "write each failure's C reproducer (Linux 6.1 userspace) to FILE (FILE-DESIGN.c when several designs fail)",
      )
      .action(async (flags: RunFlags) => context.exit(await commandRun(flags, context.io)));
  },
};

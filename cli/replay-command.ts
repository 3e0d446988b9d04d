/**
 * `swapcheck replay TRACE...`: runs traces against the model and a design (the trace's, or
 * `--design`, a module included), then the drain; exit 0 when all hold, 1 when one fails.
 * A version 2 (concurrent) trace replays its schedule through the explorer.
 * - text: one line per trace, and for a failing one its numbered ops (the drain's labelled)
 *   and what broke in kernel words;
 * - `--verbose`: every op with its outcome on both sides and what it changed in the model's
 *   state, in kernel words (`--full`: the whole state after every op). For people; may change.
 * - `--format json`: the `swapcheck-replay` document, version 1 (docs/replay-json.md): every
 *   op's outcome on both sides and the model's observation after it. For scripts; versioned.
 * Traces are checked against their config first (properties/trace-bounds.ts): an out-of-range
 * field is an input error naming it (exit 2).
 *
 * Not covered here: concurrent replay (cli/explore-command.ts).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { Observation } from '../lib/observation.ts';
import { formatOp, opKernelNames, type Op } from '../lib/ops.ts';
import type { Outcome } from '../lib/outcome.ts';
import type { Checker, Failure } from '../properties/checker.ts';
import { designSpelling } from '../properties/design-ref.ts';
import { beforeAndAfter, observationDivergence, outcomeWords } from '../properties/divergence.ts';
import { describeFailure, formatDivergence, formatOps } from '../properties/report.ts';
import { replayOps } from '../properties/run.ts';
import { stateLines } from '../properties/state-words.ts';
import { InputError, readTrace, resolveConfig, type Trace } from '../properties/trace.ts';
import type { CommandContext, CommandModule } from './command-module.ts';
import { commandReplayConcurrent } from './explore-command.ts';
import type { Io } from './io.ts';
import { emitReproducer, emitTarget } from './kernel-command.ts';
import { absolute, chooseDesign, chooseRef, parseChoice, type DesignChoice } from './options.ts';
import { configName } from './run-report.ts';

interface ReplayFlags {
  readonly design?: string;
  readonly verbose?: boolean;
  readonly full?: boolean;
  readonly format?: string;
  readonly emitC?: string;
}

export const replayJsonFormat = 'swapcheck-replay';
export const replayJsonVersion = 1;

/** One op of a replay, as the JSON document lists it. */
interface StepRecord {
  readonly index: number;
  readonly phase: 'ops' | 'drain';
  readonly op: Op;
  readonly kernel: string;
  readonly outcome: { readonly model: Outcome; readonly design: Outcome } | null;
  readonly failed: boolean;
  readonly observation: Observation;
}

/** The `version` field of a trace file, or null when it cannot be read as JSON. */
function traceVersionOf(path: string): unknown {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version ?? null;
  } catch {
    return null;
  }
}

function snapshot(observation: Observation): Observation {
  return JSON.parse(JSON.stringify(observation)) as Observation;
}

interface TraceReplay {
  readonly failure: Failure | null;
  readonly steps: StepRecord[];
  readonly entryNames: Record<number, string>;
}

/** Replays one trace; `onStep` hears each op with the state before and after it. */
function replayTrace(
  choice: DesignChoice,
  trace: Trace,
  onStep: (record: StepRecord, before: Observation, checker: Checker) => void,
): TraceReplay {
  const steps: StepRecord[] = [];
  let names: (serial: number) => string = (serial) => `#${serial}`;
  const entries = new Set<number>();
  let before: Observation | null = null;
  const result = replayOps(choice.design, resolveConfig(trace.config), trace.ops, undefined, true, {
    start: (checker) => {
      names = (serial) => checker.entryName(serial);
      before = snapshot(checker.observation);
    },
    step: (op, failure, checker) => {
      const index = steps.length;
      const after = snapshot(checker.observation);
      for (const view of after.entries) entries.add(view.entry);
      const outcome =
        checker.lastOutcome === null
          ? null
          : { model: checker.lastOutcome.model, design: checker.lastOutcome.impl };
      const record: StepRecord = {
        index,
        phase: index < trace.ops.length ? 'ops' : 'drain',
        op,
        kernel: opKernelNames[op.op],
        outcome,
        failed: failure !== null,
        observation: after,
      };
      steps.push(record);
      onStep(record, before as Observation, checker);
      before = after;
    },
  });
  const entryNames = Object.fromEntries(
    [...entries].sort((a, b) => a - b).map((serial) => [serial, names(serial)]),
  );
  return { failure: result.failure, steps, entryNames };
}

/** The --verbose lines of one op. */
function verboseLines(
  record: StepRecord,
  before: Observation,
  checker: Checker,
  full: boolean,
  traceLength: number,
): string[] {
  const lines: string[] = [];
  if (record.index === traceLength)
    lines.push(
      '        drain (after the last op: zap every holder, free the swap cache, swap off every device):',
    );
  lines.push(
    `${record.failed ? '>>' : '  '}${String(record.index + 1).padStart(4)}  ${formatOp(record.op).padEnd(48)} ${record.kernel}`,
  );
  if (record.outcome !== null) {
    const model = outcomeWords(record.outcome.model);
    const design = outcomeWords(record.outcome.design);
    lines.push(
      model === design
        ? `        outcome: ${model}`
        : `        outcome: model ${model}; design ${design}`,
    );
  }
  const name = (serial: number) => checker.entryName(serial);
  if (full) {
    for (const line of stateLines(record.observation, name)) lines.push(`        ${line}`);
  } else {
    const changes = observationDivergence(before, record.observation, name, beforeAndAfter, 40);
    for (const line of changes.length === 0 ? ['(no change)'] : changes)
      lines.push(`        ${line}`);
  }
  return lines;
}

function commandReplay(paths: string[], flags: ReplayFlags, io: Io): Promise<number> | number {
  const format = parseChoice('--format', flags.format, ['text', 'json'] as const, 'text');
  if (flags.full === true && flags.verbose !== true)
    throw new InputError('--full: goes with --verbose');
  const absolutePaths = paths.map((path) => absolute(io.cwd, path));
  // A concurrent trace (version 2) replays its schedule through the explorer.
  if (absolutePaths.length === 1 && traceVersionOf(absolutePaths[0] as string) === 2) {
    if (format === 'json' || flags.verbose === true)
      throw new InputError('replay: --verbose and --format json take version 1 traces');
    if (flags.emitC !== undefined)
      throw new InputError(
        'replay: --emit-c takes version 1 traces (a concurrent schedule has no userspace program)',
      );
    return commandReplayConcurrent(absolutePaths[0] as string, flags.design, io);
  }
  return replayAll(absolutePaths, flags, format, io);
}

async function replayAll(
  paths: readonly string[],
  flags: ReplayFlags,
  format: 'text' | 'json',
  io: Io,
): Promise<number> {
  const traces = paths.map((path) => ({ path, trace: readTrace(path) }));
  let failed = 0;
  const documents: unknown[] = [];
  for (const { path, trace } of traces) {
    const choice =
      flags.design === undefined
        ? await chooseRef(trace.design)
        : await chooseDesign(flags.design, io.cwd);
    const verbose = format === 'text' && flags.verbose === true;
    const replay = replayTrace(choice, trace, (record, before, checker) => {
      if (verbose)
        for (const line of verboseLines(
          record,
          before,
          checker,
          flags.full === true,
          trace.ops.length,
        ))
          io.out(line);
    });
    if (replay.failure !== null) failed++;
    if (format === 'json') {
      documents.push({
        trace: path,
        design: choice.design.name,
        spelling: designSpelling(choice.ref),
        config: configName(resolveConfig(trace.config), 'file'),
        result: replay.failure === null ? 'holds' : 'fails',
        summary: replay.failure === null ? null : describeFailure(replay.failure),
        failure: replay.failure,
        entryNames: replay.entryNames,
        steps: replay.steps,
      });
      continue;
    }
    if (replay.failure === null) {
      io.out(`${path} (${choice.design.name}): holds, ${trace.ops.length} ops`);
    } else {
      io.out(`${path} (${choice.design.name}): FAILS`);
      if (!verbose) for (const line of formatOps(trace.ops, replay.failure)) io.out(line);
      for (const line of formatDivergence(replay.failure)) io.out(line);
    }
    if (flags.emitC !== undefined) {
      const target = emitTarget(
        absolute(io.cwd, flags.emitC),
        basename(path)
          .replace(/\.json$/, '')
          .replace(/[^a-z0-9-]+/gi, '-'),
        traces.length > 1,
      );
      io.out(
        `  ${emitReproducer(target, resolveConfig(trace.config), trace.ops, path, trace.note)}`,
      );
    }
  }
  if (format === 'json') {
    const document = {
      format: replayJsonFormat,
      version: replayJsonVersion,
      traces: documents,
      passed: traces.length - failed,
      failed,
    };
    io.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    io.out(`${traces.length - failed} passed, ${failed} failed`);
  }
  return failed === 0 ? 0 : 1;
}

export const replayCommand: CommandModule = {
  name: 'replay',
  register(program: Command, context: CommandContext) {
    program
      .command('replay')
      .description('run traces against the model and a design, then the drain')
      .argument('<trace...>', 'trace files (version 1; or one version 2 concurrent trace)')
      .option(
        '--design <name>',
        "replay on this design instead of the trace's (NAME, NAME[knob=value,mutant=NAME], .json, .js, .mjs)",
      )
      .option('--verbose', 'print every op with its outcome on both sides and what it changed')
      .option('--full', 'with --verbose: print the whole state after every op')
      .option('--format <format>', 'text or json (docs/replay-json.md) (default text)')
      .option(
        '--emit-c <file>',
        "write each trace's C reproducer (Linux 6.1 userspace) to FILE (FILE-TRACE.c for several traces)",
      )
      .action(async (paths: string[], flags: ReplayFlags) =>
        context.exit(await commandReplay(paths, flags, context.io)),
      );
  },
};

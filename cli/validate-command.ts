/**
 * `swapcheck validate FILE`: loads a design proposal (a knob file or a module default-exporting
 * a SystemFactory; docs/writing-a-design.md), runs the property campaign with the drain on it
 * (`--runs N` for a verdict that does not depend on the machine's speed, else `--time`),
 * prints the verdict, and then its costs as a delta against its base design (a knob file's
 * `base`; for a module, the built-in design with the knobs it exports, else classic) on the
 * chosen workloads, with the time estimate of docs/cost-weights.json or `--weights FILE`.
 * A failure is shrunk, written as a trace under `--out` (its design is the proposal, so the
 * printed replay command runs it again) and printed with the commands that replay it and
 * reproduce the validation. `--format json` prints a `swapcheck-validate` document instead.
 * Exit 0 when it passes, 1 when it fails, 2 when it cannot be loaded or does not implement
 * the interface.
 *
 * Not covered here: the campaign (properties/validate.ts) and the comparison (properties/compare.ts).
 */
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from 'commander';
import { compareDesigns } from '../properties/compare.ts';
import { compareJson, deltaText } from '../properties/compare-format.ts';
import { designSlug, readKnobFile } from '../properties/design-ref.ts';
import { designNames, resolveDesign } from '../properties/design-registry.ts';
import { loadProposal, proposalRef } from '../properties/proposal.ts';
import { describeFailure, formatDivergence, formatOps } from '../properties/report.ts';
import {
  checkWritableDir,
  formatTrace,
  InputError,
  traceFormat,
  traceVersion,
  writeFileAtomic,
} from '../properties/trace.ts';
import type { DesignUnderTest } from '../properties/run.ts';
import { validateDesign } from '../properties/validate.ts';
import { workloadNames, workloads } from '../properties/workloads.ts';
import type { CommandContext, CommandModule } from './command-module.ts';
import { chooseWeights, splitList } from './compare-command.ts';
import { commandLine } from './invocation.ts';
import type { Io } from './io.ts';
import { absolute, collect, parseChoice, parseCount, parseDuration } from './options.ts';

interface ValidateFlags {
  readonly time?: string;
  readonly runs?: string;
  readonly seed?: string;
  readonly maxOps?: string;
  readonly workload?: string[];
  readonly weights?: string;
  readonly format?: string;
  readonly out?: string;
}

/** The built-in design a proposal is measured against: a knob file's `base`, else the
 * built-in design whose knobs the module exports, else classic. */
export function baseDesignOf(path: string, design: DesignUnderTest): string {
  if (path.endsWith('.json')) {
    const ref = readKnobFile(path);
    if (typeof ref === 'string') return ref.split('[')[0] ?? 'classic';
    if ('base' in ref) return ref.base.split('[')[0] ?? 'classic';
  }
  const knobs = design.knobs;
  if (knobs === undefined) return 'classic';
  return (
    designNames().find((name) => {
      const builtin = resolveDesign(name).knobs;
      return builtin !== undefined && JSON.stringify(builtin) === JSON.stringify(knobs);
    }) ?? 'classic'
  );
}

async function commandValidate(file: string, flags: ValidateFlags, io: Io): Promise<number> {
  const format = parseChoice('--format', flags.format, ['text', 'json'] as const, 'text');
  if (flags.runs !== undefined && flags.time !== undefined)
    throw new InputError('--runs and --time exclude each other');
  const path = absolute(io.cwd, file);
  const design = await loadProposal(path);
  const ref = proposalRef(path);
  const weights = chooseWeights(flags.weights, io.cwd);
  const seed = parseCount('--seed', flags.seed, 0, 0xffffffff) ?? randomInt(0, 2 ** 31);
  const runs = parseCount('--runs', flags.runs, 1, 1_000_000);
  const timeMs = runs !== undefined ? Number.POSITIVE_INFINITY : parseDuration(flags.time ?? '60s');
  const opsPerRun = parseCount('--max-ops', flags.maxOps, 1, 10_000_000) ?? 400;
  const names = splitList(flags.workload);
  for (const name of names) {
    if (!workloadNames().includes(name))
      throw new InputError(`unknown workload '${name}' (known: ${workloadNames().join(', ')})`);
  }
  const outDir = absolute(io.cwd, flags.out ?? 'swapcheck-failures');
  checkWritableDir(outDir, '--out');
  const chosen =
    names.length === 0 ? workloads : workloads.filter((workload) => names.includes(workload.name));
  const say = format === 'text' ? io.out : io.err;
  const budget = runs === undefined ? `budget ${flags.time ?? '60s'}` : `${runs} runs`;
  say(`validating ${design.name} from ${path}; seed ${seed}; ${opsPerRun} ops per run; ${budget}`);
  const result = validateDesign(design, {
    seed,
    timeMs,
    opsPerRun,
    runsMax: runs ?? 1_000_000,
    shrinkMs: 10_000,
  });
  const failure = result.failure;
  let written: { trace: string; replay: string; reproduce: string } | null = null;
  if (failure !== null) {
    const reproduce = commandLine([
      'validate',
      path,
      '--seed',
      String(seed),
      '--runs',
      String(failure.runIndex + 1),
      '--max-ops',
      String(opsPerRun),
    ]);
    const trace = join(
      outDir,
      `${designSlug(design.name)}-validate-seed${seed}-run${failure.runIndex}.json`,
    );
    writeFileAtomic(
      trace,
      formatTrace({
        format: traceFormat,
        version: traceVersion,
        design: ref,
        config: failure.configName as never,
        seed: failure.runSeed,
        note: `found by ${reproduce}; ${describeFailure(failure.failure)}`,
        ops: failure.ops,
      }),
    );
    written = { trace, replay: commandLine(['replay', trace]), reproduce };
    say(
      `FAIL ${design.name}: run ${failure.runIndex} (config ${failure.configName}, run seed ${failure.runSeed}): ${describeFailure(failure.failure)}`,
    );
    say(`shrunk trace: ${failure.lengthBefore} ops -> ${failure.ops.length} ops`);
    for (const line of formatOps(failure.ops, failure.failure)) say(line);
    for (const line of formatDivergence(failure.failure)) say(line);
    say(`  trace:     ${trace}`);
    say(`  replay:    ${written.replay}`);
    say(`  reproduce: ${reproduce}`);
    say('costs not measured: the proposal failed');
  } else {
    say(`PASS ${design.name}: ${result.runs} runs, ${result.steps} ops, every run drained clean`);
  }
  const base = baseDesignOf(path, design);
  // A proposal named like its base (a knob file without changes) is its base.
  const measured = design.name === base ? [design] : [design, resolveDesign(base)];
  const cells = failure === null ? compareDesigns(measured, chosen) : [];
  if (format === 'json') {
    io.write(
      `${JSON.stringify(
        {
          format: 'swapcheck-validate',
          version: 1,
          design: design.name,
          proposal: path,
          seed,
          opsPerRun,
          budget: { runs: runs ?? null, timeMs: runs === undefined ? timeMs : null },
          runs: result.runs,
          ops: result.steps,
          result: failure === null ? 'pass' : 'fail',
          failure:
            failure === null
              ? null
              : {
                  runIndex: failure.runIndex,
                  runSeed: failure.runSeed,
                  config: failure.configName,
                  opsBefore: failure.lengthBefore,
                  opsAfter: failure.ops.length,
                  summary: describeFailure(failure.failure),
                  failure: failure.failure,
                  ...written,
                },
          base,
          costs: failure === null ? compareJson(cells, weights, chosen) : null,
        },
        null,
        2,
      )}\n`,
    );
  } else if (failure === null) {
    io.out('');
    io.write(deltaText(cells, design.name, base, weights));
  }
  if (failure !== null) return 1;
  return cells.some((cell) => cell.failure !== null) ? 1 : 0;
}

export const validateCommand: CommandModule = {
  name: 'validate',
  register(program: Command, context: CommandContext) {
    program
      .command('validate')
      .description(
        'check a design proposal (knob file or module) with the properties and the drain, then its costs',
      )
      .argument(
        '<file>',
        'a knob file (.json) or a module (.js, .mjs) default-exporting a SystemFactory',
      )
      .option(
        '--runs <n>',
        'runs to check (the same verdict on any machine; exclusive with --time)',
      )
      .option('--time <duration>', 'time budget (default 60s)')
      .option('--seed <n>', 'seed (random and printed when absent)')
      .option('--max-ops <n>', 'ops per run (default 400)')
      .option(
        '--workload <names>',
        'workloads for the costs, comma-separated or repeated; all by default',
        collect,
      )
      .option(
        '--weights <file>',
        'per-event weights for the time estimate (default docs/cost-weights.json)',
      )
      .option('--format <format>', 'text or json (default text)')
      .option('--out <dir>', 'where a failing trace is written (default ./swapcheck-failures)')
      .action(async (file: string, flags: ValidateFlags) =>
        context.exit(await commandValidate(file, flags, context.io)),
      );
  },
};

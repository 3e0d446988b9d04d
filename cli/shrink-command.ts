/**
 * `swapcheck shrink TRACE`: minimizes a failing trace from anywhere (a campaign's unshrunk
 * trace, a hand-written one, a bug report's) and writes `NAME.min.json` beside it (atomically),
 * then prints the shrunk ops, what broke in kernel words and the command that replays it. A
 * trace on a preset config may move to another preset on which it fails sooner. Exit 1 when it
 * failed (and was shrunk), 0 when it holds.
 *
 * Not covered here: the shrinker (properties/shrink.ts).
 */
import type { Command } from 'commander';
import { configPresets, type Config, type ConfigPresetName } from '../lib/config.ts';
import { describeFailure, formatDivergence, formatOps } from '../properties/report.ts';
import { replayOps } from '../properties/run.ts';
import { shrinkTrace } from '../properties/shrink.ts';
import { formatTrace, readTrace, resolveConfig, writeFileAtomic } from '../properties/trace.ts';
import type { CommandContext, CommandModule } from './command-module.ts';
import { commandLine } from './invocation.ts';
import type { Io } from './io.ts';
import { emitReproducer } from './kernel-command.ts';
import { absolute, chooseDesign, chooseRef, parseDuration } from './options.ts';

interface ShrinkFlags {
  readonly design?: string;
  readonly time?: string;
  readonly emitC?: string;
}

async function commandShrink(file: string, flags: ShrinkFlags, io: Io): Promise<number> {
  const path = absolute(io.cwd, file);
  const trace = readTrace(path);
  const choice =
    flags.design === undefined
      ? await chooseRef(trace.design)
      : await chooseDesign(flags.design, io.cwd);
  const timeMs = flags.time === undefined ? 20_000 : parseDuration(flags.time);
  const config = resolveConfig(trace.config);
  const result = replayOps(choice.design, config, trace.ops);
  if (result.failure === null) {
    io.out(`${path} (${choice.design.name}): holds; nothing to shrink`);
    return 0;
  }
  const presets = Object.entries(configPresets) as [ConfigPresetName, Config][];
  const others = typeof trace.config === 'string' ? presets.map(([, preset]) => preset) : [];
  const shrunk = shrinkTrace(
    choice.design,
    config,
    trace.ops,
    result.failure,
    { timeMs, attemptsMax: 1_000_000 },
    undefined,
    others,
  );
  const shrunkConfig = presets.find(([, preset]) => preset === shrunk.config)?.[0] ?? trace.config;
  const target = `${path.replace(/(\.unshrunk)?(\.min)?\.json$/, '')}.min.json`;
  const design = flags.design === undefined ? trace.design : choice.ref;
  writeFileAtomic(
    target,
    formatTrace({
      ...trace,
      design,
      config: shrunkConfig,
      note: describeFailure(shrunk.failure),
      ops: shrunk.ops,
    }),
  );
  io.out(
    `${path}: ${shrunk.lengthBefore} ops -> ${shrunk.ops.length} ops in ${Math.round(shrunk.elapsedMs)} ms (${shrunk.attempts} replays)`,
  );
  for (const line of formatOps(shrunk.ops, shrunk.failure)) io.out(line);
  for (const line of formatDivergence(shrunk.failure)) io.out(line);
  io.out(`wrote ${target}`);
  if (flags.emitC !== undefined)
    io.out(emitReproducer(absolute(io.cwd, flags.emitC), shrunk.config, shrunk.ops, target));
  io.out(`replay: ${commandLine(['replay', target])}`);
  return 1;
}

export const shrinkCommand: CommandModule = {
  name: 'shrink',
  register(program: Command, context: CommandContext) {
    program
      .command('shrink')
      .description('minimize a failing trace; writes NAME.min.json beside it')
      .argument('<trace>', 'a failing trace (version 1)')
      .option('--design <name>', "shrink on this design instead of the trace's")
      .option('--time <duration>', 'time budget (default 20s)')
      .option(
        '--emit-c <file>',
        "write the shrunk trace's C reproducer (Linux 6.1 userspace) to FILE",
      )
      .action(async (file: string, flags: ShrinkFlags) =>
        context.exit(await commandShrink(file, flags, context.io)),
      );
  },
};

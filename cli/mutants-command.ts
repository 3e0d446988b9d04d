/**
 * `swapcheck mutants`: how fast the harness kills every catalogued mutant (deliberately broken
 * designs, one realistic bug each; docs/mutants.md). Seed i of a mutant is a campaign of runs
 * of --max-ops ops, the configs in turn; it stops at the first kill (the same ops must hold on
 * the base design), after --runs-per-seed runs or after --time-per-mutant, whichever comes
 * first. Time budgets and times are CPU time of the process, so other jobs on the machine slow
 * the run down but do not change its verdict. A mutant passes when at least --kill-ratio of
 * its seeds kill it and every shrunk kill is at most 1.5 x its shortest. Race mutants are
 * killed by the explorer.
 *
 * Not covered here: the self-check itself (properties/mutant-check.ts).
 */
import type { Command } from 'commander';
import { configPresets } from '../lib/config.ts';
import { cpuClock } from '../lib/budget-clock.ts';
import { mutantCatalogue, mutantDesignLabel } from '../impl/mutants.ts';
import { checkRaceMutant } from '../explore/mutant-race.ts';
import { knobModes } from '../properties/knob-swarm.ts';
import { checkMutants, mutantVerdict } from '../properties/mutant-check.ts';
import { shrinkBudgetDefault } from '../properties/shrink.ts';
import { InputError } from '../properties/trace.ts';
import type { CommandContext, CommandModule } from './command-module.ts';
import type { Io } from './io.ts';
import { collect, parseChoice, parseCount, parseDuration } from './options.ts';

/** Least time per seed for a race mutant in `swapcheck mutants`. */
const raceSeedMsMin = 10_000;

interface MutantsFlags {
  readonly seeds?: string;
  readonly timePerMutant?: string;
  readonly runsPerSeed?: string;
  readonly maxOps?: string;
  readonly killRatio?: string;
  readonly shrinkTime?: string;
  readonly seed?: string;
  readonly mutant?: string[];
  readonly format?: string;
  readonly list?: boolean;
  readonly knobs?: string;
  readonly property?: boolean;
}

function commandMutants(values: MutantsFlags, io: Io): number {
  const out = io.out;
  const format = parseChoice(
    '--format',
    values.format,
    ['text', 'json', 'markdown'] as const,
    'text',
  );
  if (values.list === true) {
    for (const [name, doc] of Object.entries(mutantCatalogue))
      out(`${name.padEnd(34)} ${mutantDesignLabel(doc, doc.designs[0] ?? '')}: ${doc.summary}`);
    return 0;
  }
  const names = values.mutant ?? Object.keys(mutantCatalogue);
  for (const name of names) {
    if (!Object.hasOwn(mutantCatalogue, name))
      throw new InputError(`unknown mutant '${name}' (swapcheck mutants --list)`);
  }
  const seeds = parseCount('--seeds', values.seeds, 1, 10_000) ?? 20;
  const timeMs =
    values.timePerMutant === undefined
      ? 10_000
      : parseDuration(values.timePerMutant, '--time-per-mutant');
  const ratioText = values.killRatio ?? '0.95';
  const ratio = Number(ratioText);
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(ratioText) || ratio <= 0) {
    throw new InputError(`--kill-ratio: expected a number in (0, 1], got '${ratioText}'`);
  }
  const seedBase = parseCount('--seed', values.seed, 0, 0xffffffff) ?? 1;
  const runsPerSeed = parseCount('--runs-per-seed', values.runsPerSeed, 1, 1_000_000) ?? 128;
  const knobs = parseChoice('--knobs', values.knobs, knobModes, 'swarm');
  // One and a half times the budget `swapcheck run` gives its failure's shrink
  // (shrinkBudgetDefault): the self-check splits it over a portfolio of kills, and it is CPU
  // time, which still grows under load (a seed of bitmap-bad-slot-used that reaches 9 ops
  // alone has stopped at 18 with two other processes on the machine).
  const shrinkMs =
    values.shrinkTime === undefined
      ? (shrinkBudgetDefault.timeMs * 3) / 2
      : parseDuration(values.shrinkTime, '--shrink-time');
  // Race mutants are killed by the explorer (schedules, not ops, to kill); the rest by `run`.
  const raceNames = new Set(names.filter((name) => mutantCatalogue[name]?.race !== undefined));
  const sequential = checkMutants(
    {
      seeds,
      // Each seed's campaign has the whole time budget; the runs budget normally ends it first.
      timeMsPerSeed: timeMs,
      runsPerSeed,
      opsPerRun: parseCount('--max-ops', values.maxOps, 1, 1_000_000) ?? 400,
      configs: Object.values(configPresets),
      knobs,
      property: values.property !== false,
      // Shrinking is not part of the time to kill; it gets its own budget per kill.
      shrinkMs,
      seedBase,
      // Budgets and times are process CPU time, so other jobs on the machine do not decide.
      clock: cpuClock,
      onMutant: (name, result) => {
        if (io.stderrTty || format !== 'text')
          io.progress(`${name}: ${result.killed}/${result.seeds}\n`);
      },
    },
    names.filter((name) => !raceNames.has(name)),
  );
  const results = names.map((name) => {
    if (!raceNames.has(name))
      return sequential.find((result) => result.name === name) as (typeof sequential)[number];
    // A race needs a scenario and a schedule to line up: each seed gets at least 10 s.
    const result = checkRaceMutant(
      name,
      seeds,
      seedBase,
      Math.max(timeMs, raceSeedMsMin),
      shrinkMs,
      cpuClock,
    );
    if (io.stderrTty || format !== 'text')
      io.progress(`${name}: ${result.killed}/${result.seeds}\n`);
    return result;
  });
  const rows = results.map((r) => ({ ...r, verdict: mutantVerdict(r, ratio) }));
  const bad = rows.filter((r) => r.verdict !== 'killed');
  if (format === 'json') {
    out(
      JSON.stringify(
        {
          format: 'swapcheck-mutants',
          version: 1,
          seeds,
          seedBase,
          runsPerSeed,
          knobs,
          timeMsPerMutant: timeMs,
          clock: 'cpu',
          killRatio: ratio,
          mutants: rows.map(({ doc, ...rest }) => ({
            ...rest,
            shortest: doc.shortest,
            catches: doc.catches,
          })),
        },
        null,
        2,
      ),
    );
  } else {
    const header = [
      'mutant',
      'design',
      'killed',
      'timed out',
      'median runs',
      'median ops/schedules',
      'median ms',
      'shrunk',
      'shortest',
      'fast-check',
      'verdict',
    ];
    const propertyCell = (p: (typeof rows)[number]['property']) =>
      p === null ? '-' : p.killedAtRun === null ? `survived ${p.runs}` : `run ${p.killedAtRun}`;
    const cells = rows.map((r) => [
      r.name,
      r.design,
      `${r.killed}/${r.seeds}`,
      String(r.timedOut),
      String(r.medianRunsToKill ?? '-'),
      String(r.medianOpsToKill ?? '-'),
      r.medianMsToKill === null ? '-' : String(Math.round(r.medianMsToKill)),
      String(r.shrunkLengthMax ?? '-'),
      String(r.doc.shortest),
      propertyCell(r.property),
      r.verdict,
    ]);
    if (format === 'markdown') {
      out(`| ${header.join(' | ')} |`);
      out(`|${header.map(() => '---').join('|')}|`);
      for (const row of cells) out(`| ${row.join(' | ')} |`);
    } else {
      const widths = header.map((h, i) =>
        Math.max(h.length, ...cells.map((row) => (row[i] as string).length)),
      );
      out(header.map((h, i) => h.padEnd(widths[i] as number)).join('  '));
      for (const row of cells)
        out(row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  '));
    }
  }
  if (format !== 'json') out(`${rows.length - bad.length} passed, ${bad.length} failed`);
  return bad.length === 0 ? 0 : 1;
}

export const mutantsCommand: CommandModule = {
  name: 'mutants',
  register(program: Command, context: CommandContext) {
    program
      .command('mutants')
      .description('how fast the harness kills every catalogued mutant (the self-check)')
      .option('--seeds <n>', 'seeds per mutant (default 20)')
      .option('--runs-per-seed <n>', 'runs per seed before it counts as not killed (default 128)')
      .option('--time-per-mutant <duration>', 'CPU-time budget per seed (default 10s)')
      .option('--max-ops <n>', 'ops per run (default 400)')
      .option('--shrink-time <duration>', 'CPU-time budget to shrink each kill (default 30s)')
      .option(
        '--kill-ratio <ratio>',
        'share of seeds that must kill a mutant, in (0, 1] (default 0.95)',
      )
      .option('--seed <n>', 'first seed (default 1)')
      .option('--mutant <name>', 'check only this mutant; repeatable', collect)
      .option('--format <format>', 'text, json or markdown (default text)')
      .option(
        '--knobs <mode>',
        "swarm: runs take the knob values of the design's knob space, as in run (default); fixed: the preset's",
      )
      .option('--no-property', 'do not run the fast-check property against the sequential mutants')
      .option('--list', 'list the catalogued mutants and exit')
      .action((flags: MutantsFlags) => context.exit(commandMutants(flags, context.io)));
  },
};

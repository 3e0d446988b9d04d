/**
 * `swapcheck compare [--designs NAME ...] [--workload NAME ...] [--scale SIZES]
 * [--scale-results FILE] [--userspace] [--weights FILE] [--format text|markdown|json|html]
 * [--out FILE]`: replays every chosen workload on every chosen design (properties/compare.ts)
 * and prints the table (text), the comparison document (markdown, the source of
 * docs/design-comparison.md), a JSON document, or a self-contained HTML report with static
 * SVG charts and optional interactive ones. Designs are any --design spelling: built-in names,
 * `NAME[knob=value]`, knob files and proposal modules; they are reported classic first, then
 * by family. `--scale` runs workloads at kernel scale (only those, unless --workload is given) (10^4 to 10^6 swapped pages; the cells'
 * wall times go to stderr, never into a report); `--scale-results` takes them from an earlier
 * JSON report instead. `--userspace` compares what a program would see with classic.
 * `--weights` replaces docs/cost-weights.json for the time estimate. The HTML report's date is
 * today's, or SOURCE_DATE_EPOCH's when that is set (reproducible reports). Exit 0 when every
 * design agreed with the model, 1 when one failed, 2 for bad names, flags or files.
 *
 * Not covered here: the other commands (cli/command-list.ts).
 */
import type { Command } from 'commander';
import { compareDesigns, type CompareCell } from '../properties/compare.ts';
import { comparisonDoc } from '../properties/compare-doc.ts';
import { compareJson, compareText, userspaceMarkdown } from '../properties/compare-format.ts';
import { readScaleResults } from '../properties/compare-results.ts';
import { defaultWeights, readWeights, type CostWeights } from '../properties/cost-model.ts';
import { designNames } from '../properties/design-registry.ts';
import { parseScaleSizes } from '../properties/scale-workloads.ts';
import { InputError, writeFileAtomic } from '../properties/trace.ts';
import {
  scaleWorkload,
  workloadNames,
  workloads,
  type AnyWorkload,
} from '../properties/workloads.ts';
import type { CommandContext, CommandModule } from './command-module.ts';
import type { Io } from './io.ts';
import { absolute, chooseDesign, collect, parseChoice } from './options.ts';
import { packageVersion } from './paths.ts';

const formats = ['text', 'markdown', 'json', 'html'] as const;

interface CompareFlags {
  readonly designs?: string[];
  readonly design?: string[];
  readonly workload?: string[];
  readonly scale?: string[];
  readonly scaleResults?: string;
  readonly userspace?: boolean;
  readonly weights?: string;
  readonly format?: string;
  readonly out?: string;
}

/** Values of repeated flags, each split at commas outside brackets (`a,b[k=v,m=x]`). */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(/,(?![^[]*\])/))
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** The weights of `--weights FILE`, or the documented defaults. */
export function chooseWeights(file: string | undefined, cwd: string): CostWeights {
  return file === undefined ? defaultWeights() : readWeights(absolute(cwd, file), file);
}

/** The chosen mix workloads (`--workload`; all by default). */
export function chooseWorkloads(values: readonly string[] | undefined): AnyWorkload[] {
  const names = splitList(values);
  for (const name of names) {
    if (name !== 'all' && !workloadNames().includes(name))
      throw new InputError(`unknown workload '${name}' (known: ${workloadNames().join(', ')})`);
  }
  return names.length === 0 || names.includes('all')
    ? [...workloads]
    : workloads.filter((workload) => names.includes(workload.name));
}

/** The report's date: SOURCE_DATE_EPOCH's (seconds) when set, else today's, as YYYY-MM-DD. */
export function reportDate(environment: NodeJS.ProcessEnv, now: Date = new Date()): string {
  const epoch = environment['SOURCE_DATE_EPOCH'];
  if (epoch === undefined || epoch === '') return now.toISOString().slice(0, 10);
  if (!/^\d+$/.test(epoch))
    throw new InputError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got '${epoch}'`);
  return new Date(Number(epoch) * 1000).toISOString().slice(0, 10);
}

async function commandCompare(flags: CompareFlags, io: Io): Promise<number> {
  const format = parseChoice('--format', flags.format, formats, 'text');
  const weights = chooseWeights(flags.weights, io.cwd);
  const date = format === 'html' ? reportDate(process.env) : '';
  const designFlags = splitList([...(flags.designs ?? []), ...(flags.design ?? [])]);
  const chosenDesigns =
    designFlags.length === 0 || designFlags.includes('all') ? designNames() : designFlags;
  const designs = [];
  for (const text of chosenDesigns) designs.push((await chooseDesign(text, io.cwd)).design);
  // --scale alone runs only the scale workloads (the mix ones when --workload names them too).
  const chosen: AnyWorkload[] =
    flags.scale !== undefined && flags.workload === undefined
      ? []
      : chooseWorkloads(flags.workload);
  if (flags.scale !== undefined) chosen.push(...parseScaleSizes(flags.scale).map(scaleWorkload));
  const stored =
    flags.scaleResults === undefined
      ? null
      : readScaleResults(absolute(io.cwd, flags.scaleResults), flags.scaleResults);
  const userspace = flags.userspace === true;
  const cells: CompareCell[] = compareDesigns(designs, chosen, {
    userspace,
    progress: (cell, ms) => {
      if (cell.workload.startsWith('scale-'))
        io.err(`compare: ${cell.workload} on ${cell.design}: ${(ms / 1000).toFixed(1)} s`);
    },
  });
  const allWorkloads = [...chosen, ...(stored?.workloads ?? [])];
  const allCells = [...cells, ...(stored?.cells ?? [])];
  let text: string;
  if (format === 'markdown') {
    text = comparisonDoc(cells, weights, stored);
  } else if (format === 'json') {
    text = `${JSON.stringify(compareJson(allCells, weights, allWorkloads), null, 2)}\n`;
  } else if (format === 'html') {
    // vega and its charts load only for the HTML report: they cost every other command's start.
    const { compareHtml } = await import('../properties/compare-html.ts');
    text = await compareHtml(allCells, {
      version: packageVersion(),
      date,
      workloads: allWorkloads,
      weights,
    });
  } else {
    text = compareText(allCells, weights);
    if (userspace && userspaceMarkdown(allCells).length === 0)
      text += 'userspace: no design other than classic to compare\n';
  }
  // A report file is written atomically, so a failed run never leaves half a document.
  if (flags.out === undefined) io.write(text);
  else writeFileAtomic(absolute(io.cwd, flags.out), text);
  return allCells.some((cell) => cell.failure !== null) ? 1 : 0;
}

export const compareCommand: CommandModule = {
  name: 'compare',
  register(program: Command, context: CommandContext) {
    program
      .command('compare')
      .description("each design's costs on the named workloads, with its verdict")
      .option(
        '--designs <names>',
        'designs, comma-separated or repeated (any --design spelling, modules included); all by default',
        collect,
      )
      .option('--design <name>', 'the same as --designs', collect)
      .option(
        '--workload <names>',
        `workloads, comma-separated or repeated (${workloadNames().join(', ')}); all by default`,
        collect,
      )
      .option(
        '--scale <sizes>',
        'run workloads at kernel scale: swapped pages, comma-separated or repeated (1e4,1e5,1e6); only these unless --workload is given',
        collect,
      )
      .option(
        '--scale-results <file>',
        "take the scale workloads' cells from an earlier --format json report",
      )
      .option(
        '--userspace',
        'compare what programs and tools see (pagemap, /proc/swaps, meminfo, zswap) with classic',
      )
      .option(
        '--weights <file>',
        'per-event weights for the time estimate (default docs/cost-weights.json)',
      )
      .option('--format <format>', 'text, markdown, json or html (default text)')
      .option('--out <file>', 'write the report to FILE (atomically) instead of stdout')
      .action(async (flags: CompareFlags) => context.exit(await commandCompare(flags, context.io)));
  },
};

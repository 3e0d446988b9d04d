/**
 * `swapcheck compare [--designs NAME ...] [--workload NAME ...] [--format text|markdown|json|html]`:
 * replays every chosen workload on every chosen design (properties/compare.ts) and prints the
 * table (text), the comparison document (markdown, the source of docs/design-comparison.md),
 * a JSON document, or a self-contained HTML report with vega-lite charts. Designs are any
 * --design spelling: built-in names, `NAME[knob=value]`, knob files and proposal modules.
 * Exit 0 when every design agreed with the model, 1 when one failed, 2 for unknown names or
 * flags.
 *
 * Not covered here: the other commands (cli/command-list.ts).
 */
import type { Command } from 'commander';
import { compareDesigns } from '../properties/compare.ts';
import { comparisonDoc } from '../properties/compare-doc.ts';
import { compareJson, compareText } from '../properties/compare-format.ts';
import { designNames } from '../properties/design-registry.ts';
import { InputError, writeFileAtomic } from '../properties/trace.ts';
import { workloadNames, workloads } from '../properties/workloads.ts';
import type { CommandContext, CommandModule } from './command-module.ts';
import type { Io } from './io.ts';
import { absolute, chooseDesign, collect, parseChoice } from './options.ts';

const formats = ['text', 'markdown', 'json', 'html'] as const;

interface CompareFlags {
  readonly designs?: string[];
  readonly design?: string[];
  readonly workload?: string[];
  readonly format?: string;
  readonly out?: string;
}

/** Values of repeated flags, each split at commas outside brackets (`a,b[k=v,m=x]`). */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(/,(?![^[]*\])/)).map((name) => name.trim()).filter((name) => name !== '');
}

async function commandCompare(flags: CompareFlags, io: Io): Promise<number> {
  const format = parseChoice('--format', flags.format, formats, 'text');
  const designFlags = splitList([...(flags.designs ?? []), ...(flags.design ?? [])]);
  const chosenDesigns = designFlags.length === 0 || designFlags.includes('all') ? designNames() : designFlags;
  const designs = [];
  for (const text of chosenDesigns) designs.push((await chooseDesign(text, io.cwd)).design);
  const workloadFlags = splitList(flags.workload);
  for (const name of workloadFlags) {
    if (name !== 'all' && !workloadNames().includes(name)) throw new InputError(`unknown workload '${name}' (known: ${workloadNames().join(', ')})`);
  }
  const chosen = workloadFlags.length === 0 || workloadFlags.includes('all') ? workloads : workloads.filter((workload) => workloadFlags.includes(workload.name));
  const cells = compareDesigns(designs, chosen);
  const text = format === 'markdown' ? comparisonDoc(cells)
    : format === 'json' ? `${JSON.stringify(compareJson(cells), null, 2)}\n`
      // vega and its charts load only for the HTML report: they cost every other command's start.
      : format === 'html' ? (await import('../properties/compare-html.ts')).compareHtml(cells)
        : compareText(cells);
  // A report file is written atomically, so a failed run never leaves half a document.
  if (flags.out === undefined) io.write(text);
  else writeFileAtomic(absolute(io.cwd, flags.out), text);
  return cells.some((cell) => cell.failure !== null) ? 1 : 0;
}

export const compareCommand: CommandModule = {
  name: 'compare',
  register(program: Command, context: CommandContext) {
    program.command('compare')
      .description('each design\'s costs on the named workloads, with its verdict')
      .option('--designs <names>', 'designs, comma-separated or repeated (any --design spelling, modules included); all by default', collect)
      .option('--design <name>', 'the same as --designs', collect)
      .option('--workload <names>', `workloads, comma-separated or repeated (${workloadNames().join(', ')}); all by default`, collect)
      .option('--format <format>', 'text, markdown, json or html (default text)')
      .option('--out <file>', 'write the report to FILE (atomically) instead of stdout')
      .action(async (flags: CompareFlags) => context.exit(await commandCompare(flags, context.io)));
  },
};

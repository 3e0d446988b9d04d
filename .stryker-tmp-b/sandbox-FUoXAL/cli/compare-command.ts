/**
 * `swapcheck compare [--designs NAME ...] [--workload NAME ...] [--format text|markdown|json|html]`:
 * replays every chosen workload on every chosen design (properties/compare.ts) and prints the
 * table (text), the comparison document (markdown, the source of docs/design-comparison.md),
 * a JSON document, or a self-contained HTML report with vega-lite charts. Exit 0 when every
 * design agreed with the model, 1 when one failed, 2 for unknown names or flags.
 *
 * Not covered here: the other commands (cli/commands.ts).
 */
// @ts-nocheck

import { parseArgs } from 'node:util';
import { compareDesigns } from '../properties/compare.ts';
import { comparisonDoc } from '../properties/compare-doc.ts';
import { compareJson, compareText } from '../properties/compare-format.ts';
import { compareHtml } from '../properties/compare-html.ts';
import { designNames, resolveDesign } from '../properties/design-registry.ts';
import { InputError, writeFileAtomic } from '../properties/trace.ts';
import { workloadNames, workloads } from '../properties/workloads.ts';

const formats = ['text', 'markdown', 'json', 'html'] as const;
type CompareFormat = (typeof formats)[number];

/** Names from repeated and comma-separated flags; all of `known` when none or 'all'. */
function selectNames(values: readonly string[] | undefined, known: readonly string[], what: string): string[] {
  const names = (values ?? []).flatMap((value) => value.split(',')).map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0 || names.includes('all')) return [...known];
  for (const name of names) {
    if (!known.includes(name)) throw new InputError(`unknown ${what} '${name}' (known: ${known.join(', ')})`);
  }
  return names;
}

export function commandCompare(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      designs: { type: 'string', multiple: true },
      design: { type: 'string', multiple: true },
      workload: { type: 'string', multiple: true },
      format: { type: 'string', default: 'text' },
      out: { type: 'string' },
    },
    allowPositionals: false,
  });
  const format = values.format as CompareFormat;
  if (!formats.includes(format)) {
    throw new InputError(`--format must be one of ${formats.join(', ')}`);
  }
  const designs = selectNames([...(values.designs ?? []), ...(values.design ?? [])], designNames(), 'design')
    .map((name) => resolveDesign(name));
  const chosen = selectNames(values.workload, workloadNames(), 'workload')
    .map((name) => workloads.find((workload) => workload.name === name))
    .filter((workload) => workload !== undefined);
  const cells = compareDesigns(designs, chosen);
  const text = format === 'markdown' ? comparisonDoc(cells)
    : format === 'json' ? `${JSON.stringify(compareJson(cells), null, 2)}\n`
      : format === 'html' ? compareHtml(cells)
        : compareText(cells);
  // A report file is written atomically, so a failed run never leaves half a document.
  if (values.out === undefined) process.stdout.write(text);
  else writeFileAtomic(values.out, text);
  return cells.some((cell) => cell.failure !== null) ? 1 : 0;
}

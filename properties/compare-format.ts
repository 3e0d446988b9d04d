/**
 * Text, Markdown and JSON forms of the design comparison (properties/compare.ts): one row per
 * workload and design with its verdict, bytes per swapped page (without memcg, with memcg under
 * the RFC v2 rule, with eager memcg tables), per-op counts and the estimated time per op as a
 * spread over the weights; the userspace differences against classic; and, for
 * `swapcheck validate`, a proposal's costs as a delta against its base design.
 *
 * Not covered here: charts and the HTML page (properties/compare-html.ts), the comparison
 * document (properties/compare-doc.ts).
 */
import { layoutSummary, metadataComponents } from '../lib/costs.ts';
import type { CostWeights, Spread } from './cost-model.ts';
import { figures, referenceDesign, type CompareCell } from './compare.ts';
import type { InterfaceDiff } from './userspace-diff.ts';
import type { AnyWorkload } from './workloads.ts';

export const resultHeaders = [
  'workload',
  'design',
  'verdict',
  'peak pages',
  'B/page no memcg',
  'B/page memcg',
  'B/page memcg eager',
  'lookups/op',
  'nodes/op',
  'hit rate',
  'locks/op',
  'rmap updates',
  'scan slots',
  'redirections',
  'ns/op low-high (typical)',
] as const;

/** Columns that are names (left-aligned); the rest are numbers. */
const nameColumns = 3;

export function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined ? '-' : value.toFixed(digits);
}

export function percent(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(1)}%`;
}

/** A time spread as `low-high (typical)`, in ns with at most one decimal. */
export function spreadText(spread: Spread | null): string {
  if (spread === null) return '-';
  const ns = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
  return `${ns(spread.low)}-${ns(spread.high)} (${ns(spread.typical)})`;
}

/** The table rows as strings, in `resultHeaders` order. */
export function compareRows(
  cells: readonly CompareCell[],
  weights: CostWeights | null,
): string[][] {
  return cells.map((cell) => {
    const f = figures(cell, weights);
    return [
      cell.workload,
      cell.design,
      cell.failure === null ? 'pass' : 'FAIL',
      String(cell.peakSwappedPages),
      fixed(f.bytesPerPageNoMemcg, 1),
      fixed(f.bytesPerPage, 1),
      fixed(f.bytesPerPageEager, 1),
      fixed(f.lookupsPerOp, 3),
      fixed(f.nodesPerOp, 3),
      percent(f.hitRate),
      fixed(f.locksPerOp, 2),
      f.rmapUpdates === null ? '-' : String(f.rmapUpdates),
      f.scanSlots === null ? '-' : String(f.scanSlots),
      f.redirections === null ? '-' : String(f.redirections),
      spreadText(f.nsPerOp),
    ];
  });
}

/** The failures, one line each (empty when every cell passed). */
function failureLines(cells: readonly CompareCell[]): string[] {
  return cells
    .filter((cell) => cell.failure !== null)
    .map((cell) => `${cell.design} on ${cell.workload}: ${cell.failure ?? ''}`);
}

/** Rows laid out in aligned columns, the first `names` left-aligned. */
export function alignedText(rows: readonly (readonly string[])[], names: number): string[] {
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows.map((row) =>
    row
      .map((text, column) => {
        const width = widths[column] ?? 0;
        return column < names ? text.padEnd(width) : text.padStart(width);
      })
      .join('  ')
      .trimEnd(),
  );
}

/** A Markdown table. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  names: number,
): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map((_, column) => (column < names ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

function weightsLine(weights: CostWeights | null): string[] {
  return weights === null
    ? []
    : [`time per op: estimated from the weights in ${weights.file} (ns, low-high (typical))`];
}

export function compareText(cells: readonly CompareCell[], weights: CostWeights | null): string {
  const lines = alignedText([[...resultHeaders], ...compareRows(cells, weights)], nameColumns);
  return (
    [
      `layout: ${layoutSummary}`,
      ...weightsLine(weights),
      ...lines,
      ...failureLines(cells),
      ...userspaceText(cells),
    ].join('\n') + '\n'
  );
}

export function compareMarkdown(
  cells: readonly CompareCell[],
  weights: CostWeights | null,
): string {
  const lines = markdownTable(resultHeaders, compareRows(cells, weights), nameColumns);
  const failures = failureLines(cells);
  if (failures.length > 0) lines.push('', ...failures.map((line) => `- FAIL ${line}`));
  return lines.join('\n') + '\n';
}

/** Peak metadata bytes per swapped page by component, as a Markdown table. */
export function componentMarkdown(cells: readonly CompareCell[]): string {
  const rows = cells.map((cell) => {
    const f = figures(cell);
    const per = f.componentBytesPerPage;
    return [
      cell.workload,
      cell.design,
      ...metadataComponents.map((key) => fixed(per === null ? null : per[key], 2)),
      fixed(f.bytesPerPage, 1),
    ];
  });
  return (
    markdownTable(['workload', 'design', ...metadataComponents, 'total'], rows, 2).join('\n') + '\n'
  );
}

/** One interface's summary for a design over every workload compared. */
export interface InterfaceSummary {
  readonly id: string;
  readonly label: string;
  /** Workloads in which it differed at least once. */
  readonly workloads: readonly string[];
  /** The first difference: its workload and example. */
  readonly example: { readonly workload: string; readonly diff: InterfaceDiff } | null;
}

/** Per design compared against classic: each interface over every workload, in report order. */
export function userspaceSummary(cells: readonly CompareCell[]): Map<string, InterfaceSummary[]> {
  type Face = { label: string; workloads: string[]; example: InterfaceSummary['example'] };
  const byDesign = new Map<string, Map<string, Face>>();
  for (const cell of cells) {
    if (cell.userspace === null) continue;
    const faces = byDesign.get(cell.design) ?? new Map<string, Face>();
    byDesign.set(cell.design, faces);
    for (const diff of cell.userspace.interfaces) {
      const face = faces.get(diff.id) ?? { label: diff.label, workloads: [], example: null };
      faces.set(diff.id, face);
      if (diff.differingViews > 0) {
        face.workloads.push(cell.workload);
        face.example ??= { workload: cell.workload, diff };
      }
    }
  }
  return new Map(
    [...byDesign].map(([design, faces]) => [
      design,
      [...faces].map(([id, face]) => ({
        id,
        label: face.label,
        workloads: face.workloads,
        example: face.example,
      })),
    ]),
  );
}

/** One sentence giving an interface's first difference. */
export function exampleText(design: string, face: InterfaceSummary): string {
  const example = face.example;
  if (example === null) return '';
  const first = example.diff.first;
  if (first === null) return '';
  const where = first.where === '' ? '' : `${first.where} `;
  const when = first.op < 0 ? 'before the first op' : `after op ${first.op} \`${first.opText}\``;
  return `${example.workload}, ${when}: ${where}shows ${first.reference} on ${referenceDesign}, ${first.design} on ${design}`;
}

/** The userspace comparison as text lines (none when it was not asked for). */
export function userspaceText(cells: readonly CompareCell[]): string[] {
  const summary = userspaceSummary(cells);
  if (summary.size === 0) return [];
  const lines = ['', `userspace differences against ${referenceDesign} (lib/userspace-view.ts):`];
  for (const [design, faces] of summary) {
    const changed = faces.filter((face) => face.workloads.length > 0);
    const same = faces.filter((face) => face.workloads.length === 0);
    lines.push(
      `${design}: ${changed.length === 0 ? 'identical on every interface' : `${changed.length} of ${faces.length} interfaces change`}`,
    );
    for (const face of changed) {
      lines.push(
        `  changes: ${face.label} (${face.workloads.length} workloads); e.g. ${exampleText(design, face)}`,
      );
    }
    if (changed.length > 0 && same.length > 0)
      lines.push(`  identical: ${same.map((face) => face.label).join('; ')}`);
  }
  return lines;
}

/** The userspace comparison as Markdown: a matrix of interfaces by design, then examples. */
export function userspaceMarkdown(cells: readonly CompareCell[]): string[] {
  const summary = userspaceSummary(cells);
  if (summary.size === 0) return [];
  const designs = [...summary.keys()];
  const faces = summary.get(designs[0] ?? '') ?? [];
  const workloads = [
    ...new Set(cells.filter((cell) => cell.userspace !== null).map((cell) => cell.workload)),
  ].length;
  const rows = faces.map((face, index) => [
    face.label,
    ...designs.map((design) => {
      const mine = summary.get(design)?.[index];
      return mine === undefined || mine.workloads.length === 0
        ? 'identical'
        : `changes (${mine.workloads.length}/${workloads})`;
    }),
  ]);
  const lines = markdownTable(['interface', ...designs], rows, 1 + designs.length);
  lines.push('');
  for (const design of designs) {
    const changed = (summary.get(design) ?? []).filter((face) => face.workloads.length > 0);
    if (changed.length === 0) {
      lines.push(
        `- **${design}**: identical to ${referenceDesign} on every interface, in every workload.`,
      );
      continue;
    }
    lines.push(`- **${design}** changes ${changed.length} interfaces:`);
    for (const face of changed) lines.push(`  - ${face.label}: ${exampleText(design, face)}.`);
  }
  lines.push('');
  return lines;
}

/** How a JSON report names a workload: enough to rebuild it (properties/compare-results.ts). */
export function workloadRecord(workload: AnyWorkload) {
  return workload.kind === 'scale'
    ? { name: workload.name, kind: 'scale' as const, size: workload.size, pages: workload.pages }
    : { name: workload.name, kind: 'mix' as const, seed: workload.seed, ops: workload.ops };
}

/** The `--format json` document (format swapcheck-compare, version 2). */
export function compareJson(
  cells: readonly CompareCell[],
  weights: CostWeights | null,
  workloads: readonly AnyWorkload[] = [],
) {
  return {
    format: 'swapcheck-compare',
    version: 2,
    layout: layoutSummary,
    weights,
    workloads: workloads.map(workloadRecord),
    cells: cells.map((cell) => ({ ...cell, figures: figures(cell, weights) })),
  };
}

/** Signed difference with the given digits (`+1.3`, `-0.20`, `0`). */
function delta(value: number | null, base: number | null, digits: number): string {
  if (value === null || base === null) return '-';
  const difference = value - base;
  const text = difference.toFixed(digits);
  if (Number(text) === 0) return `${value.toFixed(digits)} (=)`;
  return `${value.toFixed(digits)} (${difference > 0 ? '+' : ''}${text})`;
}

/**
 * `swapcheck validate`'s costs: per workload, the proposal's figures with their difference
 * from its base design's, `value (+delta)`.
 */
export function deltaText(
  cells: readonly CompareCell[],
  proposal: string,
  base: string,
  weights: CostWeights | null,
): string {
  const headers = [
    'workload',
    'verdict',
    'B/page no memcg',
    'B/page memcg',
    'lookups/op',
    'locks/op',
    'rmap updates',
    'scan slots',
    'ns/op typical',
    'ns/op high',
  ];
  const rows: string[][] = [];
  const workloads = [...new Set(cells.map((cell) => cell.workload))];
  for (const workload of workloads) {
    const mine = cells.find((cell) => cell.workload === workload && cell.design === proposal);
    const theirs = cells.find((cell) => cell.workload === workload && cell.design === base);
    if (mine === undefined || theirs === undefined) continue;
    const a = figures(mine, weights);
    const b = figures(theirs, weights);
    rows.push([
      workload,
      mine.failure === null ? 'pass' : 'FAIL',
      delta(a.bytesPerPageNoMemcg, b.bytesPerPageNoMemcg, 1),
      delta(a.bytesPerPage, b.bytesPerPage, 1),
      delta(a.lookupsPerOp, b.lookupsPerOp, 3),
      delta(a.locksPerOp, b.locksPerOp, 2),
      delta(a.rmapUpdates, b.rmapUpdates, 0),
      delta(a.scanSlots, b.scanSlots, 0),
      delta(a.nsPerOp?.typical ?? null, b.nsPerOp?.typical ?? null, 1),
      delta(a.nsPerOp?.high ?? null, b.nsPerOp?.high ?? null, 1),
    ]);
  }
  return (
    [
      `costs of ${proposal} against its base design ${base}: value (difference from ${base})`,
      `layout: ${layoutSummary}`,
      ...weightsLine(weights),
      ...alignedText([headers, ...rows], 2),
      ...failureLines(cells),
    ].join('\n') + '\n'
  );
}

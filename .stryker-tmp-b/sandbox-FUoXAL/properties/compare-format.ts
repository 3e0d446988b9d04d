/**
 * Text, Markdown and JSON forms of the design comparison (properties/compare.ts): one row per
 * workload and design with its verdict, bytes per swapped page and per-op counts.
 *
 * Not covered here: charts (properties/compare-html.ts).
 */
// @ts-nocheck

import { metadataComponents } from '../lib/costs.ts';
import { figures, type CompareCell } from './compare.ts';

const headers = [
  'workload', 'design', 'verdict', 'peak pages', 'B/page', 'rmap B/page', 'lookups/op',
  'nodes/op', 'hit rate', 'rmap updates', 'scan slots', 'redirections', 'locks/op',
] as const;

function fixed(value: number | null, digits: number): string {
  return value === null ? '-' : value.toFixed(digits);
}

/** The table rows as strings, in `headers` order. */
export function compareRows(cells: readonly CompareCell[]): string[][] {
  return cells.map((cell) => {
    const f = figures(cell);
    return [
      cell.workload,
      cell.design,
      cell.failure === null ? 'pass' : 'FAIL',
      String(cell.peakSwappedPages),
      fixed(f.bytesPerPage, 1),
      fixed(f.componentBytesPerPage?.reverseMap ?? null, 2),
      fixed(f.lookupsPerOp, 3),
      fixed(f.nodesPerOp, 3),
      f.hitRate === null ? '-' : `${(f.hitRate * 100).toFixed(1)}%`,
      f.rmapUpdates === null ? '-' : String(f.rmapUpdates),
      f.scanSlots === null ? '-' : String(f.scanSlots),
      f.redirections === null ? '-' : String(f.redirections),
      fixed(f.locksPerOp, 2),
    ];
  });
}

/** The failures, one line each (empty when every cell passed). */
function failureLines(cells: readonly CompareCell[]): string[] {
  return cells.filter((cell) => cell.failure !== null)
    .map((cell) => `${cell.design} on ${cell.workload}: ${cell.failure ?? ''}`);
}

export function compareText(cells: readonly CompareCell[]): string {
  const rows = [[...headers], ...compareRows(cells)];
  const widths = headers.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const lines = rows.map((row) => row.map((text, column) => {
    const width = widths[column] ?? 0;
    return column < 3 ? text.padEnd(width) : text.padStart(width);
  }).join('  ').trimEnd());
  return [...lines, ...failureLines(cells)].join('\n') + '\n';
}

export function compareMarkdown(cells: readonly CompareCell[]): string {
  const lines = [
    `| ${headers.join(' | ')} |`,
    `|${headers.map((_, column) => (column < 3 ? '---' : '---:')).join('|')}|`,
    ...compareRows(cells).map((row) => `| ${row.join(' | ')} |`),
  ];
  const failures = failureLines(cells);
  if (failures.length > 0) lines.push('', ...failures.map((line) => `- FAIL ${line}`));
  return lines.join('\n') + '\n';
}

/** Peak metadata bytes per swapped page by component, as a Markdown table. */
export function componentMarkdown(cells: readonly CompareCell[]): string {
  const lines = [
    `| workload | design | ${metadataComponents.join(' | ')} | total |`,
    `|---|---|${metadataComponents.map(() => '---:').join('|')}|---:|`,
  ];
  for (const cell of cells) {
    const f = figures(cell);
    const per = f.componentBytesPerPage;
    const values = metadataComponents.map((key) => fixed(per === null ? null : per[key], 1));
    lines.push(`| ${cell.workload} | ${cell.design} | ${values.join(' | ')} | ${fixed(f.bytesPerPage, 1)} |`);
  }
  return lines.join('\n') + '\n';
}

/** The `--format json` document (format swapcheck-compare, version 1). */
export function compareJson(cells: readonly CompareCell[]) {
  return {
    format: 'swapcheck-compare',
    version: 1,
    cells: cells.map((cell) => ({ ...cell, figures: figures(cell) })),
  };
}

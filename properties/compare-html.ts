/**
 * The HTML report of the design comparison: a page people read in a browser or a CI artifact
 * viewer. It carries the run's facts (swapcheck version, date, workloads with their seeds or
 * sizes, the layout the bytes assume, the weights the times come from, the scale caveats),
 * real HTML tables (results, bytes by component, userspace interfaces by design), and each
 * chart as a static inline SVG rendered here with vega's headless View, so the page shows its
 * charts under a strict Content-Security-Policy that blocks every script (Jenkins' default).
 * The interactive vega-lite charts are an optional layer on top: the inlined vega, vega-lite
 * and vega-embed builds replace each static chart when scripts may run. Designs appear in the
 * report order of properties/compare.ts (classic first, then by family).
 *
 * Same cells, weights, version and date give the same bytes; the date is a parameter.
 *
 * Not covered here: the text, Markdown and JSON forms (properties/compare-format.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { layoutSummary, metadataComponents } from '../lib/costs.ts';
import type { CostWeights } from './cost-model.ts';
import { figures, referenceDesign, type CompareCell } from './compare.ts';
import {
  compareRows,
  fixed,
  resultHeaders,
  userspaceSummary,
  exampleText,
} from './compare-format.ts';
import type { AnyWorkload } from './workloads.ts';

/** The chart data: one record per cell. */
export function chartData(cells: readonly CompareCell[], weights: CostWeights | null = null) {
  const round = (value: number | null | undefined, digits: number) =>
    value === null || value === undefined ? null : Number(value.toFixed(digits));
  return cells.map((cell) => {
    const f = figures(cell, weights);
    return {
      workload: cell.workload,
      design: cell.design,
      verdict: cell.failure === null ? 'pass' : 'fail',
      bytesPerPage: round(f.bytesPerPage, 2),
      bytesPerPageNoMemcg: round(f.bytesPerPageNoMemcg, 2),
      lookupsPerOp: round(f.lookupsPerOp, 4),
      hitRate: round(f.hitRate, 4),
      nsLow: round(f.nsPerOp?.low, 1),
      nsTypical: round(f.nsPerOp?.typical, 1),
      nsHigh: round(f.nsPerOp?.high, 1),
    };
  });
}

type Datum = ReturnType<typeof chartData>[number];

function designDomain(cells: readonly CompareCell[]): string[] {
  return [...new Set(cells.map((cell) => cell.design))];
}

function barSpec(
  cells: readonly CompareCell[],
  data: readonly Datum[],
  field: keyof Datum,
  title: string,
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: data.filter((row) => row[field] !== null) },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'workload', type: 'nominal', title: null, sort: null },
      xOffset: { field: 'design', type: 'nominal', sort: designDomain(cells) },
      y: { field, type: 'quantitative', title },
      color: { field: 'design', type: 'nominal', sort: designDomain(cells) },
    },
    width: 620,
    height: 220,
  };
}

/** Bars at the typical time per op, with a rule from the low to the high estimate. */
function timeSpec(cells: readonly CompareCell[], data: readonly Datum[]): TopLevelSpec {
  const encoding = {
    x: { field: 'workload', type: 'nominal', title: null, sort: null },
    xOffset: { field: 'design', type: 'nominal', sort: designDomain(cells) },
    color: { field: 'design', type: 'nominal', sort: designDomain(cells) },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'estimated ns per op: bar at the typical weights, line from low to high',
    data: { values: data.filter((row) => row.nsTypical !== null) },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          ...encoding,
          y: { field: 'nsTypical', type: 'quantitative', title: 'ns per op' },
        },
      },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: {
          ...encoding,
          color: { value: 'black' },
          y: { field: 'nsLow', type: 'quantitative' },
          y2: { field: 'nsHigh' },
        },
      },
    ],
    width: 620,
    height: 220,
  };
}

/** The vega-lite specs of the report, by name. */
export function compareSpecs(
  cells: readonly CompareCell[],
  weights: CostWeights | null = null,
): Record<string, TopLevelSpec> {
  const data = chartData(cells, weights);
  const specs: Record<string, TopLevelSpec> = {
    'bytes-per-page': barSpec(
      cells,
      data,
      'bytesPerPage',
      'peak metadata bytes per swapped page (64-bit, memcg)',
    ),
    'lookups-per-op': barSpec(cells, data, 'lookupsPerOp', 'index (xarray) lookups per op'),
    'hit-rate': barSpec(cells, data, 'hitRate', 'lookup-cache hit rate'),
  };
  if (weights !== null) specs['time-per-op'] = timeSpec(cells, data);
  return specs;
}

/** Finds an installed package's file by walking up to node_modules (build files are not
 * exported through the packages' `exports`). */
function packageFile(pkg: string, file: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', pkg, file);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${pkg}/${file} under any node_modules`);
    dir = parent;
  }
}

function inlineScript(pkg: string, file: string): string {
  // A closing script tag inside the library would end the element early.
  return `<script>${readFileSync(packageFile(pkg, file), 'utf8').replaceAll('</script', '<\\/script')}</script>`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** Renders one vega-lite spec to SVG in Node (vega's headless View). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function htmlTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  names: number,
  caption: string,
): string {
  const cell = (tag: string, text: string, column: number) =>
    `<${tag}${column < names ? '' : ' class="num"'}>${escapeHtml(text)}</${tag}>`;
  return [
    '<table>',
    `<caption>${escapeHtml(caption)}</caption>`,
    `<thead><tr>${headers.map((text, column) => cell('th', text, column)).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map(
      (row) => `<tr>${row.map((text, column) => cell('td', text, column)).join('')}</tr>`,
    ),
    '</tbody>',
    '</table>',
  ].join('\n');
}

/** What the report says about its run. */
export interface ReportFacts {
  /** swapcheck's version. */
  readonly version: string;
  /** The report's date (YYYY-MM-DD); injected so that tests get the same bytes. */
  readonly date: string;
  readonly workloads: readonly AnyWorkload[];
  readonly weights: CostWeights | null;
}

function workloadItem(workload: AnyWorkload): string {
  const run =
    workload.kind === 'scale'
      ? `${workload.pages.toLocaleString('en-US')} pages, no seed (written-out stream)`
      : `${workload.ops} ops, seed ${workload.seed}`;
  return `<li><b>${escapeHtml(workload.name)}</b>: ${escapeHtml(workload.summary)} (${escapeHtml(run)})</li>`;
}

function userspaceHtml(cells: readonly CompareCell[]): string {
  const summary = userspaceSummary(cells);
  if (summary.size === 0) return '';
  const designs = [...summary.keys()];
  const faces = summary.get(designs[0] ?? '') ?? [];
  const rows = faces.map((face, index) => [
    face.label,
    ...designs.map((design) => {
      const mine = summary.get(design)?.[index];
      return mine === undefined || mine.workloads.length === 0
        ? 'identical'
        : `changes (${mine.workloads.length} workloads)`;
    }),
  ]);
  const examples = designs.flatMap((design) =>
    (summary.get(design) ?? [])
      .filter((face) => face.workloads.length > 0)
      .map(
        (face) =>
          `<li><b>${escapeHtml(design)}</b>, ${escapeHtml(face.label)}: ${escapeHtml(exampleText(design, face))}</li>`,
      ),
  );
  return [
    `<h2>What userspace sees differently from ${referenceDesign}</h2>`,
    htmlTable(
      ['interface', ...designs],
      rows,
      1 + designs.length,
      `userspace interfaces (lib/userspace-view.ts) against ${referenceDesign}`,
    ),
    examples.length === 0 ? '' : `<ul>\n${examples.join('\n')}\n</ul>`,
  ].join('\n');
}

/** A self-contained HTML report. `interactive: false` leaves out the vega scripts. */
export async function compareHtml(
  cells: readonly CompareCell[],
  facts: ReportFacts,
  interactive = true,
): Promise<string> {
  const specs = compareSpecs(cells, facts.weights);
  const charts: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    charts.push(`<figure class="chart" id="chart-${name}">${await renderSvg(spec)}</figure>`);
  }
  const componentRows = cells.map((cell) => {
    const per = figures(cell).componentBytesPerPage;
    return [
      cell.workload,
      cell.design,
      ...metadataComponents.map((key) => fixed(per === null ? null : per[key], 2)),
      fixed(figures(cell).bytesPerPage, 1),
    ];
  });
  const scale = facts.workloads.filter((workload) => workload.kind === 'scale');
  const caveats = [
    `Bytes assume the ${layoutSummary}; the simulation's own 32-bit words are not what is counted.`,
    'Bytes per page are the peak metadata over the peak number of live swap entries of each run; ' +
      'a table is allocated per cluster while any slot of it is used, so partly used clusters pay for their free slots.',
    scale.length === 0
      ? 'Scale: these workloads have at most a few hundred swapped pages on 16-slot clusters, so per-cluster structures and the ' +
        'index weigh far more per page than on a real machine; run with --scale for kernel-scale workloads.'
      : `Scale: the scale workloads (${scale.map((workload) => workload.name).join(', ')}) use 512-slot clusters; the mix workloads have at most a few hundred pages on 16-slot clusters.`,
    facts.weights === null
      ? 'No time estimate: no weights.'
      : `Times are estimates, counts multiplied by per-event weights from ${facts.weights.file} (low, typical, high), not measurements.`,
  ];
  const embeds = JSON.stringify(specs).replaceAll('<', '\\u003c');
  const scripts = interactive
    ? [
        inlineScript('vega', 'build/vega.min.js'),
        inlineScript('vega-lite', 'build/vega-lite.min.js'),
        inlineScript('vega-embed', 'build/vega-embed.min.js'),
        `<script>
const specs = ${embeds};
for (const [name, spec] of Object.entries(specs)) {
  vegaEmbed('#chart-' + name, spec, { actions: false }).catch((error) => {
    document.body.insertAdjacentText('beforeend', 'chart ' + name + ' failed: ' + error);
  });
}
</script>`,
      ].join('\n')
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>swapcheck design comparison</title>
<style>
body{font-family:sans-serif;margin:2em;max-width:1400px}
table{border-collapse:collapse;font-size:12px;margin:1em 0}
caption{text-align:left;font-weight:bold;padding:4px 0}
th,td{border:1px solid #ccc;padding:2px 6px}
th{background:#eee}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
figure.chart{margin:1em 0}
</style>
</head>
<body>
<h1>swapcheck design comparison</h1>
<ul class="facts">
<li>swapcheck ${escapeHtml(facts.version)}, report of ${escapeHtml(facts.date)}</li>
<li>designs, in report order: ${escapeHtml(designDomain(cells).join(', '))}</li>
${facts.workloads.map(workloadItem).join('\n')}
</ul>
<h2>Caveats</h2>
<ul>
${caveats.map((text) => `<li>${escapeHtml(text)}</li>`).join('\n')}
</ul>
<h2>Charts</h2>
${charts.join('\n')}
<h2>Results</h2>
${htmlTable(resultHeaders, compareRows(cells, facts.weights), 3, 'one row per workload and design')}
<h2>Peak metadata bytes per swapped page, by component</h2>
${htmlTable(['workload', 'design', ...metadataComponents, 'total'], componentRows, 2, 'memcg tables under the RFC v2 rule')}
${userspaceHtml(cells)}
${scripts}
</body>
</html>
`;
}

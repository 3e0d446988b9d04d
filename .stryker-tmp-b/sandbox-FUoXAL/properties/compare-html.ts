/**
 * Charts of the design comparison made with vega-lite: the specs (bytes per swapped page,
 * index lookups per op, lookup-cache hit rate, per design and workload), an HTML report that
 * embeds them with vega-embed, and an SVG rendering through vega's headless View.toSVG().
 * The HTML inlines the installed vega, vega-lite and vega-embed builds, so it opens without a
 * network.
 *
 * Not covered here: the tables (properties/compare-format.ts).
 */
// @ts-nocheck

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { figures, type CompareCell } from './compare.ts';
import { compareMarkdown } from './compare-format.ts';

/** The chart data: one record per cell. */
export function chartData(cells: readonly CompareCell[]) {
  return cells.map((cell) => {
    const f = figures(cell);
    return {
      workload: cell.workload,
      design: cell.design,
      verdict: cell.failure === null ? 'pass' : 'fail',
      bytesPerPage: f.bytesPerPage === null ? null : Number(f.bytesPerPage.toFixed(2)),
      lookupsPerOp: f.lookupsPerOp === null ? null : Number(f.lookupsPerOp.toFixed(4)),
      hitRate: f.hitRate === null ? null : Number(f.hitRate.toFixed(4)),
    };
  });
}

function barSpec(cells: readonly CompareCell[], field: string, title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: chartData(cells).filter((row) => (row as Record<string, unknown>)[field] !== null) },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'workload', type: 'nominal', title: null },
      xOffset: { field: 'design', type: 'nominal' },
      y: { field, type: 'quantitative', title },
      color: { field: 'design', type: 'nominal' },
    },
    width: 520,
    height: 220,
  };
}

/** The vega-lite specs of the report, by name. */
export function compareSpecs(cells: readonly CompareCell[]): Record<string, TopLevelSpec> {
  return {
    'bytes-per-page': barSpec(cells, 'bytesPerPage', 'peak metadata bytes per swapped page'),
    'lookups-per-op': barSpec(cells, 'lookupsPerOp', 'index (xarray) lookups per op'),
    'hit-rate': barSpec(cells, 'hitRate', 'lookup-cache hit rate'),
  };
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

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A self-contained HTML report: the table and the charts. */
export function compareHtml(cells: readonly CompareCell[]): string {
  const specs = compareSpecs(cells);
  const divs = Object.keys(specs).map((name) => `<div id="chart-${name}"></div>`).join('\n');
  const embeds = JSON.stringify(specs).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>swapcheck design comparison</title>
<style>body{font-family:sans-serif;margin:2em} pre{font-size:12px}</style>
${inlineScript('vega', 'build/vega.min.js')}
${inlineScript('vega-lite', 'build/vega-lite.min.js')}
${inlineScript('vega-embed', 'build/vega-embed.min.js')}
</head>
<body>
<h1>swapcheck design comparison</h1>
${divs}
<h2>Table</h2>
<pre>${escapeHtml(compareMarkdown(cells))}</pre>
<script>
const specs = ${embeds};
for (const [name, spec] of Object.entries(specs)) {
  vegaEmbed('#chart-' + name, spec, { actions: false }).catch((error) => {
    document.body.insertAdjacentText('beforeend', 'chart ' + name + ' failed: ' + error);
  });
}
</script>
</body>
</html>
`;
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

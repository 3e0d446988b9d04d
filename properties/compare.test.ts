/**
 * The design comparison end to end: every built-in design passes every workload, the cost
 * figures show the mechanisms they claim (no reverse map for vswap-direct, lookup-cache hits
 * for vswap-direct-cached), the committed docs/design-comparison.md is what
 * `npm run compare:doc` prints today, and the HTML and SVG charts carry the data.
 *
 * Not covered here: the counters on hand-made sequences (impl/costs.test.ts).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SwapSystem } from '../lib/system.ts';
import { createSystem, designs } from '../impl/designs.ts';
import { main } from '../cli/program.ts';
import { compareDesigns, compareOne, figures, type CompareCell } from './compare.ts';
import { comparisonDoc } from './compare-doc.ts';
import { compareJson, compareText } from './compare-format.ts';
import { chartData, compareHtml, compareSpecs, renderSvg } from './compare-html.ts';
import { designNames, resolveDesign } from './design-registry.ts';
import { workloadOps, workloads } from './workloads.ts';

let cells: CompareCell[] = [];

beforeAll(() => {
  cells = compareDesigns(designNames().map((name) => resolveDesign(name)), workloads);
}, 600_000);

describe('compare', () => {
  it('runs every workload on every design, and every design passes', () => {
    expect(cells).toHaveLength(designNames().length * workloads.length);
    expect(cells.filter((cell) => cell.failure !== null).map((cell) => `${cell.design}/${cell.workload}`)).toEqual([]);
    for (const cell of cells) expect(cell.peakSwappedPages).toBeGreaterThan(0);
  });

  it('shows each mechanism in its costs', () => {
    for (const cell of cells) {
      const report = cell.costs;
      expect(report).not.toBeNull();
      if (report === null) continue;
      if (cell.design === 'vswap-direct' || cell.design === 'vswap-direct-cached') {
        expect(report.peakBytes.reverseMap).toBe(0);
        expect(report.counts.rmapUpdates).toBe(0);
      }
      if (cell.design === 'classic') expect(report.counts.indexLookups).toBe(0);
      const hitRate = figures(cell).hitRate;
      if (cell.design === 'vswap-direct-cached') expect(hitRate).toBeGreaterThan(0);
      else expect(hitRate).toBeNull();
    }
  });

  it('matches the committed docs/design-comparison.md', () => {
    const committed = readFileSync(new URL('../docs/design-comparison.md', import.meta.url), 'utf8');
    expect(committed).toBe(comparisonDoc(cells));
  });

  it('prints a text table and a JSON document with a row per cell', () => {
    const text = compareText(cells);
    for (const design of designNames()) expect(text).toContain(design);
    const json = compareJson(cells);
    expect(json.cells).toHaveLength(cells.length);
    expect(JSON.parse(JSON.stringify(json)).format).toBe('swapcheck-compare');
  });

  it('writes a self-contained HTML report whose charts carry the data', () => {
    const html = compareHtml(cells);
    expect(html.split('<script>').length).toBe(html.split('</script>').length);
    expect(html).toContain('vegaEmbed(');
    const embedded = html.slice(html.lastIndexOf('const specs = ') + 'const specs = '.length, html.lastIndexOf(';\nfor (const'));
    const specs = JSON.parse(embedded) as Record<string, { data: { values: unknown[] } }>;
    expect(Object.keys(specs)).toEqual(['bytes-per-page', 'lookups-per-op', 'hit-rate']);
    expect(specs['bytes-per-page']?.data.values).toEqual(chartData(cells));
  });

  it('renders the charts to SVG with vega, showing every workload and design', async () => {
    const spec = compareSpecs(cells)['bytes-per-page'];
    if (spec === undefined) throw new Error('no bytes-per-page chart');
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const workload of workloads) expect(svg).toContain(workload.name);
    for (const design of designNames()) expect(svg).toContain(design);
    expect(svg).toContain('<path');
  });
});

describe('workload streams', () => {
  it('are deterministic', () => {
    const workload = workloads[0];
    expect(workload).toBeDefined();
    if (workload === undefined) return;
    expect(workloadOps(workload)).toEqual(workloadOps(workload));
  });

  it('run on designs without costs(), reporting no figures', () => {
    const workload = workloads[1];
    const classic = designs['classic'];
    if (workload === undefined || classic === undefined) throw new Error('fixture');
    const bare = {
      name: 'bare',
      create: (config: Parameters<typeof createSystem>[0]): SwapSystem => {
        const inner = createSystem(config, classic.knobs);
        return {
          apply: (op) => inner.apply(op),
          observe: () => inner.observe(),
          audit: () => inner.audit(),
          auditEmpty: () => inner.auditEmpty(),
          entryOffset: (value) => inner.entryOffset(value),
          formatEntry: (value) => inner.formatEntry(value),
          marks: () => inner.marks(),
        };
      },
    };
    const cell = compareOne(bare, workload, workloadOps(workload).slice(0, 60));
    expect(cell.failure).toBeNull();
    expect(cell.costs).toBeNull();
    expect(figures(cell).bytesPerPage).toBeNull();
  });

  it('rejects unknown workloads and designs with exit 2', async () => {
    expect(await main(['compare', '--workload', 'no-such-workload'])).toBe(2);
    expect(await main(['compare', '--designs', 'no-such-design'])).toBe(2);
  });
});

/**
 * The design comparison end to end: every built-in design passes every workload, the cost
 * figures show the mechanisms they claim (no reverse map for vswap-direct, lookup-cache hits
 * for vswap-direct-cached, memcg tables deferred only where physical clusters back virtual
 * entries), the committed docs/design-comparison.md is what `npm run compare:doc` prints today
 * and the committed scale report's 10^4 cells are what a run gives today, designs come in
 * report order, and the HTML report has real tables, its facts and one static SVG per chart,
 * the same bytes for the same date, and no script when the interactive layer is left out.
 *
 * Not covered here: the counters on hand-made sequences (impl/costs.test.ts), the weights
 * (properties/cost-model.test.ts), the userspace comparison's rules
 * (properties/userspace-diff.test.ts).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SwapSystem } from '../lib/system.ts';
import { designs } from '../lib/designs.ts';
import { createSystem } from '../impl/designs.ts';
import { reportDate } from '../cli/compare-command.ts';
import { runCaptured } from '../cli/captured-io.ts';
import { main } from '../cli/program.ts';
import {
  compareDesigns,
  compareOne,
  designRank,
  figures,
  orderDesigns,
  type CompareCell,
} from './compare.ts';
import { comparisonDoc } from './compare-doc.ts';
import { compareJson, compareText, userspaceSummary } from './compare-format.ts';
import {
  chartData,
  compareHtml,
  compareSpecs,
  renderSvg,
  type ReportFacts,
} from './compare-html.ts';
import { readScaleResults } from './compare-results.ts';
import { defaultWeights } from './cost-model.ts';
import { designNames, resolveDesign } from './design-registry.ts';
import { scaleWorkload, workloadOps, workloadPlan, workloads } from './workloads.ts';

const scaleReport = new URL('../docs/design-comparison-scale.json', import.meta.url);
let cells: CompareCell[] = [];
const weights = defaultWeights();

beforeAll(() => {
  cells = compareDesigns(
    designNames().map((name) => resolveDesign(name)),
    workloads,
    { userspace: true },
  );
}, 600_000);

describe('compare', () => {
  it('runs every workload on every design, and every design passes', () => {
    expect(cells).toHaveLength(designNames().length * workloads.length);
    expect(
      cells
        .filter((cell) => cell.failure !== null)
        .map((cell) => `${cell.design}/${cell.workload}`),
    ).toEqual([]);
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
      const f = figures(cell, weights);
      if (cell.design === 'vswap-direct-cached') expect(f.hitRate).toBeGreaterThan(0);
      else expect(f.hitRate).toBeNull();
      // No memcg <= deferred (RFC v2) <= eager, equal where no physical table backs virtual entries.
      expect(f.bytesPerPageNoMemcg).toBeLessThan(f.bytesPerPage ?? 0);
      expect(f.bytesPerPage).toBeLessThanOrEqual(f.bytesPerPageEager ?? 0);
      if (cell.design === 'classic' || cell.design.startsWith('vswap-direct'))
        expect(f.bytesPerPage).toBe(f.bytesPerPageEager);
      if (cell.design === 'vswap-all')
        expect(f.bytesPerPage).toBeLessThan(f.bytesPerPageEager ?? 0);
      expect(f.nsPerOp?.low).toBeLessThan(f.nsPerOp?.typical ?? 0);
      expect(f.nsPerOp?.typical).toBeLessThan(f.nsPerOp?.high ?? 0);
    }
  });

  it('matches the committed docs/design-comparison.md', () => {
    const committed = readFileSync(
      new URL('../docs/design-comparison.md', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(comparisonDoc(cells, weights, readScaleResults(scaleReport.pathname)));
  });

  it('matches the committed scale report at 10^4 pages (the larger sizes take minutes)', () => {
    const stored = readScaleResults(scaleReport.pathname);
    expect(stored.workloads.map((workload) => workload.name)).toContain('scale-1e4');
    const live = compareDesigns(
      designNames().map((name) => resolveDesign(name)),
      [scaleWorkload(10_000)],
      { userspace: true },
    );
    const committed = stored.cells.filter((cell) => cell.workload === 'scale-1e4');
    expect(JSON.parse(JSON.stringify(live))).toEqual(committed);
    for (const cell of live) expect(cell.failure).toBeNull();
  }, 120_000);

  it('prints a text table and a JSON document with a row per cell, in report order', () => {
    const text = compareText(cells, weights);
    for (const design of designNames()) expect(text).toContain(design);
    expect(text).toMatch(/^layout: 64-bit kernel layout/);
    const json = compareJson(cells, weights, workloads);
    expect(json.cells).toHaveLength(cells.length);
    expect(JSON.parse(JSON.stringify(json)).format).toBe('swapcheck-compare');
    expect(cells.slice(0, designNames().length).map((cell) => cell.design)).toEqual(designNames());
  });

  it('orders designs classic first, then by family, variants after their base', () => {
    const named = [
      'lazy-rmap',
      'vswap-direct[lookupCache=validated]',
      'vswap-direct',
      'classic',
      'vswap-rfc',
    ].map((name) => ({ name }));
    expect(orderDesigns(named).map((design) => design.name)).toEqual([
      'classic',
      'vswap-rfc',
      'vswap-direct',
      'vswap-direct[lookupCache=validated]',
      'lazy-rmap',
    ]);
    expect(designRank('classic')).toBe(0);
  });

  it('finds the userspace differences of every vswap design, and none of classic against itself', () => {
    const summary = userspaceSummary(cells);
    expect([...summary.keys()]).toEqual(designNames().filter((name) => name !== 'classic'));
    for (const [design, faces] of summary) {
      const changed = faces.filter((face) => face.workloads.length > 0).map((face) => face.id);
      // Every virtual design shows its entries' type as the virtual device's in pagemap.
      expect(changed, design).toContain('pagemap-swap-type');
    }
    expect(cells.find((cell) => cell.design === 'classic')?.userspace).toBeNull();
  });
});

describe('the HTML report', () => {
  const facts = (): ReportFacts => ({ version: '9.9.9', date: '2026-01-02', workloads, weights });

  it('has real tables, its facts and one static SVG per chart, the same bytes for the same date', async () => {
    const html = await compareHtml(cells, facts(), false);
    expect(html).not.toContain('<pre>');
    expect(html).not.toContain('<script');
    expect(html).toContain('<table>');
    expect(html).toContain('<th>workload</th><th>design</th><th>verdict</th>');
    expect(html).toContain('swapcheck 9.9.9, report of 2026-01-02');
    expect(html).toContain(`seed ${workloads[0]?.seed}`);
    expect(html).toContain('64-bit kernel layout');
    expect(html.match(/<svg/g)).toHaveLength(Object.keys(compareSpecs(cells, weights)).length);
    // Designs in report order in the first table: classic's row comes first.
    const firstRow = html.slice(
      html.indexOf('<tbody>'),
      html.indexOf('</tr>', html.indexOf('<tbody>')),
    );
    expect(firstRow).toContain('<td>classic</td>');
    expect(await compareHtml(cells, facts(), false)).toBe(html);
  });

  it('takes its date from SOURCE_DATE_EPOCH on the command line, so the same run gives the same bytes', async () => {
    expect(reportDate({ SOURCE_DATE_EPOCH: '86400' })).toBe('1970-01-02');
    expect(reportDate({}, new Date('2026-03-04T05:06:07Z'))).toBe('2026-03-04');
    expect(() => reportDate({ SOURCE_DATE_EPOCH: 'yesterday' })).toThrow(/SOURCE_DATE_EPOCH/);
    const saved = process.env['SOURCE_DATE_EPOCH'];
    process.env['SOURCE_DATE_EPOCH'] = '1767225600';
    try {
      const args = [
        'compare',
        '--workload',
        'disk-only',
        '--design',
        'classic,vswap-direct',
        '--format',
        'html',
      ];
      const first = await runCaptured(main, args, process.cwd());
      const second = await runCaptured(main, args, process.cwd());
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('report of 2026-01-01');
      expect(second.stdout).toBe(first.stdout);
    } finally {
      if (saved === undefined) delete process.env['SOURCE_DATE_EPOCH'];
      else process.env['SOURCE_DATE_EPOCH'] = saved;
    }
  }, 60_000);

  it('keeps the interactive charts as an optional layer whose specs carry the data', async () => {
    const html = await compareHtml(cells, facts());
    expect(html.split('<script>').length).toBe(html.split('</script>').length);
    expect(html).toContain('vegaEmbed(');
    const embedded = html.slice(
      html.lastIndexOf('const specs = ') + 'const specs = '.length,
      html.lastIndexOf(';\nfor (const'),
    );
    const specs = JSON.parse(embedded) as Record<string, { data: { values: unknown[] } }>;
    expect(Object.keys(specs)).toEqual([
      'bytes-per-page',
      'lookups-per-op',
      'hit-rate',
      'time-per-op',
    ]);
    expect(specs['bytes-per-page']?.data.values).toEqual(chartData(cells, weights));
  });

  it('renders the charts to SVG with vega, showing every workload and design', async () => {
    const spec = compareSpecs(cells, weights)['time-per-op'];
    if (spec === undefined) throw new Error('no time-per-op chart');
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
    expect(workloadPlan(scaleWorkload(1000))).toEqual(workloadPlan(scaleWorkload(1000)));
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
    const plan = workloadPlan(workload);
    const cell = compareOne(bare, workload, { ...plan, ops: plan.ops.slice(0, 60) });
    expect(cell.failure).toBeNull();
    expect(cell.costs).toBeNull();
    expect(figures(cell, weights).bytesPerPage).toBeNull();
    expect(figures(cell, weights).nsPerOp).toBeNull();
  });

  it('rejects unknown workloads, designs, sizes and weights with exit 2', async () => {
    expect(await main(['compare', '--workload', 'no-such-workload'])).toBe(2);
    expect(await main(['compare', '--designs', 'no-such-design'])).toBe(2);
    expect(await main(['compare', '--scale', '12'])).toBe(2);
    expect(await main(['compare', '--weights', '/no/such/weights.json'])).toBe(2);
    expect(await main(['compare', '--scale-results', '/no/such/report.json'])).toBe(2);
  });
});

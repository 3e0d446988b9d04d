/**
 * A run report as JUnit XML: one <testsuite name="swapcheck run"> whose <properties> carry the
 * seed, config, budget, shard, reproduce command and whether the run was interrupted, and one
 * <testcase classname="swapcheck.DESIGN" name="CONFIG"> per design and configuration (names
 * stable across seeds: no counts in them), failed with the failure's summary and commands,
 * or skipped with the reason. Counts go in each case's <system-out>.
 *
 * Not covered here: which cases there are (cli/report-cases.ts).
 */
import { designCases, failureLines } from './report-cases.ts';
import type { RunReport } from './run-report.ts';

function xmlEscape(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters: they are what is removed
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

export function runReportJunit(report: RunReport): string {
  const cases = report.designs.flatMap((design) => designCases(design, report));
  const failures = cases.filter((c) => c.status === 'fail').length;
  const skipped = cases.filter((c) => c.status === 'skip').length;
  const seconds = (report.designs.reduce((sum, d) => sum + d.elapsedMs, 0) / 1000).toFixed(3);
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds}"`;
  const properties: [string, string][] = [
    ['seed', String(report.seed)],
    ['config', report.config],
    ['opsPerRun', String(report.opsPerRun)],
    [
      'budget',
      report.budget.runs !== null
        ? `${report.budget.runs} runs`
        : `${(report.budget.timeMs ?? 0) / 1000}s`,
    ],
    ['shard', `${report.shard.indices.join(',')}/${report.shard.count}`],
    ['interrupted', String(report.interrupted)],
    ['reproduce', report.reproduce],
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="swapcheck" ${counts}>`,
    `  <testsuite name="swapcheck run" ${counts}>`,
    '    <properties>',
    ...properties.map(
      ([name, value]) => `      <property name="${name}" value="${xmlEscape(value)}"/>`,
    ),
    '    </properties>',
  ];
  for (const c of cases) {
    lines.push(
      `    <testcase classname="${xmlEscape(`swapcheck.${c.design}`)}" name="${xmlEscape(c.config)}">`,
    );
    if (c.status === 'fail' && c.failure !== null) {
      const body = failureLines(c.failure).join('\n');
      lines.push(
        `      <failure message="${xmlEscape(c.failure.summary)}" type="${c.failure.failure.kind}">${xmlEscape(body)}</failure>`,
      );
    } else if (c.status === 'skip') {
      lines.push(`      <skipped message="${xmlEscape(c.reason ?? '')}"/>`);
    }
    lines.push(`      <system-out>${c.runs} runs, ${c.ops} ops</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}

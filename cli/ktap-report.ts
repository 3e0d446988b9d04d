/**
 * A run report as KTAP version 1 (the format of kselftest, KUnit, KernelCI and LKFT;
 * Documentation/dev-tools/ktap.rst): a top-level plan with one test per design, each a subtest
 * (indented four spaces, its own version line, a `# Subtest:` header and plan) with one test
 * per configuration, named by the config alone; a failure's summary and commands are
 * diagnostic lines before its `not ok` line; a case with no run is `ok N CONFIG # SKIP reason`;
 * an interrupted run says so in a diagnostic line. Descriptions never contain '#'.
 *
 * Not covered here: which cases there are (cli/report-cases.ts).
 */
import { designCases, failureLines } from './report-cases.ts';
import type { RunReport } from './run-report.ts';

/** A KTAP description: no '#', no newline. */
function description(text: string): string {
  return text.replace(/[#\n]/g, ' ');
}

export function runReportKtap(report: RunReport): string {
  const lines = [
    'KTAP version 1',
    `# swapcheck run: seed ${report.seed}, ${report.opsPerRun} ops per run, shard ${report.shard.indices.join(',')}/${report.shard.count}`,
  ];
  if (report.interrupted)
    lines.push(
      `# interrupted by ${report.signal ?? 'a signal'}: the results below cover the runs done`,
    );
  lines.push(`1..${report.designs.length}`);
  let pass = 0;
  let fail = 0;
  let skip = 0;
  report.designs.forEach((design, index) => {
    const cases = designCases(design, report);
    lines.push(
      '    KTAP version 1',
      `    # Subtest: ${description(design.spelling)}`,
      `    1..${cases.length}`,
    );
    cases.forEach((c, caseIndex) => {
      const number = caseIndex + 1;
      if (c.status === 'fail' && c.failure !== null) {
        for (const line of failureLines(c.failure)) lines.push(`    # ${line}`);
        lines.push(`    not ok ${number} ${description(c.config)}`);
        fail++;
      } else if (c.status === 'skip') {
        lines.push(
          `    ok ${number} ${description(c.config)} # SKIP ${description(c.reason ?? '')}`,
        );
        skip++;
      } else {
        lines.push(`    ok ${number} ${description(c.config)}`);
        pass++;
      }
    });
    const failed = cases.some((c) => c.status === 'fail');
    const allSkipped = cases.every((c) => c.status === 'skip');
    lines.push(
      `${failed ? 'not ok' : 'ok'} ${index + 1} ${description(design.spelling)}${allSkipped ? ' # SKIP no run' : ''}`,
    );
  });
  lines.push(`# Totals: pass:${pass} fail:${fail} skip:${skip} total:${pass + fail + skip}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The test cases of a run report, shared by its JUnit and KTAP renderings: one per design and
 * configuration, named by the design's spelling and the config's name only (no seed, run or
 * op counts), so CI history tracks the same names from run to run; each is passed, failed
 * (with the failure's summary and commands) or skipped (with the reason: interrupted, or no
 * run reached that config).
 *
 * Not covered here: the report itself (cli/run-report.ts).
 */
import type { DesignReport, FailureReport, RunReport } from './run-report.ts';

export interface ReportCase {
  readonly design: string;
  readonly config: string;
  readonly status: 'pass' | 'fail' | 'skip';
  /** Why it was skipped, or the failure's summary. */
  readonly reason: string | null;
  readonly failure: FailureReport | null;
  readonly runs: number;
  readonly ops: number;
}

function skipReason(design: DesignReport, report: RunReport): string {
  if (design.interrupted || report.interrupted) return 'interrupted before a run on this config';
  if (design.failure !== null)
    return 'the design stopped at its failure before a run on this config';
  return 'the budget ended before a run on this config';
}

/** The cases of one design, in config order (a failure on a config outside the list last). */
export function designCases(design: DesignReport, report: RunReport): ReportCase[] {
  const configs = design.configs.map((c) => c.config);
  const cases = design.configs.map((c): ReportCase => {
    const failure = design.failure?.config === c.config ? design.failure : null;
    const status = failure !== null ? 'fail' : c.runs === 0 ? 'skip' : 'pass';
    const reason =
      failure !== null ? failure.summary : status === 'skip' ? skipReason(design, report) : null;
    return {
      design: design.spelling,
      config: c.config,
      status,
      reason,
      failure,
      runs: c.runs,
      ops: c.ops,
    };
  });
  const failure = design.failure;
  if (failure !== null && !configs.includes(failure.config)) {
    cases.push({
      design: design.spelling,
      config: failure.config,
      status: 'fail',
      reason: failure.summary,
      failure,
      runs: 0,
      ops: 0,
    });
  }
  return cases;
}

/** The lines a failed case carries: summary, trace and the commands. */
export function failureLines(failure: FailureReport): string[] {
  const lines = [failure.summary];
  if (failure.unshrunk)
    lines.push('not shrunk (interrupted): the trace is the failing run as found');
  if (failure.source === 'database') lines.push('found by replaying the failure database');
  if (failure.trace !== null) lines.push(`trace: ${failure.trace}`);
  if (failure.replay !== null) lines.push(`replay: ${failure.replay}`);
  if (failure.reproduce !== null) lines.push(`reproduce: ${failure.reproduce}`);
  return lines;
}

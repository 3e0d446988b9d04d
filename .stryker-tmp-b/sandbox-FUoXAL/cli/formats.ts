/**
 * Machine-readable campaign reports: JSON (documented in docs/run-json.md) and JUnit XML (one
 * test case per design, a <failure> with the divergence and the replay command when it failed).
 *
 * Not covered here: the human text report (cli/commands.ts, properties/report.ts).
 */
// @ts-nocheck

import type { CampaignResult } from '../properties/campaign.ts';
import { describeFailure, formatOps } from '../properties/report.ts';

export interface CampaignJsonContext {
  readonly seed: number;
  readonly config: string;
  readonly opsPerRun: number;
  readonly reproduce: string;
  readonly tracePaths: ReadonlyMap<string, string>;
  readonly passed: number;
  readonly failed: number;
}

/** The `--format json` document (format swapcheck-run, version 1). */
export function campaignJson(result: CampaignResult, context: CampaignJsonContext) {
  return {
    format: 'swapcheck-run',
    version: 1,
    seed: context.seed,
    config: context.config,
    opsPerRun: context.opsPerRun,
    designs: result.designs.map((s) => ({
      design: s.design,
      runs: s.runs,
      runsPassed: s.runsPassed,
      ops: s.ops,
      elapsedMs: Math.round(s.elapsedMs),
      opsPerSecond: s.elapsedMs > 0 ? Math.round((s.ops * 1000) / s.elapsedMs) : 0,
      opCounts: s.opCounts,
      marks: s.marks,
      failure:
        s.failure === null
          ? null
          : {
              runIndex: s.failure.runIndex,
              runSeed: s.failure.runSeed,
              opsBefore: s.failure.ops.length,
              opsAfter: s.failure.shrunk.ops.length,
              shrinkMs: Math.round(s.failure.shrunk.elapsedMs),
              summary: describeFailure(s.failure.shrunk.failure),
              failure: s.failure.shrunk.failure,
              trace: context.tracePaths.get(s.design) ?? null,
            },
    })),
    reproduce: context.reproduce,
    passed: context.passed,
    failed: context.failed,
  };
}

function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** The `--format junit` document. */
export function campaignJunit(result: CampaignResult, tracePaths: ReadonlyMap<string, string>): string {
  const failures = result.designs.filter((s) => s.failure !== null).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = result.designs.reduce((sum, s) => sum + s.elapsedMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="swapcheck" tests="${result.designs.length}" failures="${failures}" time="${seconds(total)}">`,
    `  <testsuite name="swapcheck run --seed ${result.seed}" tests="${result.designs.length}" failures="${failures}" errors="0" time="${seconds(total)}">`,
  ];
  for (const s of result.designs) {
    const name = `model-vs-impl (${s.runs} runs, ${s.ops} ops)`;
    lines.push(`    <testcase classname="swapcheck.${xmlEscape(s.design)}" name="${xmlEscape(name)}" time="${seconds(s.elapsedMs)}">`);
    if (s.failure !== null) {
      const shrunk = s.failure.shrunk;
      const body = [
        ...formatOps(shrunk.ops, shrunk.failure),
        describeFailure(shrunk.failure),
        `replay: swapcheck replay ${tracePaths.get(s.design) ?? '(not written)'}`,
      ].join('\n');
      lines.push(`      <failure message="${xmlEscape(describeFailure(shrunk.failure))}" type="${shrunk.failure.kind}">${xmlEscape(body)}</failure>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n');
}

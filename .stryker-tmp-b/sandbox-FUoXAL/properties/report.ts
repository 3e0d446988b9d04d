/**
 * Renders failures and campaign summaries for people: a failing trace as numbered ops with
 * kernel names, the first divergence (expected model observation against actual impl
 * observation, or the invariant that broke), and the command that replays it.
 *
 * Not covered here: machine formats (JSON, JUnit) and progress lines (cli/).
 */
// @ts-nocheck

import type { Op } from '../lib/ops.ts';
import { formatOp, opKernelNames, opNames } from '../lib/ops.ts';
import type { Failure } from './checker.ts';
import type { DesignSummary } from './campaign.ts';

function short(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return 'absent';
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** One line naming what broke. */
export function describeFailure(failure: Failure): string {
  const where = failure.op === null ? 'after the drain' : `at op #${failure.step + 1} ${formatOp(failure.op)}`;
  const invariant = failure.invariant === undefined ? '' : ` [invariant ${failure.invariant}]`;
  return `${failure.kind}${invariant} ${where}: ${failure.message}`;
}

/** The numbered ops of a trace, marking the failing one. */
export function formatOps(ops: readonly Op[], failure: Failure | null): string[] {
  return ops.map((op, index) => {
    const marker = failure !== null && failure.step === index ? '>>' : '  ';
    const number = String(index + 1).padStart(4);
    return `${marker}${number}  ${formatOp(op).padEnd(48)} ${opKernelNames[op.op]}`;
  });
}

/** The divergence block: expected (model) against actual (impl). */
export function formatDivergence(failure: Failure): string[] {
  const lines = [`  ${describeFailure(failure)}`];
  if (failure.path !== undefined) {
    lines.push(`    at ${failure.path}`);
    lines.push(`    expected (model): ${short(failure.expected)}`);
    lines.push(`    actual   (impl):  ${short(failure.actual)}`);
  }
  return lines;
}

/** The op-mix column: the share of each op kind, largest first. */
export function formatOpMix(summary: DesignSummary): string {
  const total = Object.values(summary.opCounts).reduce((a, b) => a + (b ?? 0), 0);
  if (total === 0) return '-';
  return opNames
    .map((name) => [name, summary.opCounts[name] ?? 0] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, count]) => `${name} ${Math.round((100 * count) / total)}%`)
    .join(', ');
}

/**
 * Renders failures and campaign summaries for people: a failing trace as numbered ops with
 * kernel names (the drain's ops listed and labelled when the failure is in the drain), one
 * sentence naming what broke and where, the failing op's outcome on both sides, and the
 * differences between model and design in kernel words (properties/divergence.ts).
 *
 * Not covered here: machine formats (JSON, JUnit) and progress lines (cli/).
 */
import type { Op } from '../lib/ops.ts';
import { formatOp, opKernelNames, opNames } from '../lib/ops.ts';
import type { Failure } from './checker.ts';
import type { DesignSummary } from './campaign.ts';
import { outcomeWords } from './divergence.ts';

function short(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return 'absent';
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** What broke, in words, by failure kind. */
function kindWords(failure: Failure): string {
  switch (failure.kind) {
    case 'outcome':
      return 'the outcome differs';
    case 'observation':
      return 'the state differs';
    case 'invariant':
      return `invariant ${failure.invariant ?? '?'} broken`;
    case 'drain':
      return failure.invariant === undefined || failure.invariant === 'drain'
        ? 'the drain left state behind'
        : `the drain left state behind (invariant ${failure.invariant})`;
    case 'identity':
      return 'entry identity broken';
    case 'allowance':
      return 'a design choice was rejected';
    case 'impl-crash':
      return 'the design crashed';
    case 'model-crash':
      return 'the model crashed';
  }
}

/** Where it broke: the op (a trace op or a drain op) or the check after one. */
function whereWords(failure: Failure): string {
  if (failure.op === null)
    return failure.drain !== undefined
      ? 'after the drain'
      : `in the check after op #${failure.step + 1}`;
  const kind = failure.drain !== undefined ? 'drain op' : 'op';
  return `at ${kind} #${failure.step + 1} ${formatOp(failure.op)}`;
}

/** One sentence naming what broke and where. */
export function describeFailure(failure: Failure): string {
  return `${kindWords(failure)} ${whereWords(failure)}: ${failure.message}`;
}

function opLine(op: Op, index: number, failing: boolean): string {
  const number = String(index + 1).padStart(4);
  return `${failing ? '>>' : '  '}${number}  ${formatOp(op).padEnd(48)} ${opKernelNames[op.op]}`;
}

/** The numbered ops of a trace, marking the failing one; a failure in the drain adds the
 * drain's ops under a label, numbered on from the trace's. */
export function formatOps(ops: readonly Op[], failure: Failure | null): string[] {
  const lines = ops.map((op, index) =>
    opLine(op, index, failure !== null && failure.drain === undefined && failure.step === index),
  );
  if (failure?.drain !== undefined) {
    lines.push(
      '        drain (after the last op: zap every holder, free the swap cache, swap off every device):',
    );
    failure.drain.forEach((op, index) => {
      const step = ops.length + index;
      lines.push(opLine(op, step, failure.op !== null && failure.step === step));
    });
  }
  return lines;
}

/** The divergence block: what broke, the op's outcome on both sides, then each difference
 * between the model and the design in kernel words. */
export function formatDivergence(failure: Failure): string[] {
  const lines = [`  ${describeFailure(failure)}`];
  if (failure.outcome !== undefined) {
    const model = outcomeWords(failure.outcome.model);
    const design = outcomeWords(failure.outcome.impl);
    lines.push(
      model === design
        ? `    outcome: ${model} (model and design)`
        : `    outcome: model ${model}; design ${design}`,
    );
  }
  if (failure.divergence !== undefined) {
    // The first difference is already the sentence's message.
    for (const line of failure.divergence.filter((text) => text !== failure.message))
      lines.push(`    ${line}`);
  } else if (failure.path !== undefined) {
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

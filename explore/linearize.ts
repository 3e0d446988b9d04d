/**
 * The linearizability check of a concurrent history against the sequential reference model
 * (Wing and Gong's search): find an order of the completed ops that respects real-time order
 * (op a before op b whenever a returned before b was invoked) in which the model, fed each
 * op with the impl's design choices, returns exactly the impl's outcome for every op, and ends
 * in an observation equal to the impl's final observation once impl entry values are renamed
 * to model serials through the allocations of that order. The search is a depth-first search
 * over the orders, ops in the order they returned first, cut as soon as a prefix gives a
 * different outcome or a rejected choice.
 *
 * Every history is a setup (run sequentially, before any concurrency) followed by the ops of
 * the concurrent part; the setup is replayed first in every order.
 *
 * Not covered here: running the history (explore/concurrent.ts), histories with pending ops
 * (every op of a schedule completes, or the schedule already failed otherwise).
 */
import type { Config } from '../lib/config.ts';
import type { EntryView, HolderView, Observation } from '../lib/observation.ts';
import type { Op } from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import { SwapModel } from '../model/swap-model.ts';
import { firstDifference, plainEqual } from '../properties/diff.ts';

/** One completed op of a concurrent history; steps are scheduler step indices. */
export interface HistoryEntry {
  readonly cpu: number;
  readonly op: Op;
  readonly outcome: ImplOutcome;
  /** Step of its first section. */
  readonly invoke: number;
  /** Step of its last section. */
  readonly response: number;
}

export interface SequentialStep {
  readonly op: Op;
  readonly outcome: ImplOutcome;
}

export type LinearizeResult =
  | { readonly ok: true; readonly order: readonly number[]; readonly orders: number }
  | { readonly ok: false; readonly reason: string; readonly orders: number };

/** Upper bound on model replays per check, so a pathological history cannot hang a run. */
const replaysMax = 200_000;

function withoutEntry(outcome: ImplOutcome): Omit<ImplOutcome, 'entry'> {
  const { entry: _entry, ...rest } = outcome;
  return rest;
}

/** Renames impl entry values to model serials; a string when a value has no serial. */
function translate(
  observation: Observation,
  valueToSerial: ReadonlyMap<number, number>,
): Observation | string {
  const holders: HolderView[] = [];
  for (const view of observation.holders) {
    if (view.kind !== 'swap') {
      holders.push(view);
      continue;
    }
    const serial = valueToSerial.get(view.entry);
    if (serial === undefined) return `a holder holds impl entry ${view.entry}, allocated by no op`;
    holders.push({ ...view, entry: serial });
  }
  const entries: EntryView[] = [];
  for (const view of observation.entries) {
    const serial = valueToSerial.get(view.entry);
    if (serial === undefined) return `impl entry ${view.entry} was allocated by no op`;
    entries.push({ ...view, entry: serial });
  }
  entries.sort((a, b) => a.entry - b.entry);
  return { ...observation, holders, entries };
}

/**
 * Replays `setup` and then `history` in `order` on a fresh model; returns the model, the value
 * map and null, or the first reason the order does not explain the history.
 */
function replay(
  config: Config,
  setup: readonly SequentialStep[],
  steps: readonly SequentialStep[],
): {
  model: SwapModel;
  valueToSerial: Map<number, number>;
  reason: string | null;
  failedAt: number;
} {
  const model = new SwapModel(config);
  const valueToSerial = new Map<number, number>();
  for (const [index, { op, outcome }] of steps.entries()) {
    const step = model.apply(op, outcome);
    const where = index < setup.length ? `setup op ${index}` : 'op';
    if (!step.ok) {
      return {
        model,
        valueToSerial,
        reason: `${where} ${op.op}: choice rejected (${step.reason})`,
        failedAt: index,
      };
    }
    if (!plainEqual(step.outcome, withoutEntry(outcome))) {
      return {
        model,
        valueToSerial,
        reason: `${where} ${op.op}: model says ${JSON.stringify(step.outcome)}`,
        failedAt: index,
      };
    }
    if (op.op === 'allocSwap' && outcome.errno === 'OK' && outcome.entry !== undefined) {
      for (const [page, serial] of step.created.entries())
        valueToSerial.set(outcome.entry + page, serial);
    }
  }
  return { model, valueToSerial, reason: null, failedAt: steps.length };
}

/** Verdicts already computed, by history (many schedules give the same history). */
const verdicts = new Map<string, LinearizeResult>();
const verdictsMax = 50_000;

/** Searches an order of `history` that the model explains (see the file header); memoized. */
export function checkLinearizable(
  config: Config,
  setup: readonly SequentialStep[],
  history: readonly HistoryEntry[],
  final: Observation,
): LinearizeResult {
  const precedence = history
    .map((a) => history.map((b) => (a.response < b.invoke ? 1 : 0)).join(''))
    .join('|');
  const key = JSON.stringify([
    config,
    setup,
    history.map((entry) => [entry.op, entry.outcome]),
    precedence,
    final,
  ]);
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  const verdict = searchLinearization(config, setup, history, final);
  if (verdicts.size >= verdictsMax) verdicts.clear();
  verdicts.set(key, verdict);
  return verdict;
}

function searchLinearization(
  config: Config,
  setup: readonly SequentialStep[],
  history: readonly HistoryEntry[],
  final: Observation,
): LinearizeResult {
  const n = history.length;
  const before = history.map((a) => history.map((b) => a.response < b.invoke));
  let orders = 0;
  let replays = 0;
  let lastReason = 'no order respects real-time order';
  const order: number[] = [];
  const used = new Array<boolean>(n).fill(false);
  // Ops are tried in the order they returned: an op takes effect at its commit, which is
  // almost always its last section, so the first order tried is usually the one that works.
  const byResponse = history
    .map((_, i) => i)
    .sort((a, b) => (history[a] as HistoryEntry).response - (history[b] as HistoryEntry).response);
  /**
   * Extends `order` to full orders, replaying the model once per full order (the model has no
   * undo). Returns -1 when an order explains the history, else the length of the longest
   * prefix of `order` known to be fine: a replay that fails at the op in position k rules out
   * every order sharing that op's prefix, so the search backs up to depth k at once.
   */
  const search = (): number => {
    if (order.length < n) {
      for (const i of byResponse) {
        if (used[i]) continue;
        // i may go next only if every op that precedes it in real time is already placed.
        if (history.some((_, j) => !used[j] && j !== i && before[j]?.[i] === true)) continue;
        used[i] = true;
        order.push(i);
        const fine = search();
        order.pop();
        used[i] = false;
        if (fine < 0) return -1;
        if (fine < order.length) return fine;
      }
      return order.length;
    }
    if (replays >= replaysMax) return 0;
    replays++;
    orders++;
    const steps = [...setup, ...order.map((i) => history[i] as HistoryEntry)];
    const { model, valueToSerial, reason, failedAt } = replay(config, setup, steps);
    if (reason !== null) {
      lastReason = reason;
      return Math.max(0, failedAt - setup.length);
    }
    const actual = translate(final, valueToSerial);
    if (typeof actual === 'string') {
      lastReason = actual;
      return n;
    }
    const expected = model.observe();
    if (plainEqual(expected, actual)) {
      found = [...order];
      return -1;
    }
    const difference = firstDifference(expected, actual);
    lastReason =
      `final observation differs at ${difference?.path ?? '(root)'}: model ` +
      `${JSON.stringify(difference?.expected)}, impl ${JSON.stringify(difference?.actual)}`;
    return n;
  };
  let found: number[] = [];
  const explained = search() < 0;
  if (explained) return { ok: true, order: found, orders };
  if (replays >= replaysMax)
    return { ok: false, reason: `search gave up after ${replaysMax} replays`, orders };
  return {
    ok: false,
    reason: `no order of the ${n} ops explains the history; last: ${lastReason}`,
    orders,
  };
}

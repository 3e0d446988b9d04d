/**
 * Trace to kernel program: reads a trace's ops left to right, recognizes the userspace action
 * each run of ops stands for, and checks that the trace holds exactly the ops that action
 * means in the model's state at that point (MADV_PAGEOUT of a page is allocSwap, unmap,
 * writeout and, when the write completes at once, evict; memory.reclaim evicts every clean
 * unmapped swap-cache folio, not a chosen one). An op that fails in the model is kept as a
 * step with nothing to run (swapon and swapoff still make the syscall, which must fail the
 * same way). Whatever has no userspace counterpart on the profile's kernel is refused with the
 * op, the reason and the profile entry.
 *
 * Not covered here: the expansion of an action (kernel/session.ts), C (kernel/emit-c.ts).
 */
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { formatOp } from '../lib/ops.ts';
import type { Outcome } from '../lib/outcome.ts';
import type { Action } from './actions.ts';
import { formatAction } from './actions.ts';
import type { KernelProgram } from './program.ts';
import { ProgramBuilder } from './program.ts';
import type { KernelProfile } from './profile.ts';
import type { KernelSession } from './session.ts';
import { Rejection, configRejection } from './session.ts';

/** A refused trace: the 1-based op number (0 for the config), the entry and the reason. */
export interface TranslationRefusal {
  readonly ok: false;
  readonly op: number;
  readonly entry: string;
  readonly reason: string;
}

export type Translation =
  { readonly ok: true; readonly program: KernelProgram } | TranslationRefusal;

export interface TranslateOptions {
  readonly profile?: KernelProfile;
  /** Append the drain (read back, unmap, swapoff): true unless told otherwise. */
  readonly drain?: boolean;
}

/** Translates `ops` on `config` into a kernel program, or says why it cannot. */
export function translate(
  config: Config,
  ops: readonly Op[],
  options: TranslateOptions = {},
): Translation {
  const configRefusal = configRejection(config);
  if (configRefusal !== null) return refusal(0, configRefusal);
  const builder = new ProgramBuilder(config, options.profile);
  let index = 0;
  try {
    while (index < ops.length) index = translateOne(builder, ops, index);
  } catch (error) {
    if (error instanceof Rejection) return refusal(index + 1, error);
    throw error;
  }
  if (options.drain === false) builder.endSource();
  else builder.drain();
  return { ok: true, program: builder.build() };
}

function refusal(op: number, rejection: Rejection): TranslationRefusal {
  return { ok: false, op, entry: rejection.entry, reason: rejection.reason };
}

/** Translates the action starting at ops[start]; returns the index after it. */
function translateOne(builder: ProgramBuilder, ops: readonly Op[], start: number): number {
  const session = builder.session;
  const op = ops[start] as Op;
  if (hasInjectedFailure(op))
    throw new Rejection('failure-injection', `${formatOp(op)} injects a failure`);
  const failure = predictedFailure(session, op);
  if (failure !== null) {
    // A failing op changes nothing; swapon and swapoff still make the (failing) syscall.
    const outcome = session.applyOp(op);
    if (outcome.errno !== failure)
      throw new Error(`${formatOp(op)}: predicted ${failure}, the model gave ${outcome.errno}`);
    const syscall =
      (op.op === 'swapon' || op.op === 'swapoff') && op.device < session.config.devices.length;
    const action: Action = syscall
      ? { kind: op.op, device: op.device }
      : { kind: 'skip', errno: outcome.errno };
    builder.record(action, [op], [outcome]);
    return start + 1;
  }
  const action = actionFor(session, op);
  const refused = session.rejection(action);
  if (refused !== null) throw refused;
  const taken: Op[] = [];
  const outcomes: Outcome[] = [];
  let index = start;
  for (const expected of session.expand(action)) {
    const actual = ops[index];
    if (actual !== undefined && sameOp(expected.op, actual)) {
      taken.push(actual);
      outcomes.push(session.applyOp(actual));
      index += 1;
      continue;
    }
    if (expected.optional) continue;
    const found =
      actual === undefined ? 'the trace ends' : `op ${index + 1} is ${formatOp(actual)}`;
    throw new Rejection(
      'kernel-internal-op',
      `${formatAction(action)} stands for ${describeSoFar(taken, expected.op)}, but ${found}`,
    );
  }
  const failed = outcomes.find((outcome) => outcome.errno !== 'OK');
  // MADV_PAGEOUT of a page that gets no swap (ENOSPC) or no swap charge (ENOMEM at swap.max)
  // leaves it mapped.
  if (
    failed !== undefined &&
    !(taken[0]?.op === 'allocSwap' && (failed.errno === 'ENOSPC' || failed.errno === 'ENOMEM'))
  ) {
    throw new Error(
      `${formatAction(action)}: predicted to succeed, the model gave ${failed.errno}`,
    );
  }
  builder.record(action, taken, outcomes);
  return index;
}

/** The action whose ops start with `op` (which does not fail in the model). */
function actionFor(session: KernelSession, op: Op): Action {
  switch (op.op) {
    case 'swapon':
    case 'swapoff':
      return { kind: op.op, device: op.device };
    case 'fault':
      if (op.order > 0) throw new Rejection('no-mthp', `${formatOp(op)} faults a large folio`);
      return { kind: 'fault', holder: op.holder };
    case 'write':
      return { kind: 'write', holder: op.holder, value: op.value };
    case 'swapin':
      return op.write === true
        ? { kind: 'writeFault', holder: op.holder }
        : { kind: 'read', holder: op.holder };
    case 'zap':
      return { kind: 'zap', holder: op.holder };
    case 'fork':
      return { kind: 'fork', holder: op.holder, target: op.target };
    case 'setZswap':
      return { kind: 'zswap', enabled: op.enabled };
    case 'allocSwap':
    case 'unmap': {
      const holder = session.model.holderView(op.holder);
      const mappings = holder.kind === 'present' ? session.model.mappersOf(holder.folio).length : 0;
      if (mappings > 1) {
        throw new Rejection(
          'shared-page-swap-out',
          `${formatOp(op)}: the page is mapped ${mappings} times; MADV_PAGEOUT skips it and memory.reclaim does not swap it out reliably on this kernel`,
        );
      }
      return { kind: 'pageout', holder: op.holder };
    }
    case 'writeout':
    case 'evict':
      return { kind: 'reclaim' };
    case 'split':
      throw new Rejection('no-mthp', `${formatOp(op)} splits a large folio`);
    case 'freeSwapCache':
    case 'zswapWriteback':
      throw new Rejection('kernel-internal-op', `${formatOp(op)} has no userspace trigger`);
  }
}

/** The errno `op` will fail with in the model, from its preconditions alone, or null when it
 * can succeed (allocSwap may still fail ENOSPC when swap is full: that is its action's business). */
export function predictedFailure(session: KernelSession, op: Op): Outcome['errno'] | null {
  const model = session.model;
  const config = session.config;
  const inHolders = (holder: number) => holder < config.holders;
  const holderKind = (holder: number) => (inHolders(holder) ? model.holderView(holder).kind : null);
  const presentFolio = (holder: number) => {
    const view = inHolders(holder) ? model.holderView(holder) : null;
    return view?.kind === 'present' ? model.folioView(view.folio) : null;
  };
  const mapped = (folio: number) =>
    model.holders().some((holder) => holder.kind === 'present' && holder.folio === folio);
  if (op.cpu >= config.cpus) return 'EINVAL';
  switch (op.op) {
    case 'swapon':
      if (op.device >= config.devices.length) return 'EINVAL';
      return model.onlineDevices().includes(op.device) ? 'EBUSY' : null;
    case 'swapoff':
      return model.onlineDevices().includes(op.device) ? null : 'EINVAL';
    case 'fault': {
      const pages = 2 ** op.order;
      if (
        op.order > config.orderMax ||
        op.holder % pages !== 0 ||
        op.holder + pages > config.holders
      )
        return 'EINVAL';
      for (let holder = op.holder; holder < op.holder + pages; holder++)
        if (holderKind(holder) !== 'empty') return 'EINVAL';
      return null;
    }
    case 'write':
    case 'allocSwap':
      if (op.op === 'allocSwap' && presentFolio(op.holder)?.cached === true) return 'EINVAL';
      return holderKind(op.holder) === 'present' ? null : 'EINVAL';
    case 'unmap':
      return presentFolio(op.holder)?.cached === true ? null : 'EINVAL';
    case 'fork':
      if (!inHolders(op.target) || op.target === op.holder || holderKind(op.target) !== 'empty')
        return 'EINVAL';
      return holderKind(op.holder) === null || holderKind(op.holder) === 'empty' ? 'EINVAL' : null;
    case 'swapin':
      return holderKind(op.holder) === 'swap' ? null : 'EINVAL';
    case 'zswapWriteback': {
      const view = inHolders(op.holder) ? model.holderView(op.holder) : null;
      const entry = view?.kind === 'swap' ? model.entryView(view.entry) : null;
      if (entry === null || entry.backend !== 'zswap') return 'EINVAL';
      return entry.cache === null ? null : 'EEXIST';
    }
    case 'zap':
      return holderKind(op.holder) === null || holderKind(op.holder) === 'empty' ? 'EINVAL' : null;
    case 'writeout':
    case 'evict':
    case 'freeSwapCache': {
      const folio = model.folioView(op.folio);
      if (folio === null || !folio.cached) return 'EINVAL';
      if (op.op === 'freeSwapCache') {
        const held = model
          .observe()
          .entries.some((entry) => entry.cache?.folio === op.folio && entry.count > 0);
        return held ? 'EBUSY' : null;
      }
      if (mapped(op.folio)) return 'EBUSY';
      return op.op === 'evict' && folio.dirty ? 'EBUSY' : null;
    }
    case 'split': {
      const folio = model.folioView(op.folio);
      return folio === null || folio.order === 0 ? 'EINVAL' : null;
    }
    case 'setZswap':
      return null;
  }
}

/** Ops that carry a failure-injection flag. */
function hasInjectedFailure(op: Op): boolean {
  return (
    ('failAlloc' in op && op.failAlloc === true) || ('failZswap' in op && op.failZswap === true)
  );
}

/** The trace op stands for the expected one: same op and fields, whatever its CPU (profile
 * entry uniprocessor) and, for swapin, whatever order it asks (large-swapin-order-0); a flag
 * set to false is the flag left out. */
export function sameOp(expected: Op, actual: Op): boolean {
  const ignored = (op: Op, key: string, value: unknown) =>
    key === 'cpu' ||
    (op.op === 'swapin' && key === 'order') ||
    ((key === 'failAlloc' || key === 'failZswap' || key === 'write') && value === false);
  const strip = (op: Op): Record<string, unknown> =>
    Object.fromEntries(Object.entries(op).filter(([key, value]) => !ignored(op, key, value)));
  const a = strip(expected);
  const b = strip(actual);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

function describeSoFar(taken: readonly Op[], next: Op): string {
  return [...taken, next].map(formatOp).join(', ');
}

/**
 * The trace shrinker. fast-check never shrinks command lists given as examples, and a failing
 * campaign run is a concrete op list, so swapcheck shrinks traces itself, greedily, keeping a
 * candidate only if it still fails the same way (same failure kind and, for audits, the same
 * invariant), so shrinking cannot slide onto a different bug. Passes, repeated until none
 * makes progress or the budget runs out:
 * 1. cut everything after the failing op;
 * 2. delete whole lifecycles at once: first, in one replay, every lifecycle but those of the
 *    holders the failing op names (closed over forks); then every op that touches a holder (its faults, swap entry,
 *    swapin, zap), first for half the holders at once, then quarters, down to one holder
 *    (ddmin over holders, so a trace over many holders needs few replays); an op on a folio
 *    whose creating op was deleted is dropped with it;
 * 3. delete chunks of ops, halving the chunk size down to single ops (ddmin);
 * 4. simplify arguments: CPU 0, no injected failure, order 0, small values;
 * 5. renumber holders (keeping alignment for large folios), devices and CPUs to the smallest
 *    values;
 * 6. when the caller offers other configs (the presets), replay the trace on each and move to
 *    one on which it fails the same way sooner: a bug that needs disk writeout shows at the
 *    first writeout on a config booted with zswap off, where a zswap config needs the pool
 *    full or zswap disabled first;
 * 7. once passes 1-6 are stuck (localSearch): promote a fault one order up, folding in the
 *    lifecycles of the holders it then covers and repeating its pages' unmaps for the new
 *    pages (several small folios that only fill slots become one large folio); and on a
 *    short trace delete every window of ops and every pair of ops at once, move single ops to
 *    a lower holder the trace uses, make a fault one order larger or swap two adjacent ops
 *    together with deleting one op (two order-0 faults become one order-1 fault); every
 *    candidate of this pass but the holder moves must fail in fewer steps, so no pass can
 *    undo another;
 * 8. then shrink a copy on each other offered config on which the trace still fails (its one
 *    device renumbered to each device there), with the cheap passes and the promotions, and
 *    take it if shorter;
 * 9. once all of that is stuck, on a trace of at most 60 ops: delete one holder's lifecycle
 *    and in the same candidate take 1, 2, 4 or 8 slots off one device (or 1, 2 or 4 objects
 *    off the zswap pool), kept when it fails the same way in fewer steps. A bug that needs
 *    swap past half full (vm_swap_full()) sits in a local minimum of lifecycles that only
 *    fill the device: without one the device is not full enough, and on a smaller device
 *    the lifecycle takes the slots the bug needs; together they go (a reclaim-busy-folio
 *    kill of 15 ops at passes 1-8's fixpoint shrinks to 10, properties/shrink.test.ts).
 * What counts as failing "the same way" can be widened by the caller (ShrinkExtras.alsoKeeps:
 * the self-check keeps any kill of the same mutant).
 * Folio ids are assigned by the system as ops run, so deleting an op that creates folios
 * shifts every later id; candidates therefore remember which original op created each folio
 * and rewrite later folio references to the ids the candidate's own run assigns (an op on a
 * folio no kept op created is dropped, or in pass 7 pointed at the latest folio).
 *
 * Candidates replay without the model's own self-check (it can only report a model crash) unless
 * the target is a model crash, since replays are the whole cost of shrinking; a failure in the
 * drain is shrunk like any other (every candidate ends with the drain).
 *
 * Not covered here: schedules of interleaved CPUs (there are none yet).
 */
import type { Config } from '../lib/config.ts';
import { validateConfig } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { CheckerOptions, Failure } from './checker.ts';
import type { Checker } from './checker.ts';
import { checkerOptionsCampaign, checkerOptionsDefault } from './checker.ts';
import { wallClock, type BudgetClock } from '../lib/budget-clock.ts';
import type { DesignUnderTest } from './run.ts';
import { checkerFor } from './run.ts';

export interface ShrinkResult {
  readonly ops: readonly Op[];
  /** The config the shrunk trace fails on (one of the offered configs). */
  readonly config: Config;
  readonly failure: Failure;
  readonly lengthBefore: number;
  readonly attempts: number;
  readonly elapsedMs: number;
  /** No pass made progress in the last round (the budget did not cut shrinking short). */
  readonly fixpoint: boolean;
}

/** Optional behaviour of shrinkTrace beyond the budget. */
export interface ShrinkExtras {
  /** Also keep a candidate that fails differently from the target when this says yes (the
   * self-check keeps any kill of the same mutant: a failure whose ops hold on the design
   * without the bug, properties/mutant-check.ts). Default: only the same failure. */
  readonly alsoKeeps?: (failure: Failure, ops: readonly Op[], config: Config) => boolean;
  /** 1 inside the copy that otherStarts shrinks on another config (it starts no copies). */
  readonly depth?: number;
  /** False: no filler moves (a lifecycle deleted together with a few slots off a device:
   * fillerCuts()); for comparisons. */
  readonly smallerMachines?: boolean;
}

export interface ShrinkBudget {
  readonly timeMs: number;
  readonly attemptsMax: number;
  /** The clock `timeMs` is measured on (lib/budget-clock.ts); wall-clock time when absent. */
  readonly clock?: BudgetClock;
}

export const shrinkBudgetDefault: ShrinkBudget = { timeMs: 20_000, attemptsMax: 20_000 };

/** What a replay does with an op on a folio whose creating op the candidate deleted: drop it
 * (it could only be an invalid-argument no-op), or point it at the folio the candidate created
 * last. The second keeps a writeout or evict when the lifecycle that created its folio is
 * deleted and an earlier lifecycle's folio can take its place (a detour through swapoff and
 * swapon, or a second swapin, re-creates the folio the bug needs). */
type Orphans = 'drop' | 'latest';

/** An op of the original trace, with its index there (the key of the folios it created). */
interface Step {
  readonly op: Op;
  readonly origin: number;
}

interface Replay {
  /** The steps that ran, up to the failure (without dropped folio ops). */
  readonly steps: Step[];
  /** The ops as the candidate ran them (folio references rewritten), up to the failure. */
  readonly ops: Op[];
  readonly failure: Failure | null;
}

function sameFailure(target: Failure, candidate: Failure): boolean {
  return candidate.kind === target.kind && candidate.invariant === target.invariant;
}

function highestFolio(checker: Checker): number {
  const folios = checker.observation.folios;
  return folios.length === 0 ? 0 : (folios[folios.length - 1]?.id ?? 0);
}

/**
 * Replays steps, rewriting folio references through the ids each step's original op created
 * (`created[origin]`, filled on the first, unshrunk replay), then drains. An op on a folio that
 * the original run created but this candidate did not (its creating op was deleted) is
 * dropped: it could only be an invalid-argument no-op now.
 */
function replaySteps(
  design: DesignUnderTest,
  config: Config,
  steps: readonly Step[],
  created: Map<number, number[]>,
  options: CheckerOptions,
  recordCreated: boolean,
  orphans: Orphans = 'drop',
): Replay {
  const checker = checkerFor(design, config, options);
  const folioMap = new Map<number, number>();
  const createdIds = new Set<number>();
  if (!recordCreated) for (const ids of created.values()) for (const id of ids) createdIds.add(id);
  const ran: Op[] = [];
  const ranSteps: Step[] = [];
  let seen = 0;
  // The original id of the folio this candidate created last (for orphans = 'latest').
  let latestOriginal: number | undefined;
  for (let step of steps) {
    let op = step.op;
    if ('folio' in op) {
      let mapped = folioMap.get(op.folio);
      if (mapped === undefined && createdIds.has(op.folio)) {
        if (orphans === 'drop' || latestOriginal === undefined) continue;
        // The step now names the latest folio by its original id, so later replays of a kept
        // candidate map it the ordinary way.
        step = { op: { ...op, folio: latestOriginal }, origin: step.origin };
        mapped = folioMap.get(latestOriginal);
      }
      op = { ...step.op, folio: mapped ?? (recordCreated ? op.folio : 0) } as Op;
    }
    ran.push(op);
    ranSteps.push(step);
    const failure = checker.step(op);
    if (failure !== null) return { steps: ranSteps, ops: ran, failure };
    const highest = highestFolio(checker);
    const fresh: number[] = [];
    for (const folio of checker.observation.folios) if (folio.id > seen) fresh.push(folio.id);
    seen = Math.max(seen, highest);
    if (recordCreated) {
      created.set(step.origin, fresh);
      for (const id of fresh) folioMap.set(id, id);
    } else {
      const original = created.get(step.origin) ?? [];
      original.forEach((id, index) => {
        const now = fresh[index];
        if (now !== undefined) {
          folioMap.set(id, now);
          latestOriginal = id;
        }
      });
    }
  }
  return { steps: ranSteps, ops: ran, failure: checker.drain() };
}

/** Simpler variants of one op, simplest first. */
function simplifications(op: Op): Op[] {
  const variants: Op[] = [];
  if (op.cpu !== 0) variants.push({ ...op, cpu: 0 });
  if ('failAlloc' in op && op.failAlloc === true) {
    const { failAlloc: _failAlloc, ...rest } = op;
    variants.push(rest);
  }
  if ('failZswap' in op && op.failZswap === true) {
    const { failZswap: _failZswap, ...rest } = op;
    variants.push(rest);
  }
  if ((op.op === 'fault' || op.op === 'swapin') && op.order > 0) {
    variants.push({ ...op, order: 0 });
    if (op.order > 1) variants.push({ ...op, order: op.order - 1 });
  }
  if (op.op === 'write' && op.value > 1) variants.push({ ...op, value: 1 });
  return variants;
}

function touchesHolder(op: Op, holder: number, config: Config): boolean {
  if (op.op === 'fork' && op.target === holder) return true;
  if (!('holder' in op)) return false;
  if (op.op === 'fault') return holder >= op.holder && holder < op.holder + 2 ** op.order;
  return op.holder === holder && holder < config.holders;
}

/** Holder renumbering: aligned blocks of 2^orderMax holders, in order of first use. */
function renumberHolders(steps: readonly Step[], config: Config): Step[] | null {
  const block = 2 ** config.orderMax;
  const order: number[] = [];
  const use = (holder: number) => {
    const b = Math.floor(holder / block);
    if (!order.includes(b)) order.push(b);
  };
  for (const { op } of steps) {
    if ('holder' in op) use(op.holder);
    if (op.op === 'fork') use(op.target);
  }
  if (order.every((b, i) => b === i)) return null;
  return mapHolders(
    steps,
    (holder) => order.indexOf(Math.floor(holder / block)) * block + (holder % block),
  );
}

/** Rewrites every holder reference (holder, fork target) through `map`. */
function mapHolders(steps: readonly Step[], map: (holder: number) => number): Step[] {
  return steps.map(({ op, origin }) => {
    let next: Op = 'holder' in op ? { ...op, holder: map(op.holder) } : op;
    if (next.op === 'fork') next = { ...next, target: map(next.target) };
    return { op: next, origin };
  });
}

/** Holder renumbering one by one in order of first use (a large fault that ends up unaligned
 * makes the candidate fail differently, and it is rejected). */
function renumberHoldersCompact(steps: readonly Step[]): Step[] | null {
  const order: number[] = [];
  const use = (holder: number) => {
    if (!order.includes(holder)) order.push(holder);
  };
  for (const { op } of steps) {
    if (op.op === 'fault') for (let h = op.holder; h < op.holder + 2 ** op.order; h++) use(h);
    else if ('holder' in op) use(op.holder);
    if (op.op === 'fork') use(op.target);
  }
  if (order.every((holder, i) => holder === i)) return null;
  return mapHolders(steps, (holder) => order.indexOf(holder));
}

/** Device renumbering in order of first use (devices differ in size and flags, so this is
 * only kept when the failure survives it). */
function renumberDevices(steps: readonly Step[]): Step[] | null {
  const order: number[] = [];
  for (const { op } of steps)
    if ('device' in op && !order.includes(op.device)) order.push(op.device);
  if (order.every((device, i) => device === i)) return null;
  return steps.map(({ op, origin }) => ({
    op: 'device' in op ? { ...op, device: order.indexOf(op.device) } : op,
    origin,
  }));
}

/** CPU renumbering in order of first use. */
function renumberCpus(steps: readonly Step[]): Step[] | null {
  const order: number[] = [];
  for (const { op } of steps) if (!order.includes(op.cpu)) order.push(op.cpu);
  if (order.every((cpu, i) => cpu === i)) return null;
  return steps.map(({ op, origin }) => ({ op: { ...op, cpu: order.indexOf(op.cpu) }, origin }));
}

/** Longest trace the local search (every window, pair and rewrite) is tried on. */
const localSearchMax = 40;

/** Every single op (not a large fault) moved to a lower holder that the trace uses. */
function lowerHolders(steps: readonly Step[]): Step[][] {
  const holders = new Set<number>();
  for (const { op } of steps) if ('holder' in op) holders.add(op.holder);
  const out: Step[][] = [];
  steps.forEach(({ op, origin }, index) => {
    if (!('holder' in op) || (op.op === 'fault' && op.order > 0)) return;
    for (const holder of [...holders].sort((a, b) => a - b)) {
      if (holder >= op.holder) break;
      const next = steps.slice();
      next[index] = { op: { ...op, holder }, origin };
      out.push(next);
    }
  });
  return out;
}

/** The trace as it is, then with its one device renumbered to each other device of `config`
 * (a trace that names more than one device is only tried as it is). */
function deviceMoves(steps: readonly Step[], config: Config): Step[][] {
  const used = new Set<number>();
  for (const { op } of steps) if ('device' in op) used.add(op.device);
  const out: Step[][] = [steps.slice()];
  if (used.size > 1) return out;
  if (used.size === 0) return out;
  const [from] = used;
  for (let device = 0; device < config.devices.length; device++) {
    if (device === from) continue;
    out.push(
      steps.map(({ op, origin }) => ({ op: 'device' in op ? { ...op, device } : op, origin })),
    );
  }
  return out;
}

/**
 * Every fault made one order larger, with the lifecycles it then covers folded into it: the
 * fault moves to the aligned base of the larger block, every other op that names a holder of
 * the added half (the other lifecycles there, forks to it) is dropped, and every unmap or zap
 * of a page of the old fault after it is repeated for the matching page of the added half (a
 * writeout needs every page unmapped). Several small folios that only fill slots before the
 * one the bug needs then become one large folio whose run reaches it: on a next-fit bitmap
 * device, two order-1 folios at slots 2-3 and 4-5 become one order-2 folio at 4-7.
 * `originNext` numbers the repeated ops (they create no folio).
 */
function promotions(steps: readonly Step[], config: Config, originNext: number): Step[][] {
  const out: Step[][] = [];
  steps.forEach(({ op }, index) => {
    if (op.op !== 'fault' || op.order >= config.orderMax) return;
    const half = 2 ** op.order;
    const base = op.holder - (op.holder % (2 * half));
    if (base + 2 * half > config.holders) return;
    const added = op.holder === base ? base + half : base;
    const inAdded = (holder: number) => holder >= added && holder < added + half;
    const inOld = (holder: number) => holder >= op.holder && holder < op.holder + half;
    const next: Step[] = [];
    let origin = originNext;
    steps.forEach((step, at) => {
      if (at === index) {
        next.push({ op: { ...op, holder: base, order: op.order + 1 }, origin: step.origin });
        return;
      }
      const other = step.op;
      let touched = false;
      for (let holder = added; holder < added + half && !touched; holder++) {
        touched = touchesHolder(other, holder, config);
      }
      if (touched) return;
      next.push(step);
      if (at > index && (other.op === 'unmap' || other.op === 'zap') && inOld(other.holder)) {
        const mirrored = other.holder ^ half;
        if (inAdded(mirrored)) next.push({ op: { ...other, holder: mirrored }, origin: origin++ });
      }
    });
    out.push(next);
  });
  return out;
}

/** The rewrites of localSearch (see there), cheapest first. */
function rewrites(steps: readonly Step[], config: Config): Step[][] {
  const out: Step[][] = [];
  const replace = (index: number, op: Op) => {
    const next = steps.slice();
    next[index] = { op, origin: (steps[index] as Step).origin };
    out.push(next);
  };
  steps.forEach(({ op }, index) => {
    if (op.op === 'fault' && op.order < config.orderMax && op.holder % 2 ** (op.order + 1) === 0) {
      replace(index, { ...op, order: op.order + 1 });
    }
  });
  for (let index = 0; index + 1 < steps.length; index++) {
    const next = steps.slice();
    next[index] = steps[index + 1] as Step;
    next[index + 1] = steps[index] as Step;
    out.push(next);
  }
  return out;
}

export function shrinkTrace(
  design: DesignUnderTest,
  config: Config,
  ops: readonly Op[],
  target: Failure,
  budget: ShrinkBudget = shrinkBudgetDefault,
  options: CheckerOptions = checkerOptionsDefault,
  otherConfigs: readonly Config[] = [],
  extras: ShrinkExtras = {},
): ShrinkResult {
  const depth = extras.depth ?? 0;
  // The widened test (alsoKeeps) is only asked about short traces: it costs a replay on
  // another design, and on a long trace the ordinary test has more to shrink anyway.
  const keeps = (failure: Failure | null, ops: readonly Op[], on: Config): boolean =>
    failure !== null &&
    (sameFailure(target, failure) ||
      (ops.length <= localSearchMax && (extras.alsoKeeps?.(failure, ops, on) ?? false)));
  const clock = budget.clock ?? wallClock;
  const started = clock();
  const created = new Map<number, number[]>();
  // The model's self-check can only report a model crash; skip it unless that is the target.
  const candidateOptions =
    target.kind === 'model-crash' ? options : { ...options, modelSelfCheck: false };
  // Candidates run first with campaign checks (footprints, a full check every 64 ops), which
  // costs a fraction of full checks on a long trace; only a candidate that fails then is
  // replayed with the caller's checks, and that exact failure decides. A candidate whose
  // failure only a full check between footprints would see is missed: less shrinking, never
  // a wrong result.
  const quickOptions =
    candidateOptions.fullCheckEvery === 1 && target.kind !== 'model-crash'
      ? { ...candidateOptions, fullCheckEvery: checkerOptionsCampaign.fullCheckEvery }
      : null;
  const replayCandidate = (
    on: Config,
    candidate: readonly Step[],
    orphans: Orphans = 'drop',
  ): Replay => {
    if (quickOptions !== null) {
      const quick = replaySteps(design, on, candidate, created, quickOptions, false, orphans);
      if (quick.failure === null) return quick;
    }
    return replaySteps(design, on, candidate, created, candidateOptions, false, orphans);
  };
  let attempts = 1;
  const original: Step[] = ops.map((op, origin) => ({ op, origin }));
  const first = replaySteps(design, config, original, created, options, true);
  let current = config;
  let best: Step[] = original;
  let bestOps: Op[] = ops.slice();
  let bestFailure = target;
  if (first.failure !== null && keeps(first.failure, first.ops, config)) {
    best = first.steps;
    bestOps = first.ops;
    bestFailure = first.failure;
  }
  const outOfBudget = () => attempts >= budget.attemptsMax || clock() - started > budget.timeMs;
  // Tries a candidate; on the same failure keeps it, cut right after the failing op.
  // `shorter`: only keep a candidate that fails in fewer steps than the best (the moves that
  // do not delete ops by themselves, so that equal-length moves cannot cycle).
  const attempt = (
    candidate: Step[],
    on: Config = current,
    orphans: Orphans = 'drop',
    shorter = false,
  ): boolean => {
    if (outOfBudget()) return false;
    attempts++;
    const result = replayCandidate(on, candidate, orphans);
    // Another config is only taken when the trace fails sooner there.
    if ((shorter || on !== current) && result.steps.length >= best.length) return false;
    if (!keeps(result.failure, result.ops, on)) return false;
    current = on;
    // Steps keep the original folio ids (the keys of `created`); bestOps has the rewritten ones.
    best = result.steps;
    bestOps = result.ops;
    bestFailure = result.failure as Failure;
    return true;
  };
  // The holders the current best touches, each with the origins of the steps touching it.
  const holderUnits = (): Set<number>[] => {
    const units: Set<number>[] = [];
    for (let holder = 0; holder < current.holders; holder++) {
      const origins = new Set<number>();
      for (const step of best)
        if (touchesHolder(step.op, holder, current)) origins.add(step.origin);
      if (origins.size > 0) units.push(origins);
    }
    return units;
  };
  // The slice of the failing op: keep only the lifecycles of the holders the last op names
  // (for an op on a folio, the holders whose op created it), closed over forks (an entry a
  // fork shares flows between its two holders), and every op that names no holder (swapon,
  // swapoff, setZswap, ops on kept folios). On a long campaign trace whose failure needs one
  // holder's lifecycle this is one replay where ddmin over holders takes dozens; when the
  // failure needs other holders too (pressure, a reused entry value), it fails and costs one.
  const sliceAttempt = (): boolean => {
    const last = best[best.length - 1];
    if (last === undefined) return false;
    const kept = new Set<number>();
    const addHolders = (op: Op) => {
      if (op.op === 'fault')
        for (let h = op.holder; h < op.holder + 2 ** op.order; h++) kept.add(h);
      else if ('holder' in op) kept.add(op.holder);
      if (op.op === 'fork') kept.add(op.target);
    };
    addHolders(last.op);
    if ('folio' in last.op) {
      const folio = last.op.folio;
      for (const step of best)
        if (created.get(step.origin)?.includes(folio) === true) addHolders(step.op);
    }
    for (let grown = true; grown;) {
      grown = false;
      for (const { op } of best) {
        if (op.op !== 'fork' || kept.has(op.holder) === kept.has(op.target)) continue;
        kept.add(op.holder);
        kept.add(op.target);
        grown = true;
      }
    }
    const candidate = best.filter(({ op }) => {
      if (!('holder' in op)) return true;
      for (const holder of kept) if (touchesHolder(op, holder, current)) return true;
      return false;
    });
    return kept.size > 0 && candidate.length < best.length && attempt(candidate);
  };
  // ddmin over holders: delete the lifecycles of half the holders at once, then quarters, down
  // to one holder at a time.
  const deleteHolderGroups = (): boolean => {
    let any = false;
    let units = holderUnits();
    for (
      let chunk = Math.ceil(units.length / 2);
      chunk >= 1 && !outOfBudget();
      chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)
    ) {
      for (let start = 0; start < units.length && !outOfBudget();) {
        const drop = new Set<number>();
        for (const unit of units.slice(start, start + chunk))
          for (const origin of unit) drop.add(origin);
        const kept = best.filter((step) => !drop.has(step.origin));
        if (kept.length < best.length && kept.length > 0 && attempt(kept)) {
          any = true;
          units = holderUnits();
        } else {
          start += chunk;
        }
      }
    }
    return any;
  };
  // Local search, once the passes above are stuck: first the promotions (a fault one order
  // larger that folds the lifecycles of the added half into it), at any length; then, on a
  // short trace, every window of ops and every pair of ops deleted together (with orphaned
  // folio ops pointed at the latest folio), then one rewrite combined with the deletion of one
  // op: a fault one order larger (two order-0 faults become one order-1 fault) or two adjacent
  // ops swapped; and an op moved to a lower holder the trace uses, on its own. Each candidate
  // but the holder moves must fail the same way in fewer steps.
  const localSearch = (): boolean => {
    // A copy on another config (otherStarts) runs the promotions but not the sweeps: the
    // sweeps are the costly part, and the copy is there to see whether the config lets them
    // go further; a shorter copy comes back here, where the local search runs on it.
    // Promotions first, at any length and in the copies too: one candidate per fault, and
    // on another config (a larger orderMax) they are what the copy is for.
    const originNext = Math.max(ops.length, ...best.map((step) => step.origin + 1));
    for (const promoted of promotions(best, current, originNext)) {
      if (outOfBudget()) return false;
      if (attempt(promoted, current, 'drop', true)) return true;
    }
    if (depth > 0 || best.length > localSearchMax) return false;
    const without = (steps: readonly Step[], ...indices: number[]) =>
      steps.filter((_, i) => !indices.includes(i));
    for (let size = best.length - 1; size >= 1; size--) {
      for (let start = 0; start + size <= best.length; start++) {
        if (outOfBudget()) return false;
        if (
          attempt([...best.slice(0, start), ...best.slice(start + size)], current, 'latest', true)
        )
          return true;
      }
    }
    for (let i = 0; i < best.length; i++) {
      for (let j = i + 2; j < best.length; j++) {
        if (outOfBudget()) return false;
        if (attempt(without(best, i, j), current, 'latest', true)) return true;
      }
    }
    // An op moved to a lower holder the trace already uses is kept even at the same length
    // (the sum of holder numbers only goes down, so this cannot cycle): on a large folio,
    // the op on its last page may as well be on its first, and then the order can drop.
    for (const lowered of lowerHolders(best)) {
      if (outOfBudget()) return false;
      if (attempt(lowered, current, 'latest')) return true;
    }
    for (const rewritten of rewrites(best, current)) {
      if (attempt(rewritten, current, 'latest', true)) return true;
      for (let j = 0; j < rewritten.length; j++) {
        if (outOfBudget()) return false;
        if (attempt(without(rewritten, j), current, 'latest', true)) return true;
      }
    }
    return false;
  };
  // A config on which the best fails the same way but not sooner may still shrink further
  // there (a bug that needs disk writeout, found on a zswap config): shrink a copy on it and
  // keep the result if it is shorter.
  // The length of the best when each config was last tried: a config is tried again only
  // once the best got shorter.
  const startedAt = new Map<Config, number>();
  const otherStarts = (): boolean => {
    if (depth > 0 || best.length > localSearchMax) return false;
    let any = false;
    for (const other of otherConfigs) {
      if (other === current || outOfBudget() || (startedAt.get(other) ?? Infinity) <= best.length)
        continue;
      startedAt.set(other, best.length);
      // The trace's device may stand for another device of the other config (a bad slot or
      // a synchronous-I/O device sits on a different index there).
      let there: Replay | null = null;
      for (const moved of deviceMoves(best, other)) {
        if (outOfBudget()) break;
        attempts++;
        const replay = replayCandidate(other, moved);
        if (keeps(replay.failure, replay.ops, other)) {
          there = replay;
          break;
        }
      }
      if (there === null) continue;
      const left = {
        timeMs: budget.timeMs - (clock() - started),
        attemptsMax: budget.attemptsMax - attempts,
        clock,
      };
      const sub = shrinkTrace(design, other, there.ops, target, left, options, [], {
        ...extras,
        depth: depth + 1,
      });
      attempts += sub.attempts;
      if (sub.ops.length < best.length) {
        current = other;
        best = sub.ops.map((op, origin) => ({ op, origin }));
        // The copy's ops carry the folio ids of its own runs; re-record them on the next replay.
        created.clear();
        const again = replaySteps(design, current, best, created, candidateOptions, true);
        best = again.steps;
        bestOps = again.ops;
        bestFailure = again.failure ?? sub.failure;
        any = true;
      }
    }
    return any;
  };
  // Filler for a smaller machine: delete one holder's lifecycle and, in the same candidate,
  // take a few slots off one device (or objects off the zswap pool). A lifecycle that only
  // filled the device (swap past half full, vm_swap_full()) is then not needed: the smaller
  // device is as full without it. Neither half alone shrinks such a trace (without the
  // lifecycle the device is not full enough; on a smaller device the lifecycle takes the slots
  // the bug needs). Kept only when the trace fails the same way in fewer steps.
  const deleteFillers = (): boolean => {
    if (best.length > fillerSearchMax) return false;
    for (const unit of holderUnits()) {
      const kept = best.filter((step) => !unit.has(step.origin));
      if (kept.length === 0) continue;
      for (const smaller of fillerCuts(current)) {
        if (outOfBudget()) return false;
        attempts++;
        const result = replayCandidate(smaller, kept);
        if (result.steps.length >= best.length || !keeps(result.failure, result.ops, smaller))
          continue;
        current = smaller;
        best = result.steps;
        bestOps = result.ops;
        bestFailure = result.failure as Failure;
        return true;
      }
    }
    return false;
  };
  let progress = true;
  while (progress && !outOfBudget()) {
    progress = false;
    if (sliceAttempt()) progress = true;
    if (deleteHolderGroups()) progress = true;
    for (let chunk = best.length >> 1; chunk >= 1 && !outOfBudget(); chunk >>= 1) {
      for (let start = 0; start + chunk <= best.length && !outOfBudget();) {
        if (attempt([...best.slice(0, start), ...best.slice(start + chunk)])) progress = true;
        else start += chunk;
      }
    }
    for (let index = 0; index < best.length && !outOfBudget(); index++) {
      for (const variant of simplifications((best[index] as Step).op)) {
        const candidate = best.slice();
        candidate[index] = { op: variant, origin: (best[index] as Step).origin };
        if (attempt(candidate)) {
          progress = true;
          break;
        }
      }
    }
    for (const renumber of [
      () => renumberHolders(best, current),
      () => renumberHoldersCompact(best),
      () => renumberDevices(best),
      () => renumberCpus(best),
    ]) {
      const renumbered = renumber();
      if (renumbered !== null && attempt(renumbered)) progress = true;
    }
    for (const other of otherConfigs) {
      if (other !== current && !outOfBudget() && attempt(best, other)) progress = true;
    }
    if (!progress && !outOfBudget() && localSearch()) progress = true;
    if (!progress && !outOfBudget() && otherStarts()) progress = true;
    // Last: a smaller machine changes where everything lands, so the moves above get their
    // fixpoint on the machine as found first.
    if (!progress && extras.smallerMachines !== false && !outOfBudget() && deleteFillers())
      progress = true;
  }
  const fixpoint = !progress && !outOfBudget();
  return {
    ops: bestOps,
    config: current,
    failure: bestFailure,
    lengthBefore: ops.length,
    attempts,
    elapsedMs: clock() - started,
    fixpoint,
  };
}

/** Traces longer than this are not searched for filler (deleteFillers in shrinkTrace): the
 * cheap passes shorten them first. */
const fillerSearchMax = 60;

/** Configs with a few slots (1, 2, 4 or 8) off one device, its bad slots past the new end
 * dropped, or a few objects (1, 2 or 4) off the zswap pool; only valid configs. */
export function fillerCuts(config: Config): Config[] {
  const out: Config[] = [];
  config.devices.forEach((device, index) => {
    for (const cut of [1, 2, 4, 8]) {
      const slots = device.slots - cut;
      if (slots < 2) continue;
      const devices = config.devices.map((d, i) =>
        i === index ? { ...d, slots, bad: d.bad.filter((bad) => bad < slots) } : d,
      );
      out.push({ ...config, devices });
    }
  });
  for (const cut of [1, 2, 4])
    if (config.zswapCapacity >= cut)
      out.push({ ...config, zswapCapacity: config.zswapCapacity - cut });
  return out.filter((candidate) => validateConfig(candidate) === null);
}

/**
 * The checker's precision (properties/checker.ts): not only that a failure is found, but at
 * which step and of which kind. The expectation is an independent brute-force replay
 * (bruteForce() below): each op is applied to a fresh model and a fresh design, the outcomes
 * compared, the entry values mapped to model serials from allocSwap's results, both whole
 * observations compared by deep equality, the model self-checked and the design audited after
 * every op; then the same drain (zap every holder, free every swap-cache folio, swap off every
 * device, then both sides empty). It shares none of the checker's footprints, kept views or
 * item-by-item comparison.
 *
 * For each lying-field canary (properties/oracle-fields-test-support.ts), each committed
 * sequential mutant trace (properties/mutants/) and each regression trace (which hold):
 * - full checks after every op (checkerOptionsDefault) report the brute force's first
 *   failing step and kind exactly, and apply no op after it;
 * - campaign checks (checkerOptionsCampaign) report the same failure no earlier, and no later
 *   than the next full check point after it (docs/invariants.md, "Full checks and footprint
 *   checks": what only a full check sees may be found up to 63 ops late). A per-item lie is
 *   seen by the footprint of the op that makes it non-trivial, so there campaign checks are
 *   exact too (as properties/oracle-fields.test.ts pins for those lies), and so they are on
 *   every committed mutant trace today (see the comment there).
 * The same pins hold for designs that break entry identity (a holder showing a value never
 * handed out, allocSwap naming no value or an unaligned one for a large folio), for the honest
 * designs over the lies' scenario and over a seeded generated run whose drain frees a
 * swap-cache folio (no failure anywhere), and for whole-system lies over a run
 * longer than 64 ops (campaign checks report them at the full check after op 63). The drain
 * stops at its first failure: the failure names the first failing drain step. The failure's
 * form is pinned too: its op, a one-line message without the invariant's name in front, two
 * differing sides and divergence lines for a difference, both outcomes for an outcome failure,
 * the drain's ops for a failure in the drain.
 *
 * Not covered here: the allowance checks A1 and A8 (properties/checker-allowance.test.ts),
 * which the brute force does not repeat; race mutants (explore/).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mutantCatalogue } from '../impl/mutants.ts';
import type { Config } from '../lib/config.ts';
import { InvariantViolation } from '../lib/invariant.ts';
import type { EntryView, HolderView, Observation } from '../lib/observation.ts';
import type { Op } from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import { SwapModel } from '../model/swap-model.ts';
import {
  checkerOptionsCampaign,
  checkerOptionsDefault,
  type CheckerOptions,
  type Failure,
} from './checker.ts';
import { resolveDesign } from './design-registry.ts';
import { drawSwarm, drawTemplate } from './generator.ts';
import { resolveTemplate } from './op-template.ts';
import {
  config as lieConfig,
  lies,
  lyingDesign,
  lyingSystem,
  scenario,
} from './oracle-fields-test-support.ts';
import { Prng } from './prng.ts';
import { checkerFor, replayOps, type DesignUnderTest } from './run.ts';
import { readTrace, resolveConfig } from './trace.ts';

/** Where and how the brute force first saw model and design disagree. */
interface Expected {
  /** The failing step (the drain's ops follow the trace's; the drain's end is one past its
   * last op), or null when the whole run holds. */
  readonly step: number | null;
  readonly kind: Failure['kind'] | null;
  /** The invariant the design's audit named, for kinds 'invariant' and 'drain'. */
  readonly invariant?: string;
  /** Every op applied: the trace's up to the failure, then the drain's. */
  readonly ops: readonly Op[];
}

/**
 * Replays `ops` and then the drain on a fresh model and a fresh design, comparing everything
 * after every op; returns the first step where they disagree.
 */
function bruteForce(design: DesignUnderTest, config: Config, ops: readonly Op[]): Expected {
  const system = design.create(config);
  const model = new SwapModel(config);
  const valueToSerial = new Map<number, number>();
  const applied: Op[] = [];
  let invariant: string | undefined;
  /** The kind a thrown error from the design stands for. */
  const implKind = (error: unknown): Failure['kind'] => {
    if (!(error instanceof InvariantViolation)) return 'impl-crash';
    invariant = error.invariant;
    return 'invariant';
  };
  const live = () => new Set(model.observe().entries.map((view) => view.entry));

  /** The design's whole observation in model serials, or null when a value was never
   * handed out. */
  const translated = (): Observation | null => {
    const raw = system.observe();
    const serial = (value: number) => valueToSerial.get(value);
    const holders: HolderView[] = [];
    for (const view of raw.holders) {
      if (view.kind !== 'swap') holders.push(view);
      else {
        const entry = serial(view.entry);
        if (entry === undefined) return null;
        holders.push({ ...view, entry });
      }
    }
    const entries: EntryView[] = [];
    for (const view of raw.entries) {
      const entry = serial(view.entry);
      if (entry === undefined) return null;
      entries.push({ ...view, entry });
    }
    entries.sort((a, b) => a.entry - b.entry);
    return { ...raw, holders, entries };
  };

  /** Whole comparison, model self-check, design audit; the failing kind or null. */
  const compare = (): Failure['kind'] | null => {
    let actual: Observation | null;
    try {
      actual = translated();
    } catch (error) {
      return implKind(error);
    }
    if (actual === null) return 'identity';
    if (
      !isDeepStrictEqual(
        JSON.parse(JSON.stringify(model.observe())),
        JSON.parse(JSON.stringify(actual)),
      )
    )
      return 'observation';
    try {
      model.selfCheck();
    } catch {
      return 'model-crash';
    }
    try {
      system.audit();
    } catch (error) {
      return implKind(error);
    }
    return null;
  };

  /** Applies one op to both sides and compares; the failing kind or null. */
  const step = (op: Op): Failure['kind'] | null => {
    applied.push(op);
    let actual: ImplOutcome;
    try {
      actual = system.apply(op);
    } catch (error) {
      return implKind(error);
    }
    let result: ReturnType<SwapModel['apply']>;
    try {
      result = model.apply(op, actual);
    } catch {
      return 'model-crash';
    }
    if (!result.ok) return 'allowance';
    const { entry: first, ...outcome } = actual;
    if (
      !isDeepStrictEqual(
        JSON.parse(JSON.stringify(result.outcome)),
        JSON.parse(JSON.stringify(outcome)),
      )
    )
      return 'outcome';
    if (result.created.length > 0) {
      if (first === undefined || system.entryOffset(first) % result.created.length !== 0)
        return 'identity';
      const alive = live();
      for (const [page, serial] of result.created.entries()) {
        const previous = valueToSerial.get(first + page);
        if (previous !== undefined && alive.has(previous)) return 'identity';
        valueToSerial.set(first + page, serial);
      }
    }
    return compare();
  };

  const failed = (kind: Failure['kind']): Expected => ({
    step: applied.length - 1,
    kind,
    ops: applied,
    ...(invariant === undefined ? {} : { invariant }),
  });

  for (const op of ops) {
    const kind = step(op);
    if (kind !== null) return failed(kind);
  }
  // The drain, as Checker.drain() defines it (the ops' end, every op of it, its end).
  for (let holder = 0; holder < config.holders; holder++) {
    if (model.observe().holders[holder]?.kind === 'empty') continue;
    const kind = step({ op: 'zap', holder, cpu: holder % config.cpus });
    if (kind !== null) return failed(kind);
  }
  for (const folio of model.observe().folios) {
    const now = model.observe().folios.find((view) => view.id === folio.id);
    if (now === undefined || !now.cached) continue;
    const kind = step({ op: 'freeSwapCache', folio: folio.id, cpu: 0 });
    if (kind !== null) return failed(kind);
  }
  for (const [device, view] of model.observe().devices.entries()) {
    if (!view.online) continue;
    const kind = step({ op: 'swapoff', device, cpu: device % config.cpus });
    if (kind !== null) return failed(kind);
  }
  const end = { step: applied.length, ops: applied };
  const endFailed = (kind: Failure['kind']): Expected => ({
    ...end,
    kind,
    ...(invariant === undefined ? {} : { invariant }),
  });
  const left = model.observe();
  if (left.entries.length > 0 || left.folios.length > 0 || left.zswapStored > 0)
    return endFailed('model-crash');
  const kind = compare();
  if (kind !== null) return endFailed(kind);
  try {
    system.auditEmpty();
  } catch (error) {
    return endFailed(implKind(error) === 'invariant' ? 'drain' : 'impl-crash');
  }
  return { step: null, kind: null, ops: applied };
}

/**
 * The first step at or after `from` after which campaign checks run a full check: every 64th
 * op, a swapon or swapoff, the op before a swapoff, the trace's last op (the drain starts with
 * one) and the drain's end (one past its last op). `ops` are the trace's ops, then the drain's
 * as far as the brute force applied them.
 */
function nextFullCheck(ops: readonly Op[], trace: readonly Op[], from: number): number {
  const every = checkerOptionsCampaign.fullCheckEvery;
  const all = from < trace.length ? trace : ops;
  for (let step = from; step < all.length; step++) {
    const op = all[step] as Op;
    if ((step + 1) % every === 0 || op.op === 'swapon' || op.op === 'swapoff') return step;
    if (all[step + 1]?.op === 'swapoff' || step === trace.length - 1) return step;
  }
  return all.length;
}

/** Replays with `options`, recording every op the checker applied. */
function replay(
  design: DesignUnderTest,
  config: Config,
  ops: readonly Op[],
  options: CheckerOptions,
): { failure: Failure | null; applied: Op[] } {
  const applied: Op[] = [];
  const { failure } = replayOps(design, config, ops, options, true, {
    step: (op) => applied.push(op),
  });
  return { failure, applied };
}

/**
 * What the failure says, beyond its step and kind: it names the failing op (none for a full
 * check of the ops' end or the drain's end), a one-line message, for a difference its two
 * sides (which differ) and its divergence lines (the first is the message), and for a failure
 * in the drain the drain's ops up to the failing one.
 */
function pinReport(failure: Failure | null, expected: Expected, trace: readonly Op[]): void {
  if (failure === null || expected.step === null) return;
  const said = failure.message;
  expect(said).not.toBe('');
  expect(said).not.toContain('\n');
  // The invariant is named apart, not repeated at the message's start.
  if (failure.invariant !== undefined)
    expect(said.startsWith(`${failure.invariant}: `), said).toBe(false);
  const applied = expected.ops[expected.step];
  if (applied !== undefined) expect(failure.op, said).toEqual(applied);
  else expect(failure.op, said).toBeNull();
  if (failure.kind === 'observation' || failure.kind === 'outcome') {
    expect(failure.divergence?.[0], said).toBeDefined();
    if (failure.kind === 'observation') expect(failure.divergence?.[0], said).toBe(said);
    expect(failure.path, said).toBeDefined();
    expect(isDeepStrictEqual(failure.expected, failure.actual), said).toBe(false);
  }
  if (failure.kind === 'outcome') {
    expect(failure.outcome, said).toBeDefined();
    expect(isDeepStrictEqual(failure.outcome?.model, failure.outcome?.impl), said).toBe(false);
  }
  if (expected.step >= trace.length)
    expect(failure.drain, said).toEqual(expected.ops.slice(trace.length, expected.step + 1));
  else expect(failure.drain, said).toBeUndefined();
}

/** Pins both checker modes against the brute force on one run. */
function pinPrecision(
  design: () => DesignUnderTest,
  config: Config,
  ops: readonly Op[],
  exactCampaign: boolean,
): Expected {
  const expected = bruteForce(design(), config, ops);
  const exact = replay(design(), config, ops, checkerOptionsDefault);
  const said = exact.failure?.message ?? 'holds';
  expect(exact.failure?.step ?? null, said).toBe(expected.step);
  expect(exact.failure?.kind ?? null, said).toBe(expected.kind);
  expect(exact.failure?.invariant, said).toBe(expected.invariant);
  pinReport(exact.failure, expected, ops);
  // No op after the failing one: the run stopped there.
  expect(exact.applied, said).toEqual(
    expected.step === null ? expected.ops : expected.ops.slice(0, expected.step + 1),
  );
  const campaign = replay(design(), config, ops, checkerOptionsCampaign);
  const campaignSaid = campaign.failure?.message ?? 'holds';
  if (expected.step === null) {
    expect(campaign.failure, campaignSaid).toBeNull();
    return expected;
  }
  const step = campaign.failure?.step ?? null;
  expect(step, campaignSaid).not.toBeNull();
  if (exactCampaign) {
    expect(step, campaignSaid).toBe(expected.step);
    expect(campaign.failure?.kind, campaignSaid).toBe(expected.kind);
  } else {
    expect(step as number, campaignSaid).toBeGreaterThanOrEqual(expected.step);
    expect(step as number, campaignSaid).toBeLessThanOrEqual(
      nextFullCheck(expected.ops, ops, expected.step),
    );
  }
  return expected;
}

describe.each(Object.keys(lies))('a design lying about %s', (id) => {
  it('fails at the first step the brute force sees it, of its kind', () => {
    const [view] = id.split('.');
    // Per-item fields are compared by the footprint of the op that changes them; whole-system
    // fields and the entry key (footprints compare by serial) wait for a full check.
    const perItem = view !== 'observation' && view !== 'device' && id !== 'entry.entry';
    const expected = pinPrecision(() => lyingDesign(id), lieConfig, scenario, perItem);
    expect(expected.step).toBe(lies[id]?.caughtAt);
    expect(expected.kind).toBe('observation');
  });
});

/**
 * The scenario padded past the first 64-op full check with writes to holder 8, which the
 * scenario leaves mapped, so a lie only a full check sees, made visible early in the scenario,
 * must be reported by the full check after op 63, not only at the end.
 */
const padded: readonly Op[] = [
  ...scenario,
  ...Array.from({ length: 80 }, (_, i): Op => ({ op: 'write', holder: 8, value: i % 7, cpu: 0 })),
];

describe.each(['observation.zswapStored', 'observation.memcgSwapCurrent', 'observation.entries'])(
  'a design lying about %s over a run longer than 64 ops',
  (id) => {
    it('is reported by campaign checks at the next full check at the latest', () => {
      const expected = pinPrecision(() => lyingDesign(id), lieConfig, padded, false);
      expect(expected.step).toBe(lies[id]?.caughtAt);
      const campaign = replay(lyingDesign(id), lieConfig, padded, checkerOptionsCampaign);
      expect(campaign.failure?.step, campaign.failure?.message).toBe(63);
    });
  },
);

describe.each(['classic', 'vswap-all'])('the honest design %s', (name) => {
  it('holds over the scenario and its drain for the brute force and both checker modes', () => {
    const expected = pinPrecision(() => resolveDesign(name), lieConfig, scenario, true);
    expect(expected.step).toBeNull();
    // The drain has work: zaps and swapoffs (the last zap of a swap-cache folio's entries
    // reclaims it here, so no freeSwapCache is left to do).
    const drain = expected.ops.slice(scenario.length).map((op) => op.op);
    expect(new Set(drain)).toEqual(new Set(['zap', 'swapoff']));
  });
});

/**
 * A generated run (seed 24, 200 ops after the scenario) whose drain, unlike the scenario's,
 * frees a swap-cache folio; its ops are drawn once, on a checker, and then fixed.
 */
function generatedRun(): Op[] {
  const checker = checkerFor(resolveDesign('classic'), lieConfig);
  const ops = [...scenario];
  for (const op of scenario) checker.step(op);
  const prng = new Prng(24);
  const swarm = drawSwarm(prng);
  for (let i = 0; i < 200; i++) {
    const op = resolveTemplate(lieConfig, checker.observation, drawTemplate(prng, swarm));
    ops.push(op);
    if (checker.step(op) !== null) break;
  }
  return ops;
}

it('a generated honest run holds over its drain, which frees a swap-cache folio', () => {
  const ops = generatedRun();
  const expected = pinPrecision(() => resolveDesign('classic'), lieConfig, ops, true);
  expect(expected.step).toBeNull();
  expect(expected.ops.slice(ops.length).map((op) => op.op)).toContain('freeSwapCache');
});

/** classic, with `apply` reporting outcomes through `misreport`. */
function misreportingDesign(misreport: (op: Op, outcome: ImplOutcome) => ImplOutcome) {
  const honest = resolveDesign('classic');
  return (): DesignUnderTest => ({
    ...honest,
    create: (c) => {
      const system = honest.create(c);
      return new Proxy(system, {
        get: (target, key): unknown => {
          if (key === 'apply') return (op: Op) => misreport(op, target.apply(op));
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
        },
      });
    },
  });
}

/** Designs that break entry identity; each is an identity failure at the op named. */
const identityBreakers: Readonly<
  Record<string, { readonly design: () => DesignUnderTest; readonly caughtAt: number }>
> = {
  // A swap holder shows a value no allocSwap handed out.
  'a holder showing a value never handed out': {
    design: () => {
      const honest = resolveDesign('classic');
      const never = (value: number, live: ReadonlySet<number>, seen: ReadonlySet<number>) => {
        let other = value + 1;
        while (live.has(other) || seen.has(other)) other++;
        return other;
      };
      return {
        ...honest,
        create: (c) => lyingSystem(honest.create(c), 'holder', 'entry', never),
      };
    },
    caughtAt: 4,
  },
  // allocSwap names no first entry value.
  'allocSwap without its entry value': {
    design: misreportingDesign((op, outcome) => {
      if (op.op !== 'allocSwap') return outcome;
      const { entry: _entry, ...rest } = outcome;
      return rest;
    }),
    caughtAt: 3,
  },
  // The order-1 folio's entries named one value off: not naturally aligned.
  'a large allocSwap named at an unaligned value': {
    design: misreportingDesign((op, outcome) =>
      op.op === 'allocSwap' && op.holder === 2 && outcome.entry !== undefined
        ? { ...outcome, entry: outcome.entry + 1 }
        : outcome,
    ),
    caughtAt: 13,
  },
};

describe.each(Object.keys(identityBreakers))('%s', (name) => {
  it('is an identity failure at the first step the brute force sees it', () => {
    const breaker = identityBreakers[name];
    if (breaker === undefined) throw new Error(`no breaker ${name}`);
    const expected = pinPrecision(breaker.design, lieConfig, scenario, true);
    expect(expected.step).toBe(breaker.caughtAt);
    expect(expected.kind).toBe('identity');
  });
});

const mutantDir = join(import.meta.dirname, 'mutants');
const sequential = Object.keys(mutantCatalogue)
  .filter((name) => mutantCatalogue[name]?.race === undefined)
  .sort();

/** The brute force's verdict on each committed trace, with its length. */
const mutantExpected = new Map<string, { expected: Expected; length: number }>();

describe.each(sequential)('committed trace of mutant %s', (name) => {
  it('fails at the first step the brute force sees it, of its kind', () => {
    const trace = readTrace(join(mutantDir, `${name}.json`));
    const config = resolveConfig(trace.config);
    // Campaign checks report every committed trace at the exact step and kind today: the
    // footprint audit sees the op's own damage, and the traces end soon after it (the full
    // check at the ops' end). The documented allowance lets a failure that only a full check
    // sees come later; a checker change that legitimately does so should pin the bound here
    // (pinPrecision(..., false)) instead.
    const expected = pinPrecision(() => resolveDesign(trace.design), config, trace.ops, true);
    expect(expected.step, 'the mutant is seen').not.toBeNull();
    mutantExpected.set(name, { expected, length: trace.ops.length });
  });
});

describe('the drain', () => {
  it('stops at its first failure (pinned above on the traces that fail in a drain op)', () => {
    // pinPrecision() pins, for each trace, that the failure is the brute force's first failing
    // drain op, that failure.drain ends with it and that no op was applied after it; this
    // shows that the committed traces exercise that: some fail at a drain op, not only at the
    // drain's end, and some at a drain op after the first.
    const inDrain = [...mutantExpected.values()].filter(
      ({ expected, length }) =>
        expected.step !== null && expected.step >= length && expected.step < expected.ops.length,
    );
    expect(inDrain.length).toBeGreaterThanOrEqual(3);
    expect(inDrain.some(({ expected, length }) => (expected.step as number) > length)).toBe(true);
  });
});

const regressionDir = join(import.meta.dirname, 'regressions');
const regressions = readdirSync(regressionDir)
  .filter((file) => file.endsWith('.json'))
  .sort();

describe.each(regressions)('regression trace %s', (file) => {
  it('holds for the brute force and both checker modes on its design', () => {
    const trace = readTrace(join(regressionDir, file));
    const expected = pinPrecision(
      () => resolveDesign(trace.design),
      resolveConfig(trace.config),
      trace.ops,
      false,
    );
    expect(expected.step).toBeNull();
  });
});

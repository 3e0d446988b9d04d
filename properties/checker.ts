/**
 * The checker: applies each op to the reference model and to one design side by side, then
 * 1. lets the model validate the impl's design choices (docs/allowances.md),
 * 2. compares the outcomes,
 * 3. keeps and checks the identity map between model serials and impl entry values (two
 *    holders share an impl value exactly when they share a model entry; a value is reused only
 *    for a new serial, i.e. a new generation, and only once the old one is dead),
 * 4. compares the observations (content of every holder read through the design's lookup
 *    path, count / cache / shadow / backend of every entry, folios, devices, zswap),
 * 5. audits the impl's white-box invariants.
 * The first failure stops the run and is returned as a value.
 *
 * Not covered here: choosing ops (properties/op-template.ts), shrinking (properties/shrink.ts).
 */
import type { Config } from '../lib/config.ts';
import { InvariantViolation } from '../lib/invariant.ts';
import type { EntryView, HolderView, Observation } from '../lib/observation.ts';
import type { Op } from '../lib/ops.ts';
import type { ImplOutcome, Outcome } from '../lib/outcome.ts';
import type { Knobs, SwapSystem } from '../lib/system.ts';
import { SwapModel } from '../model/swap-model.ts';
import { firstDifference, plainEqual } from './diff.ts';

export type FailureKind =
  | 'allowance'
  | 'outcome'
  | 'identity'
  | 'observation'
  | 'invariant'
  | 'impl-crash'
  | 'model-crash'
  | 'drain';

export interface Failure {
  readonly kind: FailureKind;
  /** Index of the failing op in the trace (the drain's ops follow the trace's). */
  readonly step: number;
  readonly op: Op | null;
  /** The invariant an audit named, for kind 'invariant' and 'drain'. */
  readonly invariant?: string;
  /** One line: what broke. */
  readonly message: string;
  /** Expected (model) and actual (impl) sides of the first difference, when there is one. */
  readonly path?: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
}

export interface CheckerOptions {
  /** Audit the impl after every `auditEvery` ops (1 = every op); always at the end. */
  readonly auditEvery: number;
  /** Run the model's own invariant checks after every op. */
  readonly modelSelfCheck: boolean;
  /** The design's knobs, when known, to check the `virtual` choice of allocSwap. */
  readonly knobs?: Knobs;
}

export const checkerOptionsDefault: CheckerOptions = { auditEvery: 1, modelSelfCheck: true };

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export class Checker {
  readonly model: SwapModel;
  readonly system: SwapSystem;
  /** Number of ops applied so far. */
  steps = 0;
  private readonly config: Config;
  private readonly options: CheckerOptions;
  /** Impl entry value → model serial of its latest allocation. */
  private readonly valueToSerial = new Map<number, number>();
  /** Impl entry value → how many times it has been allocated (its generation). */
  private readonly valueGeneration = new Map<number, number>();
  /** Model serial → impl entry value. */
  private readonly serialToValue = new Map<number, number>();
  private implObservation: Observation | null = null;
  private modelObservation: Observation;

  constructor(config: Config, system: SwapSystem, options: CheckerOptions = checkerOptionsDefault) {
    this.config = config;
    this.system = system;
    this.options = options;
    this.model = new SwapModel(config);
    this.modelObservation = this.model.observe();
  }

  /** The model's observation after the last op. */
  get observation(): Observation {
    return this.modelObservation;
  }

  /** Applies one op to both sides and checks everything; returns the first failure or null. */
  step(op: Op): Failure | null {
    const step = this.steps++;
    const before = this.modelObservation;
    let actual: ImplOutcome;
    try {
      actual = this.system.apply(op);
    } catch (error) {
      return this.crash(step, op, error);
    }
    let modelStep: ReturnType<SwapModel['apply']>;
    try {
      modelStep = this.model.apply(op, actual);
    } catch (error) {
      return { kind: 'model-crash', step, op, message: errorMessage(error) };
    }
    if (!modelStep.ok) {
      return { kind: 'allowance', step, op, message: `impl choice rejected: ${modelStep.reason}` };
    }
    const { entry: _entry, ...actualOutcome } = actual;
    const outcomeDifference = plainEqual(modelStep.outcome, actualOutcome)
      ? null
      : firstDifference(modelStep.outcome, actualOutcome);
    if (outcomeDifference !== null) {
      return {
        kind: 'outcome',
        step,
        op,
        message: `outcome differs at ${outcomeDifference.path}`,
        ...outcomeDifference,
      };
    }
    this.modelObservation = this.model.observe();
    const identityFailure = this.checkIdentity(step, op, actual, modelStep.outcome, modelStep.created, before);
    if (identityFailure !== null) return identityFailure;
    const observationFailure = this.compareObservations(step, op);
    if (observationFailure !== null) return observationFailure;
    if (this.options.modelSelfCheck) {
      try {
        this.model.selfCheck();
      } catch (error) {
        return { kind: 'model-crash', step, op, message: errorMessage(error) };
      }
    }
    if (this.steps % this.options.auditEvery === 0) return this.audit(step, op);
    return null;
  }

  /** Runs the impl audit now. */
  audit(step: number, op: Op | null): Failure | null {
    try {
      this.system.audit();
    } catch (error) {
      return this.crash(step, op, error);
    }
    return null;
  }

  /**
   * Releases everything: zap every holder, free every swap-cache folio, swap off every
   * device; then both sides must be empty.
   */
  drain(): Failure | null {
    for (let holder = 0; holder < this.config.holders; holder++) {
      if (this.modelObservation.holders[holder]?.kind === 'empty') continue;
      const failure = this.step({ op: 'zap', holder, cpu: holder % this.config.cpus });
      if (failure !== null) return failure;
    }
    for (const folio of this.modelObservation.folios) {
      if (!folio.cached) continue;
      const failure = this.step({ op: 'freeSwapCache', folio: folio.id, cpu: 0 });
      if (failure !== null) return failure;
    }
    for (const [device, view] of this.modelObservation.devices.entries()) {
      if (!view.online) continue;
      const failure = this.step({ op: 'swapoff', device, cpu: device % this.config.cpus });
      if (failure !== null) return failure;
    }
    const step = this.steps;
    const left = this.modelObservation;
    if (left.entries.length > 0 || left.folios.length > 0 || left.zswapStored > 0) {
      return {
        kind: 'model-crash',
        step,
        op: null,
        message: `model not empty after drain: ${left.entries.length} entries, ${left.folios.length} folios`,
      };
    }
    const failure = this.audit(step, null);
    if (failure !== null) return failure;
    try {
      this.system.auditEmpty();
    } catch (error) {
      const crash = this.crash(step, null, error);
      return crash.kind === 'invariant' ? { ...crash, kind: 'drain' } : crash;
    }
    return null;
  }

  private crash(step: number, op: Op | null, error: unknown): Failure {
    if (error instanceof InvariantViolation) {
      return { kind: 'invariant', step, op, invariant: error.invariant, message: error.message };
    }
    return { kind: 'impl-crash', step, op, message: errorMessage(error) };
  }

  private checkIdentity(
    step: number,
    op: Op,
    actual: ImplOutcome,
    outcome: Outcome,
    created: readonly number[],
    before: Observation,
  ): Failure | null {
    const fail = (message: string): Failure => ({ kind: 'identity', step, op, message });
    if (op.op === 'allocSwap' && outcome.errno === 'OK') {
      const knobs = this.options.knobs;
      if (knobs !== undefined) {
        const expectedVirtual =
          knobs.virtualEntries === 'always' || (knobs.virtualEntries === 'when-zswap' && before.zswapEnabled);
        if (actual.virtual !== expectedVirtual) {
          return fail(`allocSwap made ${actual.virtual ? 'virtual' : 'physical'} entries; knobs say otherwise`);
        }
      }
      if (actual.entry === undefined) return fail('allocSwap succeeded without naming its first entry value');
      const first = actual.entry;
      const live = new Set(this.modelObservation.entries.map((e) => e.entry));
      if (this.system.entryOffset(first) % created.length !== 0) {
        return fail(`entries of an order-${Math.log2(created.length)} folio start at unaligned ${this.system.formatEntry(first)}`);
      }
      for (const [page, serial] of created.entries()) {
        const value = first + page;
        const previous = this.valueToSerial.get(value);
        if (previous !== undefined && live.has(previous)) {
          return fail(
            `${this.system.formatEntry(value)} handed out again while its generation ` +
              `${this.valueGeneration.get(value)} (model entry ${previous}) is still live (ABA)`,
          );
        }
        this.valueToSerial.set(value, serial);
        this.serialToValue.set(serial, value);
        this.valueGeneration.set(value, (this.valueGeneration.get(value) ?? 0) + 1);
      }
    }
    if (op.op === 'swapin' && outcome.errno === 'OK' && (outcome.order ?? 0) > 0) {
      const size = 2 ** (outcome.order ?? 0);
      const start = op.holder - (op.holder % size);
      const values: number[] = [];
      for (let i = 0; i < size; i++) {
        const view = this.implObservation?.holders[start + i];
        if (view?.kind !== 'swap') return fail(`large swapin over holder ${start + i} that held no entry`);
        values.push(view.entry);
      }
      const first = values[0] as number;
      const contiguous = values.every((value, i) => value === first + i);
      if (!contiguous || this.system.entryOffset(first) % size !== 0) {
        return fail(`large swapin of entries that are not contiguous and aligned: ${values.map((v) => this.system.formatEntry(v)).join(',')}`);
      }
    }
    return null;
  }

  private translateEntry(view: EntryView): EntryView | string {
    const serial = this.valueToSerial.get(view.entry);
    if (serial === undefined) return `impl entry ${this.system.formatEntry(view.entry)} was never allocated`;
    return { ...view, entry: serial };
  }

  private translateHolder(view: HolderView): HolderView | string {
    if (view.kind !== 'swap') return view;
    const serial = this.valueToSerial.get(view.entry);
    if (serial === undefined) return `a holder holds ${this.system.formatEntry(view.entry)}, never allocated`;
    return { ...view, entry: serial };
  }

  private compareObservations(step: number, op: Op): Failure | null {
    let actualRaw: Observation;
    try {
      actualRaw = this.system.observe();
    } catch (error) {
      return this.crash(step, op, error);
    }
    this.implObservation = actualRaw;
    const holders: HolderView[] = [];
    for (const view of actualRaw.holders) {
      const translated = this.translateHolder(view);
      if (typeof translated === 'string') return { kind: 'identity', step, op, message: translated };
      holders.push(translated);
    }
    const entries: EntryView[] = [];
    for (const view of actualRaw.entries) {
      const translated = this.translateEntry(view);
      if (typeof translated === 'string') return { kind: 'identity', step, op, message: translated };
      entries.push(translated);
    }
    entries.sort((a, b) => a.entry - b.entry);
    const actual: Observation = { ...actualRaw, holders, entries };
    if (plainEqual(this.modelObservation, actual)) return null;
    const difference = firstDifference(this.modelObservation, actual) ?? {
      // The fast comparison and the diff disagree: report it rather than let the step pass.
      path: '(root)',
      expected: this.modelObservation,
      actual,
    };
    return {
      kind: 'observation',
      step,
      op,
      message: `observation differs at ${difference.path}${this.describePath(difference.path, actual)}`,
      ...difference,
    };
  }

  /** Names the holder or entry a difference path points into. */
  private describePath(path: string, actual: Observation): string {
    const holder = /^holders\[(\d+)\]/.exec(path);
    if (holder !== null) {
      const view = this.modelObservation.holders[Number(holder[1])];
      if (view?.kind !== 'swap') return ` (holder ${holder[1]})`;
      const value = this.serialToValue.get(view.entry);
      return ` (holder ${holder[1]}, model entry ${view.entry} = ${value === undefined ? '?' : this.system.formatEntry(value)})`;
    }
    const entry = /^entries\[(\d+)\]/.exec(path);
    if (entry !== null) {
      const index = Number(entry[1]);
      const serial = this.modelObservation.entries[index]?.entry ?? actual.entries[index]?.entry;
      const value = serial === undefined ? undefined : this.serialToValue.get(serial);
      return ` (model entry ${serial ?? '?'} = ${value === undefined ? '?' : this.system.formatEntry(value)})`;
    }
    return '';
  }
}

/**
 * The checker: applies each op to the reference model and to one design side by side, then
 * 1. lets the model validate the impl's design choices (docs/allowances.md),
 * 2. compares the outcomes,
 * 3. keeps and checks the identity map between model serials and impl entry values (two
 *    holders share an impl value exactly when they share a model entry; a value is reused only
 *    for a new serial, i.e. a new generation, and only once the old one is dead),
 * 4. compares the observations (content of every holder read through the design's lookup
 *    path, count / cache / shadow / backend of every entry, folios, devices, zswap: the
 *    fields properties/compared-fields.ts lists),
 * 5. audits the impl's white-box invariants.
 * The first failure stops the run and is returned as a value.
 *
 * Steps 4 and 5 come in two sizes. A full check compares the whole observations, audits the
 * whole impl and self-checks the model; it runs after every `fullCheckEvery` ops, after
 * swapon and swapoff, and at the end of a run. Between full checks, each op's footprint is
 * checked: the holders, entries and folios the model says the op reached
 * (SwapModel.footprint()), the holders that refer to them, and an audit of the clusters they
 * live in (SwapSystem.auditTouched()); its cost does not grow with the state. Every full
 * check also compares the model views the checker kept up to date from footprints with a
 * fresh model observation, so a footprint that missed a change is reported, not trusted.
 * A failure found between full checks is at most `fullCheckEvery - 1` ops late for what only
 * a full check sees; runRandom() replays a failing run with full checks after every op to
 * report the first failing step exactly.
 *
 * Not covered here: choosing ops (properties/op-template.ts), shrinking (properties/shrink.ts).
 */
import type { Config } from '../lib/config.ts';
import { InvariantViolation } from '../lib/invariant.ts';
import type {
  EntryView,
  FolioView,
  HolderView,
  Observation,
  ObservationSummary,
} from '../lib/observation.ts';
import type { Op } from '../lib/ops.ts';
import type { ImplOutcome, Outcome } from '../lib/outcome.ts';
import type { Knobs, SwapSystem } from '../lib/system.ts';
import { SwapModel } from '../model/swap-model.ts';
import type { Footprint } from '../model/swap-model.ts';
import {
  entryViewsEqual,
  folioViewsEqual,
  holderViewsEqual,
  itemByItemComparable,
  observationsEqual,
} from './compared-fields.ts';
import { firstDifference, plainEqual } from './diff.ts';
import {
  entryDivergence,
  folioDivergence,
  holderDivergence,
  observationDivergence,
  outcomeWords,
} from './divergence.ts';

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
  /** The failing op's outcome on both sides, when both returned one. */
  readonly outcome?: { readonly model: Outcome; readonly impl: Outcome };
  /** The differences in kernel words (properties/divergence.ts), for outcome and observation
   * failures. */
  readonly divergence?: readonly string[];
  /** For a failure in the drain: the drain's ops up to the failing one (they follow the
   * trace's ops; `step` counts them). */
  readonly drain?: readonly Op[];
}

/** Called after every op the checker applies (the drain's too), with its failure or null. */
export type StepListener = (op: Op, failure: Failure | null, checker: Checker) => void;

export interface CheckerOptions {
  /** Run a full check (whole observations, whole impl audit, model self-check) after every
   * `fullCheckEvery` ops (1 = after every op) and at the end; between them check footprints.
   * Designs without the per-item methods of SwapSystem get a full check after every op. */
  readonly fullCheckEvery: number;
  /** Run the model's own invariant checks at each full check. */
  readonly modelSelfCheck: boolean;
  /** The design's knobs, when known, to check the `virtual` choice of allocSwap. */
  readonly knobs?: Knobs;
}

/** Full checks after every op: what replay and shrinking use, so the first failing step
 * is exact. */
export const checkerOptionsDefault: CheckerOptions = { fullCheckEvery: 1, modelSelfCheck: true };

/** Campaign checks: footprints after every op, a full check every 64 ops and at the end. */
export const checkerOptionsCampaign: CheckerOptions = { fullCheckEvery: 64, modelSelfCheck: true };

/** What the checks after an op read from the model before it (Checker.beforeOp()). */
interface BeforeOp {
  readonly zswapEnabled: boolean;
  /** allocSwap: free slots of the virtual space (slot 0 reserved); null for other ops. */
  readonly virtualFree: number | null;
  /** swapin: the serials a large read of the asked order would take, when they are all
   * physical; else null. */
  readonly largeRead: readonly number[] | null;
}

/**
 * Allowance A1: why an allocSwap of `pages` entries that made `virtual` entries disagrees with
 * the design's `virtualEntries` knob, or null. never: physical; always: virtual; first (and
 * when-zswap while zswap was enabled): virtual, or physical when the virtual space could not
 * take the folio: for one page that means it was full; for a large folio the model cannot see
 * fragmentation, so the impl audit checks the fallback's claim instead.
 */
function virtualChoiceFailure(
  knobs: Knobs,
  before: BeforeOp,
  pages: number,
  virtual: boolean,
): string | null {
  const mode = knobs.virtualEntries;
  const tries =
    mode === 'always' || mode === 'first' || (mode === 'when-zswap' && before.zswapEnabled);
  const made = virtual ? 'virtual' : 'physical';
  if (!tries)
    return virtual ? `allocSwap made virtual entries; virtualEntries=${mode} says physical` : null;
  if (virtual) return null;
  if (mode === 'always')
    return 'allocSwap made physical entries; virtualEntries=always says virtual';
  const free = before.virtualFree ?? 0;
  if (pages === 1 && free >= 1) {
    return (
      `allocSwap made ${made} entries while the virtual space had ${free} free slots; ` +
      `virtualEntries=${mode} falls back to physical only when it is full`
    );
  }
  return null;
}

/** The two holder views refer to the same entry or folio (or both to nothing): the checker's
 * index of holders by entry and folio holds either alike. */
function sameReference(a: HolderView, b: HolderView): boolean {
  if (a.kind === 'swap') return b.kind === 'swap' && a.entry === b.entry;
  if (a.kind === 'present') return b.kind === 'present' && a.folio === b.folio;
  return b.kind === 'empty';
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * The values of a kept view map in key order. A map iterates in insertion order, and serials
 * and folio ids only grow, so the values usually come sorted already: checking that is one
 * pass, and only a map that is not in order is sorted.
 */
function sortedViews<T>(views: ReadonlyMap<number, T>, key: (view: T) => number): T[] {
  const values = [...views.values()];
  for (let i = 1; i < values.length; i++) {
    if (key(values[i - 1] as T) > key(values[i] as T))
      return values.sort((a, b) => key(a) - key(b));
  }
  return values;
}

export class Checker {
  readonly model: SwapModel;
  readonly system: SwapSystem;
  /** Number of ops applied so far. */
  steps = 0;
  /** Full checks and footprint checks run so far. */
  fullChecks = 0;
  footprintChecks = 0;
  private readonly config: Config;
  private readonly options: CheckerOptions;
  /** The design has the per-item views and audit, so footprints can be checked. */
  private readonly incremental: boolean;
  /** The design has the per-item views and observeSummary(), so a full check can compare
   * one item at a time. */
  private readonly itemByItem: boolean;
  /** Impl entry value → model serial of its latest allocation. */
  private readonly valueToSerial = new Map<number, number>();
  /** Impl entry value → how many times it has been allocated (its generation). */
  private readonly valueGeneration = new Map<number, number>();
  /** Model serial → impl entry value (serials are small integers, counted up from 1). */
  private readonly serialToValue: number[] = [];
  /**
   * The model's views, kept up to date from footprints between full checks (and rebuilt at
   * each): holders by index, live entries by serial, live folios by id; plus which holders
   * refer to each entry and folio, so that a change to an entry or folio reaches the views
   * of the holders that show it.
   */
  private readonly holderViews: HolderView[] = [];
  private readonly entryViews = new Map<number, EntryView>();
  private readonly folioViews = new Map<number, FolioView>();
  private readonly entryHolders = new Map<number, Set<number>>();
  private readonly folioHolders = new Map<number, Set<number>>();
  /** The kind of check the last op got. */
  private lastCheck: 'full' | 'footprint' = 'full';
  /** The parts of keptObservation read since the last op. */
  private readonly keptParts: {
    entries: readonly EntryView[] | null;
    folios: readonly FolioView[] | null;
    globals: ReturnType<SwapModel['globalView']> | null;
  } = { entries: null, folios: null, globals: null };
  private readonly keptObservation: Observation;
  /** The last op's outcome on both sides, when both returned one. */
  lastOutcome: { readonly model: Outcome; readonly impl: Outcome } | null = null;
  /** Told about every op applied (replay --verbose and --format json listen). */
  listener: StepListener | null = null;
  /** The drain's ops so far, while it runs. */
  private drainOps: Op[] | null = null;

  constructor(config: Config, system: SwapSystem, options: CheckerOptions = checkerOptionsDefault) {
    this.config = config;
    this.system = system;
    this.options = options;
    this.incremental =
      options.fullCheckEvery > 1 &&
      system.observeHolder !== undefined &&
      system.observeEntry !== undefined &&
      system.observeFolio !== undefined &&
      system.auditTouched !== undefined;
    this.itemByItem =
      system.observeHolder !== undefined &&
      system.observeEntry !== undefined &&
      system.observeFolio !== undefined &&
      system.observeSummary !== undefined &&
      itemByItemComparable();
    this.model = new SwapModel(config);
    this.keptObservation = this.assembleObservation();
    this.rebuildViews(this.model.observe());
  }

  /**
   * The model's observation after the last op, assembled from the kept views. Each part is
   * built when first read (the op generator reads a few of them per op), and the holders are
   * the kept array itself: an observation is valid until the next op.
   */
  get observation(): Observation {
    return this.keptObservation;
  }

  /**
   * The one object observation() hands out: its parts are read through getters from the kept
   * views and cached in `keptParts` until the next op. It is built once per checker (a fresh
   * object with getters per op cost more than most checks), so an observation read before an
   * op shows the state after it: copy it (JSON) to keep one.
   */
  private assembleObservation(): Observation {
    const { model, keptParts: parts } = this;
    const sortedEntries = () => this.sortedEntryViews();
    const sortedFolios = () => this.sortedFolioViews();
    const global = () => (parts.globals ??= model.globalView());
    return {
      holders: this.holderViews,
      get entries() {
        return (parts.entries ??= sortedEntries());
      },
      get folios() {
        return (parts.folios ??= sortedFolios());
      },
      get devices() {
        return global().devices;
      },
      get swapFreePages() {
        return global().swapFreePages;
      },
      get zswapStored() {
        return global().zswapStored;
      },
      get zswapEnabled() {
        return model.zswapEnabled;
      },
      get memcgSwapCurrent() {
        return global().memcgSwapCurrent;
      },
    };
  }

  /** How many swap entries the model has live after the last op (kept views; O(1)). */
  get liveEntries(): number {
    return this.entryViews.size;
  }

  /** Applies one op to both sides and checks everything; returns the first failure or null. */
  step(op: Op): Failure | null {
    this.lastOutcome = null;
    this.drainOps?.push(op);
    let failure = this.stepChecked(op);
    if (
      failure !== null &&
      failure.op === op &&
      failure.outcome === undefined &&
      this.lastOutcome !== null
    ) {
      failure = { ...failure, outcome: this.lastOutcome };
    }
    if (failure !== null && this.drainOps !== null)
      failure = { ...failure, drain: [...this.drainOps] };
    this.listener?.(op, failure, this);
    return failure;
  }

  /** Names model entry `serial` by the design's entry value (`swp(1:16)`), or by serial. */
  entryName(serial: number): string {
    const value = this.serialToValue[serial];
    if (value === undefined) return `#${serial} (never allocated in the design)`;
    try {
      return this.system.formatEntry(value);
    } catch {
      return `#${serial} (value ${value})`;
    }
  }

  private stepChecked(op: Op): Failure | null {
    // swapoff discards a device's metadata, and with it the evidence of a leak there: the
    // state before it gets a full check (which names the previous step).
    if (this.incremental && op.op === 'swapoff' && this.lastCheck !== 'full' && this.steps > 0) {
      const failure = this.fullCheck(this.steps - 1, null, true);
      if (failure !== null) return failure;
    }
    const step = this.steps++;
    this.keptParts.entries = null;
    this.keptParts.folios = null;
    this.keptParts.globals = null;
    const before = this.beforeOp(op);
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
    this.lastOutcome = { model: modelStep.outcome, impl: actualOutcome };
    const outcomeDifference = plainEqual(modelStep.outcome, actualOutcome)
      ? null
      : firstDifference(modelStep.outcome, actualOutcome);
    if (outcomeDifference !== null) {
      return {
        kind: 'outcome',
        step,
        op,
        message: `outcome differs: model ${outcomeWords(modelStep.outcome)}, design ${outcomeWords(actualOutcome)}`,
        ...outcomeDifference,
        divergence: [
          `outcome of ${op.op}: model ${outcomeWords(modelStep.outcome)}, design ${outcomeWords(actualOutcome)}`,
        ],
      };
    }
    const identityFailure = this.checkIdentity(
      step,
      op,
      actual,
      modelStep.outcome,
      modelStep.created,
      before,
    );
    if (identityFailure !== null) return identityFailure;
    const largeFailure = this.checkLargeRead(step, op, modelStep.outcome, before);
    if (largeFailure !== null) return largeFailure;
    if (!this.incremental) return this.fullCheck(step, op, false);
    const footprint = this.model.footprint();
    // swapon and swapoff reach everything: a full check, with nothing kept to verify.
    if (footprint.everything) return this.fullCheck(step, op, false);
    const holders = this.keepFootprint(footprint);
    if (this.steps % this.options.fullCheckEvery === 0) return this.fullCheck(step, op, true);
    return this.footprintCheck(step, op, footprint, holders);
  }

  /**
   * What the checks after an op need from the model's state before it: for allocSwap, whether
   * zswap was enabled and how many virtual slots were free (the `virtual` choice, A1); for a
   * swapin asking for a large folio, the serials a large read would take (A8).
   */
  private beforeOp(op: Op): BeforeOp {
    const zswapEnabled = this.model.zswapEnabled;
    let virtualFree: number | null = null;
    if (op.op === 'allocSwap') {
      virtualFree = this.config.vswapSlots - 1 - this.model.virtualEntryCount();
    }
    let largeRead = op.op === 'swapin' ? this.model.largeReadCandidates(op.holder, op.order) : null;
    // Virtual entries are exempt (A8): the model cannot see whether their backing is contiguous.
    if (largeRead?.some((serial) => this.entryViews.get(serial)?.virtual !== false) === true)
      largeRead = null;
    return { zswapEnabled, virtualFree, largeRead };
  }

  /**
   * Allowance A8: a swapin that read order 0 although its range qualified for a large read
   * (SwapModel.largeReadCandidates()) of physical entries whose impl values are contiguous and
   * naturally aligned must have read large. Virtual entries are exempt: whether their disk
   * backing is contiguous is invisible to the model.
   */
  private checkLargeRead(step: number, op: Op, outcome: Outcome, before: BeforeOp): Failure | null {
    const serials = before.largeRead;
    if (
      op.op !== 'swapin' ||
      serials === null ||
      outcome.errno !== 'OK' ||
      (outcome.order ?? 0) > 0
    )
      return null;
    if (outcome.how === 'cache-hit') return null;
    const values: number[] = [];
    for (const serial of serials) {
      const value = this.serialToValue[serial];
      if (value === undefined) return null;
      values.push(value);
    }
    const first = values[0] as number;
    if (
      !values.every((value, i) => value === first + i) ||
      this.system.entryOffset(first) % values.length !== 0
    )
      return null;
    return {
      kind: 'allowance',
      step,
      op,
      message:
        `swapin read order 0 where a large read of order ${op.order} was required (A8): ` +
        `${values.map((v) => this.system.formatEntry(v)).join(',')} are contiguous, aligned, uncached, on one ` +
        'synchronous-I/O device and all zero or all disk',
    };
  }

  /** Runs a full check now, on the state after the last op (benchmarks time it). */
  checkFully(): Failure | null {
    return this.fullCheck(
      Math.max(0, this.steps - 1),
      null,
      this.incremental && this.lastCheck !== 'full',
    );
  }

  /** Runs the full impl audit now. */
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
    // The ops' end gets a full check of its own, before the drain releases what they left.
    if (this.incremental && this.lastCheck !== 'full') {
      const failure = this.fullCheck(Math.max(0, this.steps - 1), null, true);
      if (failure !== null) return failure;
    }
    this.drainOps = [];
    try {
      const failure = this.drainSteps();
      return failure === null || failure.drain !== undefined
        ? failure
        : { ...failure, drain: [...this.drainOps] };
    } finally {
      this.drainOps = null;
    }
  }

  private drainSteps(): Failure | null {
    for (let holder = 0; holder < this.config.holders; holder++) {
      if (this.holderViews[holder]?.kind === 'empty') continue;
      const failure = this.step({ op: 'zap', holder, cpu: holder % this.config.cpus });
      if (failure !== null) return failure;
    }
    for (const folio of this.sortedFolioViews()) {
      if (!folio.cached || !this.folioViews.has(folio.id)) continue;
      const failure = this.step({ op: 'freeSwapCache', folio: folio.id, cpu: 0 });
      if (failure !== null) return failure;
    }
    for (const [device, view] of this.model.globalView().devices.entries()) {
      if (!view.online) continue;
      const failure = this.step({ op: 'swapoff', device, cpu: device % this.config.cpus });
      if (failure !== null) return failure;
    }
    const step = this.steps;
    const left = this.model.observe();
    if (left.entries.length > 0 || left.folios.length > 0 || left.zswapStored > 0) {
      return {
        kind: 'model-crash',
        step,
        op: null,
        message: `model not empty after drain: ${left.entries.length} entries, ${left.folios.length} folios`,
      };
    }
    const failure = this.fullCheck(step, null, false);
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
      // The message starts with the invariant's name, which the failure names apart.
      const message = error.message.startsWith(`${error.invariant}: `)
        ? error.message.slice(error.invariant.length + 2)
        : error.message;
      return { kind: 'invariant', step, op, invariant: error.invariant, message };
    }
    return { kind: 'impl-crash', step, op, message: errorMessage(error) };
  }

  /**
   * Whole observations, whole audit, model self-check; then the kept views equal the model's.
   * With `verifyKept`, the views kept from footprints since the last full check must equal the
   * fresh model observation. The comparison goes item by item when the design allows
   * (itemsAgree()); only when that finds a difference are the whole observations built and
   * compared, which reports it.
   */
  private fullCheck(step: number, op: Op | null, verifyKept: boolean): Failure | null {
    this.fullChecks++;
    this.lastCheck = 'full';
    if (!this.itemsAgree(verifyKept)) {
      const expected = this.model.observe();
      const kept = verifyKept ? this.keptViewsDifference(expected) : null;
      this.rebuildViews(expected);
      if (kept !== null) {
        return {
          kind: 'model-crash',
          step,
          op,
          message: `a footprint missed a change: the kept model view differs at ${kept}`,
        };
      }
      const observationFailure = this.compareObservations(step, op, expected);
      if (observationFailure !== null) return observationFailure;
    }
    if (this.options.modelSelfCheck) {
      try {
        this.model.selfCheck();
      } catch (error) {
        return { kind: 'model-crash', step, op, message: errorMessage(error) };
      }
    }
    return this.audit(step, op);
  }

  /**
   * The full comparison one item at a time, without building either whole observation: the
   * design's summary against the model's global view, then each holder, live entry (by the
   * value the identity map names for its serial, read on the CPU of its lowest holder, as
   * observe() reads it) and live folio, read from the model and from the design; the summary's
   * lengths show that the design has no item more. With `verifyKept`, each fresh model view
   * must also equal the kept one; without, the kept views are brought up to date. True when
   * everything agrees (the kept views then equal the model's). False at the first difference,
   * or when either side throws, before any kept view was changed when `verifyKept`: the caller
   * then compares the whole observations, which finds and reports what differs (or agrees: the
   * verdict is always the whole comparison's).
   */
  private itemsAgree(verifyKept: boolean): boolean {
    if (!this.itemByItem) return false;
    try {
      const system = this.system as Required<Pick<SwapSystem, 'observeSummary'>>;
      const summary = system.observeSummary();
      const noItems = { holders: [], entries: [], folios: [] };
      if (
        !observationsEqual({ ...this.model.globalView(), ...noItems }, { ...summary, ...noItems })
      )
        return false;
      const serials = this.model.entrySerials();
      // The lowest holder of each live entry plus one (0: none), which the holders' pass finds
      // and the entries' pass reads on (readingCpu()).
      const lowest = new Int32Array((serials[serials.length - 1] ?? 0) + 1);
      return (
        this.holdersAgree(verifyKept, summary, lowest) &&
        this.entriesAgree(verifyKept, summary, serials, lowest) &&
        this.foliosAgree(verifyKept, summary)
      );
    } catch {
      return false;
    }
  }

  /** The holders agree (itemsAgree()); notes the lowest holder of each entry in `lowest`. */
  private holdersAgree(
    verifyKept: boolean,
    summary: ObservationSummary,
    lowest: Int32Array,
  ): boolean {
    const system = this.system as Required<Pick<SwapSystem, 'observeHolder'>>;
    const { model, holderViews } = this;
    const count = model.holderCount;
    if (summary.holderCount !== count || (verifyKept && holderViews.length !== count)) return false;
    for (let index = 0; index < count; index++) {
      const fresh = model.holderView(index);
      const kept = holderViews[index];
      if (verifyKept) {
        if (kept === undefined || !plainEqual(fresh, kept)) return false;
      } else {
        // Replaced outright; re-indexed only when what it refers to changed.
        if (kept === undefined || !sameReference(kept, fresh)) {
          if (kept !== undefined) this.unindexHolder(index, kept);
          this.indexHolder(index, fresh);
        }
        holderViews[index] = fresh;
      }
      if (fresh.kind === 'swap' && lowest[fresh.entry] === 0) lowest[fresh.entry] = index + 1;
      const view = system.observeHolder(index);
      let actual = view;
      if (view.kind === 'swap') {
        const serial = this.valueToSerial.get(view.entry);
        if (serial === undefined) return false;
        actual = { ...view, entry: serial };
      }
      if (!holderViewsEqual(fresh, actual)) return false;
    }
    holderViews.length = count;
    return true;
  }

  /** The live entries agree (itemsAgree()), each read on the CPU of its lowest holder. */
  private entriesAgree(
    verifyKept: boolean,
    summary: ObservationSummary,
    serials: readonly number[],
    lowest: Int32Array,
  ): boolean {
    const { model, entryViews } = this;
    if (summary.entryCount !== serials.length) return false;
    if (verifyKept) {
      if (entryViews.size !== serials.length) return false;
      // The kept views in their own order: as many as the live entries, and each live, so the
      // same serials.
      for (const [serial, kept] of entryViews) {
        const fresh = model.entryView(serial);
        if (fresh === null || !plainEqual(fresh, kept)) return false;
        if (!this.entryAgrees(serial, fresh, lowest)) return false;
      }
      return true;
    }
    for (const serial of serials) {
      const fresh = model.entryView(serial) as EntryView;
      entryViews.set(serial, fresh);
      if (!this.entryAgrees(serial, fresh, lowest)) return false;
    }
    if (entryViews.size !== serials.length)
      for (const serial of entryViews.keys()) if (!model.isLive(serial)) entryViews.delete(serial);
    return true;
  }

  /** The design's view of live entry `serial` equals the model's `expected`: read by the value
   * the identity map names, on the CPU of its lowest holder (`lowest`, itemsAgree()). */
  private entryAgrees(serial: number, expected: EntryView, lowest: Int32Array): boolean {
    const system = this.system as Required<Pick<SwapSystem, 'observeEntry'>>;
    const value = this.serialToValue[serial];
    if (value === undefined || this.valueToSerial.get(value) !== serial) return false;
    const holder = lowest[serial] as number;
    const view = system.observeEntry(value, holder === 0 ? 0 : (holder - 1) % this.config.cpus);
    return view !== null && entryViewsEqual(expected, { ...view, entry: serial });
  }

  /** The live folios agree (itemsAgree()). */
  private foliosAgree(verifyKept: boolean, summary: ObservationSummary): boolean {
    const system = this.system as Required<Pick<SwapSystem, 'observeFolio'>>;
    const { model, folioViews } = this;
    const ids = model.folioIds();
    if (summary.folioCount !== ids.length) return false;
    if (verifyKept && folioViews.size !== ids.length) return false;
    for (const id of ids) {
      const fresh = model.folioView(id) as FolioView;
      if (verifyKept) {
        const kept = folioViews.get(id);
        if (kept === undefined || !plainEqual(fresh, kept)) return false;
      } else folioViews.set(id, fresh);
      if (!folioViewsEqual(fresh, system.observeFolio(id))) return false;
    }
    if (folioViews.size !== ids.length)
      for (const id of folioViews.keys()) if (model.folioView(id) === null) folioViews.delete(id);
    return true;
  }

  /** The first path where the kept views differ from a fresh model observation, or null. */
  private keptViewsDifference(expected: Observation): string | null {
    const kept = {
      holders: this.holderViews,
      entries: this.sortedEntryViews(),
      folios: this.sortedFolioViews(),
    };
    const fresh = { holders: expected.holders, entries: expected.entries, folios: expected.folios };
    if (plainEqual(fresh, kept)) return null;
    return firstDifference(fresh, kept)?.path ?? '(root)';
  }

  /** The kept entry views in serial order, as an Observation lists them. */
  private sortedEntryViews(): EntryView[] {
    return sortedViews(this.entryViews, (view) => view.entry);
  }

  /** The kept folio views in id order, as an Observation lists them. */
  private sortedFolioViews(): FolioView[] {
    return sortedViews(this.folioViews, (view) => view.id);
  }

  private rebuildViews(observation: Observation): void {
    this.holderViews.length = 0;
    this.entryViews.clear();
    this.folioViews.clear();
    this.entryHolders.clear();
    this.folioHolders.clear();
    observation.holders.forEach((view, index) => {
      this.holderViews.push(view);
      this.indexHolder(index, view);
    });
    for (const view of observation.entries) this.entryViews.set(view.entry, view);
    for (const view of observation.folios) this.folioViews.set(view.id, view);
  }

  /** Indexes a holder view by its entry (swap) or its folio (present); empty ones are not. */
  private indexHolder(index: number, view: HolderView): void {
    if (view.kind === 'empty') return;
    const map = view.kind === 'swap' ? this.entryHolders : this.folioHolders;
    const key = view.kind === 'swap' ? view.entry : view.folio;
    const set = map.get(key);
    if (set === undefined) map.set(key, new Set([index]));
    else set.add(index);
  }

  private unindexHolder(index: number, view: HolderView): void {
    if (view.kind === 'empty') return;
    const map = view.kind === 'swap' ? this.entryHolders : this.folioHolders;
    const key = view.kind === 'swap' ? view.entry : view.folio;
    const set = map.get(key);
    set?.delete(index);
    if (set?.size === 0) map.delete(key);
  }

  /**
   * Brings the kept model views up to date with what the op reached, and returns the holders
   * to compare: those it wrote and those that showed one of its entries or folios.
   */
  private keepFootprint(footprint: Footprint): number[] {
    const holders = new Set(footprint.holders);
    for (const serial of footprint.entries)
      for (const index of this.entryHolders.get(serial) ?? []) holders.add(index);
    for (const id of footprint.folios)
      for (const index of this.folioHolders.get(id) ?? []) holders.add(index);
    const sorted = [...holders].sort((a, b) => a - b);
    for (const index of sorted) {
      const view = this.model.holderView(index);
      this.unindexHolder(index, this.holderViews[index] as HolderView);
      this.holderViews[index] = view;
      this.indexHolder(index, view);
    }
    for (const serial of footprint.entries) {
      const view = this.model.entryView(serial);
      if (view === null) this.entryViews.delete(serial);
      else this.entryViews.set(serial, view);
    }
    for (const id of footprint.folios) {
      const view = this.model.folioView(id);
      if (view === null) this.folioViews.delete(id);
      else this.folioViews.set(id, view);
    }
    return sorted;
  }

  /**
   * Compares what the op reached (the holders from keepFootprint(), its entries and its
   * folios), read per item on both sides; then audits the impl where those entries live.
   */
  private footprintCheck(
    step: number,
    op: Op,
    footprint: Footprint,
    holders: readonly number[],
  ): Failure | null {
    this.footprintChecks++;
    this.lastCheck = 'footprint';
    const system = this.system as Required<
      Pick<SwapSystem, 'observeHolder' | 'observeEntry' | 'observeFolio' | 'auditTouched'>
    >;
    const name = (serial: number) => this.entryName(serial);
    const fail = (
      path: string,
      expected: unknown,
      actual: unknown,
      divergence: readonly string[],
    ): Failure => {
      const difference = firstDifference(expected, actual) ?? { path: '', expected, actual };
      const full = `${path}${difference.path === '(root)' ? '' : `.${difference.path}`}`;
      const lines =
        divergence.length === 0
          ? [`${path}: model ${JSON.stringify(expected)}, design ${JSON.stringify(actual)}`]
          : divergence;
      return {
        kind: 'observation',
        step,
        op,
        message: lines[0] as string,
        path: full,
        expected: difference.expected,
        actual: difference.actual,
        divergence: lines,
      };
    };
    try {
      for (const index of holders) {
        const expected = this.holderViews[index] as HolderView;
        const actual = this.translateHolder(system.observeHolder(index));
        if (typeof actual === 'string') return { kind: 'identity', step, op, message: actual };
        if (!holderViewsEqual(expected, actual))
          return fail(
            `holders[${index}]`,
            expected,
            actual,
            holderDivergence(index, expected, actual, name),
          );
      }
      const values: number[] = [];
      for (const serial of [...footprint.entries].sort((a, b) => a - b)) {
        const expected = this.entryViews.get(serial) ?? null;
        const value = this.serialToValue[serial];
        let actual: EntryView | null = null;
        if (value !== undefined) {
          values.push(value);
          // A value handed out again belongs to its newer serial; the old one reads as freed.
          if (this.valueToSerial.get(value) === serial) {
            const view = system.observeEntry(value, this.readingCpu(serial));
            actual = view === null ? null : { ...view, entry: serial };
          }
        }
        if (!entryViewsEqual(expected, actual)) {
          return fail(
            `entries[serial ${serial}]`,
            expected,
            actual,
            entryDivergence(serial, expected, actual, name),
          );
        }
      }
      for (const id of [...footprint.folios].sort((a, b) => a - b)) {
        const expected = this.folioViews.get(id) ?? null;
        const actual = system.observeFolio(id);
        if (!folioViewsEqual(expected, actual))
          return fail(`folios[id ${id}]`, expected, actual, folioDivergence(id, expected, actual));
      }
      system.auditTouched(values);
    } catch (error) {
      return this.crash(step, op, error);
    }
    return null;
  }

  /** The CPU whose lookup path observe() reads an entry's content on: its lowest holder's. */
  private readingCpu(serial: number): number {
    const holders = this.entryHolders.get(serial);
    if (holders === undefined || holders.size === 0) return 0;
    let lowest = Number.POSITIVE_INFINITY;
    for (const index of holders) if (index < lowest) lowest = index;
    return lowest % this.config.cpus;
  }

  private checkIdentity(
    step: number,
    op: Op,
    actual: ImplOutcome,
    outcome: Outcome,
    created: readonly number[],
    before: BeforeOp,
  ): Failure | null {
    const fail = (message: string): Failure => ({ kind: 'identity', step, op, message });
    if (op.op === 'allocSwap' && outcome.errno === 'OK') {
      const knobs = this.options.knobs;
      const choice =
        knobs === undefined
          ? null
          : virtualChoiceFailure(knobs, before, created.length, actual.virtual === true);
      if (choice !== null) return fail(choice);
      if (actual.entry === undefined)
        return fail('allocSwap succeeded without naming its first entry value');
      const first = actual.entry;
      if (this.system.entryOffset(first) % created.length !== 0) {
        return fail(
          `entries of an order-${Math.log2(created.length)} folio start at unaligned ${this.system.formatEntry(first)}`,
        );
      }
      for (const [page, serial] of created.entries()) {
        const value = first + page;
        const previous = this.valueToSerial.get(value);
        if (previous !== undefined && this.model.isLive(previous)) {
          return fail(
            `${this.system.formatEntry(value)} handed out again while its generation ` +
              `${this.valueGeneration.get(value)} (model entry ${previous}) is still live (ABA)`,
          );
        }
        this.valueToSerial.set(value, serial);
        this.serialToValue[serial] = value;
        this.valueGeneration.set(value, (this.valueGeneration.get(value) ?? 0) + 1);
      }
    }
    if (op.op === 'swapin' && outcome.errno === 'OK' && (outcome.order ?? 0) > 0) {
      const size = 2 ** (outcome.order ?? 0);
      const start = op.holder - (op.holder % size);
      const values: number[] = [];
      for (let i = 0; i < size; i++) {
        // The holders before the op, as the model saw them (the impl's agreed at the last check).
        const view = this.holderViews[start + i];
        if (view?.kind !== 'swap')
          return fail(`large swapin over holder ${start + i} that held no entry`);
        const value = this.serialToValue[view.entry];
        if (value === undefined)
          return fail(`large swapin over holder ${start + i} whose entry has no impl value`);
        values.push(value);
      }
      const first = values[0] as number;
      const contiguous = values.every((value, i) => value === first + i);
      if (!contiguous || this.system.entryOffset(first) % size !== 0) {
        return fail(
          `large swapin of entries that are not contiguous and aligned: ${values.map((v) => this.system.formatEntry(v)).join(',')}`,
        );
      }
    }
    return null;
  }

  private translateEntry(view: EntryView): EntryView | string {
    const serial = this.valueToSerial.get(view.entry);
    if (serial === undefined)
      return `impl entry ${this.system.formatEntry(view.entry)} was never allocated`;
    return { ...view, entry: serial };
  }

  private translateHolder(view: HolderView): HolderView | string {
    if (view.kind !== 'swap') return view;
    const serial = this.valueToSerial.get(view.entry);
    if (serial === undefined)
      return `a holder holds ${this.system.formatEntry(view.entry)}, never allocated`;
    return { ...view, entry: serial };
  }

  private compareObservations(step: number, op: Op | null, expected: Observation): Failure | null {
    let actualRaw: Observation;
    try {
      actualRaw = this.system.observe();
    } catch (error) {
      return this.crash(step, op, error);
    }
    const holders: HolderView[] = [];
    for (const view of actualRaw.holders) {
      const translated = this.translateHolder(view);
      if (typeof translated === 'string')
        return { kind: 'identity', step, op, message: translated };
      holders.push(translated);
    }
    const entries: EntryView[] = [];
    for (const view of actualRaw.entries) {
      const translated = this.translateEntry(view);
      if (typeof translated === 'string')
        return { kind: 'identity', step, op, message: translated };
      entries.push(translated);
    }
    entries.sort((a, b) => a.entry - b.entry);
    const actual: Observation = { ...actualRaw, holders, entries };
    if (observationsEqual(expected, actual)) return null;
    const difference = firstDifference(expected, actual) ?? {
      // The fast comparison and the diff disagree: report it rather than let the step pass.
      path: '(root)',
      expected,
      actual,
    };
    const divergence = observationDivergence(expected, actual, (serial) => this.entryName(serial));
    const lines =
      divergence.length === 0 ? [`observation differs at ${difference.path}`] : divergence;
    return {
      kind: 'observation',
      step,
      op,
      message: lines[0] as string,
      ...difference,
      divergence: lines,
    };
  }
}

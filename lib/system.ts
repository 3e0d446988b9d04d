/**
 * The public system interface: what a design (built-in or a proposal) implements so that the
 * harness can drive it against the reference model. Keep it small: an op in, an outcome out;
 * an observation; an audit; counters for the run summary.
 *
 * Not covered here: the designs themselves (impl/designs.ts) and the model (model/).
 */
import type { Config } from './config.ts';
import type { CostOptions, CostReport } from './costs.ts';
import type {
  EntryView,
  FolioView,
  HolderView,
  Observation,
  ObservationSummary,
} from './observation.ts';
import type { Op } from './ops.ts';
import type { ImplOutcome } from './outcome.ts';

/** Design knobs; a built-in design is a preset of these (lib/designs.ts). */
export interface Knobs {
  /** Which new entries are virtual: never (classic); first (every swap-out tries the virtual
   * space and falls back to a physical device when it cannot, the RFC as posted); when-zswap
   * (the same, but only while zswap is enabled: the mm-tree variant); or always (no
   * fallback). */
  readonly virtualEntries: 'never' | 'first' | 'when-zswap' | 'always';
  /** Physical slot to virtual entry map: kept as Pointer words in the physical swap table, or
   * elided (the physical side keeps only an allocation bitmap; swapoff and reclaim scan the
   * virtual clusters instead). */
  readonly reverseMap: 'kept' | 'elided';
  /** Per-CPU cache of the last virtual cluster looked up: off, pinned by a reference while
   * cached, or validated (cluster id and DEAD flag re-checked on every hit). */
  readonly lookupCache: 'off' | 'pinned' | 'validated';
}

export interface SwapSystem {
  /** Applies one op; expected failures are returned, never thrown. */
  apply(op: Op): ImplOutcome;
  /** Reads the state through the design's own lookup paths, without changing it. */
  observe(): Observation;
  /** Checks white-box invariants; throws InvariantViolation naming the broken one. */
  audit(): void;
  /** After a drain (every holder zapped, every swap-cache folio freed, every device swapped
   * off): checks that nothing is left (slots, clusters, zswap objects, reverse-map words,
   * extend tables, lookup-cache pins, folios); throws InvariantViolation('drain', ...). */
  auditEmpty(): void;
  /** Position of an entry value inside its swap space (for alignment and contiguity checks). */
  entryOffset(value: number): number;
  /** Human-readable entry value, e.g. `swp(1:37)` or `vswap(205)`. */
  formatEntry(value: number): string;
  /** Counts of interesting states reached so far (count overflow, cluster lists, reclaim, ...). */
  marks(): Readonly<Record<string, number>>;
  /**
   * Optional, for per-op checks that do not grow with the state (all four or none): the views
   * of one holder, of the entry with a value (null when no live entry has it; content read as
   * CPU `cpu` would), and of a live folio (null when none has the id), each equal to the
   * matching part of observe(); and an audit of what an op touched, given the entry values it
   * reached. Designs without them are observed and audited in full after every op.
   */
  observeHolder?(holder: number): HolderView;
  observeEntry?(value: number, cpu: number): EntryView | null;
  observeFolio?(id: number): FolioView | null;
  auditTouched?(values: readonly number[]): void;
  /**
   * Optional, with the four above: observe() without its holder, entry and folio lists, and
   * the lists' lengths. With it a full check compares the items one at a time through the
   * per-item views (entries by the values the harness knows, folios by the ids the model
   * has) instead of building the whole observation; the lengths show that no item was left
   * out. It may throw when the state is not one it can summarize; the full check then reads
   * observe().
   */
  observeSummary?(): ObservationSummary;
  /** Optional: work counted and metadata bytes kept (lib/costs.ts). The first call starts
   * measuring metadata after every op (or every `options.sampleEvery` ops; a design may
   * ignore the option), so call it once right after creating the system; designs without it
   * still run, and compare and validate show their costs as unknown. */
  costs?(options?: CostOptions): CostReport;
}

export type SystemFactory = (config: Config, knobs: Knobs) => SwapSystem;

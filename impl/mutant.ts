/**
 * What a catalogued mutant is: a deliberately broken variant of the built-in designs with one
 * realistic bug, written as the buggy version of one named step (KernelSteps in
 * impl/swap-state.ts, SectionSteps in impl/sections.ts; for a bug that moves work from one
 * place to another, of each place), beside its documentation (MutantDoc): the bug, what it
 * mirrors (brief §5 commit or thread where there is one), the built-in designs it is
 * meaningful on, what the harness reports first on the shortest known trace (committed as
 * properties/mutants/NAME.json) and that trace's length.
 *
 * Not covered here: the mutants themselves (impl/mutants/NAME.ts, gathered by impl/mutants.ts).
 */
import type { InvariantName } from '../lib/invariant.ts';
import type { Knobs } from '../lib/system.ts';
import type { StepOverrides } from './swap-system.ts';

/** What the harness reports first (properties/checker.ts FailureKind, less model-crash). */
export type MutantCatchKind =
  | 'observation'
  | 'outcome'
  | 'invariant'
  | 'identity'
  | 'allowance'
  | 'drain'
  | 'impl-crash'
  // What the explorer reports first (explore/concurrent.ts), for race mutants only.
  | 'linearizability'
  | 'use-after-free'
  | 'deadlock'
  | 'livelock';

/**
 * A race mutant: a bug only an interleaving exposes, in a sectioned op (impl/sections-ops.ts).
 * Its committed trace is a concurrent trace (format version 2) and `swapcheck explore` kills
 * it; `shortest` is then the length of that trace's schedule in steps.
 */
export interface RaceMutantDoc {
  /** The explorer config its trace and campaigns run on (explore/config.ts). */
  readonly config: 'explore' | 'explore-zswap';
  /** The legacy swapin knob it needs (impl/sections.ts SyncSwapin). */
  readonly syncSwapin: 'swap-cache' | 'skip-pinned' | 'skip-unpinned';
  /**
   * The scenario family explore kills it with (explore/scenario.ts): `pairs` (the default: one
   * op per CPU) or `lifecycle` (one op against every program of up to `maxOps` ops on its
   * holder), for a bug that needs several ops on the other CPU.
   */
  readonly family?: 'pairs' | 'lifecycle';
  /** Ops per program of that family (1 for pairs). */
  readonly maxOps?: number;
}

export interface MutantDoc {
  /** One sentence: the bug. */
  readonly summary: string;
  /** The kernel commit or thread it mirrors (brief §5), else the design risk. */
  readonly mirrors: string;
  /** Built-in designs the mutant is meaningful on; the first is where its trace runs. */
  readonly designs: readonly string[];
  /** Knob values the mutant needs on each of its designs, for a bug in a knob value no preset
   * has (the designs then run as `NAME[knob=value]`, its trace and self-check included). */
  readonly knobs?: Partial<Knobs>;
  /** The first failure the harness reports on the shortest trace. */
  readonly catches: { readonly kind: MutantCatchKind; readonly invariant?: InvariantName };
  /** Length of the shortest known trace (properties/mutants/NAME.json). */
  readonly shortest: number;
  /** Set for a race mutant (found by `swapcheck explore`, not by `run`). */
  readonly race?: RaceMutantDoc;
}

/** The first failure a mutant's committed trace must give, as `kind[invariant]` (or `kind`). */
export function cataloguedFailure(entry: MutantDoc): string {
  const { kind, invariant } = entry.catches;
  return invariant === undefined ? kind : `${kind}[${invariant}]`;
}

/** A mutant's design as the catalogue shows it: `NAME` or `NAME[knob=value,...]`. */
export function mutantDesignLabel(entry: MutantDoc, design: string): string {
  const knobs = Object.entries(entry.knobs ?? {}).map(([key, value]) => `${key}=${String(value)}`);
  return knobs.length === 0 ? design : `${design}[${knobs.join(',')}]`;
}

export const allDesigns = [
  'classic',
  'vswap-rfc',
  'vswap-all',
  'vswap-direct',
  'vswap-direct-cached',
] as const;
export const virtualDesigns = ['vswap-all', 'vswap-direct', 'vswap-direct-cached'] as const;
export const keptRmapDesigns = ['vswap-all'] as const;
export const elidedDesigns = ['vswap-direct', 'vswap-direct-cached'] as const;

/** A catalogued mutant: its name (its file's name), documentation and step replacements. */
export interface Mutant extends StepOverrides {
  readonly name: string;
  readonly doc: MutantDoc;
}

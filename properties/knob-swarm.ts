/**
 * Knob swarms: the knobs each run of a campaign gives its design. A built-in design's legal
 * knob space (lib/designs.ts DesignPreset.space) lists the values its runs may take besides
 * the preset's; a design proposal is a knob combination, so a campaign of a design runs its
 * neighbours too (a bug in the lookup cache's `validated` mode is reachable from
 * vswap-direct-cached, which presets `pinned`).
 *
 * Which combination run i takes is a function of i and the number of configs alone, never of
 * the op stream or the clock: runs come in blocks of one run per config (run i uses config
 * i mod C, properties/campaign.ts), even blocks run the preset, odd blocks the other
 * combinations in turn, in covering order (each next combination runs the most values not run
 * yet). So half the runs keep the preset, every config meets every combination, every value is
 * run within 2 x C x (the most values of one knob - 1) runs (20 on the five presets), and a
 * design's whole space within 2 x C x (combinations - 1) runs. Knobs a reference sets itself (`vswap-direct[lookupCache=validated]`)
 * stay as set; `--knobs fixed` turns the swarm off; a proposal module has no space.
 *
 * Not covered here: what the knobs change (impl/), runs and reports (properties/campaign.ts).
 */
import type { Knobs } from '../lib/system.ts';
import { designs, knobDocs } from '../lib/designs.ts';
import type { DesignRef } from './trace.ts';

/** `swarm` varies the knobs across runs; `fixed` runs every run on the design as named. */
export type KnobMode = 'swarm' | 'fixed';

export const knobModes: readonly KnobMode[] = ['swarm', 'fixed'];

const knobNames = Object.keys(knobDocs) as (keyof Knobs)[];

function legal(knobs: Knobs): boolean {
  return knobs.reverseMap !== 'elided' || knobs.virtualEntries === 'always';
}

/** The knobs a reference names: the preset's with the reference's overrides, or null (a
 * module, or an unknown base: resolving it reports that). */
export function refKnobs(ref: DesignRef): Knobs | null {
  if (typeof ref !== 'string' && 'module' in ref) return null;
  const base = designs[typeof ref === 'string' ? ref : ref.base];
  if (base === undefined) return null;
  if (typeof ref === 'string') return base.knobs;
  const overrides = Object.fromEntries(
    Object.entries(ref.knobs ?? {}).filter(([, value]) => value !== undefined),
  );
  return { ...base.knobs, ...overrides };
}

/**
 * Every knob combination a run of `ref` may take, the reference's own first: the product of
 * the values its design's space lists for the knobs the reference does not set, the illegal
 * ones left out.
 */
export function knobCombinations(ref: DesignRef): Knobs[] {
  const own = refKnobs(ref);
  if (own === null || (typeof ref !== 'string' && 'module' in ref)) return [];
  const base = designs[typeof ref === 'string' ? ref : ref.base];
  const fixed = typeof ref === 'string' ? {} : (ref.knobs ?? {});
  let combinations: Knobs[] = [own];
  for (const knob of knobNames) {
    const values = base?.space[knob];
    if (values === undefined || fixed[knob] !== undefined) continue;
    combinations = combinations.flatMap((knobs) =>
      values.map((value) => ({ ...knobs, [knob]: value })),
    );
  }
  const key = (knobs: Knobs) => knobNames.map((knob) => knobs[knob]).join(',');
  const legalOthers = combinations.filter((knobs) => legal(knobs) && key(knobs) !== key(own));
  const left = legalOthers.filter(
    (knobs, index) => legalOthers.findIndex((o) => key(o) === key(knobs)) === index,
  );
  // Covering order: next the combination that runs the most values not run yet (the first
  // such in product order), so a short campaign runs every value soonest.
  const ran = new Set(knobNames.map((knob) => `${knob}=${own[knob]}`));
  const ordered: Knobs[] = [];
  while (left.length > 0) {
    const fresh = (knobs: Knobs) =>
      knobNames.filter((knob) => !ran.has(`${knob}=${knobs[knob]}`)).length;
    let pick = 0;
    left.forEach((knobs, index) => {
      if (fresh(knobs) > fresh(left[pick] as Knobs)) pick = index;
    });
    const next = left.splice(pick, 1)[0] as Knobs;
    for (const knob of knobNames) ran.add(`${knob}=${next[knob]}`);
    ordered.push(next);
  }
  return [own, ...ordered];
}

/** The reference of a built-in base design with `knobs`: only the knobs that differ from the
 * preset are spelled, so the preset's own runs keep the plain name. */
export function refWithKnobs(ref: DesignRef, knobs: Knobs): DesignRef {
  if (typeof ref !== 'string' && 'module' in ref) return ref;
  const baseName = typeof ref === 'string' ? ref : ref.base;
  const preset = designs[baseName]?.knobs;
  if (preset === undefined) return ref;
  const overrides = Object.fromEntries(
    knobNames.filter((knob) => knobs[knob] !== preset[knob]).map((knob) => [knob, knobs[knob]]),
  );
  const mutant = typeof ref === 'string' ? undefined : ref.mutant;
  if (Object.keys(overrides).length === 0 && mutant === undefined) return baseName;
  return {
    base: baseName,
    ...(Object.keys(overrides).length === 0 ? {} : { knobs: overrides }),
    ...(mutant === undefined ? {} : { mutant }),
  };
}

/** The design run `runIndex` of a campaign with `configCount` configs runs (see the header);
 * `ref` itself when the knobs are fixed or the space has one point. */
export function runDesignRef(
  ref: DesignRef,
  mode: KnobMode,
  runIndex: number,
  configCount: number,
): DesignRef {
  if (mode === 'fixed') return ref;
  const combinations = knobCombinations(ref);
  if (combinations.length <= 1) return ref;
  const block = Math.floor(runIndex / Math.max(1, configCount));
  if (block % 2 === 0) return ref;
  const others = combinations.length - 1;
  return refWithKnobs(ref, combinations[1 + (((block - 1) / 2) % others)] as Knobs);
}

/** Runs and ops by knob and value, over a design's runs. */
export type KnobTally = Record<string, Record<string, { runs: number; ops: number }>>;

/** An empty tally with a row for every value in the space of `ref`, so values never run show
 * as zero. */
export function emptyKnobTally(ref: DesignRef, mode: KnobMode): KnobTally {
  const tally: KnobTally = {};
  const combinations = mode === 'fixed' ? knobCombinations(ref).slice(0, 1) : knobCombinations(ref);
  for (const knobs of combinations) {
    for (const knob of knobNames) {
      const row = tally[knob] ?? (tally[knob] = {});
      row[knobs[knob]] ??= { runs: 0, ops: 0 };
    }
  }
  return tally;
}

/** Counts one run of `steps` ops on `knobs`. */
export function tallyRun(tally: KnobTally, knobs: Knobs, steps: number): void {
  for (const knob of knobNames) {
    const row = tally[knob] ?? (tally[knob] = {});
    const cell = row[knobs[knob]] ?? (row[knobs[knob]] = { runs: 0, ops: 0 });
    cell.runs++;
    cell.ops += steps;
  }
}

/** The knob values of a tally that no run took, as `knob=value`. */
export function knobValuesMissed(tally: KnobTally): string[] {
  return Object.entries(tally).flatMap(([knob, row]) =>
    Object.entries(row)
      .filter(([, cell]) => cell.runs === 0)
      .map(([value]) => `${knob}=${value}`),
  );
}

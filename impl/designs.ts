/**
 * The factory of the kernel-shaped designs: createSystem() builds the design a set of knobs
 * names (the built-in presets are lib/designs.ts), with a catalogued mutant's steps swapped in
 * when one is named; builtinFactory is the same factory as the package exports it.
 *
 * Not covered here: what each knob changes in the code (impl/swap-state.ts names the modules).
 */
import { assert, assertThat } from '../lib/assert.ts';
import type { Config } from '../lib/config.ts';
import type { Knobs, SwapSystem, SystemFactory } from '../lib/system.ts';
import { mutants } from './mutants.ts';
import { KernelSwapSystem } from './swap-system.ts';

/**
 * Builds a kernel-shaped system for `config` with the given knobs; `mutant` names a catalogued
 * deliberately broken variant (impl/mutants.ts) whose buggy steps replace the correct ones.
 */
export function createKernelSystem(
  config: Config,
  knobs: Knobs,
  mutant?: string,
): KernelSwapSystem {
  assert(
    knobs.reverseMap !== 'elided' || knobs.virtualEntries === 'always',
    'reverseMap=elided needs virtualEntries=always',
  );
  if (mutant === undefined) return new KernelSwapSystem(config, knobs);
  const variant = Object.hasOwn(mutants, mutant) ? mutants[mutant] : undefined;
  assertThat(variant !== undefined, "unknown mutant '", mutant, "'");
  return new KernelSwapSystem(config, knobs, variant);
}

/** createKernelSystem() behind the SwapSystem interface, the factory the harness calls. */
export function createSystem(config: Config, knobs: Knobs, mutant?: string): SwapSystem {
  return createKernelSystem(config, knobs, mutant);
}

/** The factory of the kernel-shaped systems (the knobs choose the design), for proposals. */
export const builtinFactory: SystemFactory = (config, knobs) => createSystem(config, knobs);

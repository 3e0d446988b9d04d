/**
 * Resolves a design reference (a built-in name, a base design with knob overrides or a
 * mutant, or a proposal module) into a DesignUnderTest the runner can instantiate. Unknown
 * names and knob values are input errors with the list of what is known. Modules are loaded
 * asynchronously (properties/proposal.ts) and registered here by absolute path, so that
 * resolving stays synchronous for the runner, the shrinker and worker threads.
 *
 * Not covered here: spellings of references (properties/design-ref.ts).
 */
import type { Knobs } from '../lib/system.ts';
import type { Config } from '../lib/config.ts';
import { designs } from '../lib/designs.ts';
import { createSystem } from '../impl/designs.ts';
import { mutantCatalogue } from '../impl/mutants.ts';

/** Names of the catalogued mutants (impl/mutants.ts). */
export function mutantNames(): string[] {
  return Object.keys(mutantCatalogue);
}

function createSystemWithMutant(config: Config, knobs: Knobs, mutant: string | undefined) {
  return mutant === undefined ? createSystem(config, knobs) : createSystem(config, knobs, mutant);
}
import type { DesignUnderTest } from './run.ts';
import type { DesignRef } from './trace.ts';
import { InputError } from './trace.ts';

/** Built-in design names, in presentation order. */
export function designNames(): string[] {
  return Object.keys(designs);
}

export function designFromKnobs(name: string, knobs: Knobs, mutant?: string): DesignUnderTest {
  if (knobs.reverseMap === 'elided' && knobs.virtualEntries !== 'always') {
    throw new InputError(`design ${name}: reverseMap=elided needs virtualEntries=always`);
  }
  return { name, knobs, create: (config) => createSystemWithMutant(config, knobs, mutant) };
}

/** Loaded proposal modules by absolute path. */
const moduleDesigns = new Map<string, DesignUnderTest>();

/** Registers the design a loaded proposal module provides. */
export function registerModuleDesign(path: string, design: DesignUnderTest): void {
  moduleDesigns.set(path, design);
}

/** The design of a module loaded before, or undefined. */
export function moduleDesign(path: string): DesignUnderTest | undefined {
  return moduleDesigns.get(path);
}

export function resolveDesign(ref: DesignRef): DesignUnderTest {
  if (typeof ref !== 'string' && 'module' in ref) {
    const design = moduleDesigns.get(ref.module);
    if (design === undefined)
      throw new InputError(`design module '${ref.module}' was not loaded (loadDesign() first)`);
    return design;
  }
  const baseName = typeof ref === 'string' ? ref : ref.base;
  const base = designs[baseName];
  if (base === undefined) {
    throw new InputError(`unknown design '${baseName}' (known: ${designNames().join(', ')})`);
  }
  if (typeof ref === 'string') return designFromKnobs(baseName, base.knobs);
  const overrides = Object.fromEntries(
    Object.entries(ref.knobs ?? {}).filter(([, value]) => value !== undefined),
  );
  const knobs: Knobs = { ...base.knobs, ...overrides };
  const labels = Object.entries(overrides).map(([key, value]) => `${key}=${String(value)}`);
  if (ref.mutant !== undefined) {
    if (!mutantNames().includes(ref.mutant)) {
      throw new InputError(`unknown mutant '${ref.mutant}' (swapcheck mutants --list names them)`);
    }
    labels.push(`mutant=${ref.mutant}`);
  }
  const name = labels.length === 0 ? baseName : `${baseName}[${labels.join(',')}]`;
  return designFromKnobs(name, knobs, ref.mutant);
}

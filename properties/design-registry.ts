/**
 * Resolves a design reference (a built-in name, or a base design with knob overrides) into a
 * DesignUnderTest the runner can instantiate. Unknown names and knob values are input errors
 * with the list of what is known.
 *
 * Not covered here: loading proposal modules (the design-proposal work).
 */
import type { Knobs } from '../lib/system.ts';
import { createSystem, designs } from '../impl/designs.ts';
import type { DesignUnderTest } from './run.ts';
import type { DesignRef } from './trace.ts';
import { InputError } from './trace.ts';

/** Built-in design names, in presentation order. */
export function designNames(): string[] {
  return Object.keys(designs);
}

export function designFromKnobs(name: string, knobs: Knobs): DesignUnderTest {
  return { name, knobs, create: (config) => createSystem(config, knobs) };
}

export function resolveDesign(ref: DesignRef): DesignUnderTest {
  const baseName = typeof ref === 'string' ? ref : ref.base;
  const base = designs[baseName];
  if (base === undefined) {
    throw new InputError(`unknown design '${baseName}' (known: ${designNames().join(', ')})`);
  }
  if (typeof ref === 'string') return designFromKnobs(baseName, base.knobs);
  const overrides = Object.fromEntries(Object.entries(ref.knobs).filter(([, value]) => value !== undefined));
  const knobs: Knobs = { ...base.knobs, ...overrides };
  const label = Object.entries(overrides).map(([key, value]) => `${key}=${String(value)}`).join(',');
  return designFromKnobs(label === '' ? baseName : `${baseName}[${label}]`, knobs);
}

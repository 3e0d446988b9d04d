/**
 * The built-in designs as public SystemFactory values, so that a proposal written against the
 * package (lib/index.ts) can build on one of them, the way examples/lazy-rmap/ builds on
 * vswap-direct. Only names, knobs and factories cross this boundary; the impl's classes stay
 * private.
 *
 * Not covered here: the designs themselves (impl/designs.ts).
 */
// @ts-nocheck

import { createSystem, designs } from '../impl/designs.ts';
import type { Knobs, SystemFactory } from './system.ts';

/** Names of the built-in designs. */
export function builtinDesignNames(): string[] {
  return Object.keys(designs);
}

/** The knobs of built-in design `name`; throws for an unknown name. */
export function builtinKnobs(name: string): Knobs {
  const preset = designs[name];
  if (preset === undefined) throw new Error(`unknown built-in design '${name}'`);
  return preset.knobs;
}

/** The factory of the kernel-shaped systems (the knobs choose the design). */
export const builtinFactory: SystemFactory = (config, knobs) => createSystem(config, knobs);

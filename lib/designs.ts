/**
 * The built-in designs: presets of the three knobs (lib/system.ts), each with a one-line
 * summary, and the documentation of every knob. They are vocabulary: the harness, the CLI and
 * a proposal written against the package name designs by these presets, and the impl builds
 * them (impl/designs.ts createSystem()).
 *
 * Not covered here: what each knob changes in the code (impl/swap-state.ts names the modules).
 */
import type { Knobs } from './system.ts';

/** Knob values a design's campaign runs may take, per knob (properties/knob-swarm.ts). */
export type KnobSpace = { readonly [K in keyof Knobs]?: readonly Knobs[K][] };

export interface DesignPreset {
  readonly knobs: Knobs;
  readonly summary: string;
  /**
   * The design's legal knob space: the values a campaign (`swapcheck run`, the self-check)
   * gives its runs besides the preset's. A knob the design is named for stays fixed
   * (classic's physical entries, vswap-direct's elided reverse map); a knob that means nothing
   * in the design (the lookup cache of classic, which has no virtual space) is not listed;
   * every other knob takes each value legal with the rest (an elided reverse map needs
   * virtualEntries=always). Over the five designs every value of every knob is listed.
   */
  readonly space: KnobSpace;
}

export const designs: Record<string, DesignPreset> = {
  classic: {
    knobs: { virtualEntries: 'never', reverseMap: 'kept', lookupCache: 'off' },
    summary: 'swap table phase III: physical entries only, zswap keyed by (type, offset)',
    space: {},
  },
  'vswap-rfc': {
    knobs: { virtualEntries: 'first', reverseMap: 'kept', lookupCache: 'off' },
    summary:
      'vswap RFC as posted: every swap-out tries a virtual entry, falls back to a physical one; Pointer rmap',
    // The fallback designs: the RFC as posted and its mm-tree variant (virtual only with zswap).
    space: { virtualEntries: ['first', 'when-zswap'], lookupCache: ['off', 'pinned', 'validated'] },
  },
  'vswap-all': {
    knobs: { virtualEntries: 'always', reverseMap: 'kept', lookupCache: 'off' },
    summary: 'vswap for every entry, physical slots keep Pointer words (full rmap)',
    space: { lookupCache: ['off', 'pinned', 'validated'] },
  },
  'vswap-direct': {
    knobs: { virtualEntries: 'always', reverseMap: 'elided', lookupCache: 'off' },
    summary: 'vswap for every entry, PHYS word is the only link; devices are bitmaps (reading A)',
    space: { lookupCache: ['off', 'pinned', 'validated'] },
  },
  'vswap-direct-cached': {
    knobs: { virtualEntries: 'always', reverseMap: 'elided', lookupCache: 'pinned' },
    summary: 'vswap-direct plus a per-CPU lookup cache pinning the last virtual cluster',
    // Without a cache it is vswap-direct.
    space: { lookupCache: ['pinned', 'validated'] },
  },
};

export interface KnobDoc {
  readonly meaning: string;
  readonly values: readonly string[];
  readonly default: string;
}

export const knobDocs: Record<keyof Knobs, KnobDoc> = {
  virtualEntries: {
    meaning:
      'which new entries are virtual: never (classic); first (every swap-out tries the ' +
      'virtual space and falls back to a physical device when it cannot take the folio, RFC ' +
      'v1/v2 as posted, so virtual and direct physical entries coexist); when-zswap (the same ' +
      'fallback, but the virtual space is tried only while zswap is enabled: the mm-tree ' +
      'variant); or always (every entry virtual, no fallback: -ENOSPC when the virtual space ' +
      'is full)',
    values: ['never', 'first', 'when-zswap', 'always'],
    default: 'never',
  },
  reverseMap: {
    meaning:
      'physical slot -> virtual entry map: kept as Pointer words in the physical swap ' +
      'table, or elided (devices keep only allocation and bad bitmaps; swapoff and cache-only ' +
      'backing reclaim scan the virtual clusters). Elided requires virtualEntries=always',
    values: ['kept', 'elided'],
    default: 'kept',
  },
  lookupCache: {
    meaning:
      'per-CPU cache of the last virtual cluster looked up: off, pinned by a reference ' +
      'while cached, or validated (cluster id and DEAD flag re-checked on every hit)',
    values: ['off', 'pinned', 'validated'],
    default: 'off',
  },
};

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

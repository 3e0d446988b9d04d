/**
 * fast-check arbitraries for the vitest properties: op templates with a swarm mix chosen once
 * per run (some kinds off, the rest weighted), and run shapes (config, length). fast-check
 * shrinks the template list (fewer ops) and each template's numbers; templates re-resolve
 * against the model at every replay, so a shrunk list stays meaningful.
 *
 * Not covered here: the PRNG generator of the CLI campaign (properties/generator.ts), which
 * draws from the same op kinds and weights.
 */
import fc from 'fast-check';
import type { Config } from '../lib/config.ts';
import { configPresets } from '../lib/config.ts';
import type { OpName } from '../lib/ops.ts';
import { opNames } from '../lib/ops.ts';
import { opWeightsBase } from './generator.ts';
import type { OpTemplate } from './op-template.ts';
import { templatePickMax } from './op-template.ts';

const opsOptional = opNames.filter(
  (name) => !['fault', 'allocSwap', 'unmap', 'swapin', 'writeout'].includes(name),
);

/** One template over the `enabled` op kinds, with the base weights. */
export function templateArbitrary(enabled: readonly OpName[]): fc.Arbitrary<OpTemplate> {
  const kinds = fc.oneof(
    ...enabled.map((name) => ({ arbitrary: fc.constant(name), weight: opWeightsBase[name] })),
  );
  return fc.record({
    kind: kinds,
    pick: fc.integer({ min: 0, max: templatePickMax }),
    pick2: fc.integer({ min: 0, max: templatePickMax }),
    cpu: fc.integer({ min: 0, max: 7 }),
    order: fc.integer({ min: 0, max: 3 }),
    value: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0x3fffffff })),
    flag: fc.oneof(
      { arbitrary: fc.constant(false), weight: 9 },
      { arbitrary: fc.constant(true), weight: 1 },
    ),
    flag2: fc.oneof(
      { arbitrary: fc.constant(false), weight: 9 },
      { arbitrary: fc.constant(true), weight: 1 },
    ),
  });
}

/** A swarm (the disabled optional kinds) then a list of templates over the enabled kinds. */
export function templatesArbitrary(lengthMax: number): fc.Arbitrary<readonly OpTemplate[]> {
  return fc.subarray(opsOptional, { minLength: 0, maxLength: 4 }).chain((disabled) => {
    const enabled = opNames.filter((name) => !disabled.includes(name));
    return fc.array(templateArbitrary(enabled), {
      minLength: 1,
      maxLength: lengthMax,
      size: 'max',
    });
  });
}

/** The configs the properties cover: tiny (2-bit counts, 4-slot clusters) and default, each
 * booted with zswap on and off (large swapin needs zswap never enabled). */
export const configArbitrary: fc.Arbitrary<Config> = fc.constantFrom(
  ...Object.values(configPresets),
);

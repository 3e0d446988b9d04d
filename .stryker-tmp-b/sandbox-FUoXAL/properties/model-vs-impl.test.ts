/**
 * The main property, once per built-in design: apply a fast-check generated op sequence to the
 * reference model and to the design side by side, comparing outcomes and observations and
 * auditing the impl after every op, then drain everything and require both sides empty.
 * fast-check shrinks a failing sequence; the failure message names the first divergence.
 *
 * Method: templates (properties/arbitraries.ts) resolved against the model with intent, on the
 * tiny config (2-bit counts, 4-slot clusters) and the default one; every device is swapped on
 * first. Not covered here: interleavings (sequential only) and the CLI's own generator.
 */
// @ts-nocheck

import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Config } from '../lib/config.ts';
import type { Failure } from './checker.ts';
import { designNames, resolveDesign } from './design-registry.ts';
import type { DesignUnderTest } from './run.ts';
import { checkerFor } from './run.ts';
import { configArbitrary, templatesArbitrary } from './arbitraries.ts';
import { resolveTemplate, type OpTemplate } from './op-template.ts';
import { describeFailure } from './report.ts';

/** Runs templates against a design; returns the first failure or null. */
export function runTemplates(design: DesignUnderTest, config: Config, templates: readonly OpTemplate[]): Failure | null {
  const checker = checkerFor(design, config);
  for (let device = 0; device < config.devices.length; device++) {
    const failure = checker.step({ op: 'swapon', device, cpu: 0 });
    if (failure !== null) return failure;
  }
  for (const template of templates) {
    const failure = checker.step(resolveTemplate(config, checker.observation, template));
    if (failure !== null) return failure;
  }
  return checker.drain();
}

const numRuns = Number(process.env.SWAPCHECK_PROPERTY_RUNS ?? 60);

describe.each(designNames())('design %s against the reference model', (name) => {
  const design = resolveDesign(name);
  it('agrees with the model on every op, keeps every invariant, and drains to empty', () => {
    fc.assert(
      fc.property(configArbitrary, templatesArbitrary(300), (config, templates) => {
        const failure = runTemplates(design, config, templates);
        if (failure !== null) throw new Error(describeFailure(failure));
      }),
      { numRuns },
    );
  });
});

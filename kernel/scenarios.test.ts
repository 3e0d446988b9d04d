/**
 * The hand-written kernel scenarios (kernel/scenarios/): each cites the kernel function its
 * claims rest on, is expressible on the linux-6.1 profile, and its claims are checked against
 * the model's expectations. Where the model is known to disagree (the `modelDisagrees` of its
 * kernel block, rows of the fidelity review), the claims must break: a scenario that starts to
 * agree fails here until its marker is removed.
 *
 * Every scenario also replays on every built-in design: kernel behaviour is the contract the
 * designs implement too.
 *
 * Not covered here: the claims on the kernel itself (kernel-oracle.test.ts, needs UML).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { designNames, resolveDesign } from '../properties/design-registry.ts';
import { describeFailure } from '../properties/report.ts';
import { replayOps } from '../properties/run.ts';
import { readTrace, resolveConfig } from '../properties/trace.ts';
import { checkClaimsOnModel } from './facts.ts';
import { translate } from './translate.ts';

const directory = join(import.meta.dirname, 'scenarios');
const files = readdirSync(directory)
  .filter((name) => name.endsWith('.json'))
  .sort();

describe('kernel scenarios on the model', () => {
  it('has at least 15 scenarios', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(files)('%s', (file) => {
    const trace = readTrace(join(directory, file));
    const claims = trace.kernel;
    expect(claims, `${file} needs a kernel block`).toBeDefined();
    if (claims === undefined) return;
    expect(claims.source).toMatch(/\w+\.c: \w+\(/);
    expect(claims.expect.length).toBeGreaterThan(0);
    const translation = translate(resolveConfig(trace.config), trace.ops);
    if (!translation.ok)
      throw new Error(`not expressible: op ${translation.op}: ${translation.reason}`);
    const broken = checkClaimsOnModel(translation.program, claims);
    if (claims.modelDisagrees === undefined) expect(broken).toEqual([]);
    else
      expect(
        broken.length,
        `the model now agrees with ${file}: remove its modelDisagrees`,
      ).toBeGreaterThan(0);
  });
});

describe('kernel scenarios on every design', () => {
  for (const file of files) {
    const trace = readTrace(join(directory, file));
    it.each(designNames())(`${file} holds on %s`, (name) => {
      const result = replayOps(resolveDesign(name), resolveConfig(trace.config), trace.ops);
      expect(result.failure === null ? 'holds' : describeFailure(result.failure)).toBe('holds');
    });
  }
});

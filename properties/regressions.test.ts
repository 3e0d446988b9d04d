/**
 * The regression corpus: every minimized trace in properties/regressions/ is replayed against
 * every built-in design (not only the one that found it) and must hold. Each file's `note`
 * says what it caught. Method: parse with the trace schema, replay with drain.
 *
 * Not covered here: traces that are expected to fail (mutant traces live with the mutants).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { designNames, resolveDesign } from './design-registry.ts';
import { describeFailure } from './report.ts';
import { replayOps } from './run.ts';
import { readTrace, resolveConfig } from './trace.ts';

const directory = join(import.meta.dirname, 'regressions');
const files = readdirSync(directory)
  .filter((name) => name.endsWith('.json'))
  .sort();

describe('regression corpus', () => {
  it('is not empty', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    const trace = readTrace(join(directory, file));
    it.each(designNames())(`${file} holds on %s`, (name) => {
      expect(trace.note ?? '', `${file} needs a note saying what it caught`).not.toBe('');
      const result = replayOps(resolveDesign(name), resolveConfig(trace.config), trace.ops);
      expect(result.failure === null ? 'holds' : describeFailure(result.failure)).toBe('holds');
    });
  }
});

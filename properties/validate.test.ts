/**
 * `swapcheck validate` on the worked example proposal (examples/lazy-rmap/): the proposal
 * passes the properties and the drain and reports costs; its broken copy fails with a shrunk
 * trace; files that are missing or do not implement the interface are input errors (exit 2).
 *
 * Not covered here: the comparison itself (properties/compare.test.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/program.ts';
import { compareOne } from './compare.ts';
import { loadProposal } from './proposal.ts';
import { InputError } from './trace.ts';
import { validateDesign } from './validate.ts';
import { workloadOps, workloads } from './workloads.ts';

const example = fileURLToPath(new URL('../examples/lazy-rmap/lazy-rmap.ts', import.meta.url));
const broken = fileURLToPath(new URL('../examples/lazy-rmap/broken.ts', import.meta.url));
const budget = { seed: 7, timeMs: 1500, opsPerRun: 300, runsMax: 50, shrinkMs: 5000 };

describe('validate', () => {
  it('passes the lazy-rmap example and measures its costs', async () => {
    const design = await loadProposal(example);
    expect(design.name).toBe('lazy-rmap');
    expect(design.knobs?.reverseMap).toBe('elided');
    const result = validateDesign(design, budget);
    expect(result.failure).toBeNull();
    expect(result.runs).toBeGreaterThan(0);
    const workload = workloads.find((w) => w.name === 'swapoff-under-load');
    if (workload === undefined) throw new Error('workload');
    const cell = compareOne(design, workload, workloadOps(workload));
    expect(cell.failure).toBeNull();
    expect(cell.costs?.peakBytes.reverseMap).toBeGreaterThan(0);
    expect(cell.costs?.counts.scanSlots).toBeGreaterThan(0);
  }, 120_000);

  it('fails the broken copy with a shrunk trace', async () => {
    const result = validateDesign(await loadProposal(broken), budget);
    expect(result.failure).not.toBeNull();
    expect(result.failure?.ops.length).toBeLessThanOrEqual(result.failure?.lengthBefore ?? 0);
    expect(result.failure?.ops.length).toBeLessThanOrEqual(3);
    expect(result.failure?.failure.message).toBe('device 0: swapped on (SWP_USED): model no, design yes');
  }, 60_000);

  it('exits 1 for the broken copy and 0 for the example through the command', async () => {
    expect(await main(['validate', broken, '--time', '1s', '--seed', '3'])).toBe(1);
    expect(await main(['validate', example, '--time', '1s', '--seed', '3', '--workload', 'disk-only'])).toBe(0);
  }, 120_000);

  it('rejects what cannot be loaded with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swapcheck-validate-'));
    const notFactory = join(dir, 'not-factory.mjs');
    writeFileSync(notFactory, 'export default 42;\n');
    const partial = join(dir, 'partial.mjs');
    writeFileSync(partial, 'export default () => ({ apply() { return { errno: "OK" }; } });\n');
    const badJson = join(dir, 'bad.json');
    writeFileSync(badJson, '{"base": "no-such-design"}');
    await expect(loadProposal(notFactory)).rejects.toThrow(/not a SystemFactory/);
    await expect(loadProposal(partial)).rejects.toThrow(/lacks observe/);
    await expect(loadProposal(join(dir, 'missing.js'))).rejects.toBeInstanceOf(InputError);
    for (const file of [notFactory, partial, badJson, join(dir, 'missing.js')]) {
      expect(await main(['validate', file, '--time', '1s'])).toBe(2);
    }
  });
});

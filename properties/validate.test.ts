/**
 * `swapcheck validate` on the worked example proposal (examples/lazy-rmap/): the proposal
 * passes the properties and the drain and reports costs; its broken copy fails with a shrunk
 * trace; files that are missing or do not implement the interface are input errors (exit 2).
 *
 * Not covered here: the comparison itself (properties/compare.test.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCaptured } from '../cli/captured-io.ts';
import { main } from '../cli/program.ts';
import { compareOne } from './compare.ts';
import { loadProposal } from './proposal.ts';
import { InputError } from './trace.ts';
import { validateDesign } from './validate.ts';
import { workloadPlan, workloads } from './workloads.ts';

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
    const cell = compareOne(design, workload, workloadPlan(workload));
    expect(cell.failure).toBeNull();
    expect(cell.costs?.peakBytes.reverseMap).toBeGreaterThan(0);
    expect(cell.costs?.counts.scanSlots).toBeGreaterThan(0);
  }, 120_000);

  it('fails the broken copy with a shrunk trace', async () => {
    const result = validateDesign(await loadProposal(broken), budget);
    expect(result.failure).not.toBeNull();
    expect(result.failure?.ops.length).toBeLessThanOrEqual(result.failure?.lengthBefore ?? 0);
    expect(result.failure?.ops.length).toBeLessThanOrEqual(3);
    expect(result.failure?.failure.message).toBe(
      'device 0: swapped on (SWP_USED): model no, design yes',
    );
  }, 60_000);

  it('exits 1 for the broken copy, writing its trace with the commands that replay it, and 0 for the example', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swapcheck-validate-'));
    const failed = await runCaptured(
      main,
      ['validate', broken, '--runs', '4', '--seed', '3', '--out', 'found'],
      dir,
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      /^FAIL lazy-rmap-broken: run 0 \(config tiny, run seed \d+\): the state differs at drain op #\d+ swapoff\(device=0\)/m,
    );
    const trace = join(dir, 'found', 'lazy-rmap-broken-validate-seed3-run0.json');
    expect(failed.stdout).toContain(`  trace:     ${trace}`);
    expect(failed.stdout).toMatch(
      /^ {2}reproduce: .* validate .*broken\.ts --seed 3 --runs 1 --max-ops 400$/m,
    );
    expect(JSON.parse(readFileSync(trace, 'utf8')).design).toEqual({ module: broken });
    const replay = await runCaptured(main, ['replay', trace], dir);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('(lazy-rmap-broken): FAILS');
    const json = await runCaptured(
      main,
      ['validate', broken, '--runs', '4', '--seed', '3', '--out', 'found', '--format', 'json'],
      dir,
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      format: 'swapcheck-validate',
      version: 1,
      design: 'lazy-rmap-broken',
      seed: 3,
      budget: { runs: 4, timeMs: null },
      result: 'fail',
      failure: { runIndex: 0, config: 'tiny', trace },
    });
    const passed = await runCaptured(
      main,
      ['validate', example, '--runs', '8', '--seed', '3', '--workload', 'disk-only'],
      dir,
    );
    expect(passed.code).toBe(0);
    expect(passed.stdout).toMatch(/^PASS lazy-rmap: 8 runs, \d+ ops, every run drained clean$/m);
    // Its costs as a delta against vswap-direct, whose knobs the module exports: the lazy map
    // adds nothing per page on disk-only (no swapoff), so bytes per page are unchanged.
    expect(passed.stdout).toContain('costs of lazy-rmap against its base design vswap-direct');
    expect(passed.stdout).toMatch(/^disk-only\s+pass\s+\d+\.\d \(=\)/m);
    const json2 = await runCaptured(
      main,
      [
        'validate',
        example,
        '--runs',
        '2',
        '--seed',
        '3',
        '--workload',
        'disk-only',
        '--format',
        'json',
      ],
      dir,
    );
    expect(JSON.parse(json2.stdout).base).toBe('vswap-direct');
    const badWeights = join(dir, 'weights.json');
    writeFileSync(badWeights, '{"format": "swapcheck-cost-weights"}');
    const rejected = await runCaptured(
      main,
      ['validate', example, '--runs', '1', '--weights', badWeights],
      dir,
    );
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toBe(`swapcheck: ${badWeights}: version must be 1\n`);
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
      const result = await runCaptured(main, ['validate', file, '--time', '1s'], dir);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

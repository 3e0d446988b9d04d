/**
 * End-to-end tests of the built `swapcheck` command (dist/cli/main.js, built by `pretest`):
 * exit codes, one-line input errors, determinism for a fixed seed and run budget, the JSON and
 * JUnit reports, replay of a trace, worker and shard equivalence.
 *
 * Method: spawn node on the compiled CLI in a temporary folder. Not covered here: the checking
 * itself (properties/).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

const main = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

function swapcheck(args: string[], cwd = mkdtempSync(join(tmpdir(), 'swapcheck-')), env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [main, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, cwd };
}

/** Drops the numbers that depend on timing (ops/s, ms), keeping everything else. */
function withoutTiming(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/\s+\d+\s+(pass|FAIL)/, ' $1').replace(/in \d+ ms/, 'in N ms'))
    .join('\n');
}

const hello = {
  format: 'swapcheck-trace',
  version: 1,
  design: 'classic',
  config: 'tiny',
  note: 'a swapped-out page comes back with its content',
  ops: [
    { op: 'swapon', device: 0, cpu: 0 },
    { op: 'fault', holder: 0, order: 0, cpu: 0 },
    { op: 'write', holder: 0, value: 7, cpu: 0 },
    { op: 'allocSwap', holder: 0, cpu: 1 },
    { op: 'unmap', holder: 0, cpu: 1 },
    { op: 'writeout', folio: 1, cpu: 0 },
    { op: 'evict', folio: 1, cpu: 0 },
    { op: 'swapin', holder: 0, order: 0, cpu: 1 },
  ],
};

describe('swapcheck command line', () => {
  it('is an executable script, so npx swapcheck runs it (every build sets the mode again)', () => {
    expect(readFileSync(main, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(main).mode & 0o111, `${main} is not executable`).toBe(0o111);
    const result = spawnSync(main, ['designs'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('classic');
  });

  it('rejects an unknown flag with one line and exit code 2', () => {
    const result = swapcheck(['run', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^swapcheck: /);
  });
  it('prints one command\'s usage for COMMAND --help, and names the known commands for an unknown one', () => {
    const help = swapcheck(['mutants', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: swapcheck mutants +\[--seeds 20\] \[--runs-per-seed 128\]/);
    expect(help.stdout).not.toContain('explore');
    expect(swapcheck(['explore', '-h']).stdout).toMatch(/^usage: swapcheck explore /);
    const unknown = swapcheck(['bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('swapcheck: unknown command \'bogus\' (known: run, replay, shrink, mutants, compare, validate, explore, kernel, designs, help)');
  });
  it('rejects an unknown design and a bad seed with exit code 2', () => {
    expect(swapcheck(['run', '--design', 'nope', '--runs', '1']).stderr).toMatch(/unknown design 'nope'/);
    const negative = swapcheck(['run', '--seed=-3', '--runs', '1']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('--seed: expected an integer');
    const idle = swapcheck(['run', '--time', '0s', '--design', 'classic']);
    expect(idle.code).toBe(2);
    expect(idle.stderr).toContain('budget was too small');
    const dir = mkdtempSync(join(tmpdir(), 'swapcheck-'));
    writeFileSync(join(dir, 'afile'), 'x');
    const badOut = swapcheck(['run', '--runs', '1', '--out', 'afile/sub'], dir);
    expect(badOut.code).toBe(2);
    expect(badOut.stderr.trim()).toBe("swapcheck: --out: 'afile' is not a directory");
    expect(swapcheck(['mutants', '--kill-ratio', '0']).code).toBe(2);
    expect(swapcheck(['frobnicate']).code).toBe(2);
  });
  it('rejects a hand-written trace with a mistake, naming the file and the path in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swapcheck-'));
    const path = join(dir, 'bad.json');
    const bad = { ...hello, ops: [...hello.ops.slice(0, 3), { op: 'swapin', holder: '3', order: 0, cpu: 0 }] };
    writeFileSync(path, JSON.stringify(bad));
    const result = swapcheck(['replay', path], dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('bad.json');
    expect(result.stderr).toContain('ops.3.holder');
    writeFileSync(path, JSON.stringify({ ...hello, extra: 1 }));
    expect(swapcheck(['replay', path], dir).stderr).toContain('extra');
    writeFileSync(path, JSON.stringify({ ...hello, ops: [{ op: 'teleport', cpu: 0 }] }));
    expect(swapcheck(['replay', path], dir).code).toBe(2);
    writeFileSync(path, '{ not json');
    expect(swapcheck(['replay', path], dir).stderr).toContain('not JSON');
  });
  it('replays a hand-written trace that holds on every design', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swapcheck-'));
    const path = join(dir, 'hello.json');
    writeFileSync(path, JSON.stringify(hello));
    for (const design of ['classic', 'vswap-rfc', 'vswap-all', 'vswap-direct', 'vswap-direct-cached']) {
      const result = swapcheck(['replay', path, '--design', design], dir);
      expect(result.stdout).toContain('holds');
      expect(result.code).toBe(0);
    }
    const verbose = swapcheck(['replay', path, '--verbose'], dir);
    expect(verbose.stdout).toContain('"content":7');
  });
  it('gives identical output for the same seed and run budget, apart from timing', () => {
    const args = ['run', '--seed', '99', '--runs', '3', '--max-ops', '120'];
    const first = swapcheck(args);
    const second = swapcheck(args);
    expect(first.code).toBe(0);
    expect(withoutTiming(first.stdout)).toBe(withoutTiming(second.stdout));
    expect(first.stdout.trim().split('\n').at(-1)).toBe('15 passed, 0 failed');
  });
  it('gives the same results whatever the worker count or sharding', () => {
    const base = ['run', '--seed', '5', '--runs', '6', '--max-ops', '80', '--format', 'json', '--design', 'classic'];
    const strip = (text: string) => {
      const json = JSON.parse(text);
      return json.designs.map((d: { runs: number; ops: number; opCounts: unknown; marks: unknown }) => [d.runs, d.ops, d.opCounts, d.marks]);
    };
    const one = swapcheck(base);
    const two = swapcheck([...base, '--workers', '2']);
    expect(one.code).toBe(0);
    expect(strip(two.stdout)).toEqual(strip(one.stdout));
    const shardA = JSON.parse(swapcheck([...base, '--shard', '1/2']).stdout).designs[0];
    const shardB = JSON.parse(swapcheck([...base, '--shard', '2/2']).stdout).designs[0];
    expect(shardA.runs + shardB.runs).toBe(6);
    expect(shardA.ops + shardB.ops).toBe(JSON.parse(one.stdout).designs[0].ops);
  });
  it('runs the same ops with a full check after every op (--full-check-every 1), and says so in the reproduce line', () => {
    const base = ['run', '--seed', '7', '--runs', '4', '--max-ops', '80', '--format', 'json', '--design', 'vswap-all'];
    const campaign = JSON.parse(swapcheck(base).stdout);
    const full = swapcheck([...base, '--full-check-every', '1']);
    expect(full.code).toBe(0);
    const json = JSON.parse(full.stdout);
    expect(campaign.fullCheckEvery).toBe(64);
    expect(json.fullCheckEvery).toBe(1);
    expect(json.reproduce).toContain('--full-check-every 1');
    expect(json.designs[0].opCounts).toEqual(campaign.designs[0].opCounts);
    const bad = swapcheck(['run', '--full-check-every', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
  it('writes a JUnit report that an XML parser accepts', () => {
    const result = swapcheck(['run', '--seed', '1', '--runs', '2', '--max-ops', '50', '--format', 'junit']);
    expect(result.code).toBe(0);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(result.stdout);
    const suite = xml.testsuites.testsuite;
    expect(Number(suite['@_tests'])).toBe(5);
    expect(Number(suite['@_failures'])).toBe(0);
    expect(suite.testcase).toHaveLength(5);
  });
  it('catches a canary design: writes its trace, replay reproduces it, shrink does not lengthen it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swapcheck-'));
    const designFile = join(dir, 'canary.json');
    writeFileSync(designFile, JSON.stringify({ base: 'classic', mutant: 'shadow-left-after-free' }));
    const corpus = join(dir, 'corpus');
    const run = swapcheck(
      ['run', '--design', designFile, '--seed', '3', '--runs', '200', '--max-ops', '300', '--out', 'failures', '--save-regressions'],
      dir,
      { SWAPCHECK_REGRESSIONS_DIR: corpus },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL classic\[mutant=shadow-left-after-free\]/m);
    expect(run.stdout).toContain('replay:    swapcheck replay');
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 1 failed$/);
    const traces = readdirSync(join(dir, 'failures'));
    expect(traces).toHaveLength(1);
    const trace = join(dir, 'failures', traces[0] as string);
    const written = JSON.parse(readFileSync(trace, 'utf8'));
    expect(written.design).toEqual({ base: 'classic', mutant: 'shadow-left-after-free' });
    const replay = swapcheck(['replay', trace], dir);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('FAILS');
    // The same trace holds on the design without the bug.
    expect(swapcheck(['replay', trace, '--design', 'classic'], dir).code).toBe(0);
    const shrink = swapcheck(['shrink', trace], dir);
    expect(shrink.code).toBe(1);
    const minimal = JSON.parse(readFileSync(trace.replace(/\.json$/, '.min.json'), 'utf8'));
    expect(minimal.ops.length).toBeLessThanOrEqual(written.ops.length);
    expect(shrink.stdout).toMatch(/\d+ ops -> \d+ ops in \d+ ms/);
    expect(readdirSync(join(dir, 'failures')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const saved = readdirSync(corpus);
    expect(saved).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(corpus, saved[0] as string), 'utf8')).note).toMatch(/^caught: /);
  });
  it('lists designs and knobs', () => {
    const result = swapcheck(['designs']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('vswap-direct-cached');
    expect(result.stdout).toContain('lookupCache');
  });
  it('writes nothing when nothing fails', () => {
    const result = swapcheck(['run', '--seed', '2', '--runs', '1', '--max-ops', '30']);
    expect(existsSync(join(result.cwd, 'swapcheck-failures'))).toBe(false);
    expect(readdirSync(result.cwd)).toEqual([]);
    expect(readFileSync(main, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });
});

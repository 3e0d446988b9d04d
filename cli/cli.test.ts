/**
 * The swapcheck command line, run in-process through its entry point (main(argv, io) with a
 * captured io; cli/captured-io.ts): every bad input is exit 2 with one clear line per problem
 * and no stack trace; unknown flags are rejected by every command; --version; each command's
 * help lists exactly the flags the README lists for it; determinism for a seed and a run
 * budget; the design spellings reports print are accepted; replay in text, --verbose and
 * --format json; the failure database; writing nothing when nothing fails.
 *
 * Method: temporary folders outside the repository as working directories. Not covered here:
 * printed commands executed in a shell (cli/reproduce.test.ts), reports (cli/reports.test.ts),
 * interrupts (cli/interrupt.test.ts), the package (cli/pack.test.ts).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCaptured } from './captured-io.ts';
import { commandModules, main, packageVersion } from './program.ts';

const root = join(import.meta.dirname, '..');
const mainJs = join(root, 'dist', 'cli', 'main.js');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'swapcheck-cli-'));
}

/** Runs swapcheck in-process in `cwd`. */
function swapcheck(args: string[], cwd = tempDir()) {
  return runCaptured(main, args, cwd);
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

function expectOneLineError(result: { code: number; stderr: string }, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^swapcheck: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/** The flags the README's Commands block lists for each command. */
function readmeFlags(): Map<string, Set<string>> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /## Commands\n\n```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const flags = new Map<string, Set<string>>();
  let current = '';
  for (const line of block.split('\n')) {
    const start = /^swapcheck (\w+)/.exec(line);
    if (start !== null) current = start[1] as string;
    if (current === '' || !/^(swapcheck \w|\s)/.test(line)) continue;
    const set = flags.get(current) ?? new Set<string>();
    for (const match of line.matchAll(/--[a-z][a-z-]*/g)) set.add(match[0]);
    flags.set(current, set);
  }
  return flags;
}

describe('swapcheck command line: input errors', () => {
  it.each(commandModules.map((module) => [module.name]))(
    '%s rejects an unknown flag with one line and exit code 2',
    async (name) => {
      expectOneLineError(await swapcheck([name, '--bogus']), /unknown option '--bogus'/);
    },
  );

  it.each([
    [['run', '--workers', '-1'], /--workers: expected an integer in 1\.\.64, got '-1'/],
    [['run', '--seed', '-5'], /--seed: expected an integer/],
    [['run', '--seed=-3', '--runs', '1'], /--seed: expected an integer/],
    [['run', '--runs', '0'], /--runs: expected an integer in 1\.\./],
    [['run', '--max-ops', 'many'], /--max-ops/],
    [['run', '--format', 'xml'], /--format: expected text, json, junit, ktap, got 'xml'/],
    [['run', '--time', 'soon'], /--time: expected a duration/],
    [['run', '--shard', '3/2'], /--shard: expected I\/N/],
    [['run', '--run', '1', '--runs', '2'], /--run N reruns one run alone/],
    [['run', '--runs', '1', '--time', '1s'], /exclude each other/],
    [['run', '--design', 'nope', '--runs', '1'], /unknown design 'nope' \(known: classic,/],
    [['run', '--design', 'classic[nope=1]', '--runs', '1'], /unknown knob 'nope'/],
    [['run', '--design', 'classic[lookupCache=sometimes]', '--runs', '1'], /knobs\.lookupCache/],
    [['run', '--design', 'classic[mutant=nope]', '--runs', '1'], /unknown mutant 'nope'/],
    [['run', '--design', 'missing.mjs', '--runs', '1'], /missing\.mjs: no such file/],
    [['run', '--design', 'classic', '--time', '0s'], /budget was too small/],
    [['run', '--config', 'nowhere.json'], /--config: cannot read 'nowhere\.json'/],
    [['run', 'extra'], /too many arguments/],
    [['replay'], /missing required argument 'trace/],
    [['replay', 'missing.json'], /missing\.json: cannot read \(ENOENT\)/],
    [['replay', 'a.json', '--full'], /--full: goes with --verbose/],
    [['shrink', 'a.json', 'b.json'], /too many arguments/],
    [['mutants', '--kill-ratio', '0'], /--kill-ratio/],
    [['mutants', '--mutant', 'nope'], /unknown mutant 'nope'/],
    [['compare', '--workload', 'no-such-workload'], /unknown workload 'no-such-workload'/],
    [['compare', '--format', 'pdf'], /--format: expected text, markdown, json, html/],
    [['validate', 'missing.mjs'], /missing\.mjs: no such file/],
    [['validate', 'x.json', '--runs', '1', '--time', '1s'], /exclude each other/],
    [['merge'], /missing required argument 'report/],
    [['merge', 'missing.json'], /missing\.json: cannot read/],
    [['explore', '--mode', 'sideways'], /--mode: expected sequential, random or exhaustive/],
    [['explore', '--cpus', '9'], /--cpus/],
    [['explore', '--family', 'lifecycle', '--cpus', '3'], /--family lifecycle/],
    [
      ['bogus'],
      /^swapcheck: unknown command 'bogus' \(known: compare, designs, explore, kernel, merge, mutants, replay, run, shrink, validate, help\)$/,
    ],
    [[], /expected a command/],
  ])('%j is exit 2 with one clear line', async (args, pattern) => {
    expectOneLineError(await swapcheck(args), pattern);
  });

  it('checks --out before a long run: a file in the way is one line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'afile'), 'x');
    expectOneLineError(
      await swapcheck(['run', '--runs', '1', '--out', 'afile/sub'], dir),
      /--out: '.*afile' is not a directory/,
    );
  });
});

describe('swapcheck command line: help and version', () => {
  it('prints the package version', async () => {
    const result = await swapcheck(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`swapcheck ${packageVersion()}`);
    expect(packageVersion()).toBe(
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
    );
  });

  it('lists every command in the top-level help', async () => {
    const result = await swapcheck(['--help']);
    expect(result.code).toBe(0);
    for (const module of commandModules)
      expect(result.stdout).toMatch(new RegExp(`^  ${module.name}\\b`, 'm'));
  });

  it.each(commandModules.map((module) => [module.name]))(
    '%s --help lists exactly the flags the README lists for it',
    async (name) => {
      const result = await swapcheck([name, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: swapcheck ${name} `));
      const help = new Set(
        [...result.stdout.matchAll(/--[a-z][a-z-]*/g)]
          .map((m) => m[0])
          .filter((flag) => flag !== '--help'),
      );
      const readme = readmeFlags().get(name);
      expect(readme, `README lists no usage of ${name}`).toBeDefined();
      expect([...help].sort()).toEqual([...(readme ?? [])].sort());
    },
  );
});

describe('swapcheck command line: runs', () => {
  it('gives identical output for the same seed and run budget, apart from timing', async () => {
    const args = ['run', '--seed', '99', '--runs', '3', '--max-ops', '120'];
    const first = await swapcheck(args);
    const second = await swapcheck(args);
    expect(first.code).toBe(0);
    expect(withoutTiming(first.stdout)).toBe(withoutTiming(second.stdout));
    expect(first.stdout.trim().split('\n').at(-1)).toBe('15 passed, 0 failed');
    expect(first.stdout).toMatch(/^reproduce: .* run --seed 99 --runs 3 --max-ops 120 --no-db$/m);
  });

  it('writes nothing when nothing fails', async () => {
    const result = await swapcheck(['run', '--seed', '2', '--runs', '1', '--max-ops', '30']);
    expect(result.code).toBe(0);
    expect(readdirSync(result.cwd)).toEqual([]);
  });

  it('accepts every spelling it prints: knob overrides and mutants in brackets, knob files, modules', async () => {
    const dir = tempDir();
    const knobs = await swapcheck(
      [
        'run',
        '--design',
        'vswap-direct[lookupCache=validated]',
        '--seed',
        '1',
        '--runs',
        '2',
        '--max-ops',
        '60',
      ],
      dir,
    );
    expect(knobs.code, knobs.stderr).toBe(0);
    expect(knobs.stdout).toMatch(/^vswap-direct\[lookupCache=validated\]\s+2 /m);
    writeFileSync(
      join(dir, 'knobs.json'),
      JSON.stringify({ base: 'vswap-direct', knobs: { lookupCache: 'validated' } }),
    );
    const file = await swapcheck(
      ['run', '--design', 'knobs.json', '--seed', '1', '--runs', '2', '--max-ops', '60'],
      dir,
    );
    expect(withoutTiming(file.stdout).replace(/--design \S+/, '')).toBe(
      withoutTiming(knobs.stdout).replace(/--design \S+/, ''),
    );
    const example = join(root, 'examples', 'lazy-rmap', 'lazy-rmap.ts');
    const module = await swapcheck(
      ['run', '--design', example, '--seed', '1', '--runs', '2', '--max-ops', '60'],
      dir,
    );
    expect(module.code, module.stderr).toBe(0);
    expect(module.stdout).toMatch(/^lazy-rmap\s+2 /m);
  });

  it('runs the same ops with a full check after every op (--full-check-every 1), and says so in the reproduce line', async () => {
    const base = [
      'run',
      '--seed',
      '7',
      '--runs',
      '4',
      '--max-ops',
      '80',
      '--format',
      'json',
      '--design',
      'vswap-all',
    ];
    const campaign = JSON.parse((await swapcheck(base)).stdout);
    const full = await swapcheck([...base, '--full-check-every', '1']);
    expect(full.code).toBe(0);
    const json = JSON.parse(full.stdout);
    expect(campaign.fullCheckEvery).toBe(64);
    expect(json.fullCheckEvery).toBe(1);
    expect(json.reproduce).toContain('--full-check-every 1');
    expect(json.designs[0].opCounts).toEqual(campaign.designs[0].opCounts);
  });
});

describe("swapcheck command line: the kernel oracle's C reproducers", () => {
  it('kernel --emit-only writes one C program per expressible trace and refuses the rest with a reason', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'hello.json'), JSON.stringify(hello));
    const injected = {
      ...hello,
      ops: [...hello.ops.slice(0, 3), { op: 'allocSwap', holder: 0, cpu: 0, failAlloc: true }],
    };
    writeFileSync(join(dir, 'injected.json'), JSON.stringify(injected));
    const result = await swapcheck(
      ['kernel', 'hello.json', 'injected.json', '--emit-c', 'c', '--emit-only'],
      dir,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`hello.json: C reproducer ${join(dir, 'c', 'hello.c')}`);
    expect(result.stdout).toMatch(
      /injected\.json: not expressible on linux-6\.1: op 4: .*injects a failure \[failure-injection\]/,
    );
    expect(readFileSync(join(dir, 'c', 'hello.c'), 'utf8')).toContain('MADV_PAGEOUT');
    expect(readdirSync(join(dir, 'c'))).toEqual(['hello.c']);
  });

  it('replay and shrink write a reproducer with --emit-c, or say why there is none', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'hello.json'), JSON.stringify(hello));
    const replay = await swapcheck(['replay', 'hello.json', '--emit-c', 'hello.c'], dir);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toContain(`C reproducer: ${join(dir, 'hello.c')}`);
    expect(readFileSync(join(dir, 'hello.c'), 'utf8')).toMatch(/^\/\*/);
    const concurrent = await swapcheck(['kernel', '--profile'], dir);
    expect(concurrent.stdout).toMatch(/^profile linux-6\.1: /);
    expectOneLineError(
      await swapcheck(['kernel', 'hello.json', '--random'], dir),
      /--random takes no TRACE files/,
    );
    expectOneLineError(
      await swapcheck(['kernel', '--random', '--runs', '0'], dir),
      /--runs: expected an integer in 1\.\./,
    );
  });
});

describe('swapcheck command line: failures, the database and replay', () => {
  it('catches a mutant: trace, replay, shrink, regression corpus and the failure database', async () => {
    const dir = tempDir();
    const corpus = join(dir, 'corpus');
    process.env['SWAPCHECK_REGRESSIONS_DIR'] = corpus;
    try {
      const args = [
        'run',
        '--design',
        'classic[mutant=shadow-left-after-free]',
        '--seed',
        '2',
        '--runs',
        '200',
        '--max-ops',
        '300',
      ];
      const run = await swapcheck([...args, '--out', 'failures', '--save-regressions'], dir);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^FAIL classic\[mutant=shadow-left-after-free\]: run 2 /m);
      expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 1 failed$/);
      const traces = readdirSync(join(dir, 'failures'));
      expect(traces).toEqual(['classic-mutant-shadow-left-after-free-seed2-run2.json']);
      const trace = join(dir, 'failures', traces[0] as string);
      expect(run.stdout).toContain(`  trace:     ${trace}`);
      const written = JSON.parse(readFileSync(trace, 'utf8'));
      expect(written.design).toEqual({ base: 'classic', mutant: 'shadow-left-after-free' });
      const replay = await swapcheck(['replay', trace], dir);
      expect(replay.code).toBe(1);
      expect(replay.stdout).toContain('FAILS');
      // The same trace holds on the design without the bug.
      expect((await swapcheck(['replay', trace, '--design', 'classic'], dir)).code).toBe(0);
      const shrink = await swapcheck(['shrink', trace], dir);
      expect(shrink.code).toBe(1);
      const minimal = JSON.parse(readFileSync(trace.replace(/\.json$/, '.min.json'), 'utf8'));
      expect(minimal.ops.length).toBeLessThanOrEqual(written.ops.length);
      expect(shrink.stdout).toMatch(/\d+ ops -> \d+ ops in \d+ ms/);
      expect(readdirSync(join(dir, 'failures')).filter((name) => name.endsWith('.tmp'))).toEqual(
        [],
      );
      const saved = readdirSync(corpus);
      expect(saved).toHaveLength(1);
      expect(run.stdout).toContain(`  saved regression: ${join(corpus, saved[0] as string)}`);
      expect(JSON.parse(readFileSync(join(corpus, saved[0] as string), 'utf8')).note).toMatch(
        /^caught: /,
      );
      // The failure database: the next run of the same design tries the saved failure first,
      // with another seed and a budget of one run that would not find it.
      const db = join(dir, '.swapcheck', 'failures', 'classic-mutant-shadow-left-after-free');
      expect(readdirSync(db)).toHaveLength(1);
      const again = await swapcheck(
        [
          'run',
          '--design',
          'classic[mutant=shadow-left-after-free]',
          '--seed',
          '4',
          '--runs',
          '1',
          '--max-ops',
          '30',
        ],
        dir,
      );
      expect(again.code).toBe(1);
      expect(again.stdout).toMatch(
        /^FAIL classic\[mutant=shadow-left-after-free\]: saved failure .*\.swapcheck\/failures\//m,
      );
      expect(
        (
          await swapcheck(
            [
              'run',
              '--design',
              'classic[mutant=shadow-left-after-free]',
              '--seed',
              '4',
              '--runs',
              '1',
              '--max-ops',
              '30',
              '--no-db',
            ],
            dir,
          )
        ).code,
      ).toBe(0);
    } finally {
      delete process.env['SWAPCHECK_REGRESSIONS_DIR'];
    }
  });

  it('removes a saved failure that holds now', async () => {
    const dir = tempDir();
    const db = join(dir, 'db');
    const folder = join(db, 'classic');
    const path = join(folder, 'saved.json');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path, JSON.stringify({ ...hello, design: 'classic' }));
    const result = await swapcheck(
      ['run', '--design', 'classic', '--seed', '1', '--runs', '1', '--max-ops', '20', '--db', db],
      dir,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`failure database: ${path} holds now; removed`);
    expect(existsSync(path)).toBe(false);
  });

  it('replays a hand-written trace that holds on every design', async () => {
    const dir = tempDir();
    const path = join(dir, 'hello.json');
    writeFileSync(path, JSON.stringify(hello));
    for (const design of [
      'classic',
      'vswap-rfc',
      'vswap-all',
      'vswap-direct',
      'vswap-direct-cached',
      'vswap-direct[lookupCache=validated]',
    ]) {
      const result = await swapcheck(['replay', 'hello.json', '--design', design], dir);
      expect(result.stdout, design).toContain('holds');
      expect(result.code).toBe(0);
    }
  });

  it('replay --verbose prints each op, its outcome and what changed, in kernel words; --full the whole state', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'hello.json'), JSON.stringify(hello));
    const verbose = await swapcheck(['replay', 'hello.json', '--verbose'], dir);
    expect(verbose.code).toBe(0);
    expect(verbose.stdout).toMatch(/^ {5}4 {2}allocSwap\(holder=0\) @cpu1 +folio_alloc_swap$/m);
    expect(verbose.stdout).toMatch(/^ {8}outcome: OK, physical entries, device 0$/m);
    expect(verbose.stdout).toMatch(/^ {8}entry swp\(0:1\): new \(swap count 0\)$/m);
    expect(verbose.stdout).toMatch(
      /^ {8}holder 0's PTE: was maps folio 1 page 0 \(content 7\), now holds swap entry swp\(0:1\) \(content 7\)$/m,
    );
    expect(verbose.stdout).toMatch(/^ {8}drain \(after the last op/m);
    expect(verbose.stdout).not.toMatch(/"content"/);
    const full = await swapcheck(['replay', 'hello.json', '--verbose', '--full'], dir);
    expect(full.stdout).toMatch(
      /^ {8}device 0: swapped on \(SWP_USED\) yes, SWP_WRITEOK yes, si->inuse_pages 1$/m,
    );
  });

  it("replay --format json: a versioned document with each op's outcome on both sides and the model's state after it", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'hello.json'), JSON.stringify(hello));
    const result = await swapcheck(['replay', 'hello.json', '--format', 'json'], dir);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ format: 'swapcheck-replay', version: 1, passed: 1, failed: 0 });
    const [trace] = json.traces;
    expect(trace).toMatchObject({
      design: 'classic',
      spelling: 'classic',
      config: 'tiny',
      result: 'holds',
      failure: null,
    });
    expect(trace.steps.slice(0, hello.ops.length).map((s: { op: unknown }) => s.op)).toEqual(
      hello.ops,
    );
    expect(trace.steps.length).toBeGreaterThan(hello.ops.length);
    expect(trace.steps.at(-1).phase).toBe('drain');
    const swapin = trace.steps[7];
    expect(swapin.outcome.model).toMatchObject({ errno: 'OK', how: 'read-zswap', order: 0 });
    expect(swapin.outcome.design).toEqual(swapin.outcome.model);
    expect(swapin.observation.holders[0]).toMatchObject({ kind: 'present', content: 7 });
    expect(trace.entryNames).toEqual({ 1: 'swp(0:1)' });
  });

  it('checks a trace against its config: out-of-range fields are errors naming the field, with line and column', async () => {
    const dir = tempDir();
    const path = join(dir, 'bad.json');
    const cases: [unknown, RegExp][] = [
      [
        { op: 'swapin', holder: 999, order: 0, cpu: 0 },
        /bad\.json:\d+:\d+: ops\.3\.holder: holder 999 is out of range: the config has 32 holders \(0\.\.31\)/,
      ],
      [
        { op: 'zap', holder: 0, cpu: 7 },
        /ops\.3\.cpu: cpu 7 is out of range: the config has 2 CPUs \(0\.\.1\)/,
      ],
      [
        { op: 'swapon', device: 5, cpu: 0 },
        /ops\.3\.device: device 5 is out of range: the config has 2 devices/,
      ],
      [{ op: 'fork', holder: 0, target: 40, cpu: 0 }, /ops\.3\.target: target 40 is out of range/],
      [{ op: 'evict', folio: 0, cpu: 0 }, /ops\.3\.folio: folio 0 does not exist/],
      [
        { op: 'evict', folio: 999, cpu: 0 },
        /ops\.3\.folio: folio 999 can never exist: the trace's ops create at most 2 folios/,
      ],
    ];
    for (const [op, pattern] of cases) {
      writeFileSync(
        path,
        JSON.stringify({ ...hello, ops: [...hello.ops.slice(0, 3), op] }, null, 2),
      );
      expectOneLineError(await swapcheck(['replay', path], dir), pattern);
    }
  });

  it('reports every schema error of a trace with its line and column', async () => {
    const dir = tempDir();
    const path = join(dir, 'bad.json');
    const bad = {
      ...hello,
      extra: 1,
      ops: [
        ...hello.ops.slice(0, 3),
        { op: 'swapin', holder: '3', order: 0, cpu: 0 },
        { op: 'teleport', cpu: 0 },
      ],
    };
    writeFileSync(path, JSON.stringify(bad, null, 2));
    const result = await swapcheck(['replay', path], dir);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    const text = readFileSync(path, 'utf8').split('\n');
    const at = (needle: string) => `${text.findIndex((line) => line.includes(needle)) + 1}:`;
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^swapcheck: .*bad\\.json:${at('"holder": "3"')}\\d+: ops\\.3\\.holder: Invalid type: Expected number but received "3"$`,
        ),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`bad\\.json:${at('"extra"')}3: extra: unknown field "extra"$`),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`bad\\.json:${at('"teleport"')}\\d+: ops\\.4\\.op: `)),
    );
    writeFileSync(path, '{\n  "format": "swapcheck-trace",\n  "version": 1,\n  oops\n}');
    expectOneLineError(await swapcheck(['replay', path], dir), /bad\.json:4:3: not JSON: /);
  });

  it('lists designs and knobs, and how to spell a variant', async () => {
    const result = await swapcheck(['designs']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('vswap-direct-cached');
    expect(result.stdout).toContain('lookupCache');
    expect(result.stdout).toContain('NAME[knob=value,...,mutant=NAME]');
  });
});

describe('swapcheck executable', () => {
  it('is an executable script with a shebang (every build sets the mode again)', () => {
    expect(readFileSync(mainJs, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(mainJs).mode & 0o111, `${mainJs} is not executable`).toBe(0o111);
  });

  it('ends quietly when its reader closes stdout early (designs | head -1), and runs worker threads alike', () => {
    const piped = spawnSync('bash', ['-c', `set -o pipefail; '${mainJs}' designs | head -1`], {
      encoding: 'utf8',
      cwd: tempDir(),
      timeout: 60_000,
    });
    expect(piped.stdout).toBe('built-in designs:\n');
    expect(piped.stderr).toBe('');
    expect(piped.status).toBe(0);
    const base = [
      'run',
      '--seed',
      '5',
      '--runs',
      '6',
      '--max-ops',
      '80',
      '--format',
      'json',
      '--design',
      'classic',
    ];
    const strip = (text: string) =>
      JSON.parse(text).designs.map(
        (d: { runs: number; ops: number; opCounts: unknown; marks: unknown }) => [
          d.runs,
          d.ops,
          d.opCounts,
          d.marks,
        ],
      );
    const one = spawnSync(process.execPath, [mainJs, ...base], {
      encoding: 'utf8',
      cwd: tempDir(),
      timeout: 120_000,
    });
    const two = spawnSync(process.execPath, [mainJs, ...base, '--workers', '2'], {
      encoding: 'utf8',
      cwd: tempDir(),
      timeout: 120_000,
    });
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    expect(strip(two.stdout)).toEqual(strip(one.stdout));
  });
});

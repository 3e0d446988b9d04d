/**
 * Printed commands run as printed: a failing run's `replay:` and `reproduce:` lines and its
 * closing `reproduce:` line, a failing validation's, and the explorer's, are pasted into bash
 * and into sh (dash) in another folder outside the repository, with no `swapcheck` on PATH
 * (so they start with `node /absolute/.../main.js`), and must give the same failure; file
 * names are shell-safe; a design whose name needs quoting (`classic[mutant=...]`) is quoted.
 *
 * Method: spawn the compiled CLI, then spawn shells on the lines it printed. Not covered here:
 * the README walkthrough with `swapcheck` on PATH (cli/walkthrough.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
// The CLI prints its own path resolved through links.
const mainJs = realpathSync(join(root, 'dist', 'cli', 'main.js'));
const env = {
  ...process.env,
  PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
};

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'swapcheck-reproduce-'));
}

function swapcheck(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [mainJs, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function shell(shellName: string, line: string, cwd: string) {
  const result = spawnSync(shellName, ['-c', line], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The command after `label` on the line that starts with it. */
function printed(stdout: string, label: RegExp): string {
  const match = new RegExp(`^${label.source}(.*)$`, 'm').exec(stdout);
  expect(match, `no ${label.source} line in:\n${stdout}`).not.toBeNull();
  return (match?.[1] ?? '').trim();
}

const invocation = `node ${mainJs}`;

describe('printed commands', () => {
  it('of a failing run reproduce it when pasted into bash or sh from another folder', () => {
    const dir = tempDir();
    const run = swapcheck(
      [
        'run',
        '--design',
        'classic[mutant=shadow-left-after-free]',
        '--design',
        'vswap-direct[lookupCache=validated]',
        '--seed',
        '2',
        '--runs',
        '10',
        '--max-ops',
        '300',
      ],
      dir,
    );
    expect(run.code, run.stderr).toBe(1);
    const fail = /^FAIL .*$/m.exec(run.stdout)?.[0] ?? '';
    const replay = printed(run.stdout, / {2}replay: +/);
    const reproduce = printed(run.stdout, / {2}reproduce: +/);
    const closing = printed(run.stdout, /reproduce: /);
    expect(replay.startsWith(`${invocation} replay /`)).toBe(true);
    expect(reproduce).toBe(
      `${invocation} run --seed 2 --run 2 --max-ops 300 --knobs fixed --design 'classic[mutant=shadow-left-after-free]'`,
    );
    expect(closing).toContain("--design 'vswap-direct[lookupCache=validated]'");
    for (const name of readdirSync(join(dir, 'swapcheck-failures')))
      expect(name).toMatch(/^[a-z0-9-]+\.json$/);
    const elsewhere = tempDir();
    const replayed = shell('bash', replay, elsewhere);
    expect(replayed.code, replayed.stderr).toBe(1);
    expect(replayed.stdout).toContain('the state differs at op #7 evict(folio=1) @cpu0');
    // The line with a quoted design, in both shells.
    for (const sh of ['bash', 'sh']) {
      const again = shell(sh, reproduce, elsewhere);
      expect(again.code, again.stderr).toBe(1);
      expect((/^FAIL .*$/m.exec(again.stdout)?.[0] ?? '').replace(/in \d+ ms/, '')).toBe(
        fail.replace(/in \d+ ms/, ''),
      );
    }
    const whole = shell('bash', closing, elsewhere);
    expect(whole.code, whole.stderr).toBe(1);
    expect(whole.stdout.trim().split('\n').at(-1)).toBe(run.stdout.trim().split('\n').at(-1));
  });

  it('of a run that failed on knobs of the swarm name those knobs and replay that run exactly', () => {
    const dir = tempDir();
    // The pinned-cache bug on vswap-direct, whose preset has no cache: only the swarm's runs
    // with lookupCache=pinned (runs 5 to 9, the first block off the preset) can fail.
    const run = swapcheck(
      [
        'run',
        '--design',
        'vswap-direct[mutant=pinned-permanent-leak]',
        '--seed',
        '2',
        '--runs',
        '20',
        '--max-ops',
        '300',
        '--no-db',
      ],
      dir,
    );
    expect(run.code, run.stderr).toBe(1);
    const fail = /^FAIL .*$/m.exec(run.stdout)?.[0] ?? '';
    expect(fail).toMatch(
      /^FAIL vswap-direct\[mutant=pinned-permanent-leak\] on vswap-direct\[lookupCache=pinned,mutant=pinned-permanent-leak\]: run 5 /,
    );
    const reproduce = printed(run.stdout, / {2}reproduce: +/);
    expect(reproduce).toBe(
      `${invocation} run --seed 2 --run 5 --max-ops 300 --knobs fixed --design 'vswap-direct[lookupCache=pinned,mutant=pinned-permanent-leak]'`,
    );
    const again = shell('bash', reproduce, tempDir());
    expect(again.code, again.stderr).toBe(1);
    const failAgain = /^FAIL .*$/m.exec(again.stdout)?.[0] ?? '';
    expect(failAgain.replace(/in \d+ ms/, '')).toBe(
      fail.replace(/in \d+ ms/, '').replace(/^FAIL \S+ on /, 'FAIL '),
    );
  });

  it('of a failing validation and of the explorer replay their traces when pasted', () => {
    const dir = tempDir();
    const broken = join(root, 'dist', 'examples', 'lazy-rmap', 'broken.js');
    const validate = swapcheck(
      ['validate', broken, '--runs', '8', '--seed', '3', '--out', 'found'],
      dir,
    );
    expect(validate.code, validate.stderr).toBe(1);
    const elsewhere = tempDir();
    const replay = shell('bash', printed(validate.stdout, / {2}replay: +/), elsewhere);
    expect(replay.code, replay.stderr).toBe(1);
    expect(replay.stdout).toMatch(/\(lazy-rmap-broken\): FAILS/);
    const reproduce = shell('sh', printed(validate.stdout, / {2}reproduce: +/), elsewhere);
    expect(reproduce.code, reproduce.stderr).toBe(1);
    expect(reproduce.stdout).toMatch(/^FAIL lazy-rmap-broken: run 0 /m);
    const explore = swapcheck(
      [
        'explore',
        '--mode',
        'exhaustive',
        '--mutant',
        'swapoff-no-pin',
        '--seed',
        '3',
        '--time',
        '60s',
        '--shrink-time',
        '2s',
      ],
      dir,
    );
    expect(explore.code, explore.stderr).toBe(1);
    const exploreReplay = shell('bash', printed(explore.stdout, /replay: /), elsewhere);
    expect(exploreReplay.code, exploreReplay.stderr).toBe(1);
    expect(exploreReplay.stdout).toMatch(/FAILS$/m);
  });
});

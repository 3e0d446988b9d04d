/**
 * Interrupted runs: SIGINT or SIGTERM stops the campaign, the summary is printed, every
 * requested report is written and marked interrupted (JSON `interrupted`, a JUnit property and
 * skipped cases, a KTAP diagnostic and SKIP directives), a failure found but not yet shrunk is
 * saved unshrunk with the commands that replay and shrink it, and the progress line is cleared
 * from the terminal; exit 1 when something failed, else 130 (SIGINT) or 143 (SIGTERM).
 *
 * Method: in-process runs whose captured io fires the interrupt from the progress hook (the
 * moment is exact), and two child processes that get real signals: one between runs, one while
 * a shrink runs on its worker thread. Not covered here: uninterrupted reports (cli/reports.test.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runCaptured, type CapturedIo } from './captured-io.ts';
import { parseKtap } from './ktap-parse.ts';
import { main } from './program.ts';

const mainJs = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'swapcheck-interrupt-'));
}

/** Interrupts once stderr shows `text`. */
function interruptWhen(text: string, signal: 'SIGINT' | 'SIGTERM') {
  let fired = false;
  return (io: CapturedIo) => {
    if (!fired && io.stderr().includes(text)) {
      fired = true;
      io.interrupt(signal);
    }
  };
}

/** Runs the compiled CLI, sends `signal` once its output shows `text`; resolves on exit. */
function runAndSignal(args: string[], cwd: string, text: string, signal: NodeJS.Signals) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>(
    (resolve) => {
      const child = spawn(process.execPath, [mainJs, ...args], {
        cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let sent = 0;
      const watch = () => {
        if (sent === 0 && (stdout + stderr).includes(text)) {
          sent = performance.now();
          child.kill(signal);
        }
      };
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        watch();
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        watch();
      });
      child.on('exit', (code) => resolve({ code, stdout, stderr, ms: performance.now() - sent }));
    },
  );
}

describe('an interrupted run', () => {
  it('saves the failure found but not shrunk, prints the summary and writes every report marked interrupted', async () => {
    const dir = tempDir();
    const args = [
      'run',
      '--design',
      'classic[mutant=shadow-left-after-free]',
      '--design',
      'classic',
      '--seed',
      '2',
      '--runs',
      '200',
      '--max-ops',
      '300',
      '--json',
      'r.json',
      '--junit',
      'r.xml',
      '--ktap',
      'r.ktap',
    ];
    const run = await runCaptured(main, args, dir, interruptWhen('a run failed', 'SIGINT'), true);
    expect(run.code, run.stderr).toBe(1);
    // The progress line is cleared before the interrupt is reported.
    expect(run.stderr).toContain('\r\x1b[2Kswapcheck: SIGINT: stopping');
    expect(run.stderr.endsWith('\r\x1b[2K')).toBe(true);
    expect(run.stdout).toMatch(
      /^FAIL classic\[mutant=shadow-left-after-free\]: run 2 .*, not shrunk \(interrupted\)$/m,
    );
    expect(run.stdout).toMatch(/^interrupted by SIGINT: the summary covers the runs done$/m);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('2 passed, 1 failed');
    const trace = join(
      dir,
      'swapcheck-failures',
      'classic-mutant-shadow-left-after-free-seed2-run2.unshrunk.json',
    );
    expect(JSON.parse(readFileSync(trace, 'utf8')).ops).toHaveLength(141);
    expect(run.stdout).toMatch(/^ {2}replay: {4}.* replay .*run2\.unshrunk\.json$/m);
    expect(run.stdout).toMatch(/^ {2}shrink: {4}.* shrink .*run2\.unshrunk\.json$/m);
    expect((await runCaptured(main, ['replay', trace], dir)).code).toBe(1);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(json).toMatchObject({ interrupted: true, signal: 'SIGINT', failed: 1 });
    expect(
      json.designs.map((d: { interrupted: boolean; runs: number }) => [d.interrupted, d.runs]),
    ).toEqual([
      [false, 3],
      [true, 0],
    ]);
    expect(json.designs[0].failure).toMatchObject({
      unshrunk: true,
      opsBefore: 141,
      opsAfter: 141,
    });
    const xml = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => name === 'testcase' || name === 'property',
    }).parse(readFileSync(join(dir, 'r.xml'), 'utf8'));
    const suite = xml.testsuites.testsuite;
    expect(suite.properties.property).toContainEqual({
      '@_name': 'interrupted',
      '@_value': 'true',
    });
    const classic = (
      suite.testcase as { '@_classname': string; skipped?: { '@_message': string } }[]
    ).filter((c) => c['@_classname'] === 'swapcheck.classic');
    expect(classic.map((c) => c.skipped?.['@_message'])).toEqual(
      Array(5).fill('interrupted before a run on this config'),
    );
    const ktapText = readFileSync(join(dir, 'r.ktap'), 'utf8');
    expect(ktapText).toMatch(/^# interrupted by SIGINT/m);
    const ktap = parseKtap(ktapText);
    expect(ktap[1]).toMatchObject({ name: 'classic', ok: true, directive: 'SKIP no run' });
  });

  it('exits 130 when nothing failed, with the runs done in the summary', async () => {
    const dir = tempDir();
    const run = await runCaptured(
      main,
      [
        'run',
        '--design',
        'classic',
        '--seed',
        '1',
        '--runs',
        '100000',
        '--max-ops',
        '50',
        '--json',
        'r.json',
      ],
      dir,
      interruptWhen('classic:', 'SIGINT'),
      true,
    );
    expect(run.code).toBe(130);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(json.interrupted).toBe(true);
    expect(json.designs[0].runs).toBeGreaterThan(0);
    expect(json.designs[0].runs).toBeLessThan(100000);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(`${json.designs[0].runs} passed, 0 failed`);
  });

  it('honours a real SIGTERM between runs, and a real SIGINT during a shrink on its thread', async () => {
    const dir = tempDir();
    const term = await runAndSignal(
      ['run', '--design', 'classic', '--time', '120s', '--max-ops', '50', '--json', 'r.json'],
      dir,
      'swapcheck run: seed',
      'SIGTERM',
    );
    expect(term.code, term.stderr).toBe(143);
    expect(term.ms).toBeLessThan(20_000);
    expect(term.stdout).toMatch(/^interrupted by SIGTERM/m);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toMatchObject({
      interrupted: true,
      signal: 'SIGTERM',
    });
    // This mutant's first failing run has hundreds of ops and takes seconds to shrink.
    const shrinking = await runAndSignal(
      [
        'run',
        '--design',
        'vswap-direct[mutant=bitmap-bad-slot-used]',
        '--seed',
        '1',
        '--runs',
        '20',
        '--max-ops',
        '2000',
        '--no-db',
      ],
      dir,
      'shrinking it',
      'SIGINT',
    );
    expect(shrinking.code, shrinking.stderr).toBe(1);
    expect(shrinking.ms).toBeLessThan(5_000);
    expect(shrinking.stdout).toMatch(/not shrunk \(interrupted\)$/m);
    const unshrunk = readdirSync(join(dir, 'swapcheck-failures')).filter((name) =>
      name.endsWith('.unshrunk.json'),
    );
    expect(unshrunk).toHaveLength(1);
    expect(existsSync(join(dir, 'swapcheck-failures', unshrunk[0] as string))).toBe(true);
  });
});

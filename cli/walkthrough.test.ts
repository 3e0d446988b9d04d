/**
 * The README's "Finding a bug" walkthrough, executed: every `$ command` of its console blocks
 * runs in bash, in order, in one folder outside the repository, with `swapcheck` on PATH (a
 * link to the built dist/cli/main.js, as `npm link` makes); each output line the README shows
 * must appear in the command's stdout, in that order (`...` stands for any lines;
 * `/home/you/work` for the folder; `in N ms` for a timing). The commands the walkthrough
 * pastes must be exactly the `reproduce:` and `replay:` lines the first command printed.
 * Also the README's CI snippet: its `swapcheck` commands run as written for every shard of the
 * matrix (with a smaller `--runs`), then its merge.
 *
 * Method: spawn bash on the README's lines. Not covered here: the quick start (every test
 * runs from a checkout after `npm ci`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** A folder outside the repository and a PATH with `swapcheck` on it. */
function sandbox(): { work: string; env: NodeJS.ProcessEnv } {
  const base = mkdtempSync(join(tmpdir(), 'swapcheck-walkthrough-'));
  const bin = join(base, 'bin');
  const work = join(base, 'work');
  mkdirSync(bin);
  mkdirSync(work);
  symlinkSync(join(root, 'dist', 'cli', 'main.js'), join(bin, 'swapcheck'));
  const path = [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
  return { work, env: { ...process.env, PATH: path } };
}

function section(title: string): string {
  const start = readme.indexOf(`## ${title}\n`);
  const end = readme.indexOf('\n## ', start + 4);
  expect(start, `README has no section ${title}`).toBeGreaterThanOrEqual(0);
  return readme.slice(start, end < 0 ? undefined : end);
}

interface Step {
  readonly command: string;
  readonly expected: string[];
}

function consoleSteps(text: string): Step[] {
  const steps: Step[] = [];
  for (const block of text.matchAll(/```console\n([\s\S]*?)```/g)) {
    for (const line of (block[1] as string).split('\n')) {
      if (line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: [] });
      else if (line !== '') steps.at(-1)?.expected.push(line);
    }
  }
  return steps;
}

function normalize(text: string, work: string): string[] {
  return text.split('\n').map((line) => line.replaceAll(work, '/home/you/work').replace(/in \d+ ms/, 'in N ms'));
}

/** Checks that `expected` (with `...` for any lines) appears in `actual` in order. */
function expectInOrder(actual: readonly string[], expected: readonly string[], command: string): void {
  let at = 0;
  for (const line of expected) {
    if (line === '...') continue;
    const found = actual.indexOf(line, at);
    expect(found, `after \`${command}\`, expected the line:\n${line}\nin:\n${actual.join('\n')}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}

describe('the README', () => {
  it('finding a bug: every command runs as shown, outside the repository, and pastes what was printed', () => {
    const { work, env } = sandbox();
    const steps = consoleSteps(section('Finding a bug'));
    expect(steps.length).toBeGreaterThanOrEqual(5);
    const printed: string[] = [];
    for (const step of steps) {
      const result = spawnSync('bash', ['-c', step.command.replaceAll('/home/you/work', work)], { cwd: work, env, encoding: 'utf8', timeout: 120_000 });
      expect(result.status === 0 || result.status === 1, `${step.command}: exit ${result.status}\n${result.stderr}`).toBe(true);
      expect(result.stderr).not.toMatch(/^swapcheck: /m);
      const actual = normalize(result.stdout, work);
      expectInOrder(actual, step.expected, step.command);
      printed.push(...actual);
    }
    // The walkthrough pastes exactly what the first command printed.
    const reproduce = printed.find((line) => line.startsWith('  reproduce: '))?.slice('  reproduce: '.length);
    const replay = printed.find((line) => line.startsWith('  replay:    '))?.slice('  replay:    '.length);
    expect(steps.map((step) => step.command)).toContain(reproduce);
    expect(steps.map((step) => step.command.replace(/ --verbose$/, ''))).toContain(replay);
  });

  it('in CI: the snippet\'s commands run for every shard of its matrix, and the merge gives one JUnit report', () => {
    const { work, env } = sandbox();
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section('In CI'))?.[1] ?? '';
    const shards = /shard: \[([\d, ]+)\]/.exec(yaml)?.[1]?.split(',').map((n) => n.trim()) ?? [];
    const commands = [...yaml.matchAll(/- run: (npx swapcheck .*)$/gm)].map((m) => m[1] as string);
    expect(shards).toEqual(['1', '2', '3', '4']);
    expect(commands).toHaveLength(2);
    // A smaller budget than the snippet's, so the test stays fast; everything else as written.
    const shard = (n: string) => (commands[0] as string).replaceAll('${{ matrix.shard }}', n).replace('--runs 400', '--runs 4').replace(/^npx /, '');
    for (const n of shards) {
      const result = spawnSync('bash', ['-c', shard(n)], { cwd: work, env, encoding: 'utf8', timeout: 120_000 });
      expect(result.status, result.stderr).toBe(0);
    }
    const merge = spawnSync('bash', ['-c', (commands[1] as string).replace(/^npx /, '')], { cwd: work, env, encoding: 'utf8', timeout: 60_000 });
    expect(merge.status, merge.stderr).toBe(0);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(join(work, 'swapcheck.xml'), 'utf8'));
    expect(Number(xml.testsuites.testsuite['@_tests'])).toBe(25);
    expect(Number(xml.testsuites.testsuite['@_failures'])).toBe(0);
  });
});

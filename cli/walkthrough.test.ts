/**
 * The documentation's commands, executed, so that no page shows a command that fails or an
 * output the tool no longer prints. Covered: the README's "Finding a bug" walkthrough, the
 * tutorial (docs/tutorial.md) and the how-to pages (docs/how-to-*.md). Every `$ command` of
 * their console blocks runs in bash, in order, in one folder outside the repository per page,
 * with `swapcheck` on PATH (a link to the built dist/cli/main.js, as `npm link` makes); each
 * output line a page shows must appear in what the command printed (stdout, then stderr), in
 * that order. Conventions the pages state: `...` stands for any lines, `/home/you/work` for the
 * folder the commands run in, `/home/you/swapcheck` for the checkout, `in N ms` and
 * `N s to boot` for timings. A command may span lines only as a heredoc (`<<'EOF'` up to
 * `EOF`). Exit codes 0 and 1 are accepted (the pages say which they expect); 2 only where the
 * page shows the `swapcheck: ` error line.
 *
 * Also: the commands the README walkthrough pastes are exactly the `reproduce:` and `replay:`
 * lines its first command printed; the CI how-to's workflow runs its `swapcheck` commands for
 * every shard of its matrix (with a smaller `--runs`) and then its merges; every relative
 * Markdown link in README.md and docs/ names a file that exists; and the docs index
 * (docs/README.md) links every page of docs/.
 *
 * Not executed: ```sh blocks (installing, `npm link`, root-only steps such as
 * `npm run kernel:setup` and running a reproducer on a real machine) and, where User-Mode
 * Linux is missing (kernel/uml.ts findUml()), the commands that boot it (`swapcheck kernel`
 * without `--emit-only` or `--profile`) and `gcc`; those pages show them but the test skips
 * them. Method: spawn bash on the pages' lines.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { findUml } from '../kernel/uml.ts';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const uml = findUml();

/** A folder outside the repository and a PATH with `swapcheck` on it. */
function sandbox(): { work: string; env: NodeJS.ProcessEnv } {
  const base = mkdtempSync(join(tmpdir(), 'swapcheck-walkthrough-'));
  const bin = join(base, 'bin');
  const work = join(base, 'work');
  mkdirSync(bin);
  mkdirSync(work);
  symlinkSync(join(root, 'dist', 'cli', 'main.js'), join(bin, 'swapcheck'));
  const path = [
    bin,
    dirname(process.execPath),
    '/usr/local/bin',
    '/usr/bin',
    '/bin',
    '/usr/sbin',
    '/sbin',
  ].join(':');
  return { work, env: { ...process.env, PATH: path } };
}

function section(text: string, title: string): string {
  const start = text.indexOf(`## ${title}\n`);
  const end = text.indexOf('\n## ', start + 4);
  expect(start, `no section ${title}`).toBeGreaterThanOrEqual(0);
  return text.slice(start, end < 0 ? undefined : end);
}

interface Step {
  command: string;
  readonly expected: string[];
}

/** The `$ command` lines of every console block, each with the output lines shown under it. */
function consoleSteps(text: string): Step[] {
  const steps: Step[] = [];
  for (const block of text.matchAll(/```console\n([\s\S]*?)```/g)) {
    let heredoc: string | null = null;
    for (const line of (block[1] as string).split('\n')) {
      const step = steps.at(-1);
      if (heredoc !== null && step !== undefined) {
        step.command += `\n${line}`;
        if (line === heredoc) heredoc = null;
      } else if (line.startsWith('$ ')) {
        steps.push({ command: line.slice(2), expected: [] });
        heredoc = /<<-?'?(\w+)'?\s*$/.exec(line)?.[1] ?? null;
      } else if (line !== '') {
        step?.expected.push(line);
      }
    }
  }
  return steps;
}

function normalize(text: string, work: string): string[] {
  return text.split('\n').map((line) =>
    line
      .replaceAll(work, '/home/you/work')
      .replaceAll(root, '/home/you/swapcheck')
      .replace(/in \d+ ms/, 'in N ms')
      .replace(/\d+(\.\d+)? s to boot/, 'N s to boot'),
  );
}

/** Checks that `expected` (with `...` for any lines) appears in `actual` in order. */
function expectInOrder(
  actual: readonly string[],
  expected: readonly string[],
  command: string,
): void {
  let at = 0;
  for (const line of expected) {
    if (line === '...') continue;
    const found = actual.indexOf(line, at);
    expect(
      found,
      `after \`${command}\`, expected the line:\n${line}\nin:\n${actual.join('\n')}`,
    ).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}

/** Commands that boot User-Mode Linux or need its compiler. */
function needsUml(command: string): boolean {
  if (/^gcc\b/.test(command)) return true;
  return /\bswapcheck kernel\b/.test(command) && !/--emit-only|--profile/.test(command);
}

/** Runs a page's steps in a fresh sandbox; returns every line printed, in order. */
function runSteps(steps: readonly Step[]): string[] {
  const { work, env } = sandbox();
  const printed: string[] = [];
  for (const step of steps) {
    if (uml === null && needsUml(step.command)) continue;
    const command = step.command
      .replaceAll('/home/you/work', work)
      .replaceAll('/home/you/swapcheck', root);
    const result = spawnSync('bash', ['-c', command], {
      cwd: work,
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
    const showsError = step.expected.some((line) => line.startsWith('swapcheck: '));
    const allowed = showsError ? [1, 2] : [0, 1];
    expect(
      allowed,
      `${step.command}: exit ${result.status}\n${result.stdout}\n${result.stderr}`,
    ).toContain(result.status);
    if (!showsError) expect(result.stderr, step.command).not.toMatch(/^swapcheck: /m);
    const actual = [...normalize(result.stdout, work), ...normalize(result.stderr, work)];
    expectInOrder(actual, step.expected, step.command);
    printed.push(...actual);
  }
  return printed;
}

function page(name: string): string {
  return readFileSync(join(root, 'docs', name), 'utf8');
}

describe('the README', () => {
  it('finding a bug: every command runs as shown, outside the repository, and pastes what was printed', () => {
    const steps = consoleSteps(section(readme, 'Finding a bug'));
    expect(steps.length).toBeGreaterThanOrEqual(5);
    const printed = runSteps(steps);
    // The walkthrough pastes exactly what the first command printed.
    const reproduce = printed
      .find((line) => line.startsWith('  reproduce: '))
      ?.slice('  reproduce: '.length);
    const replay = printed
      .find((line) => line.startsWith('  replay:    '))
      ?.slice('  replay:    '.length);
    expect(steps.map((step) => step.command)).toContain(reproduce);
    expect(steps.map((step) => step.command.replace(/ --verbose$/, ''))).toContain(replay);
  });
});

describe.each([
  'tutorial.md',
  'how-to-run-in-ci.md',
  'how-to-validate-a-proposal.md',
  'how-to-write-a-trace.md',
  'how-to-run-on-a-kernel.md',
])('docs/%s', (name) => {
  it('every $ command runs as shown, outside the repository', () => {
    const steps = consoleSteps(page(name));
    expect(steps.length, `${name} has console blocks`).toBeGreaterThanOrEqual(3);
    runSteps(steps);
  });
});

describe('the CI how-to', () => {
  it("its workflow's commands run for every shard of its matrix, and the merges give one JUnit and one KTAP report", () => {
    const { work, env } = sandbox();
    const yaml = /```yaml\n([\s\S]*?)```/.exec(page('how-to-run-in-ci.md'))?.[1] ?? '';
    const shards =
      /shard: \[([\d, ]+)\]/
        .exec(yaml)?.[1]
        ?.split(',')
        .map((n) => n.trim()) ?? [];
    const commands = [...yaml.matchAll(/- run: (npx swapcheck .*)$/gm)].map((m) => m[1] as string);
    expect(shards).toEqual(['1', '2', '3', '4']);
    expect(commands).toHaveLength(3);
    // A smaller budget than the workflow's, so the test stays fast; everything else as written.
    const shard = (n: string) =>
      (commands[0] as string)
        .replaceAll('${{ matrix.shard }}', n)
        .replace('--runs 400', '--runs 5')
        .replace(/^npx /, '');
    for (const n of shards) {
      const result = spawnSync('bash', ['-c', shard(n)], {
        cwd: work,
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(result.status, result.stderr).toBe(0);
    }
    for (const merge of commands.slice(1)) {
      const result = spawnSync('bash', ['-c', merge.replace(/^npx /, '')], {
        cwd: work,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status, result.stderr).toBe(0);
    }
    const xml = new XMLParser({ ignoreAttributes: false }).parse(
      readFileSync(join(work, 'swapcheck.xml'), 'utf8'),
    );
    expect(Number(xml.testsuites.testsuite['@_tests'])).toBe(25);
    expect(Number(xml.testsuites.testsuite['@_failures'])).toBe(0);
    const ktap = readFileSync(join(work, 'swapcheck.ktap'), 'utf8');
    expect(ktap.split('\n')[0]).toBe('KTAP version 1');
    expect(ktap).toMatch(/^# Totals: pass:25 fail:0 skip:0 total:25$/m);
  });
});

describe("the documentation's links", () => {
  const pages = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((file) => file.endsWith('.md'))
      .map((file) => `docs/${file}`),
  ];

  it.each(pages)('%s: every relative link names a file that exists', (path) => {
    const text = readFileSync(join(root, path), 'utf8');
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = (match[1] as string).split('#')[0] as string;
      if (target === '' || /^[a-z]+:/.test(target)) continue;
      expect(existsSync(join(root, dirname(path), target)), `${path} links ${target}`).toBe(true);
    }
  });

  it('the docs index links every page of docs/', () => {
    const index = page('README.md');
    for (const file of readdirSync(join(root, 'docs')).filter(
      (name) => name.endsWith('.md') && name !== 'README.md',
    )) {
      expect(index, `docs/README.md links ${file}`).toContain(`](${file})`);
    }
  });
});

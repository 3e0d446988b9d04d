/**
 * The CI reports of `swapcheck run`: JUnit XML checked with an XML parser, KTAP v1 checked with
 * a small KTAP parser written here from Documentation/dev-tools/ktap.rst (version lines, plans,
 * numbered results, subtests indented four spaces, SKIP directives, no '#' in descriptions);
 * both keep the same test names across two seeds (one case per design and config, counts and
 * seeds only in properties and diagnostics); `merge` of the shards' JSON reports equals the
 * unsharded campaign and renders the same names; merging reports of different campaigns or
 * with a shard missing is an input error.
 *
 * Method: in-process runs through main() in temporary folders. Not covered here: interrupted
 * reports (cli/interrupt.test.ts).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { designNames } from '../properties/design-registry.ts';
import { runCaptured } from './captured-io.ts';
import { parseKtap } from './ktap-parse.ts';
import { main } from './program.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'swapcheck-reports-'));
}

function swapcheck(args: string[], cwd = tempDir()) {
  return runCaptured(main, args, cwd);
}

interface JunitCase {
  readonly '@_classname': string;
  readonly '@_name': string;
  readonly failure?: unknown;
  readonly skipped?: unknown;
}

function parseJunit(text: string) {
  const xml = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'testcase' || name === 'property',
  }).parse(text);
  const suite = xml.testsuites.testsuite;
  const properties = Object.fromEntries(
    (suite.properties.property as { '@_name': string; '@_value': string }[]).map((p) => [
      p['@_name'],
      p['@_value'],
    ]),
  );
  return { suites: xml.testsuites, suite, cases: suite.testcase as JunitCase[], properties };
}

const configs = ['tiny', 'default', 'tiny-disk', 'default-disk', 'tiny-memcg'];

describe('JUnit and KTAP reports', () => {
  it('parse, and keep the same test names for two seeds: one case per design and config', async () => {
    const dir = tempDir();
    const names: { junit: string[]; ktap: string[] }[] = [];
    for (const seed of ['1', '2']) {
      const run = await swapcheck(
        [
          'run',
          '--seed',
          seed,
          '--runs',
          '8',
          '--max-ops',
          '60',
          '--junit',
          `r${seed}.xml`,
          '--ktap',
          `r${seed}.ktap`,
          '--format',
          'junit',
        ],
        dir,
      );
      expect(run.code, run.stderr).toBe(0);
      const junit = parseJunit(readFileSync(join(dir, `r${seed}.xml`), 'utf8'));
      expect(run.stdout).toBe(readFileSync(join(dir, `r${seed}.xml`), 'utf8'));
      expect(Number(junit.suite['@_tests'])).toBe(designNames().length * configs.length);
      expect(Number(junit.suite['@_failures'])).toBe(0);
      expect(junit.suite['@_name']).toBe('swapcheck run');
      expect(junit.properties).toMatchObject({ seed, interrupted: 'false', budget: '8 runs' });
      expect(junit.cases.every((c) => c.failure === undefined && c.skipped === undefined)).toBe(
        true,
      );
      const ktap = parseKtap(readFileSync(join(dir, `r${seed}.ktap`), 'utf8'));
      expect(ktap.map((t) => t.name)).toEqual(designNames());
      expect(
        ktap.every(
          (t) =>
            t.ok &&
            t.subtests?.length === configs.length &&
            t.subtests.every((s) => s.ok && s.directive === null),
        ),
      ).toBe(true);
      names.push({
        junit: junit.cases.map((c) => `${c['@_classname']} ${c['@_name']}`),
        ktap: ktap.flatMap((t) => (t.subtests ?? []).map((s) => `${t.name} ${s.name}`)),
      });
    }
    expect(names[1]).toEqual(names[0]);
    expect(names[0]?.junit).toContain('swapcheck.classic tiny-disk');
    expect(names[0]?.ktap).toContain('vswap-direct-cached default');
  });

  it('report a failure on its design and config, with the commands, and skip configs no run reached', async () => {
    const dir = tempDir();
    const run = await swapcheck(
      [
        'run',
        '--design',
        'classic[mutant=shadow-left-after-free]',
        '--seed',
        '2',
        '--runs',
        '200',
        '--max-ops',
        '300',
        '--no-db',
        '--junit',
        'r.xml',
        '--ktap',
        'r.ktap',
        '--json',
        'r.json',
      ],
      dir,
    );
    expect(run.code).toBe(1);
    const junit = parseJunit(readFileSync(join(dir, 'r.xml'), 'utf8'));
    const byName = new Map(junit.cases.map((c) => [c['@_name'], c]));
    expect(byName.get('tiny')?.failure).toBeUndefined();
    expect(byName.get('default')?.failure).toBeUndefined();
    expect(JSON.stringify(byName.get('tiny-disk')?.failure)).toMatch(
      /the state differs at op #7 evict/,
    );
    expect(JSON.stringify(byName.get('tiny-disk')?.failure)).toMatch(/reproduce: .* --run 2 /);
    expect(byName.get('default-disk')?.skipped).toBeDefined();
    const ktap = parseKtap(readFileSync(join(dir, 'r.ktap'), 'utf8'));
    const [design] = ktap;
    expect(design).toMatchObject({ ok: false, name: 'classic[mutant=shadow-left-after-free]' });
    expect(
      design?.subtests?.map((s) => [s.name, s.ok, s.directive?.startsWith('SKIP') ?? false]),
    ).toEqual([
      ['tiny', true, false],
      ['default', true, false],
      ['tiny-disk', false, false],
      ['default-disk', true, true],
      ['tiny-memcg', true, true],
    ]);
    expect(design?.subtests?.[2]?.diagnostics.join('\n')).toMatch(/^replay: .* replay .*\.json$/m);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(json).toMatchObject({
      format: 'swapcheck-run',
      version: 2,
      interrupted: false,
      failed: 1,
    });
    expect(json.designs[0].failure).toMatchObject({
      source: 'run',
      runIndex: 2,
      config: 'tiny-disk',
      unshrunk: false,
      opsAfter: 7,
    });
  });

  it('merge the shards of a campaign into the report of the whole campaign', async () => {
    const dir = tempDir();
    const base = [
      'run',
      '--seed',
      '5',
      '--runs',
      '6',
      '--max-ops',
      '80',
      '--design',
      'classic',
      '--design',
      'vswap-direct',
    ];
    const whole = await swapcheck([...base, '--json', 'whole.json'], dir);
    expect(whole.code).toBe(0);
    for (const shard of ['1/3', '2/3', '3/3']) {
      expect(
        (await swapcheck([...base, '--shard', shard, '--json', `shard${shard[0]}.json`], dir)).code,
      ).toBe(0);
    }
    const merged = await swapcheck(['merge', 'shard1.json', 'shard2.json', 'shard3.json'], dir);
    expect(merged.code, merged.stderr).toBe(0);
    const expected = JSON.parse(readFileSync(join(dir, 'whole.json'), 'utf8'));
    const actual = JSON.parse(merged.stdout);
    const strip = (report: {
      designs: { runs: number; ops: number; opCounts: unknown; marks: unknown; configs: unknown }[];
    }) => report.designs.map((d) => [d.runs, d.ops, d.opCounts, d.marks, d.configs]);
    expect(strip(actual)).toEqual(strip(expected));
    expect(actual.shard).toEqual({ indices: [1, 2, 3], count: 3 });
    expect(actual.reproduce).toBe(expected.reproduce);
    const junit = await swapcheck(
      ['merge', 'shard3.json', 'shard1.json', 'shard2.json', '--format', 'junit'],
      dir,
    );
    expect(parseJunit(junit.stdout).cases).toHaveLength(10);
    expect(
      parseKtap(
        (
          await swapcheck(
            ['merge', 'shard1.json', 'shard2.json', 'shard3.json', '--format', 'ktap'],
            dir,
          )
        ).stdout,
      ),
    ).toHaveLength(2);
    const missing = await swapcheck(['merge', 'shard1.json', 'shard3.json'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('swapcheck: merge: shard 2/3 missing');
    expect((await swapcheck(['merge', 'shard1.json', 'shard1.json'], dir)).stderr).toMatch(
      /shard 1\/3 is given twice/,
    );
    expect((await swapcheck(['merge', 'whole.json', 'shard1.json'], dir)).stderr).toMatch(
      /another campaign/,
    );
  });
});

#!/usr/bin/env node
/**
 * Oracle ablation: shows that the tests notice when the oracle goes blind. In a scratch copy
 * of the working tree it removes, one at a time, each field the checker compares (a line of a
 * list in properties/compared-fields.ts) and each check() call of the audit (impl/audit.ts, the
 * call replaced by `undefined`), runs a fast targeted test subset, and records whether at least
 * one test failed. An ablation no test notices is a blind spot of the oracle's own tests.
 *
 *   node scripts/oracle-ablation.mjs [--only ID,...] [--tests FILE,...] [--out FILE.json]
 *   npm run ablation
 *
 * IDs are `field:VIEW.FIELD` (e.g. `field:entry.shadow`) and `check:ID` (e.g.
 * `check:count-held`). Only a test that runs the oracle counts as a kill, not one that reads
 * the lists (structuralTests below). By default a field's removal runs the comparison's
 * canaries (properties/oracle-fields.test.ts) and a check's the audit's (impl/audit.test.ts);
 * --tests runs the given files for both. The unablated tree must pass the subset first. Exit
 * code 0 when every ablation fails a test, 1 when one survives or does not load, 2 on bad input.
 * docs/oracle-ablation.md has the current result.
 *
 * Not covered here: mutation testing of the oracle's code paths (docs/mutation-testing.md).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
/** The test subset each kind of ablation runs by default: the canaries of that part of the
 * oracle (a narrower subset only makes a kill harder). */
const defaultTests = {
  field: ['properties/oracle-fields.test.ts'],
  check: ['impl/audit.test.ts'],
};
/**
 * Tests that read the lists themselves (a removed field or check no longer has its lie or
 * corruption): they fail on every ablation, so they do not count as a kill. A kill is a test
 * that runs the oracle and sees it miss what it should catch.
 */
const structuralTests = new Set([
  'properties/oracle-fields.test.ts > the compared fields have exactly one lie each',
  'properties/oracle-fields.test.ts > the compared fields include every key a model observation has',
  'impl/audit.test.ts > the audit checks have unique ids, one per check() call of impl/audit.ts',
  'impl/audit.test.ts > the audit checks each have a corruption here, naming its invariant',
]);
const fieldsFile = 'properties/compared-fields.ts';
const auditFile = 'impl/audit.ts';

function fail(message) {
  process.stderr.write(`oracle-ablation: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { only: null, tests: null, out: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(
        'usage: node scripts/oracle-ablation.mjs [--only ID,...] [--tests FILE,...] [--out FILE.json]\n',
      );
      process.exit(0);
    }
    if (!['--only', '--tests', '--out'].includes(flag))
      fail(`unknown option '${flag}' (options: --only, --tests, --out)`);
    if (value === undefined || value.startsWith('--')) fail(`${flag} needs a value`);
    i++;
    if (flag === '--only') args.only = value.split(',').filter((id) => id !== '');
    if (flag === '--tests') args.tests = value.split(',').filter((file) => file !== '');
    if (flag === '--out') args.out = resolve(value);
  }
  return args;
}

async function loadParser() {
  try {
    const { parseSync } = await import('rolldown/experimental');
    return parseSync;
  } catch {
    return fail('needs rolldown (installed with vitest): run npm ci first');
  }
}

/** Calls `visit` on every node of an ESTree-shaped AST. */
function walk(node, visit) {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  if (typeof node.type === 'string') visit(node);
  for (const [key, child] of Object.entries(node)) if (key !== 'parent') walk(child, visit);
}

function parsed(parseSync, file, source) {
  const result = parseSync(file, source);
  if (result.errors.length > 0) fail(`${file} does not parse: ${result.errors[0].message}`);
  return result.program;
}

/** The ablations of the comparison: each property of each `...FieldsCompared` list. */
function fieldAblations(parseSync, source) {
  const views = {
    observationFieldsCompared: 'observation',
    holderFieldsCompared: 'holder',
    entryFieldsCompared: 'entry',
    folioFieldsCompared: 'folio',
    deviceFieldsCompared: 'device',
  };
  const ablations = [];
  walk(parsed(parseSync, fieldsFile, source), (node) => {
    if (node.type !== 'VariableDeclarator' || node.id?.type !== 'Identifier') return;
    const view = views[node.id.name];
    if (view === undefined || node.init?.type !== 'ObjectExpression') return;
    for (const property of node.init.properties) {
      // The property and its trailing comma: the line goes.
      const end = source[property.end] === ',' ? property.end + 1 : property.end;
      ablations.push({
        id: `field:${view}.${property.key.name}`,
        file: fieldsFile,
        start: property.start,
        end,
        replacement: '',
      });
    }
  });
  if (ablations.length === 0) fail(`found no compared fields in ${fieldsFile}`);
  return ablations;
}

/** The ablations of the audit: each check() call, replaced by `undefined`. */
function checkAblations(parseSync, source) {
  const ablations = [];
  walk(parsed(parseSync, auditFile, source), (node) => {
    if (
      node.type !== 'CallExpression' ||
      node.callee?.type !== 'Identifier' ||
      node.callee.name !== 'check'
    )
      return;
    const id = node.arguments[2];
    if (id?.type !== 'Literal' || typeof id.value !== 'string')
      fail(`a check() call at ${auditFile} offset ${node.start} has no id`);
    ablations.push({
      id: `check:${id.value}`,
      file: auditFile,
      start: node.start,
      end: node.end,
      replacement: 'undefined',
    });
  });
  if (ablations.length === 0) fail(`found no check() calls in ${auditFile}`);
  return ablations;
}

/** A copy of the working tree (tracked and untracked, not ignored) with node_modules linked. */
function scratchCopy() {
  const listed = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (listed.status !== 0) fail(`git ls-files failed: ${listed.stderr.trim()}`);
  const dir = mkdtempSync(join(tmpdir(), 'swapcheck-ablation-'));
  // A worktree's node_modules may itself be a symlink that .gitignore's `node_modules/` (a
  // directory pattern) does not match: it is linked below, not copied.
  const files = listed.stdout.split('\0').filter((f) => f !== '' && f !== 'node_modules');
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      cpSync(join(root, file), join(dir, file));
    } catch {
      // A file deleted but not yet staged: leave it out, as the working tree does.
    }
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Runs the subset in `dir`; returns the names of the failed tests (or the load error). */
function runTests(dir, tests) {
  const report = join(dir, '.ablation-report.json');
  rmSync(report, { force: true });
  const run = spawnSync(
    join(dir, 'node_modules', '.bin', 'vitest'),
    ['run', ...tests, '--reporter=json', `--outputFile=${report}`],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  let json;
  try {
    json = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    return {
      failed: [
        `vitest wrote no report (exit ${run.status}): ${run.stderr.split('\n').slice(-3).join(' ')}`,
      ],
      loadError: true,
    };
  }
  const failed = [];
  let loadError = false;
  for (const file of json.testResults) {
    const failedTests = file.assertionResults.filter((test) => test.status === 'failed');
    for (const test of failedTests) {
      const name = `${file.name.slice(dir.length + 1)} > ${test.fullName}`;
      if (!structuralTests.has(name)) failed.push(name);
    }
    if (file.status === 'failed' && failedTests.length === 0) {
      loadError = true;
      failed.push(`${file.name.slice(dir.length + 1)}: ${file.message.split('\n')[0]}`);
    }
  }
  return { failed, loadError };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const parseSync = await loadParser();
  const sources = {
    [fieldsFile]: readFileSync(join(root, fieldsFile), 'utf8'),
    [auditFile]: readFileSync(join(root, auditFile), 'utf8'),
  };
  let ablations = [
    ...fieldAblations(parseSync, sources[fieldsFile]),
    ...checkAblations(parseSync, sources[auditFile]),
  ];
  if (args.only !== null) {
    const known = new Set(ablations.map((a) => a.id));
    const unknown = args.only.filter((id) => !known.has(id));
    if (unknown.length > 0)
      fail(`unknown ablation '${unknown[0]}' (ids: field:VIEW.FIELD, check:ID)`);
    ablations = ablations.filter((a) => args.only.includes(a.id));
  }
  const dir = scratchCopy();
  const results = [];
  let interrupted = false;
  process.on('SIGINT', () => {
    interrupted = true;
  });
  const summary = () => {
    const survived = results.filter((r) => r.failed.length === 0);
    const invalid = results.filter((r) => r.loadError);
    const lines = [
      `ablations: ${results.length} of ${ablations.length} run${interrupted ? ' (interrupted)' : ''}; ` +
        `killed ${results.length - survived.length - invalid.length}, survived ${survived.length}, did not load ${invalid.length}`,
      ...survived.map((r) => `  SURVIVED ${r.id}`),
      ...invalid.map((r) => `  NOT LOADED ${r.id}: ${r.failed[0]}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (args.out !== null) {
      const temp = `${args.out}.tmp`;
      writeFileSync(
        temp,
        `${JSON.stringify({ tests: args.tests ?? defaultTests, ablations: ablations.length, interrupted, results }, null, 2)}\n`,
      );
      renameSync(temp, args.out);
    }
    return survived.length === 0 && invalid.length === 0 ? 0 : 1;
  };
  try {
    const started = Date.now();
    const testsOf = (ablation) => args.tests ?? defaultTests[ablation.id.split(':')[0]];
    const subsets = [...new Set(ablations.flatMap((ablation) => testsOf(ablation)))];
    const baseline = runTests(dir, subsets);
    if (baseline.failed.length > 0)
      fail(`the unablated tree fails the subset: ${baseline.failed[0]}`);
    process.stdout.write(
      `baseline: the subset passes (${((Date.now() - started) / 1000).toFixed(1)} s): ${subsets.join(' ')}\n`,
    );
    for (const ablation of ablations) {
      if (interrupted) break;
      const source = sources[ablation.file];
      const ablated =
        source.slice(0, ablation.start) + ablation.replacement + source.slice(ablation.end);
      const check = parseSync(ablation.file, ablated);
      if (check.errors.length > 0)
        fail(`ablating ${ablation.id} breaks the syntax of ${ablation.file}`);
      writeFileSync(join(dir, ablation.file), ablated);
      const t0 = Date.now();
      const { failed, loadError } = runTests(dir, testsOf(ablation));
      writeFileSync(join(dir, ablation.file), source);
      const ms = Date.now() - t0;
      results.push({ id: ablation.id, failed, loadError, ms });
      const verdict = loadError
        ? 'NOT LOADED'
        : failed.length === 0
          ? 'SURVIVED'
          : `killed by ${failed.length}`;
      process.stdout.write(
        `${ablation.id.padEnd(44)} ${verdict.padEnd(14)} ${(ms / 1000).toFixed(1)} s${failed.length > 0 ? `  (${failed[0]})` : ''}\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(summary());
}

await main();

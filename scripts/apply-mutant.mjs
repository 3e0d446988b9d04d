#!/usr/bin/env node
/**
 * Checks Stryker mutants by hand: applies one mutant of a Stryker JSON report to its source
 * file, runs a test command, restores the file, and prints KILLED (the command failed),
 * SURVIVED (it passed) or LOOP (no result within the limit). This is how a timeout reported
 * under load, or a survivor a new test is meant to kill, is sorted out (docs/mutation-testing.md).
 *
 *   node scripts/apply-mutant.mjs REPORT.json FILE ID[,ID...] [--limit SECONDS] [-- CMD ARGS...]
 *
 * The default command is the light subset: `npx vitest run -c vitest.stryker.config.ts --bail 1`
 * with SWAPCHECK_SUBSET=light. The mutant is written into the working tree (so run it in a
 * tree of its own, never beside an edit in progress); the original is put back through a temp
 * file and a rename, also on SIGINT and SIGTERM. The report must have been made from the
 * file's current text: the script refuses a report whose stored source differs.
 *
 * Not covered here: running Stryker itself (`npm run mutation`), or mutants of several files.
 */
import { spawn } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

function fail(message) {
  process.stderr.write(`apply-mutant: ${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const dashes = args.indexOf('--');
const own = dashes < 0 ? args : args.slice(0, dashes);
const command =
  dashes < 0
    ? ['npx', 'vitest', 'run', '-c', 'vitest.stryker.config.ts', '--bail', '1']
    : args.slice(dashes + 1);
let limitSeconds = 120;
const limitAt = own.indexOf('--limit');
if (limitAt >= 0) {
  limitSeconds = Number(own[limitAt + 1]);
  if (!Number.isFinite(limitSeconds) || limitSeconds <= 0) fail(`bad --limit ${own[limitAt + 1]}`);
  own.splice(limitAt, 2);
}
if (own.length !== 3 || command.length === 0) {
  fail('usage: apply-mutant.mjs REPORT.json FILE ID[,ID...] [--limit SECONDS] [-- CMD ARGS...]');
}
const [reportPath, file, idList] = own;
let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch (error) {
  fail(`cannot read report ${reportPath}: ${error.message}`);
}
const entry = report.files?.[file];
if (entry === undefined) fail(`report ${reportPath} has no file ${file}`);
const original = readFileSync(file, 'utf8');
if (entry.source !== original)
  fail(`${file} differs from the source in ${reportPath}; rerun Stryker first`);

/** Writes `text` to `file` through a temp file and a rename. */
function put(text) {
  const temp = `${file}.apply-mutant.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/** The source offset of a 1-based line and 1-based column of the report. */
function offsetOf(lines, position) {
  let offset = 0;
  for (let i = 0; i < position.line - 1; i++) offset += lines[i].length + 1;
  return offset + position.column - 1;
}

let running = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (running !== null) {
      try {
        process.kill(-running.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    put(original);
    process.exit(130);
  });
}

/** Runs the command with the mutant applied: KILLED, SURVIVED or LOOP. */
function runOnce() {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), {
      stdio: 'ignore',
      detached: true,
      env: dashes < 0 ? { ...process.env, SWAPCHECK_SUBSET: 'light' } : process.env,
    });
    running = child;
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      resolve('LOOP');
    }, limitSeconds * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      running = null;
      resolve(code === 0 ? 'SURVIVED' : 'KILLED');
    });
  });
}

const lines = original.split('\n');
for (const id of idList.split(',')) {
  const mutant = entry.mutants.find((m) => m.id === id);
  if (mutant === undefined) fail(`report ${reportPath} has no mutant ${id} in ${file}`);
  const { start, end } = mutant.location;
  const mutated =
    original.slice(0, offsetOf(lines, start)) +
    mutant.replacement +
    original.slice(offsetOf(lines, end));
  let verdict;
  try {
    put(mutated);
    verdict = await runOnce();
  } finally {
    put(original);
  }
  const shown = mutant.replacement.replace(/\s+/g, ' ').slice(0, 60);
  process.stdout.write(
    `${file}:${start.line}:${start.column} #${id} ${mutant.status} ` +
      `${mutant.mutatorName} ${JSON.stringify(shown)} -> ${verdict}\n`,
  );
}

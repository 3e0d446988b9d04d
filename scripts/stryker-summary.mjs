#!/usr/bin/env node
/**
 * Summarizes Stryker JSON reports (reports/mutation/*.json) as markdown: per file the count of
 * each status and Stryker's score, and with --survivors every Survived, Timeout and NoCoverage
 * mutant as `file:line | mutator | original -> replacement` rows, the raw material of the
 * triage in docs/mutation-testing.md. Several reports may be given; a later report's status of
 * a mutant (same file, mutator, location and replacement) replaces an earlier one's, so a
 * first run followed by a rerun of its survivors reads as one run.
 *
 * Usage: node scripts/stryker-summary.mjs REPORT.json... [--survivors]
 * Not covered here: running Stryker (npm run mutation).
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const survivors = args.includes('--survivors');
const reports = args.filter((arg) => arg !== '--survivors');
if (reports.length === 0) {
  process.stderr.write('usage: node scripts/stryker-summary.mjs REPORT.json... [--survivors]\n');
  process.exit(2);
}

/** file -> key -> mutant (the last report's status wins). */
const files = new Map();
for (const path of reports) {
  let report;
  try {
    report = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    process.stderr.write(`stryker-summary: cannot read ${path}: ${error.message.split('\n')[0]}\n`);
    process.exit(2);
  }
  for (const [file, data] of Object.entries(report.files ?? {})) {
    const mutants = files.get(file) ?? new Map();
    const lines = data.source.split('\n');
    for (const m of data.mutants) {
      const { start, end } = m.location;
      const key = `${m.mutatorName}@${start.line}:${start.column}-${end.line}:${end.column}=${m.replacement}`;
      const original =
        start.line === end.line
          ? (lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1)
          : `${(lines[start.line - 1] ?? '').slice(start.column - 1)}...`;
      mutants.set(key, { ...m, original, file });
    }
    files.set(file, mutants);
  }
}

const statuses = [
  'Killed',
  'Timeout',
  'Survived',
  'NoCoverage',
  'Ignored',
  'CompileError',
  'RuntimeError',
];
const short = (text) => {
  const flat = String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
};
const cell = (text) => short(text).replaceAll('|', '\\|').replaceAll('`', "'");

const total = Object.fromEntries(statuses.map((s) => [s, 0]));
const rows = [];
for (const [file, mutants] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
  const count = Object.fromEntries(statuses.map((s) => [s, 0]));
  for (const m of mutants.values()) count[m.status] = (count[m.status] ?? 0) + 1;
  for (const s of statuses) total[s] += count[s] ?? 0;
  rows.push([file, count]);
}
const score = (c) => {
  const detected = c.Killed + c.Timeout;
  const valid = detected + c.Survived + c.NoCoverage;
  return valid === 0 ? '-' : ((100 * detected) / valid).toFixed(2);
};
console.log('| file | killed | timeout | survived | no coverage | ignored | errors | score % |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [file, c] of rows) {
  console.log(
    `| \`${file}\` | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.Ignored} | ${c.CompileError + c.RuntimeError} | ${score(c)} |`,
  );
}
console.log(
  `| **${rows.length} files** | **${total.Killed}** | **${total.Timeout}** | **${total.Survived}** | **${total.NoCoverage}** | **${total.Ignored}** | **${total.CompileError + total.RuntimeError}** | **${score(total)}** |`,
);

if (survivors) {
  console.log('\n| file:line | status | mutator | original -> replacement |');
  console.log('|---|---|---|---|');
  for (const [, mutants] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const open = [...mutants.values()]
      .filter((m) => m.status === 'Survived' || m.status === 'Timeout' || m.status === 'NoCoverage')
      .sort(
        (a, b) =>
          a.location.start.line - b.location.start.line ||
          a.location.start.column - b.location.start.column,
      );
    for (const m of open) {
      console.log(
        `| \`${m.file.replace(/^impl\//, '')}:${m.location.start.line}\` | ${m.status} | ${m.mutatorName} | \`${cell(m.original)}\` -> \`${cell(m.replacement)}\` |`,
      );
    }
  }
}

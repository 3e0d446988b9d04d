/**
 * A small KTAP v1 parser (Documentation/dev-tools/ktap.rst), strict about what the tests of
 * swapcheck's KTAP report check: the version line at every level, one plan per level before
 * its results, results numbered from 1 in order and as many as the plan says, subtests
 * indented four spaces and attached to the result line that follows them, diagnostics `# ...`,
 * a `# DIRECTIVE` after the description, and no '#' in descriptions. Throws on anything else.
 *
 * Not covered here: writing KTAP (cli/ktap-report.ts).
 */

export interface KtapTest {
  readonly number: number;
  readonly ok: boolean;
  readonly name: string;
  readonly directive: string | null;
  readonly subtests: readonly KtapTest[] | null;
  readonly diagnostics: readonly string[];
}

/** Parses KTAP v1 at `indent`, from line `start`; returns the tests and the next line. */
function parseLevel(
  lines: readonly string[],
  start: number,
  indent: number,
): { tests: KtapTest[]; next: number } {
  const pad = ' '.repeat(indent);
  if (lines[start] !== `${pad}KTAP version 1`)
    throw new Error(`line ${start + 1}: expected '${pad}KTAP version 1'`);
  let index = start + 1;
  let plan: number | null = null;
  const tests: KtapTest[] = [];
  let diagnostics: string[] = [];
  let pending: KtapTest[] | null = null;
  while (index < lines.length) {
    const line = lines[index] as string;
    if (!line.startsWith(pad) || (indent > 0 && line.length > 0 && !line.startsWith(pad))) break;
    const body = line.slice(indent);
    if (body.startsWith('    KTAP version 1')) {
      if (pending !== null) throw new Error(`line ${index + 1}: two subtests for one result`);
      const nested = parseLevel(lines, index, indent + 4);
      pending = nested.tests;
      index = nested.next;
      continue;
    }
    if (body.startsWith(' ')) break;
    if (body.startsWith('#')) {
      diagnostics.push(body.slice(1).trim());
    } else if (/^1\.\.\d+$/.test(body)) {
      if (plan !== null || tests.length > 0) throw new Error(`line ${index + 1}: misplaced plan`);
      plan = Number(body.slice(3));
    } else {
      const match = /^(ok|not ok) (\d+)(?: ([^#]*?))?(?: # (.*))?$/.exec(body);
      if (match === null) throw new Error(`line ${index + 1}: not a KTAP line: '${line}'`);
      const number = Number(match[2]);
      if (number !== tests.length + 1)
        throw new Error(`line ${index + 1}: test ${number} out of order`);
      tests.push({
        number,
        ok: match[1] === 'ok',
        name: match[3] ?? '',
        directive: match[4] ?? null,
        subtests: pending,
        diagnostics,
      });
      pending = null;
      diagnostics = [];
      if (indent > 0 && plan !== null && tests.length === plan) {
        index++;
        break;
      }
    }
    index++;
  }
  if (plan === null) throw new Error(`line ${start + 1}: no plan`);
  if (plan !== tests.length)
    throw new Error(`line ${start + 1}: plan 1..${plan} but ${tests.length} results`);
  return { tests, next: index };
}

export function parseKtap(text: string): KtapTest[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const { tests, next } = parseLevel(lines, 0, 0);
  for (const line of lines.slice(next))
    if (!line.startsWith('#')) throw new Error(`trailing line '${line}'`);
  return tests;
}

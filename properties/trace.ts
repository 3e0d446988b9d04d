/**
 * The trace file: a versioned JSON document people can read and write by hand (format
 * `swapcheck-trace`, version 1; docs/trace-format.md). It names the design (a built-in name or
 * a base design with knob overrides), the config (a preset name or a full object), the seed
 * that found it if any, an optional note and the list of ops. Input is validated with valibot;
 * unknown fields and ops are errors; a problem is one line naming the file, the path inside it
 * and what was expected. Files are written atomically (temp file, then rename).
 *
 * Not covered here: running a trace (properties/run.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import * as v from 'valibot';
import type { Config } from '../lib/config.ts';
import type { ConfigPresetName } from '../lib/config.ts';
import { configPresets, validateConfig } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { pathLocation, syntaxProblem, type IssueProblem } from './json-location.ts';
import { opBoundsProblems } from './trace-bounds.ts';

export const traceFormat = 'swapcheck-trace';
export const traceVersion = 1;

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const flag = v.optional(v.boolean());

export const opSchema = v.variant('op', [
  v.strictObject({ op: v.literal('swapon'), device: count, cpu: count }),
  v.strictObject({ op: v.literal('swapoff'), device: count, cpu: count }),
  v.strictObject({ op: v.literal('fault'), holder: count, order: count, cpu: count }),
  v.strictObject({ op: v.literal('write'), holder: count, value: count, cpu: count }),
  v.strictObject({
    op: v.literal('fork'),
    holder: count,
    target: count,
    cpu: count,
    failAlloc: flag,
  }),
  v.strictObject({ op: v.literal('allocSwap'), holder: count, cpu: count, failAlloc: flag }),
  v.strictObject({ op: v.literal('unmap'), holder: count, cpu: count, failAlloc: flag }),
  v.strictObject({
    op: v.literal('writeout'),
    folio: count,
    cpu: count,
    failZswap: flag,
    failAlloc: flag,
  }),
  v.strictObject({ op: v.literal('evict'), folio: count, cpu: count }),
  v.strictObject({
    op: v.literal('swapin'),
    holder: count,
    order: count,
    cpu: count,
    failAlloc: flag,
    write: flag,
  }),
  v.strictObject({ op: v.literal('zap'), holder: count, cpu: count }),
  v.strictObject({ op: v.literal('freeSwapCache'), folio: count, cpu: count }),
  v.strictObject({ op: v.literal('zswapWriteback'), holder: count, cpu: count, failAlloc: flag }),
  v.strictObject({ op: v.literal('split'), folio: count, cpu: count }),
  v.strictObject({ op: v.literal('setZswap'), enabled: v.boolean(), cpu: count }),
]);

const deviceSchema = v.strictObject({
  slots: count,
  bad: v.array(count),
  priority: v.pipe(v.number(), v.integer()),
  synchronousIo: v.boolean(),
  discard: v.boolean(),
});

export const configSchema = v.strictObject({
  holders: count,
  cpus: count,
  clusterSlots: count,
  countBits: count,
  orderMax: count,
  devices: v.array(deviceSchema),
  zswapEnabled: v.boolean(),
  zswapCapacity: count,
  vswapSlots: count,
  memcgs: v.optional(v.array(v.strictObject({ holders: count, swapMax: v.nullable(count) }))),
});

export const knobsSchema = v.strictObject({
  virtualEntries: v.optional(v.picklist(['never', 'first', 'when-zswap', 'always'])),
  reverseMap: v.optional(v.picklist(['kept', 'elided'])),
  lookupCache: v.optional(v.picklist(['off', 'pinned', 'validated'])),
});

export const designRefSchema = v.union([
  v.string(),
  v.strictObject({
    base: v.string(),
    knobs: v.optional(knobsSchema),
    mutant: v.optional(v.string()),
  }),
  // A proposal module, by absolute path (properties/design-ref.ts).
  v.strictObject({ module: v.string() }),
]);

/**
 * What userspace must see after op `op` (1-based) of a kernel scenario: each listed holder as
 * `empty`, `present` or `present=CONTENT`, `swapped` with an optional `@DEVICE` and `+` (in
 * the swap cache) or `-` (not); pairs of holders that map one page or hold one entry (`same`)
 * or not (`differ`); /proc/meminfo and /proc/swaps counters in pages; memory.swap.current of
 * the config's memcg in pages (`swapCurrent`; the oracle runs configs with one memcg); the
 * errno of a swapon or swapoff. Only what is listed is checked (kernel/facts.ts).
 */
export const factsSchema = v.strictObject({
  op: v.pipe(count, v.minValue(1)),
  holders: v.optional(
    v.record(
      v.pipe(v.string(), v.regex(/^\d+$/, 'a holder index')),
      v.pipe(
        v.string(),
        v.regex(
          /^(empty|present(=\d+)?|swapped(@\d+)?[+-]?)$/,
          'empty, present[=CONTENT] or swapped[@DEVICE][+|-]',
        ),
      ),
    ),
  ),
  same: v.optional(v.array(v.tuple([count, count]))),
  differ: v.optional(v.array(v.tuple([count, count]))),
  swapCached: v.optional(count),
  swapFree: v.optional(count),
  zswapStored: v.optional(count),
  swapCurrent: v.optional(count),
  used: v.optional(
    v.record(
      v.pipe(v.string(), v.regex(/^\d+$/, 'a device index')),
      v.union([count, v.literal('off')]),
    ),
  ),
  errno: v.optional(v.picklist(['OK', 'EINVAL', 'EBUSY', 'ENOSPC', 'ENOMEM', 'EEXIST'])),
});

/** A kernel scenario's claims: the kernel source they rest on, what userspace sees, and,
 * while the model is known to disagree, why (the test then expects the model to fail). */
export const kernelClaimsSchema = v.strictObject({
  source: v.string(),
  modelDisagrees: v.optional(v.string()),
  expect: v.array(factsSchema),
});

export type Facts = v.InferOutput<typeof factsSchema>;
export type KernelClaims = v.InferOutput<typeof kernelClaimsSchema>;

const traceSchema = v.strictObject({
  format: v.literal(traceFormat),
  version: v.literal(traceVersion),
  design: designRefSchema,
  config: v.union([v.picklist(Object.keys(configPresets) as ConfigPresetName[]), configSchema]),
  seed: v.optional(count),
  note: v.optional(v.string()),
  failure: v.optional(v.record(v.string(), v.unknown())),
  kernel: v.optional(kernelClaimsSchema),
  ops: v.array(opSchema),
});

export type DesignRef = v.InferOutput<typeof designRefSchema>;

export interface Trace {
  readonly format: typeof traceFormat;
  readonly version: typeof traceVersion;
  readonly design: DesignRef;
  readonly config: ConfigPresetName | Config;
  readonly seed?: number;
  readonly note?: string;
  readonly failure?: Readonly<Record<string, unknown>>;
  readonly kernel?: KernelClaims;
  readonly ops: readonly Op[];
}

/** An input problem: the CLI prints the message on one line and exits 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/** The problem one valibot issue stands for. */
function issueProblem(issue: v.BaseIssue<unknown>): IssueProblem {
  // A union or variant mismatch nests the issues of each branch; the one with the longest
  // path is the branch that matched furthest, and says what was really expected.
  let deepest: v.BaseIssue<unknown> = issue;
  let deepestLength = -1;
  const visit = (candidate: v.BaseIssue<unknown>) => {
    const length = candidate.path?.length ?? 0;
    if (candidate.issues === undefined && length > deepestLength) {
      deepest = candidate;
      deepestLength = length;
    }
    for (const nested of candidate.issues ?? []) visit(nested);
  };
  visit(issue);
  const chosen = deepest.path === undefined && issue.path !== undefined ? issue : deepest;
  const path = (chosen.path ?? []).map((item) => item.key as string | number);
  // valibot words strict-object key problems in terms of types; say them in terms of fields.
  const unknownField = /^Invalid key: Expected never/.test(deepest.message);
  const message = deepest.message
    .replace(/^Invalid key: Expected never but received (.*)$/, 'unknown field $1')
    .replace(/^Invalid key: Expected (".*") but received undefined$/, 'missing field $1');
  return { path, message, unknownField };
}

/** Every problem of a valibot result. */
export function issueProblems(issues: readonly v.BaseIssue<unknown>[]): IssueProblem[] {
  return issues.map(issueProblem);
}

/** A problem's path as dots (`ops.3.holder`), or `(root)`. */
export function dotPath(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

/** The first problem in a valibot result, as `path: message`. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (issue === undefined) return 'invalid';
  const problem = issueProblem(issue);
  return `${dotPath(problem.path)}: ${problem.message}`;
}

/** Problems located in `text` as `source:line:column: path: message` lines. */
export function locatedProblems(
  source: string,
  text: string,
  problems: readonly IssueProblem[],
): string {
  return problems
    .map((problem) => {
      const at = pathLocation(text, problem.path, problem.unknownField);
      return `${source}:${at.line}:${at.column}: ${dotPath(problem.path)}: ${problem.message}`;
    })
    .join('\n');
}

/** Resolves a config reference of a trace or a flag. */
export function resolveConfig(config: ConfigPresetName | Config): Config {
  return typeof config === 'string' ? configPresets[config] : config;
}

/** Parses JSON `text` against `schema`; throws one InputError naming `source` with a line
 * `source:line:column: path: message` for every problem. Shared by both trace formats. */
export function parseJsonWith<S extends v.GenericSchema>(
  schema: S,
  text: string,
  source: string,
): v.InferOutput<S> {
  const syntax = syntaxProblem(text);
  if (syntax !== null)
    throw new InputError(`${source}:${syntax.line}:${syntax.column}: ${syntax.message}`);
  const result = v.safeParse(schema, JSON.parse(text));
  if (!result.success)
    throw new InputError(locatedProblems(source, text, issueProblems(result.issues)));
  return result.output;
}

/** Parses and validates trace text, the ops against the config too; throws InputError naming
 * `source`. */
export function parseTrace(text: string, source: string): Trace {
  const trace = parseJsonWith(traceSchema, text, source) as Trace;
  const config = resolveConfig(trace.config);
  const reason = validateConfig(config);
  if (reason !== null) {
    const at = pathLocation(text, ['config']);
    throw new InputError(`${source}:${at.line}:${at.column}: config: ${reason}`);
  }
  const problems = opBoundsProblems(trace.ops, config, ['ops']);
  if (problems.length > 0) throw new InputError(locatedProblems(source, text, problems));
  return trace;
}

export function readTrace(path: string): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(
      `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return parseTrace(text, path);
}

/** Renders a trace with one op per line, so diffs and bug reports stay readable. */
export function formatTrace(trace: Trace): string {
  const { ops, ...head } = trace;
  const headText = JSON.stringify(head, null, 2);
  const opLines = ops.map((op) => `    ${JSON.stringify(op)}`).join(',\n');
  return `${headText.slice(0, -2)},\n  "ops": [\n${opLines}\n  ]\n}\n`;
}

/** Writes `text` to `path` atomically: a temp file beside it, then rename. */
export function writeFileAtomic(path: string, text: string): void {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // The temp file never existed (its folder could not be made).
    }
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`${path}: cannot write (${code})`);
  }
}

/** Throws an InputError unless `dir` is, or can become, a directory (checked before a long
 * run, so a bad --out fails at once rather than after the campaign). */
export function checkWritableDir(dir: string, flag: string): void {
  let probe = dir;
  for (;;) {
    if (existsSync(probe)) {
      if (!statSync(probe).isDirectory())
        throw new InputError(`${flag}: '${probe}' is not a directory`);
      return;
    }
    const parent = dirname(probe);
    if (parent === probe) return;
    probe = parent;
  }
}

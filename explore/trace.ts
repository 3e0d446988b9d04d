/**
 * Concurrent traces: version 2 of the `swapcheck-trace` format (docs/trace-format.md), written
 * by `swapcheck explore` when a schedule fails. Besides the design and config of a version 1
 * trace it carries the legacy swapin knob, the sequential setup, one op program per CPU and
 * the schedule (the CPU of every step), so the failing interleaving replays exactly. Version 1
 * traces (sequential ops) are still read by properties/trace.ts; this reader takes version 2.
 *
 * Not covered here: running a trace (explore/concurrent.ts replaySchedule()).
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import type { Config } from '../lib/config.ts';
import { validateConfig } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { syncSwapinValues, type SyncSwapin } from '../impl/sections.ts';
import {
  configSchema,
  designRefSchema,
  InputError,
  locatedProblems,
  opSchema,
  parseJsonWith,
  traceFormat,
  type DesignRef,
} from '../properties/trace.ts';
import { opBoundsProblems } from '../properties/trace-bounds.ts';
import { exploreConfigs } from './config.ts';

export const concurrentTraceVersion = 2;

export type ExploreConfigName = keyof typeof exploreConfigs;

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

const concurrentTraceSchema = v.strictObject({
  format: v.literal(traceFormat),
  version: v.literal(concurrentTraceVersion),
  design: designRefSchema,
  syncSwapin: v.picklist(syncSwapinValues),
  config: v.union([v.picklist(Object.keys(exploreConfigs) as ExploreConfigName[]), configSchema]),
  seed: v.optional(count),
  note: v.optional(v.string()),
  failure: v.optional(v.record(v.string(), v.unknown())),
  setup: v.array(opSchema),
  programs: v.array(v.array(opSchema)),
  schedule: v.array(count),
});

export interface ConcurrentTrace {
  readonly format: typeof traceFormat;
  readonly version: typeof concurrentTraceVersion;
  readonly design: DesignRef;
  readonly syncSwapin: SyncSwapin;
  readonly config: ExploreConfigName | Config;
  readonly seed?: number;
  readonly note?: string;
  readonly failure?: Readonly<Record<string, unknown>>;
  readonly setup: readonly Op[];
  readonly programs: readonly (readonly Op[])[];
  readonly schedule: readonly number[];
}

export function resolveExploreConfig(config: ExploreConfigName | Config): Config {
  return typeof config === 'string' ? exploreConfigs[config] : config;
}

/** Parses and validates a version 2 trace; throws InputError naming `source`. */
export function parseConcurrentTrace(text: string, source: string): ConcurrentTrace {
  const trace = parseJsonWith(concurrentTraceSchema, text, source) as ConcurrentTrace;
  const config = resolveExploreConfig(trace.config);
  const reason = validateConfig(config);
  if (reason !== null) throw new InputError(`${source}: config: ${reason}`);
  if (trace.programs.length > config.cpus)
    throw new InputError(`${source}: programs: more programs than cpus`);
  // CPU fields are rewritten (setup runs on CPU 0, a program on its own CPU): not checked.
  const problems = [
    ...opBoundsProblems(trace.setup, config, ['setup'], false),
    ...trace.programs.flatMap((program, cpu) =>
      opBoundsProblems(program, config, ['programs', cpu], false),
    ),
  ];
  if (problems.length > 0) throw new InputError(locatedProblems(source, text, problems));
  const bad = trace.schedule.find((cpu) => cpu >= trace.programs.length);
  if (bad !== undefined) throw new InputError(`${source}: schedule: cpu ${bad} has no program`);
  return trace;
}

export function readConcurrentTrace(path: string): ConcurrentTrace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(
      `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return parseConcurrentTrace(text, path);
}

/** Renders a trace with one op per line and the schedule on one line. */
export function formatConcurrentTrace(trace: ConcurrentTrace): string {
  const { setup, programs, schedule, ...head } = trace;
  const headText = JSON.stringify(head, null, 2);
  const ops = (list: readonly Op[], indent: string) =>
    list.map((op) => `${indent}${JSON.stringify(op)}`).join(',\n');
  const programText = programs
    .map((program) => `    [\n${ops(program, '      ')}\n    ]`)
    .join(',\n');
  return (
    `${headText.slice(0, -2)},\n  "setup": [\n${ops(setup, '    ')}\n  ],\n` +
    `  "programs": [\n${programText}\n  ],\n  "schedule": ${JSON.stringify(schedule)}\n}\n`
  );
}

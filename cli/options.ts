/**
 * Checks of option values shared by the commands: durations, bounded integers, shards,
 * one-of-a-list choices, and --design values (names, spellings with knobs or a mutant, knob
 * files, modules; modules are loaded here so every command takes them). Each bad value is an
 * InputError naming the flag (one line, exit 2).
 *
 * Not covered here: which flags a command has (each command's file declares them).
 */
import { resolve } from 'node:path';
import { designRefFromFlag } from '../properties/design-ref.ts';
import { loadDesign } from '../properties/proposal.ts';
import type { DesignUnderTest } from '../properties/run.ts';
import { InputError, type DesignRef } from '../properties/trace.ts';

/** Parses `30s`, `2m`, `500ms` or plain seconds into milliseconds. */
export function parseDuration(text: string, flag = '--time'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  if (match === null)
    throw new InputError(`${flag}: expected a duration like 30s, 2m or 500ms, got '${text}'`);
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  return unit === 'ms' ? amount : unit === 's' ? amount * 1000 : amount * 60_000;
}

/** An integer flag in `min..max`, or undefined when absent. */
export function parseCount(
  flag: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new InputError(`${flag}: expected an integer in ${min}..${max}, got '${text}'`);
  }
  return Number(text);
}

/** A flag whose value must be one of `allowed`. */
export function parseChoice<T extends string>(
  flag: string,
  text: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) {
    throw new InputError(`${flag}: expected ${allowed.join(', ')}, got '${text}'`);
  }
  return text as T;
}

/** Parses `I/N` (1-based shard I of N) into a 0-based index and a count. */
export function parseShard(text: string | undefined): { shardIndex: number; shardCount: number } {
  if (text === undefined) return { shardIndex: 0, shardCount: 1 };
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new InputError(`--shard: expected I/N with 1 <= I <= N, got '${text}'`);
  }
  return { shardIndex: index - 1, shardCount: count };
}

/** A chosen design: its reference (what traces store and commands print) and the design. */
export interface DesignChoice {
  readonly ref: DesignRef;
  readonly design: DesignUnderTest;
}

/** Resolves a --design value (loading a module) against the working directory `cwd`. */
export async function chooseDesign(text: string, cwd: string): Promise<DesignChoice> {
  const ref = designRefFromFlag(text, cwd);
  return { ref, design: await loadDesign(ref) };
}

/** Resolves a reference read from a trace (loading a module it names). */
export async function chooseRef(ref: DesignRef): Promise<DesignChoice> {
  return { ref, design: await loadDesign(ref) };
}

/** A user path made absolute against `cwd`. */
export function absolute(cwd: string, path: string): string {
  return resolve(cwd, path);
}

/** Repeatable flags: commander's collector. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

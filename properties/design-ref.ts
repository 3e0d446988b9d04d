/**
 * Design references as people type them and as swapcheck prints them. One spelling names any
 * design the tool can run, and every spelling it prints is one it accepts:
 * - a built-in name: `classic`;
 * - a built-in with knob overrides and/or a catalogued mutant, the name reports print:
 *   `vswap-direct[lookupCache=validated]`, `classic[mutant=shadow-left-after-free]`;
 * - a proposal module (`.js`, `.mjs`, `.cjs`, `.ts` under a runner that strips types), named
 *   by its path, stored in traces as `{"module": "/absolute/path"}`;
 * - a JSON knob file `{"base": NAME, "knobs": {...}, "mutant": NAME}` (read at once and
 *   stored as that object).
 * Also: the shell-safe file-name slug of a design name.
 *
 * Not covered here: resolving a reference into a runnable design (properties/design-registry.ts)
 * and loading a module (properties/proposal.ts).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import * as v from 'valibot';
import {
  designRefSchema,
  describeIssues,
  InputError,
  knobsSchema,
  type DesignRef,
} from './trace.ts';

/** File extensions that name a proposal module. */
const moduleExtensions = ['.js', '.mjs', '.cjs', '.ts', '.mts'];

/** True when `text` names a proposal module by its extension. */
export function isModulePath(text: string): boolean {
  return moduleExtensions.some((extension) => text.endsWith(extension));
}

const knobKeys = Object.keys(knobsSchema.entries);

/** Parses `base` or `base[key=value,...]` (keys: the knobs and `mutant`). */
export function parseDesignSpelling(text: string): DesignRef {
  const match = /^([A-Za-z0-9_-]+)(?:\[([^\]]*)\])?$/.exec(text);
  if (match === null) {
    throw new InputError(
      `--design: '${text}' is not a design name (NAME or NAME[knob=value,mutant=NAME]), a knob file (.json) or a module (.js, .mjs)`,
    );
  }
  const base = match[1] as string;
  if (match[2] === undefined) return base;
  const knobs: Record<string, string> = {};
  let mutant: string | undefined;
  for (const pair of match[2].split(',').filter((part) => part !== '')) {
    const [key, value, ...rest] = pair.split('=');
    if (key === undefined || value === undefined || value === '' || rest.length > 0) {
      throw new InputError(`--design: '${pair}' in '${text}' is not key=value`);
    }
    if (key === 'mutant') mutant = value;
    else if (knobKeys.includes(key)) knobs[key] = value;
    else
      throw new InputError(
        `--design: unknown knob '${key}' in '${text}' (knobs: ${[...knobKeys, 'mutant'].join(', ')})`,
      );
  }
  const result = v.safeParse(knobsSchema, knobs);
  if (!result.success)
    throw new InputError(`--design: '${text}': knobs.${describeIssues(result.issues)}`);
  return {
    base,
    ...(Object.keys(knobs).length === 0 ? {} : { knobs: result.output }),
    ...(mutant === undefined ? {} : { mutant }),
  };
}

/** Reads a JSON knob file into the reference it holds. */
export function readKnobFile(path: string): DesignRef {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? `not JSON: ${(error as Error).message}`;
    throw new InputError(`${path}: cannot read the knob file (${reason})`);
  }
  const result = v.safeParse(designRefSchema, json);
  if (!result.success) throw new InputError(`${path}: ${describeIssues(result.issues)}`);
  return result.output;
}

/**
 * A --design value as a reference: a knob file is read, a module path made absolute (against
 * `cwd`), anything else parsed as a spelling. Modules are loaded later (proposal.ts).
 */
export function designRefFromFlag(text: string, cwd = process.cwd()): DesignRef {
  if (text.endsWith('.json')) return readKnobFile(resolve(cwd, text));
  if (isModulePath(text)) return { module: isAbsolute(text) ? text : resolve(cwd, text) };
  return parseDesignSpelling(text);
}

/** The spelling of a reference that designRefFromFlag() reads back as the same design. */
export function designSpelling(ref: DesignRef): string {
  if (typeof ref === 'string') return ref;
  if ('module' in ref) return ref.module;
  const labels = Object.entries(ref.knobs ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`);
  if (ref.mutant !== undefined) labels.push(`mutant=${ref.mutant}`);
  return labels.length === 0 ? ref.base : `${ref.base}[${labels.join(',')}]`;
}

/** A design name as a file-name part: lower-case letters, digits and single dashes. */
export function designSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'design' : slug;
}

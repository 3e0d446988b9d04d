/**
 * Loads a design proposal: a knob file (JSON `{"base": NAME, "knobs": {...}}`, resolved like
 * --design) or a JavaScript module (TypeScript under a runner that strips types) whose default
 * export is a SystemFactory (lib/proposal.ts). The factory is probed once on the default
 * config: it must return an object with every method of SwapSystem (costs() is optional).
 * Anything else is an InputError naming what is wrong (exit 2). A loaded module is registered
 * by its absolute path (properties/design-registry.ts), so every command, worker threads
 * included, resolves `{"module": PATH}` references to it.
 *
 * Not covered here: running the proposal (properties/validate.ts).
 */
import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { configDefault } from '../lib/config.ts';
import type { SwapSystem } from '../lib/system.ts';
import type { Knobs, SystemFactory } from '../lib/system.ts';
import { moduleDesign, registerModuleDesign, resolveDesign } from './design-registry.ts';
import type { DesignUnderTest } from './run.ts';
import { readKnobFile } from './design-ref.ts';
import { InputError, type DesignRef } from './trace.ts';

/** The methods a system must have (costs() is optional). */
const requiredMethods = [
  'apply',
  'observe',
  'audit',
  'auditEmpty',
  'entryOffset',
  'formatEntry',
  'marks',
] as const;

const knobsDefault: Knobs = { virtualEntries: 'never', reverseMap: 'kept', lookupCache: 'off' };

/** Throws an InputError unless `system` has every required method. */
export function checkSystem(system: unknown, source: string): asserts system is SwapSystem {
  if (typeof system !== 'object' || system === null) {
    throw new InputError(
      `${source}: the factory returned ${system === null ? 'null' : typeof system}, not a SwapSystem`,
    );
  }
  const missing = requiredMethods.filter(
    (name) => typeof (system as Record<string, unknown>)[name] !== 'function',
  );
  if (missing.length > 0) {
    throw new InputError(
      `${source}: the system lacks ${missing.join(', ')} (see docs/writing-a-design.md)`,
    );
  }
  const costs = (system as Record<string, unknown>)['costs'];
  if (costs !== undefined && typeof costs !== 'function') {
    throw new InputError(`${source}: costs is present but not a method`);
  }
}

async function loadModule(path: string): Promise<DesignUnderTest> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const hint =
      extname(path) === '.ts'
        ? ' (this Node cannot import .ts: build the proposal to .js first)'
        : '';
    throw new InputError(
      `${path}: cannot load the module: ${(error as Error).message.split('\n')[0] ?? ''}${hint}`,
    );
  }
  const factory = module['default'];
  if (typeof factory !== 'function') {
    throw new InputError(
      `${path}: the default export is ${typeof factory}, not a SystemFactory (see docs/writing-a-design.md)`,
    );
  }
  const knobs = module['knobs'] as Knobs | undefined;
  const name = typeof module['name'] === 'string' ? module['name'] : basename(path, extname(path));
  const create = factory as SystemFactory;
  try {
    checkSystem(create(configDefault, knobs ?? knobsDefault), path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `${path}: the factory threw on the default config: ${(error as Error).message}`,
    );
  }
  const design: DesignUnderTest = {
    name,
    create: (config) => create(config, knobs ?? knobsDefault),
  };
  return knobs === undefined ? design : { ...design, knobs };
}

/** Loads the proposal at `file`. */
export async function loadProposal(file: string): Promise<DesignUnderTest> {
  const path = resolve(file);
  if (!existsSync(path)) throw new InputError(`${file}: no such file`);
  if (extname(path) === '.json') return resolveDesign(readKnobFile(path));
  const loaded = moduleDesign(path) ?? (await loadModule(path));
  registerModuleDesign(path, loaded);
  return loaded;
}

/** The reference a trace stores for the proposal at `file`: the knob file's contents, or
 * the module's absolute path. */
export function proposalRef(file: string): DesignRef {
  const path = resolve(file);
  return extname(path) === '.json' ? readKnobFile(path) : { module: path };
}

/** Loads the module a reference names, if any, so that resolveDesign() finds it; then
 * resolves it. Built-in references resolve at once. */
export async function loadDesign(ref: DesignRef): Promise<DesignUnderTest> {
  if (typeof ref !== 'string' && 'module' in ref) await loadProposal(ref.module);
  return resolveDesign(ref);
}

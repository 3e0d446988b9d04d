/**
 * The time model of the design comparison: per-event weights in nanoseconds (a low, typical
 * and high value each) read from one JSON file, docs/cost-weights.json by default or the file
 * of `--weights FILE`, multiplied with a design's cost counters (lib/costs.ts) into an
 * estimated time per op at each end of the range. It is arithmetic on counts, not a timing:
 * the same counts and weights give the same estimate on every machine.
 *
 * Each weight multiplies one counter, except `cacheLineMiss`, which multiplies the cold lines
 * an op touches beyond the ones every design touches: one per xarray node walked and one per
 * reverse-map update (docs/cost-weights.md argues for it, and says what is left out).
 *
 * Not covered here: counting (impl/cost-counters.ts) and printing (properties/compare-format.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CostCounts } from '../lib/costs.ts';
import { InputError } from './trace.ts';

/** The weights a file must give, in presentation order. */
export const weightNames = [
  'indexNode',
  'clusterLock',
  'tableRead',
  'tableWrite',
  'rmapUpdate',
  'scanSlot',
  'cacheLineMiss',
] as const;

export type WeightName = (typeof weightNames)[number];

/** Nanoseconds at each end of a plausible range, and in between. */
export interface Spread {
  readonly low: number;
  readonly typical: number;
  readonly high: number;
}

export interface Weight extends Spread {
  /** What the weight multiplies, in words (documentation only). */
  readonly counts: string;
  /** Where the numbers come from (documentation only). */
  readonly source: string;
}

export interface CostWeights {
  /** The file the weights were read from, as given. */
  readonly file: string;
  readonly weights: Readonly<Record<WeightName, Weight>>;
}

export const weightsFormat = 'swapcheck-cost-weights';

/** How many of each weighted event the counts hold. */
export function weightedEvents(counts: CostCounts): Record<WeightName, number> {
  return {
    indexNode: counts.indexNodesWalked,
    clusterLock: counts.clusterLocks,
    tableRead: counts.tableReads,
    tableWrite: counts.tableWrites,
    rmapUpdate: counts.rmapUpdates,
    scanSlot: counts.scanSlots,
    cacheLineMiss: counts.indexNodesWalked + counts.rmapUpdates,
  };
}

/** The estimated nanoseconds per op at each end of the weights, or null for no ops. */
export function timePerOp(counts: CostCounts, weights: CostWeights): Spread | null {
  if (counts.ops === 0) return null;
  const events = weightedEvents(counts);
  const at = (end: keyof Spread) =>
    weightNames.reduce((sum, name) => sum + events[name] * weights.weights[name][end], 0) /
    counts.ops;
  return { low: at('low'), typical: at('typical'), high: at('high') };
}

/** The one-line reason a parsed document is not a weights file, or null. */
function problemOf(doc: unknown): string | null {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return 'expected a JSON object';
  const record = doc as Record<string, unknown>;
  if (record['format'] !== weightsFormat) return `format must be "${weightsFormat}"`;
  if (record['version'] !== 1) return 'version must be 1';
  if (record['unit'] !== 'ns') return 'unit must be "ns"';
  const weights = record['weights'];
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights))
    return 'weights must be an object';
  const given = weights as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!(weightNames as readonly string[]).includes(name))
      return `weights.${name} is not a weight (known: ${weightNames.join(', ')})`;
  }
  for (const name of weightNames) {
    const weight = given[name];
    if (typeof weight !== 'object' || weight === null || Array.isArray(weight))
      return `weights.${name} is missing`;
    const fields = weight as Record<string, unknown>;
    for (const end of ['low', 'typical', 'high'] as const) {
      const value = fields[end];
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        return `weights.${name}.${end} must be a number >= 0`;
    }
    const { low, typical, high } = fields as unknown as Spread;
    if (!(low <= typical && typical <= high))
      return `weights.${name} needs low <= typical <= high (got ${low}, ${typical}, ${high})`;
    for (const text of ['counts', 'source'] as const) {
      if (fields[text] !== undefined && typeof fields[text] !== 'string')
        return `weights.${name}.${text} must be a string`;
    }
  }
  return null;
}

/** Parses a weights file's text; an InputError naming `file` and the first problem. */
export function parseWeights(text: string, file: string): CostWeights {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not JSON (${(error as Error).message.split('\n')[0] ?? ''})`);
  }
  const problem = problemOf(doc);
  if (problem !== null) throw new InputError(`${file}: ${problem}`);
  const given = (doc as { weights: Record<WeightName, Partial<Weight>> }).weights;
  const weights = Object.fromEntries(
    weightNames.map((name) => {
      const weight = given[name];
      return [
        name,
        {
          low: weight.low ?? 0,
          typical: weight.typical ?? 0,
          high: weight.high ?? 0,
          counts: weight.counts ?? '',
          source: weight.source ?? '',
        },
      ];
    }),
  ) as Record<WeightName, Weight>;
  return { file, weights };
}

/** Reads the weights file at `path` (shown as `shown` in messages). */
export function readWeights(path: string, shown = path): CostWeights {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(
      `${shown}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return parseWeights(text, shown);
}

/** The path of docs/cost-weights.json, found from this module up (source tree or package). */
export function defaultWeightsPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'docs', 'cost-weights.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('docs/cost-weights.json is missing from the installation');
    dir = parent;
  }
}

/** The documented default weights (docs/cost-weights.json). */
export function defaultWeights(): CostWeights {
  return readWeights(defaultWeightsPath(), 'docs/cost-weights.json');
}

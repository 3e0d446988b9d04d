/**
 * The time model: the documented weights file parses and every weight cites a source, a time
 * per op is the counts times the weights over the ops at each end of the range, and a
 * malformed weights file is one InputError line (exit 2 with one `swapcheck:` line from the
 * command line), for every kind of mistake a reviewer editing a copy could make.
 *
 * Not covered here: the counters themselves (impl/costs.test.ts) and the reports
 * (properties/compare.test.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCaptured } from '../cli/captured-io.ts';
import { main } from '../cli/program.ts';
import type { CostCounts } from '../lib/costs.ts';
import {
  defaultWeights,
  defaultWeightsPath,
  parseWeights,
  timePerOp,
  weightNames,
  weightedEvents,
} from './cost-model.ts';
import { InputError } from './trace.ts';

const counts: CostCounts = {
  ops: 10,
  indexLookups: 4,
  indexNodesWalked: 8,
  lookupCacheHits: 1,
  lookupCacheMisses: 4,
  lookupCacheInvalidations: 0,
  clusterLocks: 20,
  tableReads: 30,
  tableWrites: 12,
  rmapUpdates: 2,
  scanSlots: 64,
  redirections: 1,
  allocFallbacks: 0,
};

describe('the documented weights', () => {
  it('give every weight a range and a source', () => {
    const weights = defaultWeights();
    for (const name of weightNames) {
      const w = weights.weights[name];
      expect(w.low, name).toBeLessThan(w.high);
      expect(w.source.length, name).toBeGreaterThan(40);
      expect(w.counts.length, name).toBeGreaterThan(10);
    }
    expect(defaultWeightsPath()).toMatch(/docs\/cost-weights\.json$/);
  });
});

describe('time per op', () => {
  it('is the weighted sum of the events over the ops, at each end', () => {
    const flat = (ns: number) => ({
      low: ns,
      typical: 2 * ns,
      high: 3 * ns,
      counts: '',
      source: '',
    });
    const weights = {
      file: 'test',
      weights: Object.fromEntries(weightNames.map((name) => [name, flat(1)])) as never,
    };
    const events = weightedEvents(counts);
    // Cold lines: one per node walked and one per reverse-map update.
    expect(events.cacheLineMiss).toBe(8 + 2);
    const sum = 8 + 20 + 30 + 12 + 2 + 64 + 10;
    expect(timePerOp(counts, weights)).toEqual({
      low: sum / 10,
      typical: (2 * sum) / 10,
      high: (3 * sum) / 10,
    });
    expect(timePerOp({ ...counts, ops: 0 }, weights)).toBeNull();
  });
});

describe('a malformed weights file', () => {
  const good = JSON.parse(
    JSON.stringify({
      format: 'swapcheck-cost-weights',
      version: 1,
      unit: 'ns',
      weights: defaultWeights().weights,
    }),
  );
  const variants: [string, unknown, RegExp][] = [
    ['not JSON', '{', /^w\.json: not JSON/],
    ['an array', [], /^w\.json: expected a JSON object$/],
    [
      'another format',
      { ...good, format: 'x' },
      /^w\.json: format must be "swapcheck-cost-weights"$/,
    ],
    ['another unit', { ...good, unit: 'us' }, /^w\.json: unit must be "ns"$/],
    [
      'a missing weight',
      { ...good, weights: { ...good.weights, scanSlot: undefined } },
      /^w\.json: weights\.scanSlot is missing$/,
    ],
    [
      'an unknown weight',
      { ...good, weights: { ...good.weights, tlbMiss: { low: 1, typical: 2, high: 3 } } },
      /weights\.tlbMiss is not a weight/,
    ],
    [
      'a negative number',
      { ...good, weights: { ...good.weights, tableRead: { low: -1, typical: 1, high: 2 } } },
      /weights\.tableRead\.low must be a number >= 0$/,
    ],
    [
      'a string number',
      { ...good, weights: { ...good.weights, tableRead: { low: '1', typical: 1, high: 2 } } },
      /weights\.tableRead\.low must be a number/,
    ],
    [
      'an upside-down range',
      { ...good, weights: { ...good.weights, clusterLock: { low: 9, typical: 5, high: 60 } } },
      /weights\.clusterLock needs low <= typical <= high \(got 9, 5, 60\)$/,
    ],
  ];
  it.each(variants)('is rejected: %s', (_name, doc, message) => {
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
    expect(() => parseWeights(text, 'w.json')).toThrow(InputError);
    expect(() => parseWeights(text, 'w.json')).toThrow(message);
  });

  it('stops compare with exit 2 and one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swapcheck-weights-'));
    writeFileSync(join(dir, 'w.json'), JSON.stringify({ ...good, version: 2 }));
    const result = await runCaptured(
      main,
      ['compare', '--workload', 'disk-only', '--weights', 'w.json'],
      dir,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('swapcheck: w.json: version must be 1\n');
    writeFileSync(join(dir, 'w.json'), JSON.stringify(good));
    const accepted = await runCaptured(
      main,
      ['compare', '--workload', 'disk-only', '--design', 'classic', '--weights', 'w.json'],
      dir,
    );
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('estimated from the weights in w.json');
  }, 60_000);
});

/**
 * The benchmark report: targets are judged from the numbers (met and not met both reachable),
 * BENCHMARKS.md names the machine and shows every section, and a bad flag of `npm run bench`
 * is a one-line error with exit code 2. No timing is asserted: the measurements are made up.
 *
 * Not covered here: the measurements themselves (npm run bench).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Measurement } from './measure.ts';
import { benchmarksMarkdown, summaryTable, targets, type BenchResults } from './report.ts';

function measurement(perSecond: number): Measurement {
  return {
    name: 'm',
    units: perSecond,
    samples: 3,
    medianMs: 1000,
    minMs: 900,
    maxMs: 1100,
    wallMedianMs: 1000,
    perSecond,
  };
}

/** Made-up results: classic's rates, the growth from 10^3 to 10^6 entries, the full check at
 * 10^6 (ms), bytes per entry, one mutant's kill time against a baseline of 100 ms, the speedup
 * and whether worker counts agree. */
function results(
  campaign: number,
  fastCheck: number,
  implAlone: number,
  growth: number,
  speedup: number,
  fullCheckMs = 1500,
  bytesPerEntry = 900,
  msToKill = 40,
  identical = true,
): BenchResults {
  return {
    format: 'swapcheck-bench',
    version: 1,
    date: '2026-11-25',
    quick: false,
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryGiB: 24,
      node: 'v20.20.2',
      platform: 'linux-x64',
      loadBefore: 0.5,
      loadAfter: 1.25,
    },
    throughput: [
      {
        design: 'classic',
        campaign: measurement(campaign),
        fullChecks: measurement(campaign / 4),
        fastCheckFull: measurement(fastCheck),
        fastCheckCampaign: measurement(campaign),
        implAlone: measurement(implAlone),
      },
    ],
    scaling: [1_000, 1_000_000].map((liveEntries, index) => ({
      design: 'classic',
      liveEntries,
      populateMs: 1,
      ops: 100,
      nsPerOp: index === 0 ? 1000 : 1000 * growth,
      modelNsPerOp: 500,
      implNsPerOp: 300,
      checksNsPerOp: 200,
      fullCheckMs,
      fullCheckNsPerOpAmortized: 2,
      bytesPerEntry,
    })),
    mutants: [
      {
        name: 'order-not-reset',
        seeds: 3,
        killed: 3,
        msToKill,
        opsToKill: 900,
        msToShrink: 300,
        shrunkLength: 3,
      },
    ],
    workers: {
      design: 'classic',
      runs: 96,
      one: measurement(1),
      two: measurement(1),
      speedup,
      determinism: {
        workers: [1, 2, 3],
        runs: 24,
        identical,
        firstDifference: identical ? null : '--workers 2 differs',
      },
    },
    mutantBaseline: { about: 'test', date: '2026-11-25', msToKill: { 'order-not-reset': 100 } },
  };
}

describe('benchmark targets', () => {
  it('are met when every number is on the right side of its bound', () => {
    const judged = targets(results(250_000, 50_000, 3_000_000, 1.5, 1.9));
    expect(judged).toHaveLength(8);
    expect(judged.every((target) => target.met)).toBe(true);
  });

  it('are not met where a number crosses its bound', () => {
    const judged = targets(results(150_000, 50_000, 1_500_000, 2.5, 1.5, 2500, 2000, 60, false));
    expect(judged.map((target) => target.met)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(judged[0]?.text).toMatch(
      /classic campaign: 150,000 checked ops\/s on one core \(target >= 200,000\)/,
    );
    expect(judged[1]?.text).toMatch(
      /classic design alone: 1,500,000 ops\/s \(target >= 2,000,000\)/,
    );
    expect(judged[2]?.text).toMatch(/2\.50x, model included \(target <= 2x\)/);
    expect(judged[3]?.text).toMatch(/full check at 1,000,000 live entries 2\.50 s/);
    expect(judged[4]?.text).toMatch(/2,000 B per live entry/);
    expect(judged[5]?.text).toMatch(/0 of 1 mutants/);
    expect(judged[7]?.text).toMatch(/differ/);
  });

  it('hold other designs to 100,000 checked ops/s and 1,000,000 alone', () => {
    const base = results(250_000, 50_000, 3_000_000, 1.5, 1.9);
    const row = base.throughput[0];
    if (row === undefined) throw new Error('no row');
    const other = {
      ...base,
      throughput: [
        {
          ...row,
          design: 'vswap-rfc',
          campaign: measurement(150_000),
          implAlone: measurement(1_200_000),
        },
      ],
    };
    const judged = targets(other);
    expect(judged[0]).toEqual({
      met: true,
      text: 'vswap-rfc campaign: 150,000 checked ops/s on one core (target >= 100,000)',
    });
    expect(judged[1]).toEqual({
      met: true,
      text: 'vswap-rfc design alone: 1,200,000 ops/s (target >= 1,000,000)',
    });
  });
});

describe('BENCHMARKS.md', () => {
  it('names the machine and Node, and has every section with its numbers', () => {
    const text = benchmarksMarkdown(results(1_200_000, 300_000, 3_000_000, 1.5, 1.9));
    expect(text).toContain('| `order-not-reset` | 3/3 | 40 | 100 | 0.40x | 900 | 300 | 3 |');
    expect(text).toContain('Test CPU, 2 cores, 24 GiB, Node v20.20.2');
    expect(text).toContain('load average 0.50 at the start and 1.25 at the end');
    for (const heading of [
      '## Targets',
      '## Throughput',
      '## Cost growth',
      '## Mutants',
      '## Workers',
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('| classic | 1,200,000 |');
    expect(summaryTable(results(1, 1, 1, 1, 1))).toContain('speedup 1.00x');
  });
});

describe('npm run bench', () => {
  it('rejects a bad flag with one line and exit code 2', () => {
    const main = join(import.meta.dirname, '..', 'dist', 'bench', 'main.js');
    for (const args of [['--bogus'], ['--section', 'nope'], ['--design', 'nope']]) {
      const result = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^swapcheck bench: /);
    }
  });
});

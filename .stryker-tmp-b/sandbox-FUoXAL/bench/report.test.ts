/**
 * The benchmark report: targets are judged from the numbers (met and not met both reachable),
 * BENCHMARKS.md names the machine and shows every section, and a bad flag of `npm run bench`
 * is a one-line error with exit code 2. No timing is asserted: the measurements are made up.
 *
 * Not covered here: the measurements themselves (npm run bench).
 */
// @ts-nocheck

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Measurement } from './measure.ts';
import { benchmarksMarkdown, summaryTable, targets, type BenchResults } from './report.ts';

function measurement(perSecond: number): Measurement {
  return { name: 'm', units: perSecond, samples: 3, medianMs: 1000, minMs: 900, maxMs: 1100, madMs: 50, perSecond };
}

function results(campaign: number, fastCheck: number, implAlone: number, growth: number, speedup: number): BenchResults {
  return {
    format: 'swapcheck-bench', version: 1, date: '2026-11-25', quick: false,
    machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 24, node: 'v20.20.2', platform: 'linux-x64', loadBefore: 0.5, loadAfter: 1.25 },
    throughput: [{
      design: 'classic', campaign: measurement(campaign), fullChecks: measurement(campaign / 4),
      fastCheckFull: measurement(fastCheck), fastCheckCampaign: measurement(campaign), implAlone: measurement(implAlone),
    }],
    scaling: [1_000, 1_000_000].map((liveEntries, index) => ({
      design: 'classic', liveEntries, populateMs: 1, ops: 100, nsPerOp: index === 0 ? 1000 : 1000 * growth,
      modelNsPerOp: 500, implNsPerOp: 300, checksNsPerOp: 200, fullCheckMs: 2, fullCheckNsPerOpAmortized: 2,
    })),
    mutants: [{ name: 'order-not-reset', seeds: 3, killed: 3, msToKill: 40, opsToKill: 900, msToShrink: 300, shrunkLength: 3 }],
    workers: { design: 'classic', runs: 96, one: measurement(1), two: measurement(1), speedup },
  };
}

describe('benchmark targets', () => {
  it('are met when every number is on the right side of its bound', () => {
    const judged = targets(results(1_200_000, 300_000, 3_000_000, 1.5, 1.9));
    expect(judged).toHaveLength(6);
    expect(judged.every((target) => target.met)).toBe(true);
  });

  it('are not met where a number crosses its bound (the model-excluded growth stays flat here)', () => {
    const judged = targets(results(900_000, 400_000, 3_000_000, 2.5, 1.5));
    expect(judged.map((target) => target.met)).toEqual([false, false, false, false, true, false]);
    expect(judged[2]?.text).toMatch(/3\.33x \(target <= 3x\)/);
  });
});

describe('BENCHMARKS.md', () => {
  it('names the machine and Node, and has every section with its numbers', () => {
    const text = benchmarksMarkdown(results(1_200_000, 300_000, 3_000_000, 1.5, 1.9));
    expect(text).toContain('Test CPU, 2 cores, 24 GiB, Node v20.20.2');
    expect(text).toContain('load average 0.50 at the start and 1.25 at the end');
    for (const heading of ['## Targets', '## Throughput', '## Cost growth', '## Mutants', '## Workers']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('| classic | 1,200,000 |');
    expect(text).toContain('| `order-not-reset` | 3/3 | 40 | 900 | 300 | 3 |');
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

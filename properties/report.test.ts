/**
 * Failures in words: over every committed mutant trace (properties/mutants/), the report names
 * what broke in one sentence that names an invariant once, lists every op up to the
 * failing one (the drain's ops under a label when the failure is in the drain, so the number
 * in "at drain op #N" is a listed line), gives the failing op's outcome on both sides, and
 * words each difference by kernel object (holder, entry by its design value, folio, device,
 * nr_swap_pages, the zswap pool), never as a JSON path. Also the before/after words of
 * `replay --verbose` on a hand-made state change.
 *
 * Method: replay each trace with the checker and render it. Not covered here: the CLI that
 * prints it (cli/cli.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../lib/observation.ts';
import { resolveDesign } from './design-registry.ts';
import { beforeAndAfter, observationDivergence } from './divergence.ts';
import { describeFailure, formatDivergence, formatOps } from './report.ts';
import { replayOps } from './run.ts';
import { readTrace, resolveConfig } from './trace.ts';

const directory = join(import.meta.dirname, 'mutants');
// Version 2 traces (races) are reported by the explorer, not by these functions.
const files = readdirSync(directory)
  .filter(
    (name) =>
      name.endsWith('.json') &&
      JSON.parse(readFileSync(join(directory, name), 'utf8')).version === 1,
  )
  .sort();
const subjects =
  /^(outcome of \w+|holder \d+'s PTE|entry \S+|folio \d+|device \d+|free swap pages \(nr_swap_pages\)|zswap pool|zswap enabled|memcg \d+)[: ]/;

describe('failure reports', () => {
  it.each(files)(
    '%s: one sentence, every op up to the failing one listed, differences in kernel words',
    (file) => {
      const trace = readTrace(join(directory, file));
      const { failure } = replayOps(
        resolveDesign(trace.design),
        resolveConfig(trace.config),
        trace.ops,
      );
      expect(failure).not.toBeNull();
      if (failure === null) return;
      const sentence = describeFailure(failure);
      expect(sentence.split('\n')).toHaveLength(1);
      // The invariant is named once, by the sentence: not again as the message's prefix.
      if (failure.invariant !== undefined) {
        expect(failure.message.startsWith(`${failure.invariant}: `), sentence).toBe(false);
        expect(sentence).not.toMatch(/\[invariant /);
      }
      const ops = formatOps(trace.ops, failure);
      if (failure.op !== null) {
        const marked = ops.filter((line) => line.startsWith('>>'));
        expect(marked, ops.join('\n')).toHaveLength(1);
        expect(marked[0]).toMatch(new RegExp(`^>> *${failure.step + 1}  `));
      }
      if (failure.drain !== undefined) {
        expect(ops).toContainEqual(expect.stringMatching(/^ +drain \(after the last op/));
        expect(sentence).toMatch(failure.op === null ? /after the drain/ : /at drain op #\d+ /);
      }
      for (const line of failure.divergence ?? []) {
        expect(line, sentence).toMatch(subjects);
        expect(line).not.toMatch(/\w\[\d+\]\.\w|entries\[|holders\[/);
      }
      if (failure.kind === 'outcome' || failure.kind === 'observation') {
        expect(failure.outcome, sentence).toBeDefined();
        expect(formatDivergence(failure).join('\n')).toMatch(/^ {4}outcome: /m);
      }
    },
  );

  it('words what an op changed, as replay --verbose prints it', () => {
    const before: Observation = {
      holders: [
        { kind: 'present', folio: 1, page: 0, content: 7, exclusive: true },
        { kind: 'empty' },
      ],
      entries: [
        {
          entry: 1,
          count: 0,
          cache: { folio: 1, page: 0 },
          shadow: false,
          backend: 'none',
          device: 0,
          virtual: false,
          content: 7,
          staleZswap: false,
          memcg: null,
        },
      ],
      folios: [{ id: 1, order: 0, dirty: true, cached: true, pages: [7] }],
      devices: [{ online: true, writeOk: true, inuse: 1 }],
      swapFreePages: 13,
      zswapStored: 0,
      zswapEnabled: true,
      memcgSwapCurrent: [],
    };
    const after: Observation = {
      ...before,
      holders: [{ kind: 'swap', entry: 1, content: 7, exclusive: true }, { kind: 'empty' }],
      entries: [{ ...(before.entries[0] as Observation['entries'][number]), count: 1 }],
    };
    expect(
      observationDivergence(before, after, (serial) => `swp(0:${serial})`, beforeAndAfter),
    ).toEqual([
      "holder 0's PTE: was maps folio 1 page 0 (content 7), now holds swap entry swp(0:1) (content 7)",
      'entry swp(0:1): swap count: was 0, now 1',
    ]);
    expect(observationDivergence(after, before, (serial) => `swp(0:${serial})`)).toContain(
      'entry swp(0:1): swap count: model 1, design 0',
    );
    expect(
      observationDivergence(
        before,
        { ...before, entries: [], swapFreePages: 14 },
        (s) => `swp(0:${s})`,
        beforeAndAfter,
      ),
    ).toEqual(['entry swp(0:1): freed', 'free swap pages (nr_swap_pages): was 13, now 14']);
  });
});

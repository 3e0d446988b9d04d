/**
 * The property campaign of `swapcheck validate`: seeded random runs of one design (each ending
 * with the drain) over the preset configs in turn, until the runs or the time budget are
 * spent or a run fails (a budget in runs gives the same verdict on any machine); a failure is
 * shrunk to a minimal trace.
 *
 * Not covered here: loading the proposal (properties/proposal.ts) and its costs
 * (properties/compare.ts).
 */
import { performance } from 'node:perf_hooks';
import { configPresets, type Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { Failure } from './checker.ts';
import { runSeed } from './prng.ts';
import { runRandom, type DesignUnderTest } from './run.ts';
import { shrinkTrace } from './shrink.ts';

export interface ValidateOptions {
  readonly seed: number;
  readonly timeMs: number;
  readonly opsPerRun: number;
  /** Upper bound on runs (the time budget usually ends the campaign first). */
  readonly runsMax: number;
  readonly shrinkMs: number;
}

export interface ValidateFailure {
  /** The failing run's index: `--runs runIndex + 1` with the same seed reaches it. */
  readonly runIndex: number;
  readonly configName: string;
  readonly config: Config;
  readonly runSeed: number;
  readonly ops: readonly Op[];
  readonly failure: Failure;
  readonly lengthBefore: number;
}

export interface ValidateResult {
  readonly runs: number;
  readonly steps: number;
  readonly failure: ValidateFailure | null;
}

export function validateDesign(design: DesignUnderTest, options: ValidateOptions): ValidateResult {
  const presets = Object.entries(configPresets);
  const start = performance.now();
  let runs = 0;
  let steps = 0;
  while (runs < options.runsMax && (runs === 0 || performance.now() - start < options.timeMs)) {
    const entry = presets[runs % presets.length];
    if (entry === undefined) break;
    const [configName, config] = entry;
    const seed = runSeed(options.seed, runs);
    let result;
    try {
      result = runRandom(design, config, seed, options.opsPerRun);
    } finally {
      runs++;
    }
    steps += result.steps;
    if (result.failure !== null) {
      const shrunk = shrinkTrace(design, config, result.ops, result.failure, {
        timeMs: options.shrinkMs,
        attemptsMax: 100_000,
      });
      return {
        runs,
        steps,
        failure: {
          runIndex: runs - 1,
          configName,
          config,
          runSeed: seed,
          ops: shrunk.ops,
          failure: shrunk.failure,
          lengthBefore: result.ops.length,
        },
      };
    }
  }
  return { runs, steps, failure: null };
}

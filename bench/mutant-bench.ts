/**
 * Time to kill and time to shrink each catalogued mutant: per seed, seeded campaign runs (the
 * presets in turn, campaign checks) until one fails, then the failing run is shrunk; the
 * medians over seeds are reported with the shrunk length. Times are this process's CPU time
 * (the machine is shared), and the budgets too.
 *
 * Not covered here: race mutants (killed by `swapcheck explore`; docs/model-checking.md has their
 * times), and whether kills meet the self-check's criteria (`swapcheck mutants`,
 * properties/mutant-check.ts, which also replays each kill on the base design).
 */
import type { Config } from '../lib/config.ts';
import { configPresets } from '../lib/config.ts';
import { mutantCatalogue, mutantDesignRef } from '../impl/mutants.ts';
import { checkerOptionsCampaign } from '../properties/checker.ts';
import { resolveDesign } from '../properties/design-registry.ts';
import { median } from '../properties/mutant-check.ts';
import { runSeed } from '../properties/prng.ts';
import { runRandom } from '../properties/run.ts';
import { shrinkTrace } from '../properties/shrink.ts';
import { cpuMsSince } from './measure.ts';

export interface MutantTiming {
  readonly name: string;
  readonly seeds: number;
  readonly killed: number;
  /** Medians over the killing seeds, or null when none killed. */
  readonly msToKill: number | null;
  readonly opsToKill: number | null;
  readonly msToShrink: number | null;
  readonly shrunkLength: number | null;
}

export interface MutantBenchOptions {
  readonly seeds: number;
  readonly timeMsPerSeed: number;
  readonly shrinkMs: number;
  readonly seed: number;
  /** Only the first N mutants (for a quick run). */
  readonly only: number | undefined;
  readonly onMutant?: (name: string) => void;
}

export function benchMutants(options: MutantBenchOptions): MutantTiming[] {
  const configs = Object.values<Config>(configPresets);
  // Race mutants need interleavings: `swapcheck explore` kills them (docs/model-checking.md has
  // their times), sequential campaigns cannot.
  const names = Object.keys(mutantCatalogue)
    .filter((name) => mutantCatalogue[name]?.race === undefined)
    .sort()
    .slice(0, options.only ?? Number.POSITIVE_INFINITY);
  return names.map((name) => {
    options.onMutant?.(name);
    const design = resolveDesign(mutantDesignRef(name));
    const kill: number[] = [];
    const ops: number[] = [];
    const shrink: number[] = [];
    const lengths: number[] = [];
    for (let s = 0; s < options.seeds; s++) {
      const started = process.cpuUsage();
      let steps = 0;
      for (let run = 0; cpuMsSince(started) < options.timeMsPerSeed; run++) {
        const config = configs[run % configs.length] as Config;
        const result = runRandom(
          design,
          config,
          runSeed(options.seed + s, run),
          400,
          checkerOptionsCampaign,
        );
        steps += result.failure === null ? result.steps : result.failure.step + 1;
        if (result.failure === null) continue;
        kill.push(cpuMsSince(started));
        ops.push(steps);
        const shrinkStarted = process.cpuUsage();
        const small = shrinkTrace(design, config, result.ops, result.failure, {
          timeMs: options.shrinkMs,
          attemptsMax: 100_000,
        });
        shrink.push(cpuMsSince(shrinkStarted));
        lengths.push(small.ops.length);
        break;
      }
    }
    return {
      name,
      seeds: options.seeds,
      killed: kill.length,
      msToKill: median(kill),
      opsToKill: median(ops),
      msToShrink: median(shrink),
      shrunkLength: median(lengths),
    };
  });
}

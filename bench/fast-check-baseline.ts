/**
 * The baseline a user would write with fast-check alone, on the campaign's op mix: for each of
 * the campaign's run seeds, `fc.assert` of a property whose commands are the run's templates,
 * drawn by the campaign's own generator (properties/generator.ts: the run's swarm, its hot
 * holders, the same PRNG stream), wrapped as `fc.Command`s and driven by `fc.modelRun`. Each
 * command resolves its template against the model's observation and applies the op to the
 * reference model and the design through the same Checker (against the candidate sets the
 * campaign keeps, properties/candidate-sets.ts). So the ops are the campaign's, op
 * for op; only the driver differs (fast-check's property runner and command objects instead of
 * runRandom()'s loop), and the checks are whichever CheckerOptions the caller passes: a full
 * check after every op is what a plain fc.modelRun user writes.
 *
 * Not covered here: shrinking (a benchmark run never fails; if it does, it throws).
 */
import fc from 'fast-check';
import type { Config } from '../lib/config.ts';
import { CandidateSets } from '../properties/candidate-sets.ts';
import type { Checker, CheckerOptions } from '../properties/checker.ts';
import { drawHotBase, drawSwarm, drawTemplate } from '../properties/generator.ts';
import { describeFailure } from '../properties/report.ts';
import { resolveWith, type OpTemplate } from '../properties/op-template.ts';
import { Prng, runSeed } from '../properties/prng.ts';
import { checkerFor, swaponOps, type DesignUnderTest } from '../properties/run.ts';

interface ModelSide {
  readonly checker: Checker;
  readonly candidates: CandidateSets;
  readonly config: Config;
  readonly hot: number | null;
  readonly hotBase: number;
}

/** Applies one template's op to both sides and checks it. */
class TemplateCommand implements fc.Command<ModelSide, object> {
  readonly template: OpTemplate;

  constructor(template: OpTemplate) {
    this.template = template;
  }

  check(): boolean {
    return true;
  }

  run(side: ModelSide): void {
    const op = resolveWith(
      side.config,
      side.checker.observation.holders,
      side.candidates,
      this.template,
      side.hot,
      side.hotBase,
    );
    const failure = side.checker.step(op);
    if (failure !== null) throw new Error(describeFailure(failure));
    side.candidates.afterStep();
  }

  toString(): string {
    return this.template.kind;
  }
}

/**
 * One batch: the campaign's `runs` runs of `opsPerRun` generated ops from `seed`, each driven by
 * fast-check; returns the ops applied (the swapons and the drain included, as a campaign counts).
 */
export function fastCheckBatch(
  design: DesignUnderTest,
  config: Config,
  runs: number,
  opsPerRun: number,
  seed: number,
  options: CheckerOptions,
): number {
  let ops = 0;
  for (let run = 0; run < runs; run++) {
    // The run's swarm and templates, drawn exactly as runRandom() draws them.
    const prng = new Prng(runSeed(seed, run));
    const swarm = drawSwarm(prng);
    const hotBase = drawHotBase(prng, config);
    const commands = Array.from(
      { length: opsPerRun },
      () => new TemplateCommand(drawTemplate(prng, swarm)),
    );
    fc.assert(
      fc.property(fc.constant(commands), (cmds) => {
        const checker = checkerFor(design, config, options);
        for (const op of swaponOps(config, swarm)) {
          const failure = checker.step(op);
          if (failure !== null) throw new Error(describeFailure(failure));
        }
        const candidates = new CandidateSets(config, checker);
        fc.modelRun(
          () => ({
            model: { checker, candidates, config, hot: swarm.hotHolders, hotBase },
            real: {},
          }),
          cmds,
        );
        const failure = checker.drain();
        if (failure !== null) throw new Error(describeFailure(failure));
        ops += checker.steps;
      }),
      { numRuns: 1, seed, endOnFailure: true },
    );
  }
  return ops;
}

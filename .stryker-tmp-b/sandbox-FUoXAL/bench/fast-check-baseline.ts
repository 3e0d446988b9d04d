/**
 * The baseline a user would write with fast-check alone: `fc.commands` of op templates and
 * `fc.modelRun`, each command applying its op to the reference model and the design through
 * the same Checker (so the ops, their resolution and the checks are swapcheck's own), on the
 * default config with every device swapped on first. Only the driver differs from a campaign:
 * fast-check builds and runs command objects instead of the PRNG loop of runRandom().
 *
 * Not covered here: shrinking (a benchmark run never fails; if it does, it throws).
 */
// @ts-nocheck

import fc from 'fast-check';
import type { Config } from '../lib/config.ts';
import { opNames } from '../lib/ops.ts';
import { templateArbitrary } from '../properties/arbitraries.ts';
import type { Checker, CheckerOptions } from '../properties/checker.ts';
import { describeFailure } from '../properties/report.ts';
import { resolveTemplate, type OpTemplate } from '../properties/op-template.ts';
import { checkerFor, type DesignUnderTest } from '../properties/run.ts';

interface ModelSide {
  readonly checker: Checker;
  readonly config: Config;
  /** Ops applied so far, summed over the whole batch. */
  readonly counter: { ops: number };
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
    const op = resolveTemplate(side.config, side.checker.observation, this.template);
    side.counter.ops++;
    const failure = side.checker.step(op);
    if (failure !== null) throw new Error(describeFailure(failure));
  }

  toString(): string {
    return this.template.kind;
  }
}

/**
 * One batch: `runs` fast-check runs of up to `opsPerRun` commands from a fixed seed; returns
 * the ops applied (the prologue's swapons and the drain included).
 */
export function fastCheckBatch(
  design: DesignUnderTest, config: Config, runs: number, opsPerRun: number, seed: number, options: CheckerOptions,
): number {
  const counter = { ops: 0 };
  const commands = fc.commands([templateArbitrary(opNames).map((t) => new TemplateCommand(t))], {
    maxCommands: opsPerRun,
    size: 'max',
  });
  fc.assert(
    fc.property(commands, (cmds) => {
      const checker = checkerFor(design, config, options);
      for (let device = 0; device < config.devices.length; device++) {
        counter.ops++;
        const failure = checker.step({ op: 'swapon', device, cpu: 0 });
        if (failure !== null) throw new Error(describeFailure(failure));
      }
      fc.modelRun(() => ({ model: { checker, config, counter }, real: {} }), cmds);
      const before = checker.steps;
      const failure = checker.drain();
      counter.ops += checker.steps - before;
      if (failure !== null) throw new Error(describeFailure(failure));
    }),
    { numRuns: runs, seed, endOnFailure: true },
  );
  return counter.ops;
}

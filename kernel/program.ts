/**
 * A kernel program: the userspace actions a trace becomes, each with the model ops it stands
 * for, the model's outcomes and what userspace should see after it; plus what the C program
 * needs to set itself up (devices, processes, whether it uses memory.reclaim). The builder
 * records steps as a KernelSession applies actions; the translator (kernel/translate.ts) and
 * the random generator (kernel/generator.ts) both build programs with it, and the drain that
 * ends every program is appended here.
 *
 * Not covered here: matching a trace's ops (kernel/translate.ts), C (kernel/emit-c.ts).
 */
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { Outcome } from '../lib/outcome.ts';
import type { Action } from './actions.ts';
import type { Place } from './placement.ts';
import type { KernelProfile } from './profile.ts';
import type { KernelExpectation } from './session.ts';
import { KernelSession, Rejection } from './session.ts';

export interface ProgramStep {
  /** 1-based; step 0 is the state after set-up. */
  readonly index: number;
  readonly action: Action;
  /** The model ops the action stands for (trace ops, or generated ones). */
  readonly ops: readonly Op[];
  /** Index in the source op list of each op (generated and drain ops continue the count). */
  readonly opIndices: readonly number[];
  readonly outcomes: readonly Outcome[];
  /** Part of the drain that ends the program (not in the source trace). */
  readonly drain: boolean;
  readonly expect: KernelExpectation;
}

/** A drain action the profile refused, with the refusal. */
export interface SkippedDrain {
  readonly action: Action;
  readonly rejection: Rejection;
}

export interface KernelProgram {
  readonly config: Config;
  readonly profile: KernelProfile;
  /** The op list the steps come from, drain included: a trace of the whole program. */
  readonly ops: readonly Op[];
  /** How many of `ops` came from the source (the rest is the drain). */
  readonly sourceOps: number;
  readonly steps: readonly ProgramStep[];
  /** After set-up, before step 1. */
  readonly initial: KernelExpectation;
  /** Each holder's process and page (null: never used), by holder. */
  readonly placement: readonly (Place | null)[];
  readonly processes: number;
  /** Some step writes memory.reclaim: the program runs in a cgroup with its memory locked. */
  readonly usesReclaim: boolean;
  readonly skippedDrain: readonly SkippedDrain[];
}

export class ProgramBuilder {
  readonly session: KernelSession;
  private readonly steps: ProgramStep[] = [];
  private readonly ops: Op[] = [];
  private readonly initial: KernelExpectation;
  private sourceOps = 0;
  private readonly skippedDrain: SkippedDrain[] = [];

  constructor(config: Config, profile?: KernelProfile) {
    this.session = new KernelSession(config, profile);
    this.initial = this.session.expectation();
  }

  /** Records a step whose ops were applied by the caller. */
  record(
    action: Action,
    ops: readonly Op[],
    outcomes: readonly Outcome[],
    drain = false,
  ): ProgramStep {
    const first = this.ops.length;
    this.ops.push(...ops);
    const step: ProgramStep = {
      index: this.steps.length + 1,
      action,
      ops,
      opIndices: ops.map((_, offset) => first + offset),
      outcomes,
      drain,
      expect: this.session.expectation(),
    };
    this.steps.push(step);
    return step;
  }

  /**
   * Applies `action` as generated: every op the expansion expects (optional ones left out).
   * Throws the Rejection when the profile refuses it (nothing has changed then).
   */
  apply(action: Action, drain = false): ProgramStep {
    const refusal = this.session.rejection(action);
    if (refusal !== null) throw refusal;
    const ops: Op[] = [];
    const outcomes: Outcome[] = [];
    for (const expected of this.session.expand(action)) {
      if (expected.optional) continue;
      ops.push(expected.op);
      outcomes.push(this.session.applyOp(expected.op));
    }
    return this.record(action, ops, outcomes, drain);
  }

  /** Ends the source part: later steps are the drain. */
  endSource(): void {
    this.sourceOps = this.ops.length;
  }

  /** Appends the drain (read back, unmap, swapoff); a drain action the profile refuses is
   * left out and listed. */
  drain(): void {
    this.endSource();
    for (const action of this.session.drainActions()) {
      if (!this.drainApplies(action)) continue;
      try {
        this.apply(action, true);
      } catch (error) {
        if (!(error instanceof Rejection)) throw error;
        this.skippedDrain.push({ action, rejection: error });
      }
    }
  }

  build(): KernelProgram {
    return {
      config: this.session.config,
      profile: this.session.profile,
      ops: [...this.ops],
      sourceOps:
        this.sourceOps === 0 && this.steps.every((step) => !step.drain)
          ? this.ops.length
          : this.sourceOps,
      steps: [...this.steps],
      initial: this.initial,
      placement: this.session.placement.all(),
      processes: this.session.placement.processes,
      usesReclaim: this.session.usesReclaim,
      skippedDrain: [...this.skippedDrain],
    };
  }

  /** A drain action only where it does something: reads of swapped-out holders, zaps of
   * non-empty ones. */
  private drainApplies(action: Action): boolean {
    if (action.kind === 'read') return this.session.model.holderView(action.holder).kind === 'swap';
    if (action.kind === 'zap') return this.session.model.holderView(action.holder).kind !== 'empty';
    return true;
  }
}

/**
 * The kernel-shaped SwapSystem: one SwapState plus the op handlers, the observation, the
 * audits and the marks behind the lib/system.ts interface. apply() checks the CPU, runs the
 * op on it, and ends the operation (deferred frees of emptied virtual clusters, which also
 * drop lookup-cache pins on them); expected failures come back as errnos, and a broken
 * internal contract throws an AssertionError.
 *
 * The system runs the design's named steps (impl/kernel-steps.ts), with the replacements of
 * a design variant when one is given (a catalogued mutant, impl/designs.ts).
 *
 * Not covered here: the mechanisms (impl/swap-state.ts and the modules it names).
 */
import { assert, assertThat, unreachable } from '../lib/assert.ts';
import { mark } from './marks.ts';
import { assertConfig, type Config } from '../lib/config.ts';
import type {
  EntryView,
  FolioView,
  HolderView,
  Observation,
  ObservationSummary,
} from '../lib/observation.ts';
import type { Op } from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import type { CostOptions, CostReport } from '../lib/costs.ts';
import type { Knobs, SwapSystem } from '../lib/system.ts';
import { auditEmptyState, auditState, auditTouched } from './audit.ts';
import { activateCosts } from './cost-counters.ts';
import { measureMetadata, MetadataPeaks } from './cost-metadata.ts';
import { formatEntryValue, swpOffset } from './entry-value.ts';
import { EINVAL, isIndex } from './op-args.ts';
import { fault, fork, setZswap, split, write } from './ops-memory.ts';
import { swapin, zap, zswapWriteback } from './ops-swap-in.ts';
import { allocSwap, evict, freeSwapCache, unmap, writeout } from './ops-swap-out.ts';
import {
  observeEntry,
  observeFolio,
  observeHolder,
  observeState,
  observeSummary,
} from './observe.ts';
import { kernelSteps } from './kernel-steps.ts';
import type { SectionSteps } from './sections.ts';
import { sectionSteps } from './sections-ops.ts';
import { SwapState, type KernelSteps } from './swap-state.ts';
import { swapoff, swapon } from './swapoff.ts';

/** Named steps replaced in a design variant (a catalogued mutant, impl/mutants/). */
export interface StepOverrides {
  readonly steps?: Partial<KernelSteps>;
  readonly sections?: Partial<SectionSteps>;
}

export class KernelSwapSystem implements SwapSystem {
  readonly state: SwapState;
  /** The section steps the explorer's sectioned ops run (impl/sections-ops.ts). */
  readonly sectionSteps: SectionSteps;
  /** Metadata peaks, sampled after ops once costs() has been called. */
  private peaks: MetadataPeaks | null = null;
  /** Metadata is measured after every N-th op (CostOptions.sampleEvery). */
  private sampleEvery = 1;

  constructor(config: Config, knobs: Knobs, overrides: StepOverrides = {}) {
    assertConfig(config);
    this.state = new SwapState(config, knobs, { ...kernelSteps, ...overrides.steps });
    this.sectionSteps = { ...sectionSteps, ...overrides.sections };
    assert(this.state.holders.length === config.holders);
  }

  apply(op: Op): ImplOutcome {
    this.state.costs.ops++;
    activateCosts(this.state.costs);
    try {
      return this.applyOp(op);
    } finally {
      activateCosts(null);
      const peaks = this.peaks;
      if (peaks !== null && this.state.costs.ops % this.sampleEvery === 0) {
        peaks.sample(measureMetadata(this.state));
      }
    }
  }

  /**
   * Cost counters since creation and metadata bytes; the first call starts sampling the
   * metadata after every op, or every `options.sampleEvery` ops (an O(slots) walk the property
   * campaign does not pay for). Every call measures the metadata as it is now.
   */
  costs(options?: CostOptions): CostReport {
    if (this.peaks === null) {
      const every = options?.sampleEvery ?? 1;
      assertThat(Number.isInteger(every) && every >= 1, 'sampleEvery ', every);
      this.sampleEvery = every;
      this.peaks = new MetadataPeaks();
    }
    this.peaks.sample(measureMetadata(this.state));
    return this.peaks.report(this.state.costs.snapshot());
  }

  private applyOp(op: Op): ImplOutcome {
    const state = this.state;
    state.opSeq++;
    if (!isIndex(op.cpu, state.config.cpus)) return EINVAL;
    state.cpu = op.cpu;
    const outcome = this.dispatch(op);
    assert(outcome.errno === 'OK' || outcome.how === undefined, 'a failed op took a path');
    state.vspace?.endOp();
    if (outcome.errno === 'ENOMEM') state.marks.hit(mark['enomem']);
    if (outcome.errno === 'ENOSPC') state.marks.hit(mark['enospc']);
    if (state.vmSwapFull()) state.marks.hit(mark['vm-swap-full']);
    return outcome;
  }

  observe(): Observation {
    return observeState(this.state);
  }

  observeHolder(holder: number): HolderView {
    assertThat(isIndex(holder, this.state.config.holders), 'holder ', holder);
    return observeHolder(this.state, holder);
  }

  observeEntry(value: number, cpu: number): EntryView | null {
    return observeEntry(this.state, value, cpu);
  }

  observeFolio(id: number): FolioView | null {
    return observeFolio(this.state, id);
  }

  observeSummary(): ObservationSummary {
    return observeSummary(this.state);
  }

  audit(): void {
    auditState(this.state);
  }

  auditTouched(values: readonly number[]): void {
    auditTouched(this.state, values);
  }

  auditEmpty(): void {
    auditEmptyState(this.state);
  }

  entryOffset(value: number): number {
    assertThat(value > 0, 'entry value ', value);
    return swpOffset(value);
  }

  formatEntry(value: number): string {
    return formatEntryValue(value);
  }

  marks(): Readonly<Record<string, number>> {
    return this.state.marks.snapshot();
  }

  private dispatch(op: Op): ImplOutcome {
    const state = this.state;
    switch (op.op) {
      case 'swapon':
        return swapon(state, op);
      case 'swapoff':
        return swapoff(state, op);
      case 'fault':
        return fault(state, op);
      case 'write':
        return write(state, op);
      case 'fork':
        return fork(state, op);
      case 'allocSwap':
        return allocSwap(state, op);
      case 'unmap':
        return unmap(state, op);
      case 'writeout':
        return writeout(state, op);
      case 'evict':
        return evict(state, op);
      case 'swapin':
        return swapin(state, op);
      case 'zap':
        return zap(state, op);
      case 'freeSwapCache':
        return freeSwapCache(state, op);
      case 'zswapWriteback':
        return zswapWriteback(state, op);
      case 'split':
        return split(state, op);
      case 'setZswap':
        return setZswap(state, op);
      default:
        return unreachable(op);
    }
  }
}

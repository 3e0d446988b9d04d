/**
 * The kernel-shaped SwapSystem: one SwapState plus the op handlers, the observation, the
 * audits and the marks behind the lib/system.ts interface. apply() checks the CPU, runs the
 * op on it, and ends the operation (deferred frees of emptied virtual clusters, which also
 * drop lookup-cache pins on them); expected failures come back as errnos, and a broken
 * internal contract throws an AssertionError.
 *
 * Not covered here: the mechanisms (impl/swap-state.ts and the modules it names).
 */
// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { assert, unreachable } from '../lib/assert.ts';
import { assertConfig, type Config } from '../lib/config.ts';
import type { EntryView, FolioView, HolderView, Observation } from '../lib/observation.ts';
import type { Op } from '../lib/ops.ts';
import type { ImplOutcome } from '../lib/outcome.ts';
import type { CostReport } from '../lib/costs.ts';
import type { Knobs, SwapSystem } from '../lib/system.ts';
import { auditEmptyState, auditState, auditTouched } from './audit.ts';
import { activateCosts } from './cost-counters.ts';
import { measureMetadata, MetadataPeaks } from './cost-metadata.ts';
import { formatEntryValue, swpOffset } from './entry-value.ts';
import { EINVAL, isIndex } from './op-args.ts';
import { fault, fork, setZswap, split, write } from './ops-memory.ts';
import { swapin, zap, zswapWriteback } from './ops-swap-in.ts';
import { allocSwap, evict, freeSwapCache, unmap, writeout } from './ops-swap-out.ts';
import { observeEntry, observeFolio, observeHolder, observeState } from './observe.ts';
import { SwapState } from './swap-state.ts';
import { swapoff, swapon } from './swapoff.ts';
export class KernelSwapSystem implements SwapSystem {
  readonly state: SwapState;
  /** Metadata peaks, sampled after every op once costs() has been called. */
  private peaks: MetadataPeaks | null = null;
  constructor(config: Config, knobs: Knobs, mutant: string | null = null) {
    assertConfig(config);
    this.state = new SwapState(config, knobs, mutant);
    assert(this.state.holders.length === config.holders);
  }
  apply(op: Op): ImplOutcome {
    this.state.costs.ops++;
    activateCosts(this.state.costs);
    try {
      return this.applyOp(op);
    } finally {
      activateCosts(null);
      this.peaks?.sample(measureMetadata(this.state));
    }
  }

  /**
   * Cost counters since creation and metadata bytes; the first call starts sampling the
   * metadata after every op (an O(slots) walk the property campaign does not pay for).
   */
  costs(): CostReport {
    if (stryMutAct_9fa48("2") ? this.peaks !== null : stryMutAct_9fa48("1") ? false : stryMutAct_9fa48("0") ? true : (stryCov_9fa48("0", "1", "2"), this.peaks === null)) {
      this.peaks = new MetadataPeaks();
      this.peaks.sample(measureMetadata(this.state));
    }
    return this.peaks.report(this.state.costs.snapshot());
  }
  private applyOp(op: Op): ImplOutcome {
    const state = this.state;
    stryMutAct_9fa48("3") ? state.opSeq-- : (stryCov_9fa48("3"), state.opSeq++);
    if (!isIndex(op.cpu, state.config.cpus)) return EINVAL;
    state.cpu = op.cpu;
    const outcome = this.dispatch(op);
    assert(outcome.errno === 'OK' || outcome.how === undefined, 'a failed op took a path');
    state.vspace?.endOp();
    if (stryMutAct_9fa48("6") ? outcome.errno !== 'ENOMEM' : stryMutAct_9fa48("5") ? false : stryMutAct_9fa48("4") ? true : (stryCov_9fa48("4", "5", "6"), outcome.errno === (stryMutAct_9fa48("7") ? "" : (stryCov_9fa48("7"), 'ENOMEM')))) state.marks.hit('enomem');
    if (outcome.errno === 'ENOSPC') state.marks.hit('enospc');
    if (stryMutAct_9fa48("9") ? false : stryMutAct_9fa48("8") ? true : (stryCov_9fa48("8", "9"), state.vmSwapFull())) state.marks.hit('vm-swap-full');
    return outcome;
  }
  observe(): Observation {
    return observeState(this.state);
  }
  observeHolder(holder: number): HolderView {
    if (stryMutAct_9fa48("10")) {
      {}
    } else {
      stryCov_9fa48("10");
      assert(isIndex(holder, this.state.config.holders), () => `holder ${holder}`);
      return observeHolder(this.state, holder);
    }
  }
  observeEntry(value: number, cpu: number): EntryView | null {
    if (stryMutAct_9fa48("13")) {
      {}
    } else {
      stryCov_9fa48("13");
      return observeEntry(this.state, value, cpu);
    }
  }
  observeFolio(id: number): FolioView | null {
    if (stryMutAct_9fa48("14")) {
      {}
    } else {
      stryCov_9fa48("14");
      return observeFolio(this.state, id);
    }
  }
  audit(): void {
    auditState(this.state);
  }
  auditTouched(values: readonly number[]): void {
    if (stryMutAct_9fa48("15")) {
      {}
    } else {
      stryCov_9fa48("15");
      auditTouched(this.state, values);
    }
  }
  auditEmpty(): void {
    auditEmptyState(this.state);
  }
  entryOffset(value: number): number {
    assert(value > 0, () => `entry value ${value}`);
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
        if (stryMutAct_9fa48("16")) {} else {
          stryCov_9fa48("16");
          return unreachable(op);
        }
    }
  }
}
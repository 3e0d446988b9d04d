/**
 * The design comparison: every workload's op stream (properties/workloads.ts) replayed on
 * every design through the Checker (so each cell has a correctness verdict, drain included),
 * with the design's cost report (lib/costs.ts) taken at the end of the stream, before the
 * drain. Everything here is deterministic: counts and bytes, no timings.
 *
 * Not covered here: printing the results (properties/compare-format.ts, compare-html.ts).
 */
import { metadataComponents, type CostReport, type MetadataBytes } from '../lib/costs.ts';
import type { Op } from '../lib/ops.ts';
import type { SwapSystem } from '../lib/system.ts';
import type { Checker, CheckerOptions } from './checker.ts';
import { checkerOptionsCampaign } from './checker.ts';
import { describeFailure } from './report.ts';
import { replayOps, type DesignUnderTest } from './run.ts';
import { workloadOps, type Workload } from './workloads.ts';

export interface CompareCell {
  readonly design: string;
  readonly workload: string;
  /** Null when the design agreed with the model through the stream and the drain. */
  readonly failure: string | null;
  /** Ops of the stream (prologue included). */
  readonly ops: number;
  /** Peak number of live swap entries in the model. It can differ between designs: the
   * model follows each design's legitimate choices (virtual or physical, which device), and
   * a full device fails allocations that a virtual space still serves. */
  readonly peakSwappedPages: number;
  /** Null for a design without costs(). */
  readonly costs: CostReport | null;
}

/** Derived per-cell figures; null where the design reports no costs or the ratio is 0/0. */
export interface CompareFigures {
  readonly bytesPerPage: number | null;
  /** Each component's peak over the peak swapped pages. */
  readonly componentBytesPerPage: MetadataBytes | null;
  readonly lookupsPerOp: number | null;
  readonly nodesPerOp: number | null;
  readonly hitRate: number | null;
  readonly rmapUpdates: number | null;
  readonly scanSlots: number | null;
  readonly redirections: number | null;
  readonly locksPerOp: number | null;
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

export function figures(cell: CompareCell): CompareFigures {
  const report = cell.costs;
  if (report === null) {
    return {
      bytesPerPage: null, componentBytesPerPage: null, lookupsPerOp: null, nodesPerOp: null,
      hitRate: null, rmapUpdates: null, scanSlots: null, redirections: null, locksPerOp: null,
    };
  }
  const counts = report.counts;
  const pages = cell.peakSwappedPages;
  const perPage = Object.fromEntries(metadataComponents.map((key) =>
    [key, pages === 0 ? 0 : report.peakBytes[key] / pages])) as unknown as MetadataBytes;
  return {
    bytesPerPage: ratio(report.peakTotalBytes, pages),
    componentBytesPerPage: perPage,
    lookupsPerOp: ratio(counts.indexLookups, counts.ops),
    nodesPerOp: ratio(counts.indexNodesWalked, counts.ops),
    hitRate: ratio(counts.lookupCacheHits, counts.lookupCacheHits + counts.lookupCacheMisses),
    rmapUpdates: counts.rmapUpdates,
    scanSlots: counts.scanSlots,
    redirections: counts.redirections,
    locksPerOp: ratio(counts.clusterLocks, counts.ops),
  };
}

/** Every op's outcome and observation are compared; the white-box audit runs every 8 ops. */
const compareChecks: CheckerOptions = { ...checkerOptionsCampaign, modelSelfCheck: false };

/** Replays one stream on one design. */
export function compareOne(design: DesignUnderTest, workload: Workload, ops: readonly Op[]): CompareCell {
  let system: SwapSystem | null = null;
  let checker: Checker | null = null;
  let peak = 0;
  const measured: DesignUnderTest = {
    ...design,
    create: (config) => {
      const created = design.create(config);
      created.costs?.();
      system = created;
      return created;
    },
  };
  const result = replayOps(measured, workload.config, ops, compareChecks, false, {
    start: (c) => {
      checker = c;
    },
    step: (_op, _failure, c) => {
      peak = Math.max(peak, c.observation.entries.length);
    },
  });
  const sys = system as SwapSystem | null;
  let costs: CostReport | null = null;
  try {
    costs = sys?.costs?.() ?? null;
  } catch {
    costs = null;
  }
  let failure = result.failure;
  const done = checker as Checker | null;
  if (failure === null && done !== null) failure = done.drain();
  return {
    design: design.name,
    workload: workload.name,
    failure: failure === null ? null : describeFailure(failure),
    ops: ops.length,
    peakSwappedPages: peak,
    costs,
  };
}

/** Every workload on every design, workload by workload. */
export function compareDesigns(designs: readonly DesignUnderTest[], chosen: readonly Workload[]): CompareCell[] {
  const cells: CompareCell[] = [];
  for (const workload of chosen) {
    const ops = workloadOps(workload);
    for (const design of designs) cells.push(compareOne(design, workload, ops));
  }
  return cells;
}

/**
 * The design comparison: every workload's op stream (properties/workloads.ts, and the kernel
 * scale ones of properties/scale-workloads.ts) replayed on every design through the Checker
 * (so each cell has a correctness verdict, drain included), with the design's cost report
 * (lib/costs.ts) taken at the end of the stream, before the drain, and optionally what a
 * program would see differently from classic (properties/userspace-diff.ts). Everything here
 * is deterministic: counts, bytes and views, no timings (the estimated time per op is
 * arithmetic on counts, properties/cost-model.ts).
 *
 * Not covered here: printing the results (properties/compare-format.ts, compare-html.ts,
 * compare-doc.ts).
 */
import { metadataComponents, type CostReport, type MetadataBytes } from '../lib/costs.ts';
import type { Op } from '../lib/ops.ts';
import type { SwapSystem } from '../lib/system.ts';
import { userspaceViewOf, type UserspaceView } from '../lib/userspace-view.ts';
import type { Checker, CheckerOptions } from './checker.ts';
import { timePerOp, type CostWeights, type Spread } from './cost-model.ts';
import { designNames, resolveDesign } from './design-registry.ts';
import { describeFailure } from './report.ts';
import { replayOps, type DesignUnderTest } from './run.ts';
import { UserspaceDiffer, type UserspaceDiff } from './userspace-diff.ts';
import { workloadPlan, type AnyWorkload, type WorkloadPlan } from './workloads.ts';

/** The design every other is compared with for userspace differences. */
export const referenceDesign = 'classic';

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
  /** What a program would see differently from `referenceDesign`; null when not compared or
   * for the reference itself. */
  readonly userspace: UserspaceDiff | null;
}

/** Derived per-cell figures; null where the design reports no costs or the ratio is 0/0. */
export interface CompareFigures {
  /** Peak total over peak swapped pages, memcg tables under the RFC v2 rule. */
  readonly bytesPerPage: number | null;
  /** The same without CONFIG_MEMCG. */
  readonly bytesPerPageNoMemcg: number | null;
  /** The same with a memcg_table allocated with every swap table (RFC v1). */
  readonly bytesPerPageEager: number | null;
  /** Each component's peak over the peak swapped pages. */
  readonly componentBytesPerPage: MetadataBytes | null;
  readonly lookupsPerOp: number | null;
  readonly nodesPerOp: number | null;
  readonly hitRate: number | null;
  readonly rmapUpdates: number | null;
  readonly scanSlots: number | null;
  readonly redirections: number | null;
  readonly locksPerOp: number | null;
  /** Estimated nanoseconds per op across the weights' range (null without weights). */
  readonly nsPerOp: Spread | null;
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

export function figures(cell: CompareCell, weights: CostWeights | null = null): CompareFigures {
  const report = cell.costs;
  if (report === null) {
    return {
      bytesPerPage: null,
      bytesPerPageNoMemcg: null,
      bytesPerPageEager: null,
      componentBytesPerPage: null,
      lookupsPerOp: null,
      nodesPerOp: null,
      hitRate: null,
      rmapUpdates: null,
      scanSlots: null,
      redirections: null,
      locksPerOp: null,
      nsPerOp: null,
    };
  }
  const counts = report.counts;
  const pages = cell.peakSwappedPages;
  const perPage = Object.fromEntries(
    metadataComponents.map((key) => [key, pages === 0 ? 0 : (report.peakBytes[key] ?? 0) / pages]),
  ) as unknown as MetadataBytes;
  return {
    bytesPerPage: ratio(report.peakTotalBytes, pages),
    bytesPerPageNoMemcg:
      report.memcg === undefined ? null : ratio(report.memcg.peakTotalNoMemcg, pages),
    bytesPerPageEager:
      report.memcg === undefined ? null : ratio(report.memcg.peakTotalEager, pages),
    componentBytesPerPage: perPage,
    lookupsPerOp: ratio(counts.indexLookups, counts.ops),
    nodesPerOp: ratio(counts.indexNodesWalked, counts.ops),
    hitRate: ratio(counts.lookupCacheHits, counts.lookupCacheHits + counts.lookupCacheMisses),
    rmapUpdates: counts.rmapUpdates,
    scanSlots: counts.scanSlots,
    redirections: counts.redirections,
    locksPerOp: ratio(counts.clusterLocks, counts.ops),
    nsPerOp: weights === null ? null : timePerOp(counts, weights),
  };
}

/** Every op's outcome and observation are compared; the white-box audit runs on what each op
 * touched, and everything every `fullCheckEvery` ops. */
function compareChecks(plan: WorkloadPlan): CheckerOptions {
  return { fullCheckEvery: plan.fullCheckEvery, modelSelfCheck: false };
}

/** Views of the reference design after each viewed op (-1: before the first). */
export type ReferenceViews = Map<number, UserspaceView>;

export interface CompareOneOptions {
  /** Record this run's userspace views here (the reference run). */
  readonly recordViews?: ReferenceViews;
  /** Compare this run's views with these (any other design's run). */
  readonly againstViews?: ReferenceViews;
}

/** Replays one stream on one design. */
export function compareOne(
  design: DesignUnderTest,
  workload: AnyWorkload,
  plan: WorkloadPlan,
  options: CompareOneOptions = {},
): CompareCell {
  let system: SwapSystem | null = null;
  let checker: Checker | null = null;
  let peak = 0;
  let index = -1;
  const checkpoints = new Set(plan.checkpoints);
  const measured: DesignUnderTest = {
    ...design,
    create: (config) => {
      const created = design.create(config);
      created.costs?.({ sampleEvery: plan.sampleEvery });
      system = created;
      return created;
    },
  };
  const differ = options.againstViews === undefined ? null : new UserspaceDiffer(referenceDesign);
  const look = (op: Op | null, c: Checker) => {
    const view = userspaceViewOf(c.observation, workload.config);
    options.recordViews?.set(index, view);
    const reference = options.againstViews?.get(index);
    if (differ !== null && reference !== undefined) differ.compare(index, op, reference, view);
  };
  const result = replayOps(measured, workload.config, plan.ops, compareChecks(plan), false, {
    start: (c) => {
      checker = c;
      look(null, c);
    },
    step: (op, failure, c) => {
      index++;
      peak = Math.max(peak, c.liveEntries);
      if (failure !== null) return;
      const checkpoint = checkpoints.has(index);
      if (checkpoint) system?.costs?.();
      if (checkpoint || (index + 1) % plan.viewEvery === 0) look(op, c);
    },
  });
  const sys = system as SwapSystem | null;
  let costs: CostReport | null;
  try {
    costs = sys?.costs?.() ?? null;
  } catch {
    costs = null;
  }
  let failure = result.failure;
  const done = checker as Checker | null;
  if (done !== null) done.listener = null; // The drain is not part of the workload's views.
  if (failure === null && done !== null) failure = done.drain();
  return {
    design: design.name,
    workload: workload.name,
    failure: failure === null ? null : describeFailure(failure),
    ops: plan.ops.length,
    peakSwappedPages: peak,
    costs,
    userspace: differ?.result() ?? null,
  };
}

/** Rank of a design in reports: the built-in designs in their order (classic first, then the
 * vswap family from the RFC to the direct and cached variants), a variant right after its
 * base, then everything else in the order given. */
export function designRank(name: string): number {
  const builtins = designNames();
  const exact = builtins.indexOf(name);
  if (exact >= 0) return exact * 2;
  const base = builtins.indexOf(name.split('[')[0] ?? '');
  return base >= 0 ? base * 2 + 1 : builtins.length * 2;
}

/** `designs` in report order (stable for equal ranks). */
export function orderDesigns<T extends { readonly name: string }>(designs: readonly T[]): T[] {
  return designs
    .map((design, index) => ({ design, index }))
    .sort((a, b) => designRank(a.design.name) - designRank(b.design.name) || a.index - b.index)
    .map(({ design }) => design);
}

export interface CompareOptions {
  /** Compare each design's userspace views with classic's (classic runs even if not chosen). */
  readonly userspace?: boolean;
  /** Told when each cell is done, with its wall time (stderr progress; not in any report). */
  readonly progress?: (cell: CompareCell, elapsedMs: number) => void;
}

/** Every workload on every design, workload by workload, designs in report order. */
export function compareDesigns(
  designs: readonly DesignUnderTest[],
  chosen: readonly AnyWorkload[],
  options: CompareOptions = {},
): CompareCell[] {
  const ordered = orderDesigns(designs);
  const cells: CompareCell[] = [];
  for (const workload of chosen) {
    const plan = workloadPlan(workload);
    let views: ReferenceViews | undefined;
    if (options.userspace === true) {
      views = new Map();
      const reference = ordered.find((design) => design.name === referenceDesign);
      const started = performance.now();
      const cell = compareOne(reference ?? resolveDesign(referenceDesign), workload, plan, {
        recordViews: views,
      });
      if (reference !== undefined) {
        cells.push(cell);
        options.progress?.(cell, performance.now() - started);
      }
    }
    for (const design of ordered) {
      if (views !== undefined && design.name === referenceDesign) continue;
      const started = performance.now();
      const cell = compareOne(
        design,
        workload,
        plan,
        views === undefined ? {} : { againstViews: views },
      );
      cells.push(cell);
      options.progress?.(cell, performance.now() - started);
    }
  }
  return cells;
}

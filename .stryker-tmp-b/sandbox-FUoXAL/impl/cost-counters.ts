/**
 * The cost counters of the kernel-shaped designs: plain integer fields that the op code bumps
 * (`costs.tableReads++`). `costs` is the sink of the system whose op is being applied;
 * KernelSwapSystem.apply() activates its own sink for the op and the idle sink afterwards, so
 * observe() and audit() reads are not charged and no counter needs a lookup on the hot path.
 * JavaScript runs one op at a time, so one module-level sink is enough.
 *
 * Not covered here: metadata bytes (impl/cost-metadata.ts) and the report type (lib/costs.ts).
 */
// @ts-nocheck

import type { CostCounts } from '../lib/costs.ts';

export class CostCounters implements CostCounts {
  ops = 0;
  indexLookups = 0;
  indexNodesWalked = 0;
  lookupCacheHits = 0;
  lookupCacheMisses = 0;
  lookupCacheInvalidations = 0;
  clusterLocks = 0;
  tableReads = 0;
  tableWrites = 0;
  rmapUpdates = 0;
  scanSlots = 0;
  redirections = 0;
  allocFallbacks = 0;

  /** A plain-object copy. */
  snapshot(): CostCounts {
    return { ...this };
  }
}

/** Bumped outside apply() and never read. */
const idle = new CostCounters();

/** The sink of the op being applied (the idle sink between ops). */
export let costs: CostCounters = idle;

/** Makes `sink` the target of the counters, or the idle sink for null. */
export function activateCosts(sink: CostCounters | null): void {
  costs = sink ?? idle;
}

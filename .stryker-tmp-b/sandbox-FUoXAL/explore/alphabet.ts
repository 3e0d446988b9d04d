/**
 * The op alphabet of the bounded-exhaustive modes: every op that makes sense in a state, read
 * from the model's observation (each holder, each live folio, each device), on one CPU. The
 * alphabet is closed under "the model says it is legal" only loosely: ops that fail with
 * EINVAL are kept out, since an op that changes nothing adds no new state, but ops that fail
 * for a reason the state decides (ENOSPC, EEXIST) stay in.
 *
 * Not covered here: fault injection flags (failAlloc, failZswap) and large folios; the random
 * campaign of `swapcheck run` covers both.
 */
// @ts-nocheck

import type { Config } from '../lib/config.ts';
import type { Observation } from '../lib/observation.ts';
import type { Op } from '../lib/ops.ts';

/** The ops worth trying in `observation`, in a fixed order, all on `cpu`. */
export function opAlphabet(config: Config, observation: Observation, cpu: number): Op[] {
  const ops: Op[] = [];
  for (const [device, view] of observation.devices.entries()) {
    if (view.online) ops.push({ op: 'swapoff', device, cpu });
    else ops.push({ op: 'swapon', device, cpu });
  }
  for (const [holder, view] of observation.holders.entries()) {
    if (view.kind === 'empty') {
      ops.push({ op: 'fault', holder, order: 0, cpu });
      continue;
    }
    ops.push({ op: 'zap', holder, cpu });
    const target = observation.holders.findIndex((other) => other.kind === 'empty');
    if (target >= 0) ops.push({ op: 'fork', holder, target, cpu });
    if (view.kind === 'present') {
      ops.push({ op: 'write', holder, value: holder + 1, cpu });
      ops.push({ op: 'allocSwap', holder, cpu });
      ops.push({ op: 'unmap', holder, cpu });
    } else {
      ops.push({ op: 'swapin', holder, order: 0, cpu });
      ops.push({ op: 'zswapWriteback', holder, cpu });
    }
  }
  for (const folio of observation.folios) {
    if (!folio.cached) continue;
    ops.push({ op: 'writeout', folio: folio.id, cpu });
    ops.push({ op: 'evict', folio: folio.id, cpu });
    ops.push({ op: 'freeSwapCache', folio: folio.id, cpu });
  }
  ops.push({ op: 'setZswap', enabled: !observation.zswapEnabled, cpu });
  return ops.filter((op) => op.cpu < config.cpus);
}

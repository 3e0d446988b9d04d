/**
 * The `lookup-cache-use-after-free` mutant. The count is read through the virtual cluster
 * pointer the lookup section got from the per-CPU lookup cache, before re-validating the PTE
 * and with no pin of its own, so the cluster may have been freed meanwhile (§7.4: a lockless
 * lookup must be pinned or re-validated). Replaces forkSections().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { ForkOp } from '../../lib/ops.ts';
import { formatEntryValue } from '../entry-value.ts';
import type { Mutant } from '../mutant.ts';
import { swapAt } from '../op-args.ts';
import {
  clusterAccess,
  clusterLock,
  commitSection,
  entryDevice,
  livelock,
} from '../sections-ops.ts';
import {
  lookupFootprint,
  sectionRetryMax,
  type SectionContext,
  type SectionedOp,
} from '../sections.ts';

export default {
  name: 'lookup-cache-use-after-free',
  doc: {
    summary:
      'A fork reads the swap count through the virtual cluster its lookup-cache hit ' +
      'returned, before re-validating the PTE and with no pin of its own, after a concurrent ' +
      'zap freed the cluster.',
    mirrors:
      'vswap v6 per-CPU cluster lookup cache: a cached pointer is safe only pinned or ' +
      'validated (§3.1, §7.4 lockless readers must re-validate)',
    designs: ['vswap-direct-cached'],
    catches: { kind: 'use-after-free' },
    shortest: 4,
    race: { config: 'explore', syncSwapin: 'swap-cache' },
  },
  sections: {
    *forkSections(ctx: SectionContext, op: ForkOp): SectionedOp {
      const state = ctx.state;
      for (let attempt = 0; attempt < sectionRetryMax; attempt++) {
        yield { kind: 'yield', label: 'fork:lookup', footprint: lookupFootprint };
        const entry = swapAt(state, op.holder);
        if (entry === null || op.failAlloc === true) return yield* commitSection(ctx, op);
        const loc = state.resolve(entry);
        const device = entryDevice(state, loc);
        if (!(yield* ctx.steps.getSwapDevice(ctx, device, op.holder, entry, 'fork:wait-swapoff')))
          continue;
        const lock = clusterLock(state, loc);
        yield { kind: 'lock', lock, label: 'fork:read-count' };
        if (device !== null) ctx.access(device, `count of ${formatEntryValue(entry)}`);
        clusterAccess(loc); // the bug: read through the cached cluster before re-validating
        if (swapAt(state, op.holder) !== entry) {
          ctx.unlock(lock);
          ctx.steps.putSwapDevice(ctx, device);
          continue;
        }
        clusterAccess(loc);
        yield { kind: 'yield', label: 'fork:write-count' };
        if (device !== null) ctx.access(device, `count of ${formatEntryValue(entry)}`);
        const outcome = ctx.commit(op);
        ctx.unlock(lock);
        ctx.steps.putSwapDevice(ctx, device);
        return outcome;
      }
      return livelock(op);
    },
  },
} satisfies Mutant;

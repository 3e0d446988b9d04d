/**
 * The `count-wrong-cluster-lock` mutant. The count update takes the lock of the neighbouring
 * cluster, so a put on the same entry runs between its read and its write (2628bd6fc052, brief
 * §5 #11: continuation pages updated under different cluster locks). Replaces forkSections().
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
import { NULL_WORD } from '../swap-table-word.ts';

export default {
  name: 'count-wrong-cluster-lock',
  doc: {
    summary:
      'A fork updates the swap count under the lock of the neighbouring cluster, so a ' +
      'concurrent put of the same entry is lost in its read-modify-write.',
    mirrors:
      'mm, swap: fix race between swap count continuation operations (2628bd6fc052, ' + '§5 #11)',
    designs: ['classic', 'vswap-direct'],
    catches: { kind: 'invariant', invariant: 'count-conservation' },
    shortest: 5,
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
        const lock = clusterLock(state, loc, 1); // the bug: the neighbouring cluster's lock
        yield { kind: 'lock', lock, label: 'fork:read-count' };
        if (device !== null) ctx.access(device, `count of ${formatEntryValue(entry)}`);
        if (swapAt(state, op.holder) !== entry) {
          ctx.unlock(lock);
          ctx.steps.putSwapDevice(ctx, device);
          continue;
        }
        clusterAccess(loc);
        const before = state.count(loc);
        yield { kind: 'yield', label: 'fork:write-count' };
        if (device !== null) ctx.access(device, `count of ${formatEntryValue(entry)}`);
        const outcome = ctx.commit(op);
        if (outcome.errno === 'OK' && state.word(loc) !== NULL_WORD) {
          // The stale read-modify-write: the count becomes what was read plus one.
          for (let count = state.count(loc); count < before + 1; count++) state.dup(loc, false);
          for (let count = state.count(loc); count > before + 1 && count > 1; count--)
            state.put(loc);
        }
        ctx.unlock(lock);
        ctx.steps.putSwapDevice(ctx, device);
        return outcome;
      }
      return livelock(op);
    },
  },
} satisfies Mutant;

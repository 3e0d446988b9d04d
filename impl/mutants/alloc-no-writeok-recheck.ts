/**
 * The `alloc-no-writeok-recheck` mutant. The allocator neither counts itself as a scanner of
 * the device nor re-checks SWP_WRITEOK under the cluster lock, so it allocates on a device that
 * swapoff has emptied and freed (0ec8bc9e880e, brief §5 #10). Replaces allocSections().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { AllocSwapOp } from '../../lib/ops.ts';
import type { Mutant } from '../mutant.ts';
import { triesVirtualFirst } from '../ops-swap-out.ts';
import { commitSection } from '../sections-ops.ts';
import { lookupFootprint, type SectionContext, type SectionedOp } from '../sections.ts';

export default {
  name: 'alloc-no-writeok-recheck',
  doc: {
    summary:
      'The allocator picks a device without counting itself as a scanner and does not ' +
      're-check SWP_WRITEOK under the cluster lock, so it allocates on a device swapoff freed.',
    mirrors: 'mm, swap: fix allocation and scanning race with swapoff (0ec8bc9e880e, §5 #10)',
    designs: ['classic'],
    catches: { kind: 'use-after-free' },
    shortest: 4,
    race: { config: 'explore', syncSwapin: 'swap-cache' },
  },
  sections: {
    *allocSections(ctx: SectionContext, op: AllocSwapOp): SectionedOp {
      const state = ctx.state;
      yield { kind: 'yield', label: 'alloc:pick', footprint: lookupFootprint };
      const virtual = triesVirtualFirst(state);
      const candidates = state.devices.filter((device) => device.online && device.writeOk);
      candidates.sort((a, b) => b.config.priority - a.config.priority);
      const device = candidates[0];
      if (virtual || device === undefined || op.failAlloc === true)
        return yield* commitSection(ctx, op);
      const type = device.type;
      // The bug: no ctx.scanner(type, 1), and no SWP_WRITEOK re-check below.
      yield { kind: 'yield', label: 'alloc:allocate' };
      if (!device.writeOk) {
        ctx.access(type, 'allocation');
        device.writeOk = true;
        const outcome = ctx.commit(op);
        device.writeOk = false;
        return outcome;
      }
      return ctx.commit(op);
    },
  },
} satisfies Mutant;

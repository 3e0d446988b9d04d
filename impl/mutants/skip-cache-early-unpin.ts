/**
 * The `skip-cache-early-unpin` mutant. The per-entry pin is cleared right after the read
 * instead of after the PTL unlock (13ddaf26be32 clears it at `out:`), so while the fault sleeps
 * another CPU can free the entry, reuse its value for new data and store it in the same PTE;
 * pte_same() then passes (ABA) and the stale copy is mapped (brief §5 #1, #17, #25). Replaces
 * swapinSkipCache().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import type { SwapinOp } from '../../lib/ops.ts';
import type { ImplOutcome } from '../../lib/outcome.ts';
import { formatEntryValue } from '../entry-value.ts';
import type { Mutant } from '../mutant.ts';
import { presentAt, swapAt } from '../op-args.ts';
import { entryLock } from '../sections-ops.ts';
import { UseAfterFree, type SectionContext, type Sections } from '../sections.ts';
import type { EntryLoc } from '../swap-state.ts';
import { NULL_WORD } from '../swap-table-word.ts';

export default {
  name: 'skip-cache-early-unpin',
  doc: {
    summary:
      'The legacy swap-cache-skipping swapin clears its per-entry pin right after the ' +
      'read instead of after mapping, so while it sleeps the entry is freed, its value reused ' +
      'for new data in the same PTE, and its pte_same() check passes on the stale copy (ABA).',
    mirrors:
      'ABA on the entry value while a fault sleeps: mm/swap: fix race when skipping ' +
      'swapcache (13ddaf26be32, pin cleared only after the PTL unlock), userfaultfd_move ' +
      '(0ea148a79919), swapin race (4969c1192d15); §5 #1, #17, #25, §7.3 #18',
    designs: ['classic'],
    catches: { kind: 'linearizability' },
    shortest: 11,
    race: { config: 'explore', syncSwapin: 'skip-pinned', family: 'lifecycle', maxOps: 4 },
  },
  sections: {
    *swapinSkipCache(
      ctx: SectionContext,
      op: SwapinOp,
      loc: EntryLoc,
      device: number | null,
    ): Sections<ImplOutcome | null> {
      const state = ctx.state;
      const entry = loc.value;
      const pinned = ctx.syncSwapin === 'skip-pinned';
      let pinHeld = pinned;
      const release = () => {
        if (pinHeld) ctx.unlock(entryLock(entry));
        ctx.steps.putSwapDevice(ctx, device);
      };
      if (pinned) {
        yield { kind: 'lock', lock: entryLock(entry), label: 'swapin:entry-pinned' };
        if (swapAt(state, op.holder) !== entry) {
          release();
          return null;
        }
      }
      yield { kind: 'yield', label: 'swapin:sync-read' };
      if (state.word(loc) === NULL_WORD && pinned) {
        // Freed under our pin by a peer that cleared its own pin early (this bug, the one way
        // to get here). The pin here is a lock, but the kernel's is SWAP_HAS_CACHE, which keeps
        // the slot and its data until our swapcache_clear() and the value from being handed
        // out, so the read would succeed and pte_same() fail: restart as that check would.
        release();
        return null;
      }
      if (state.word(loc) === NULL_WORD) {
        throw new UseAfterFree(
          `swapin read ${formatEntryValue(entry)} after its slot was freed ` +
            '(a synchronous device discards the data of a freed slot)',
        );
      }
      const content = state.peekBackend(loc);
      if (pinned) {
        // the bug: the pin is cleared before the fault maps the page
        ctx.unlock(entryLock(entry));
        pinHeld = false;
      }
      yield { kind: 'yield', label: 'swapin:sync-map' };
      if (swapAt(state, op.holder) !== entry) {
        release();
        return null;
      }
      const outcome = ctx.commit(op);
      const at = presentAt(state, op.holder);
      if (outcome.errno === 'OK' && at !== null && content !== null)
        at.folio.pages[at.page] = content;
      release();
      return outcome;
    },
  },
} satisfies Mutant;

/**
 * The `writeout-skip-io` mutant. A redirtied folio whose entries keep their backing is marked
 * clean without submitting the write (the old data stays on disk). Replaces writeToBacking().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { virtualDesigns, type Mutant } from '../mutant.ts';

export default {
  name: 'writeout-skip-io',
  doc: {
    summary:
      'Writeout of a redirtied folio whose virtual entries keep their disk backing ' +
      'marks the folio clean without writing the data.',
    mirrors:
      'design risk of vswap writeout reusing existing backing (§3.2); canary for the ' +
      'content audit',
    designs: virtualDesigns,
    catches: { kind: 'invariant', invariant: 'content' },
    shortest: 10,
  },
  steps: {
    writeToBacking(): void {
      // The bug: no write is submitted.
    },
  },
} satisfies Mutant;

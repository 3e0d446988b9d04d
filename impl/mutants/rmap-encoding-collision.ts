/**
 * The `rmap-encoding-collision` mutant. C is encoded at bit 1, where a Pointer word with C set
 * aliases a PFN word (the RFC v2 rmap-encoding collision, brief §5 #23). Replaces
 * pointerWithCacheOnly().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { keptRmapDesigns, type Mutant } from '../mutant.ts';
import { PFN_MARK, pointerWithCacheOnly, wordToCacheOnly } from '../swap-table-word.ts';

export default {
  name: 'rmap-encoding-collision',
  doc: {
    summary:
      'The cache-only bit of a Pointer word is encoded at bit 1, where a Pointer with ' +
      'it set aliases a PFN word.',
    mirrors: 'vswap RFC v2: rmap-encoding collision acknowledged by the author (§5 #23)',
    designs: keptRmapDesigns,
    catches: { kind: 'impl-crash' },
    shortest: 6,
  },
  steps: {
    pointerWithCacheOnly(word: number, cacheOnly: boolean): number {
      if (wordToCacheOnly(word) === cacheOnly) return word;
      if (!cacheOnly) return pointerWithCacheOnly(word, false);
      return (pointerWithCacheOnly(word, false) | PFN_MARK) >>> 0; // the bug: C at bit 1
    },
  },
} satisfies Mutant;

/**
 * The `rmap-cache-bit-never-set` mutant. The C bit is only ever cleared, never set when the
 * last reference of a cached entry goes (the reverse map's cache-only state goes stale).
 * Replaces pointerWithCacheOnly().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import { keptRmapDesigns, type Mutant } from '../mutant.ts';
import { pointerWithCacheOnly, wordToCacheOnly } from '../swap-table-word.ts';

export default {
  name: 'rmap-cache-bit-never-set',
  doc: {
    summary:
      'The cache-only bit of a reverse-map Pointer word is cleared when an entry gets a ' +
      'reference but never set when its last reference goes.',
    mirrors: 'vswap RFC reverse map (§3.5, §7.3 #12); canary for the rmap-bijection audit',
    designs: keptRmapDesigns,
    catches: { kind: 'invariant', invariant: 'rmap-bijection' },
    shortest: 7,
  },
  steps: {
    pointerWithCacheOnly(word: number, cacheOnly: boolean): number {
      if (cacheOnly || wordToCacheOnly(word) === cacheOnly) return word; // the bug: C never set
      return pointerWithCacheOnly(word, false);
    },
  },
} satisfies Mutant;

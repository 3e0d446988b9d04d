/**
 * The `rmap-clear-drops-tag` mutant. Clearing C masks the word with the wrong constant and
 * drops the Pointer tag as well (an encoding bug, brief §5 #23). Replaces
 * pointerWithCacheOnly().
 *
 * Not covered here: the correct step (its defining module, gathered by impl/kernel-steps.ts).
 */
import {
  POINTER_CACHE_ONLY_FLAG,
  POINTER_MARK,
  pointerWithCacheOnly,
  wordToCacheOnly,
} from '../swap-table-word.ts';
import { keptRmapDesigns, type Mutant } from '../mutant.ts';

export default {
  name: 'rmap-clear-drops-tag',
  doc: {
    summary:
      'Clearing the cache-only bit of a Pointer word masks it with the wrong constant ' +
      'and drops the Pointer tag too.',
    mirrors: 'vswap RFC v2 rmap-encoding bugs (§5 #23, §7.3 #13); canary for the encoding audit',
    designs: keptRmapDesigns,
    catches: { kind: 'invariant', invariant: 'encoding' },
    shortest: 8,
  },
  steps: {
    pointerWithCacheOnly(word: number, cacheOnly: boolean): number {
      if (wordToCacheOnly(word) === cacheOnly) return word;
      if (cacheOnly) return pointerWithCacheOnly(word, true);
      return (word & ~(POINTER_CACHE_ONLY_FLAG | POINTER_MARK)) >>> 0; // the bug: the tag too
    },
  },
} satisfies Mutant;

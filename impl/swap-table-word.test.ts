/**
 * Round-trip and disjointness properties of the swap table word, the virtual table word, the
 * holder word and entry values. Method: fast-check generates every field in range, encodes,
 * then checks that decoding gives the fields back and that exactly one is-kind predicate holds;
 * a few examples pin the NULL and Bad words and the rejection of out-of-range payloads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BAD_WORD,
  COUNT_MAX,
  NULL_WORD,
  PFN_MAX,
  POINTER_OFFSET_MAX,
  SHADOW_MAX,
  hex,
  pfnToWord,
  pointerToWord,
  pointerWithCacheOnly,
  shadowToWord,
  wordIsBad,
  wordIsNull,
  wordIsPfn,
  wordIsPointer,
  wordIsShadow,
  wordKind,
  wordToCacheOnly,
  wordToCount,
  wordToPfn,
  wordToPointerOffset,
  wordToShadow,
  wordToZero,
  wordWithCount,
  wordWithZero,
} from './swap-table-word.ts';
import {
  physToVtWord,
  VT_HANDLE_MAX,
  vtWordIsNone,
  vtWordIsPhys,
  vtWordIsZswap,
  vtWordKind,
  vtWordToHandle,
  vtWordToPhysOffset,
  vtWordToPhysType,
  zswapToVtWord,
} from './virtual-table-word.ts';
import {
  holderIsEmpty,
  holderIsPresent,
  holderIsSwap,
  holderToEntry,
  holderToPage,
  holderToPfn,
  HOLDER_PAGE_MAX,
  HOLDER_PFN_MAX,
  holderIsExclusive,
  holderSwpClearExclusive,
  holderSwpExclusive,
  holderWithExclusive,
  presentToHolderWord,
  swapToHolderWord,
} from './holder-word.ts';
import {
  ENTRY_BITS,
  ENTRY_OFFSET_MAX,
  entryIsValid,
  entryIsVirtual,
  formatEntryValue,
  swpEntry,
  swpOffset,
  swpType,
  VSWAP_TYPE,
} from './entry-value.ts';

const kindCount = (word: number) =>
  [wordIsNull, wordIsShadow, wordIsPfn, wordIsPointer, wordIsBad].filter((is) => is(word)).length;

describe('swap table word', () => {
  it('NULL is 0 and Bad is ~0 << 3, each of exactly one kind', () => {
    expect(NULL_WORD).toBe(0);
    expect(BAD_WORD).toBe(0xfffffff8);
    expect(wordKind(NULL_WORD)).toBe('null');
    expect(wordKind(BAD_WORD)).toBe('bad');
    expect(kindCount(BAD_WORD)).toBe(1);
    expect(wordKind(0x8)).toBeNull();
  });

  it('Shadow round-trips and is only a Shadow', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: SHADOW_MAX }),
        fc.integer({ min: 0, max: COUNT_MAX }),
        fc.boolean(),
        (shadow, count, zero) => {
          const word = shadowToWord(shadow, count, zero);
          expect(word).toBeGreaterThanOrEqual(0);
          expect(wordToShadow(word)).toBe(shadow);
          expect(wordToCount(word)).toBe(count);
          expect(wordToZero(word)).toBe(zero);
          expect(kindCount(word)).toBe(1);
          expect(wordKind(word)).toBe('shadow');
        },
      ),
    );
  });

  it('PFN round-trips and is only a PFN', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: PFN_MAX }),
        fc.integer({ min: 0, max: COUNT_MAX }),
        fc.boolean(),
        (pfn, count, zero) => {
          const word = pfnToWord(pfn, count, zero);
          expect(wordToPfn(word)).toBe(pfn);
          expect(wordToCount(word)).toBe(count);
          expect(wordToZero(word)).toBe(zero);
          expect(kindCount(word)).toBe(1);
          expect(wordKind(word)).toBe('pfn');
        },
      ),
    );
  });

  it('Pointer round-trips, keeps C apart from the offset, and is only a Pointer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: POINTER_OFFSET_MAX }),
        fc.boolean(),
        (offset, cacheOnly) => {
          const word = pointerToWord(offset, cacheOnly);
          expect(wordToPointerOffset(word)).toBe(offset);
          expect(wordToCacheOnly(word)).toBe(cacheOnly);
          expect(kindCount(word)).toBe(1);
          expect(wordKind(word)).toBe('pointer');
          const flipped = pointerWithCacheOnly(word, !cacheOnly);
          expect(wordToCacheOnly(flipped)).toBe(!cacheOnly);
          expect(wordToPointerOffset(flipped)).toBe(offset);
        },
      ),
    );
  });

  it('count and zero updates keep the other fields', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: PFN_MAX }),
        fc.integer({ min: 0, max: COUNT_MAX }),
        fc.integer({ min: 0, max: COUNT_MAX }),
        fc.boolean(),
        (pfn, before, after, zero) => {
          const word = wordWithZero(wordWithCount(pfnToWord(pfn, before, false), after), zero);
          expect(wordToPfn(word)).toBe(pfn);
          expect(wordToCount(word)).toBe(after);
          expect(wordToZero(word)).toBe(zero);
          const shadow = wordWithCount(shadowToWord(pfn, before, zero), after);
          expect(wordToShadow(shadow)).toBe(pfn);
          expect(wordToZero(shadow)).toBe(zero);
        },
      ),
    );
  });

  it('every 32-bit pattern is of at most one kind', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (word) => {
        expect(kindCount(word)).toBeLessThanOrEqual(1);
        expect(kindCount(word) === 1).toBe(wordKind(word) !== null);
      }),
    );
  });

  it('encoders reject payloads out of range and decoders reject the wrong tag', () => {
    expect(() => pfnToWord(PFN_MAX + 1, 0, false)).toThrow();
    expect(() => shadowToWord(0, COUNT_MAX + 1, false)).toThrow();
    expect(() => pointerToWord(0, false)).toThrow();
    expect(() => wordToPfn(shadowToWord(1, 1, false))).toThrow();
    expect(() => wordToShadow(pfnToWord(1, 1, false))).toThrow();
    expect(() => wordToCount(BAD_WORD)).toThrow();
    expect(() => wordToPointerOffset(NULL_WORD)).toThrow();
    expect(hex(BAD_WORD)).toBe('0xfffffff8');
  });
});

describe('virtual table word', () => {
  it('PHYS and ZSWAP round-trip and never alias NONE or each other', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: ENTRY_OFFSET_MAX }),
        fc.integer({ min: 0, max: VT_HANDLE_MAX }),
        (type, offset, handle) => {
          const phys = physToVtWord(type, offset);
          expect(vtWordToPhysType(phys)).toBe(type);
          expect(vtWordToPhysOffset(phys)).toBe(offset);
          expect(vtWordKind(phys)).toBe('phys');
          const zswap = zswapToVtWord(handle);
          expect(vtWordToHandle(zswap)).toBe(handle);
          expect(vtWordKind(zswap)).toBe('zswap');
          for (const word of [phys, zswap]) {
            const kinds = [vtWordIsNone, vtWordIsPhys, vtWordIsZswap].filter((is) => is(word));
            expect(kinds).toHaveLength(1);
          }
        },
      ),
    );
    expect(vtWordKind(0)).toBe('none');
    expect(vtWordKind(0b111)).toBeNull();
    expect(() => physToVtWord(VSWAP_TYPE, 1)).toThrow();
    expect(() => vtWordToHandle(physToVtWord(0, 1))).toThrow();
  });
});

describe('holder word and entry value', () => {
  it('present and swap holder words round-trip and are disjoint', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: HOLDER_PFN_MAX }),
        fc.integer({ min: 0, max: HOLDER_PAGE_MAX }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: ENTRY_OFFSET_MAX }),
        fc.boolean(),
        (pfn, page, type, offset, exclusive) => {
          const present = presentToHolderWord(pfn, page, exclusive);
          expect(holderToPfn(present)).toBe(pfn);
          expect(holderToPage(present)).toBe(page);
          expect(holderIsExclusive(present)).toBe(exclusive);
          expect(holderIsSwap(present) || holderIsEmpty(present)).toBe(false);
          const flipped = holderWithExclusive(present, !exclusive);
          expect([holderToPfn(flipped), holderToPage(flipped), holderIsExclusive(flipped)]).toEqual(
            [pfn, page, !exclusive],
          );
          const entry = swpEntry(type, offset);
          const swap = swapToHolderWord(entry, exclusive);
          expect(holderToEntry(swap)).toBe(entry);
          expect(holderSwpExclusive(swap)).toBe(exclusive);
          expect(holderIsPresent(swap) || holderIsEmpty(swap)).toBe(false);
          const cleared = holderSwpClearExclusive(swap);
          expect([holderToEntry(cleared), holderSwpExclusive(cleared)]).toEqual([entry, false]);
          expect(swpType(entry)).toBe(type);
          expect(swpOffset(entry)).toBe(offset);
          expect(entryIsVirtual(entry)).toBe(false);
        },
      ),
    );
    expect(holderIsEmpty(0)).toBe(true);
  });

  it('formats physical and virtual entries', () => {
    expect(formatEntryValue(swpEntry(1, 37))).toBe('swp(1:37)');
    expect(formatEntryValue(swpEntry(VSWAP_TYPE, 205))).toBe('vswap(205)');
    expect(formatEntryValue(0)).toBe('invalid(0)');
    expect(entryIsVirtual(swpEntry(VSWAP_TYPE, 3))).toBe(true);
    expect(() => swpEntry(0, ENTRY_OFFSET_MAX + 1)).toThrow();
  });

  // Pins the upper bound of entryIsValid (a value needs at most ENTRY_BITS bits) and the
  // zero padding of hex(); both survived mutation testing (docs/mutation-testing.md).
  it('accepts entry values below 2^ENTRY_BITS only, and renders words as 8 hex digits', () => {
    expect(entryIsValid(2 ** ENTRY_BITS - 1)).toBe(true);
    expect(entryIsValid(2 ** ENTRY_BITS)).toBe(false);
    expect(formatEntryValue(2 ** ENTRY_BITS)).toBe(`invalid(${2 ** ENTRY_BITS})`);
    expect(hex(0x1f)).toBe('0x0000001f');
    expect(hex(0)).toBe('0x00000000');
  });
});

/**
 * Unit tests of the argument helpers of impl/op-args.ts: isIndex's range checks, presentAt's
 * and swapAt's holder checks, and withReclaims. docs/semantics.md ("Ops") says an argument out
 * of range gives EINVAL; these helpers are where "out of range" is decided, so each boundary is
 * pinned here (a number below 0, at the length, not an integer, not a number at all).
 *
 * Not covered here: the ops that call the helpers and the state they leave (the ops' own
 * tests and the random runs), folioById (a Map lookup).
 */
import { describe, expect, it } from 'vitest';
import { configTiny } from '../lib/config.ts';
import type { Reclaim } from '../lib/outcome.ts';
import { designs } from '../lib/designs.ts';
import { MEMCG_ID_ROOT } from './memcg.ts';
import { EINVAL, OK, isIndex, isOrder, presentAt, swapAt, withReclaims } from './op-args.ts';
import { kernelSteps } from './kernel-steps.ts';
import { SwapState } from './swap-state.ts';

describe('isIndex', () => {
  it('accepts exactly the integers 0 .. length-1', () => {
    // An index of an array of `length` elements: 0 is the first, length-1 the last.
    expect(isIndex(0, 4)).toBe(true);
    expect(isIndex(3, 4)).toBe(true);
    // length itself is one past the end, -1 is before the start.
    expect(isIndex(4, 4)).toBe(false);
    expect(isIndex(5, 4)).toBe(false);
    expect(isIndex(-1, 4)).toBe(false);
    // Nothing is an index of an empty array.
    expect(isIndex(0, 0)).toBe(false);
  });

  it('rejects non-integers and non-numbers', () => {
    // A fraction, NaN and infinities name no slot; neither does a string or null, even one
    // that JavaScript would coerce to a valid index.
    expect(isIndex(1.5, 4)).toBe(false);
    expect(isIndex(-0.5, 4)).toBe(false);
    expect(isIndex(Number.NaN, 4)).toBe(false);
    expect(isIndex(Number.POSITIVE_INFINITY, 4)).toBe(false);
    expect(isIndex('1', 4)).toBe(false);
    expect(isIndex(null, 4)).toBe(false);
    expect(isIndex(undefined, 4)).toBe(false);
  });

  it('isOrder admits 0 .. orderMax', () => {
    const state = new SwapState(configTiny, designs['classic']!.knobs, kernelSteps);
    expect(isOrder(state, 0)).toBe(true);
    expect(isOrder(state, configTiny.orderMax)).toBe(true);
    expect(isOrder(state, configTiny.orderMax + 1)).toBe(false);
    expect(isOrder(state, -1)).toBe(false);
  });
});

describe('presentAt and swapAt', () => {
  it('presentAt finds a mapped page and nothing for a holder that is not a valid index', () => {
    const state = new SwapState(configTiny, designs['classic']!.knobs, kernelSteps);
    const folio = state.folios.alloc(0, [7], true, MEMCG_ID_ROOT);
    state.mapPage(0, folio, 0, true);
    // Holder 0 maps page 0 of the folio.
    expect(presentAt(state, 0)).toEqual({ folio, page: 0 });
    // Holder 1 is empty, so it is not present.
    expect(presentAt(state, 1)).toBeNull();
    // The string '0' is not a holder number (an op given it answers EINVAL), although a typed
    // array would read holders['0'] as holders[0].
    expect(presentAt(state, '0')).toBeNull();
    expect(presentAt(state, -1)).toBeNull();
    expect(presentAt(state, configTiny.holders)).toBeNull();
    // A present holder is not a swap PTE.
    expect(swapAt(state, 0)).toBeNull();
    expect(swapAt(state, '0')).toBeNull();
  });
});

describe('withReclaims', () => {
  const reclaims: Reclaim[] = [{ folio: 3, kind: 'cache' }];

  it('leaves the outcome as it is when nothing was reclaimed', () => {
    // "Adds `reclaimed` ... when the allocator reclaimed something": no reclaims (undefined or
    // an empty list) give back the outcome itself, without a `reclaimed` key, so it compares
    // exactly with the model's outcome that has none.
    const none = withReclaims(OK, undefined);
    expect(none).toBe(OK);
    expect(Object.hasOwn(none, 'reclaimed')).toBe(false);
    const empty = withReclaims(EINVAL, []);
    expect(empty).toBe(EINVAL);
    expect(Object.hasOwn(empty, 'reclaimed')).toBe(false);
  });

  it('adds the reclaims when there are some', () => {
    expect(withReclaims(OK, reclaims)).toStrictEqual({ errno: 'OK', reclaimed: reclaims });
    // The shared OK constant itself is not changed.
    expect(Object.hasOwn(OK, 'reclaimed')).toBe(false);
  });
});

/**
 * Tests of lib/assert.ts: each assertion passes silently on a true condition and throws an
 * AssertionError with its message, built only on failure, on a false one.
 *
 * Not covered here: where the assertions are used (every layer's own tests).
 */
import { describe, expect, it } from 'vitest';
import { AssertionError, assert, assertThat, unreachable } from './assert.ts';

describe('assert', () => {
  it('passes on true and does not build the message', () => {
    let built = 0;
    assert(true, () => `${++built}`);
    expect(built).toBe(0);
  });

  it('throws the message, eager or built, on false', () => {
    expect(() => assert(false, 'plain')).toThrow(new AssertionError('plain'));
    expect(() => assert(false, () => `built ${1 + 1}`)).toThrow('built 2');
    expect(() => assert(false)).toThrow('assertion failed');
  });
});

describe('assertThat', () => {
  it('passes on true', () => {
    expect(() => assertThat(true, 'never ', 1)).not.toThrow();
  });

  it('throws its parts joined as they are on false', () => {
    expect(() => assertThat(false, 'entry ', 7, ' count ', 2, ' != holders')).toThrow(
      new AssertionError('entry 7 count 2 != holders'),
    );
    expect(() => assertThat(false)).toThrow('assertion failed');
  });
});

describe('unreachable', () => {
  it('throws with the value or its message', () => {
    expect(() => unreachable('x' as never)).toThrow('unreachable: "x"');
    expect(() => unreachable('x' as never, 'why')).toThrow('why');
  });
});

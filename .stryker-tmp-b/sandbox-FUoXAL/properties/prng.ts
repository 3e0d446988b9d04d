/**
 * A small deterministic pseudo-random generator (sfc32 seeded through splitmix32) for the
 * campaign runner: the same seed gives the same stream on every machine and Node version.
 *
 * Not covered here: fast-check's own generators, which the vitest properties use.
 */
// @ts-nocheck

import { assert } from '../lib/assert.ts';

/** splitmix32: spreads a 32-bit seed (or a seed plus a stream index) into well-mixed words. */
export function mix32(value: number): number {
  let z = (value + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** The seed of run `index` of a campaign with seed `seed`. */
export function runSeed(seed: number, index: number): number {
  return mix32((mix32(seed) ^ mix32(index + 0x51ed270b)) >>> 0);
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    assert(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff, 'seed is a u32');
    this.a = mix32(seed);
    this.b = mix32(this.a ^ 0x6a09e667);
    this.c = mix32(this.b ^ 0xbb67ae85);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** The next 32-bit unsigned word. */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A uniform integer in [0, bound). */
  below(bound: number): number {
    assert(Number.isInteger(bound) && bound > 0, 'bound is a positive integer');
    return bound <= 0x10000 ? (this.next() >>> 16) % bound : this.next() % bound;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p * 0x100000000;
  }
}

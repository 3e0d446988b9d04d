/**
 * A physical swap device without a swap table, for the direct-encoded vswap design (brief
 * §4.2 reading A): every entry is virtual and its virtual table word names the physical slot,
 * so the device keeps only an allocation bitmap and a bad bitmap, inuse_pages and its data.
 * There is no per-slot count, cache or reverse map here at all: operations that start from a
 * physical slot (swapoff, reclaim of cache-only backing) scan the virtual clusters instead.
 *
 * Two steps are named hooks (BitmapDeviceSteps: whether a run is free, and clearing the used
 * bits of a freed run); impl/mutants/ replaces them in the bitmap mutants.
 *
 * Not covered here: cluster lists and discard (a bitmap device has no clusters, so freed space
 * is reusable at once; this is one of the costs reading A trades away).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { devicePages, type DeviceConfig } from '../lib/config.ts';
import { BlockStore } from './block-store.ts';
import type { SwapCounters } from './swap-counters.ts';

/** The device's named steps (the design's own are `bitmapDeviceSteps`). */
export interface BitmapDeviceSteps {
  /** Whether the run [slot, slot+nr) lies on the device and is neither used nor bad. */
  runIsFree(device: BitmapDevice, slot: number, nr: number): boolean;
  /** bitmap_clear() of the used bits of the freed run [slot, slot+nr). */
  clearUsed(device: BitmapDevice, slot: number, nr: number): void;
}

export class BitmapDevice {
  readonly kind = 'bitmap';
  readonly type: number;
  readonly config: DeviceConfig;
  readonly pages: number;
  online = false;
  writeOk = false;
  inuse = 0;
  store: BlockStore | null = null;
  /** One bit per slot: allocated. */
  used: Uint32Array = new Uint32Array(0);
  /** One bit per slot: bad (header, listed bad slots). */
  bad: Uint32Array = new Uint32Array(0);
  /** Next-fit cursor (the old si->cluster_next). */
  private cursor = 1;
  private readonly counters: SwapCounters;
  private readonly steps: BitmapDeviceSteps;

  constructor(
    type: number,
    config: DeviceConfig,
    counters: SwapCounters,
    steps: BitmapDeviceSteps = bitmapDeviceSteps,
  ) {
    assertThat(Number.isInteger(type) && type >= 0, 'swap type ', type);
    assert(config.slots >= 2);
    this.type = type;
    this.config = config;
    this.pages = devicePages(config);
    this.counters = counters;
    this.steps = steps;
  }

  swapon(): void {
    assertThat(!this.online, 'device ', this.type, ' already online');
    assert(this.inuse === 0);
    const words = Math.ceil(this.config.slots / 32);
    this.used = new Uint32Array(words);
    this.bad = new Uint32Array(words);
    for (const slot of [0, ...this.config.bad]) setBit(this.bad, slot);
    this.store = new BlockStore(this.config.slots);
    this.cursor = 1;
    this.online = true;
    this.writeOk = true;
    this.counters.online(this.pages);
  }

  swapoffFinish(): void {
    assertThat(this.online && !this.writeOk, 'device ', this.type, ' not being swapped off');
    assertThat(
      this.inuse === 0,
      'device ',
      this.type,
      ' swapped off with ',
      this.inuse,
      ' slots in use',
    );
    assertThat(this.store?.writtenSlots === 0, 'device ', this.type, ' swapped off with data');
    this.used = new Uint32Array(0);
    this.bad = new Uint32Array(0);
    this.store = null;
    this.online = false;
    this.counters.online(-this.pages);
  }

  /** Allocates an aligned run of 2^order free slots, next-fit; returns its offset or -1. */
  alloc(order: number): number {
    assertThat(this.online && this.writeOk, 'allocation on device ', this.type, ' not write-ok');
    const nr = 1 << order;
    const slots = this.config.slots;
    const runs = Math.floor(slots / nr);
    const first = Math.floor(this.cursor / nr) % Math.max(runs, 1);
    for (let k = 0; k < runs; k++) {
      const slot = ((first + k) % runs) * nr;
      if (!this.steps.runIsFree(this, slot, nr)) continue;
      for (let i = slot; i < slot + nr; i++) setBit(this.used, i);
      this.inuse += nr;
      this.counters.take(nr);
      this.cursor = (slot + nr) % slots;
      return slot;
    }
    return -1;
  }

  /** Allocates the run [slot, slot+nr), which is free (a planned allocation). */
  allocAt(slot: number, nr: number): void {
    assertThat(this.online && this.writeOk, 'allocation on device ', this.type, ' not write-ok');
    assertThat(
      this.steps.runIsFree(this, slot, nr),
      'run ',
      slot,
      '+',
      nr,
      ' of device ',
      this.type,
      ' not free',
    );
    for (let i = slot; i < slot + nr; i++) setBit(this.used, i);
    this.inuse += nr;
    this.counters.take(nr);
  }

  /** Whether `slot` is neither allocated nor bad. */
  slotIsFree(slot: number): boolean {
    return !this.isUsed(slot) && !this.isBad(slot);
  }

  /** Frees `nr` allocated slots from `slot` and drops their data. */
  free(slot: number, nr: number): void {
    assertThat(nr >= 1 && slot > 0 && slot + nr <= this.config.slots, 'free of ', nr, ' at ', slot);
    for (let i = slot; i < slot + nr; i++) {
      assertThat(testBit(this.used, i), 'free of unallocated slot ', i, ' of device ', this.type);
      this.store?.discard(i);
    }
    this.steps.clearUsed(this, slot, nr);
    this.inuse -= nr;
    assert(this.inuse >= 0);
    this.counters.take(-nr);
  }

  isUsed(slot: number): boolean {
    assertThat(slot >= 0 && slot < this.config.slots, 'slot ', slot);
    return testBit(this.used, slot);
  }

  isBad(slot: number): boolean {
    assertThat(slot >= 0 && slot < this.config.slots, 'slot ', slot);
    return testBit(this.bad, slot);
  }

  /** Whether an aligned run of 2^order free slots exists (for ENOSPC audits). */
  hasFreeRun(order: number): boolean {
    const nr = 1 << order;
    for (let slot = 0; slot + nr <= this.config.slots; slot += nr) {
      if (this.steps.runIsFree(this, slot, nr)) return true;
    }
    return false;
  }
}

function runIsFree(device: BitmapDevice, slot: number, nr: number): boolean {
  if (slot + nr > device.config.slots) return false;
  for (let i = slot; i < slot + nr; i++) {
    if (testBit(device.used, i) || testBit(device.bad, i)) return false;
  }
  return true;
}

function clearUsed(device: BitmapDevice, slot: number, nr: number): void {
  for (let i = slot; i < slot + nr; i++) clearBit(device.used, i);
}

export const bitmapDeviceSteps: BitmapDeviceSteps = { runIsFree, clearUsed };

function setBit(bits: Uint32Array, i: number): void {
  const word = bits[i >>> 5];
  assertThat(word !== undefined, 'bit ', i, ' outside bitmap');
  bits[i >>> 5] = (word | (1 << (i & 31))) >>> 0;
}

export function clearBit(bits: Uint32Array, i: number): void {
  const word = bits[i >>> 5];
  assertThat(word !== undefined, 'bit ', i, ' outside bitmap');
  bits[i >>> 5] = (word & ~(1 << (i & 31))) >>> 0;
}

export function testBit(bits: Uint32Array, i: number): boolean {
  const word = bits[i >>> 5];
  assertThat(word !== undefined, 'bit ', i, ' outside bitmap');
  return ((word >>> (i & 31)) & 1) === 1;
}

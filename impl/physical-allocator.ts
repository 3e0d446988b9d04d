/**
 * Choosing a physical device and slot run for an allocation: the per-CPU cluster cache fast
 * path (percpu_swap_cluster: per order, the device and next offset of the last allocation),
 * then the slow path over the devices on swap_avail_head (write-ok and not full) in priority
 * order with round-robin among equal priorities (plist_requeue()), as mm swap_alloc_slow():
 * an order-0 allocation tries every device, a large one fails on the first device it tries.
 * When an order-0 allocation found nothing, pending discards are flushed and it is retried
 * (swap_sync_discard(), order 0 only). So a large -ENOSPC claims only that the device tried
 * (lastTried) had no usable aligned run, which the allowance audit checks.
 *
 * Not covered here: the scan inside one device (impl/table-device.ts, impl/bitmap-device.ts)
 * and the virtual space's own allocator (impl/virtual-space.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';
import { costs } from './cost-counters.ts';
import type { BitmapDevice } from './bitmap-device.ts';
import { mark, type Marks } from './marks.ts';
import type { AllocHooks, TableDevice, WordAt } from './table-device.ts';

export type PhysicalDevice = TableDevice | BitmapDevice;

/** Where an allocation landed: device and first offset. */
export interface PhysicalRun {
  readonly device: PhysicalDevice;
  readonly offset: number;
}

interface PercpuCluster {
  readonly type: number;
  readonly offset: number;
}

export class PhysicalAllocator {
  readonly devices: readonly PhysicalDevice[];
  /** Online devices by descending priority; ties keep requeue order (swap_avail_head). */
  private avail: number[] = [];
  /** percpu_swap_cluster: [cpu][order]. */
  private readonly percpu: (PercpuCluster | null)[][];
  private readonly marks: Marks;
  /** The device a large allocation tried and failed on in the slow path (it ends there), or
   * null when the last allocation succeeded or tried every device. */
  lastTried: number | null = null;

  constructor(devices: readonly PhysicalDevice[], cpus: number, orders: number, marks: Marks) {
    assert(cpus >= 1 && orders >= 1, 'allocator geometry');
    assert(
      devices.every((device, type) => device.type === type),
      'devices indexed by type',
    );
    this.devices = devices;
    this.percpu = [];
    for (let cpu = 0; cpu < cpus; cpu++) this.percpu.push(new Array<null>(orders).fill(null));
    this.marks = marks;
  }

  /** Adds a device that went online to the avail list, after equal priorities. */
  addDevice(type: number): void {
    const device = this.device(type);
    assertThat(!this.avail.includes(type), 'device ', type, ' already available');
    const at = this.avail.findIndex((t) => this.device(t).config.priority < device.config.priority);
    this.avail.splice(at < 0 ? this.avail.length : at, 0, type);
  }

  /** Removes a device being swapped off and flushes per-CPU caches pointing at it. */
  removeDevice(type: number): void {
    const at = this.avail.indexOf(type);
    assertThat(at >= 0, 'device ', type, ' not available');
    this.avail.splice(at, 1);
    for (const orders of this.percpu) {
      for (let order = 0; order < orders.length; order++) {
        if (orders[order]?.type === type) orders[order] = null;
      }
    }
  }

  /**
   * Allocates 2^order contiguous aligned slots on a write-ok device, installing `wordAt(i)`
   * on table devices (folio_alloc_swap() / folio_realloc_swap()). Returns null for -ENOSPC.
   */
  alloc(order: number, cpu: number, hooks: AllocHooks, wordAt: WordAt): PhysicalRun | null {
    const orders = this.percpu[cpu];
    assertThat(orders !== undefined && order >= 0 && order < orders.length, 'cpu ', cpu, ' order');
    this.lastTried = null;
    const fast = this.allocFast(order, cpu, hooks, wordAt); // swap_alloc_fast()
    if (fast !== null) return fast;
    costs.allocFallbacks++;
    for (let attempt = 0; attempt < 2; attempt++) {
      const run = this.allocSlow(order, cpu, hooks, wordAt);
      if (run !== null || order > 0) return run;
      if (!this.flushDiscards()) break; // swap_sync_discard()
      this.marks.hit(mark['alloc-retry-after-discard']);
    }
    return null;
  }

  /** swap_alloc_slow(): the devices on swap_avail_head in turn; a large folio stops at the
   * first one it tries. */
  private allocSlow(
    order: number,
    cpu: number,
    hooks: AllocHooks,
    wordAt: WordAt,
  ): PhysicalRun | null {
    for (const type of [...this.avail]) {
      const device = this.device(type);
      // Off swap_avail_head: being swapped off, or full (del_from_avail_list() at inuse_pages
      // == pages).
      if (!device.writeOk || device.inuse === device.pages) continue;
      this.requeue(type);
      const offset =
        device.kind === 'table'
          ? device.allocFromLists(order, hooks, wordAt) // cluster_alloc_swap_entry()
          : device.alloc(order);
      if (offset < 0 && order > 0) {
        this.lastTried = type;
        this.marks.hit(mark['alloc-large-first-device-failed']);
        return null;
      }
      if (offset < 0) continue;
      assertThat(offset % (1 << order) === 0, 'run at ', offset, ' not aligned to order ', order);
      this.remember(cpu, order, device, offset);
      return { device, offset };
    }
    return null;
  }

  /** Whether any write-ok device has an aligned free run usable for `order`. */
  hasFreeRun(order: number): boolean {
    return this.devices.some(
      (device) => device.online && device.writeOk && device.hasFreeRun(order),
    );
  }

  /** The per-CPU cache entry, for lookup-free assertions in tests. */
  percpuOf(cpu: number, order: number): PercpuCluster | null {
    return this.percpu[cpu]?.[order] ?? null;
  }

  private allocFast(order: number, cpu: number, hooks: AllocHooks, wordAt: WordAt) {
    const cached = this.percpu[cpu]?.[order] ?? null;
    if (cached === null) return null;
    const device = this.device(cached.type);
    if (device.kind !== 'table' || !device.writeOk) return null;
    const ci = device.clusterOf(cached.offset);
    if (!device.isUsable(ci, order)) {
      this.clear(cpu, order);
      return null;
    }
    const start = ci.count === 0 ? 0 : cached.offset % device.clusterSlots;
    const offset = device.scanCluster(ci, start, order, hooks, wordAt);
    assert(offset < 0 || Math.floor(offset / device.clusterSlots) === ci.id, 'run left cluster');
    if (offset < 0) {
      this.clear(cpu, order);
      return null;
    }
    this.marks.hit(mark['alloc-percpu-hit']);
    this.remember(cpu, order, device, offset);
    return { device, offset };
  }

  /** Remembers the next offset after a run in the per-CPU cache (this_cpu_write()). */
  private remember(cpu: number, order: number, device: PhysicalDevice, offset: number): void {
    const orders = this.percpu[cpu];
    assert(orders !== undefined);
    assertThat(device.online, 'remembering offline device ', device.type);
    if (device.kind !== 'table') return;
    const next = offset + (1 << order);
    orders[order] =
      next % device.clusterSlots === 0 || next >= device.config.slots
        ? null
        : { type: device.type, offset: next };
  }

  private clear(cpu: number, order: number): void {
    const orders = this.percpu[cpu];
    assert(orders !== undefined);
    orders[order] = null;
  }

  /** Moves `type` behind the other devices of its priority (plist_requeue()). */
  private requeue(type: number): void {
    const at = this.avail.indexOf(type);
    assertThat(at >= 0, 'device ', type, ' not available');
    const priority = this.device(type).config.priority;
    let end = at;
    while (end + 1 < this.avail.length) {
      const next = this.avail[end + 1];
      if (next === undefined || this.device(next).config.priority !== priority) break;
      end++;
    }
    const length = this.avail.length;
    for (let i = at; i < end; i++) this.avail[i] = this.avail[i + 1] ?? type;
    this.avail[end] = type;
    assert(this.avail.length === length && this.avail[end] === type, 'requeue');
  }

  private flushDiscards(): boolean {
    let flushed = false;
    for (const device of this.devices) {
      if (device.kind === 'table' && device.online && device.flushDiscard()) flushed = true;
    }
    return flushed;
  }

  private device(type: number): PhysicalDevice {
    const device = this.devices[type];
    assertThat(device !== undefined, 'no device ', type);
    return device;
  }
}

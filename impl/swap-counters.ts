/**
 * The global swap counters: nr_swap_pages (free usable slots over online devices) and
 * total_swap_pages, kept incrementally by the devices as slots are allocated and freed and
 * as devices go on and off line; vm_swap_full() reads them. Audits recompute both from the
 * device tables and compare.
 *
 * Not covered here: per-device inuse_pages (impl/table-device.ts, impl/bitmap-device.ts).
 */
import { assert, assertThat } from '../lib/assert.ts';

export class SwapCounters {
  /** nr_swap_pages. */
  nrSwapPages = 0;
  /** total_swap_pages. */
  totalSwapPages = 0;

  /** More than half of swap is used (mm/swap.h: vm_swap_full()). */
  vmSwapFull(): boolean {
    assertThat(this.nrSwapPages >= 0, 'nr_swap_pages ', this.nrSwapPages);
    assert(this.nrSwapPages <= this.totalSwapPages, 'nr_swap_pages above total');
    return this.nrSwapPages * 2 < this.totalSwapPages;
  }

  /** `n` slots of an online device were taken (n > 0) or released (n < 0). */
  take(n: number): void {
    assertThat(Number.isInteger(n), 'counter delta ', n);
    this.nrSwapPages -= n;
    assert(this.nrSwapPages >= 0 && this.nrSwapPages <= this.totalSwapPages, 'nr_swap_pages');
  }

  /** A device of `pages` usable slots went online (n > 0) or offline (n < 0), empty. */
  online(pages: number): void {
    assertThat(Number.isInteger(pages), 'pages ', pages);
    this.totalSwapPages += pages;
    this.nrSwapPages += pages;
    assert(this.totalSwapPages >= 0 && this.nrSwapPages >= 0);
  }
}

/**
 * A worked design proposal, written only against the package's public interface
 * (api/index.ts): "elide the reverse map, and build it lazily when swapoff needs it".
 *
 * The system delegates every op to the built-in vswap-direct design (devices are bitmaps,
 * virtual table words are the only link to physical slots). Before a swapoff it builds the
 * reverse map for that device on demand, from a scan of every live entry, and drops it when
 * the swapoff is done. Its cost report is vswap-direct's plus that temporary map: the entries
 * scanned count as scan slots, and the map (an 8-byte word per entry backed by the device, as
 * the kernel layout of lib/costs.ts has it)
 * counts as reverse-map bytes at its peak, and is added to the peak total (an upper bound,
 * since the two peaks need not coincide).
 *
 * `lazyRmapFactory({ skipEmptySwapoff: true })` is a deliberately broken copy (see broken.ts):
 * it returns from swapoff early when the lazy map is empty, leaving the device online.
 *
 * Not covered here: the mechanisms it reuses (impl/), and how proposals are loaded and checked
 * (docs/writing-a-design.md).
 */
import {
  builtinFactory,
  builtinKnobs,
  kernelLayout,
  type Config,
  type CostOptions,
  type CostReport,
  type ImplOutcome,
  type Knobs,
  type Observation,
  type Op,
  type SwapSystem,
  type SystemFactory,
} from '../../api/index.ts';

export interface LazyRmapOptions {
  /** The deliberate bug of the broken copy. */
  readonly skipEmptySwapoff?: boolean;
}

class LazyRmapSystem implements SwapSystem {
  private readonly inner: SwapSystem;
  private readonly options: LazyRmapOptions;
  private entriesScanned = 0;
  private mapBytesPeak = 0;

  constructor(config: Config, knobs: Knobs, options: LazyRmapOptions) {
    this.inner = builtinFactory(config, knobs);
    this.options = options;
  }

  apply(op: Op): ImplOutcome {
    if (op.op !== 'swapoff') return this.inner.apply(op);
    const rmap = this.buildRmap(op.device);
    if (this.options.skipEmptySwapoff === true && rmap.length === 0) return { errno: 'OK' };
    return this.inner.apply(op);
  }

  observe(): Observation {
    return this.inner.observe();
  }

  audit(): void {
    this.inner.audit();
  }

  auditEmpty(): void {
    this.inner.auditEmpty();
  }

  entryOffset(value: number): number {
    return this.inner.entryOffset(value);
  }

  formatEntry(value: number): string {
    return this.inner.formatEntry(value);
  }

  marks(): Readonly<Record<string, number>> {
    return { ...this.inner.marks(), 'lazy-rmap-entries-scanned': this.entriesScanned };
  }

  costs(options?: CostOptions): CostReport {
    const base = this.inner.costs?.(options);
    if (base === undefined) throw new Error('the built-in design reports no costs');
    const memcg = base.memcg;
    return {
      counts: { ...base.counts, scanSlots: base.counts.scanSlots + this.entriesScanned },
      bytes: base.bytes,
      peakBytes: { ...base.peakBytes, reverseMap: base.peakBytes.reverseMap + this.mapBytesPeak },
      peakTotalBytes: base.peakTotalBytes + this.mapBytesPeak,
      ...(memcg === undefined
        ? {}
        : {
            memcg: {
              ...memcg,
              peakTotalNoMemcg: memcg.peakTotalNoMemcg + this.mapBytesPeak,
              peakTotalEager: memcg.peakTotalEager + this.mapBytesPeak,
            },
          }),
    };
  }

  /** The entries backed by `device`, found by scanning every live entry (the lazy rmap). */
  private buildRmap(device: number): number[] {
    const entries = this.inner.observe().entries;
    this.entriesScanned += entries.length;
    const backed = entries.filter((entry) => entry.device === device).map((entry) => entry.entry);
    this.mapBytesPeak = Math.max(this.mapBytesPeak, kernelLayout.reverseMapWord * backed.length);
    return backed;
  }
}

/** The factory of the proposal, with or without the broken copy's bug. */
export function lazyRmapFactory(options: LazyRmapOptions = {}): SystemFactory {
  return (config, knobs) => new LazyRmapSystem(config, knobs, options);
}

/** The knobs the proposal claims: every entry virtual, no reverse map kept, no lookup cache. */
export const knobs: Knobs = builtinKnobs('vswap-direct');

export const name = 'lazy-rmap';

export default lazyRmapFactory();

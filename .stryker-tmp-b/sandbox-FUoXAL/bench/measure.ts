/**
 * Timing with tinybench: a task is one fixed batch of work (a set of seeded runs, a list of
 * ops), run once to warm up and then `samples` times; the result reports the median, spread
 * and throughput of the batch. The batch is the same every sample, so samples differ only by
 * the machine.
 *
 * Not covered here: what the batches are (the other bench/ files).
 */
// @ts-nocheck

import { Bench } from 'tinybench';

export interface Measurement {
  readonly name: string;
  /** Units of work in one batch (ops, runs). */
  readonly units: number;
  readonly samples: number;
  /** Batch latency in milliseconds: median, minimum, maximum, median absolute deviation. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly madMs: number;
  /** Units per second at the median latency. */
  readonly perSecond: number;
}

/**
 * Runs `batch` once to warm up and then `samples` times; `batch` returns (or resolves to) the
 * units of work it did, which must be the same every time (it is asserted).
 */
export async function measure(name: string, samples: number, batch: () => number | Promise<number>): Promise<Measurement> {
  let units: number | null = null;
  const bench = new Bench({ name, time: 0, iterations: samples, warmup: true, warmupIterations: 1, warmupTime: 0, throws: true });
  bench.add(name, async () => {
    const done = await batch();
    if (units !== null && done !== units) throw new Error(`${name}: a batch did ${done} units, an earlier one ${units}`);
    units = done;
  });
  await bench.run();
  const task = bench.tasks[0];
  const result = task?.result;
  if (result === undefined || !('latency' in result)) throw new Error(`${name}: no result`);
  const latency = result.latency;
  const count = units ?? 0;
  return {
    name,
    units: count,
    samples: latency.samplesCount,
    medianMs: latency.p50,
    minMs: latency.min,
    maxMs: latency.max,
    madMs: latency.mad,
    perSecond: latency.p50 > 0 ? (count * 1000) / latency.p50 : 0,
  };
}

/**
 * Timing: a task is one fixed batch of work (a set of seeded runs, a list of ops), run once to
 * warm up and then `samples` times. Each sample is timed on this process's CPU (user + system,
 * process.cpuUsage()), since the machine is shared with other jobs and wall time moves with
 * their load; the wall time is kept beside it. The batch is the same every sample, so samples
 * differ only by the machine.
 *
 * Not covered here: what the batches are (the other bench/ files).
 */

export interface Measurement {
  readonly name: string;
  /** Units of work in one batch (ops, runs). */
  readonly units: number;
  readonly samples: number;
  /** CPU milliseconds per batch: median, minimum, maximum. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Wall milliseconds per batch, median. */
  readonly wallMedianMs: number;
  /** Units per CPU second at the median. */
  readonly perSecond: number;
}

/** CPU milliseconds (user + system) used by this process since `since`. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Runs `batch` once to warm up and then `samples` times; `batch` returns (or resolves to) the
 * units of work it did, which must be the same every time (it is asserted).
 */
export async function measure(
  name: string,
  samples: number,
  batch: () => number | Promise<number>,
): Promise<Measurement> {
  let units = await batch();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    const done = await batch();
    cpu.push(cpuMsSince(cpuStart));
    wall.push(performance.now() - wallStart);
    if (done !== units)
      throw new Error(`${name}: a batch did ${done} units, an earlier one ${units}`);
    units = done;
  }
  const medianMs = median(cpu);
  return {
    name,
    units,
    samples,
    medianMs,
    minMs: Math.min(...cpu),
    maxMs: Math.max(...cpu),
    wallMedianMs: median(wall),
    perSecond: medianMs > 0 ? (units * 1000) / medianMs : 0,
  };
}

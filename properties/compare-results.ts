/**
 * Reads the cells of an earlier `swapcheck compare --format json` report back, for
 * `--scale-results FILE`: the kernel-scale runs take minutes (10^6 pages), so the comparison
 * document takes them from the committed report they wrote (docs/design-comparison-scale.json)
 * instead of running them again. Only scale workloads are taken; a file that is not such a
 * report is an InputError naming it.
 *
 * Not covered here: writing the report (properties/compare-format.ts compareJson).
 */
import { readFileSync } from 'node:fs';
import type { CompareCell } from './compare.ts';
import { InputError } from './trace.ts';
import { scaleWorkload, type ScaleWorkload } from './workloads.ts';

export interface CompareResults {
  readonly workloads: readonly ScaleWorkload[];
  readonly cells: readonly CompareCell[];
}

/** The scale workloads and their cells from the JSON report at `path` (`shown` in messages). */
export function readScaleResults(path: string, shown = path): CompareResults {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${shown}: ${code === undefined ? 'not JSON' : `cannot read (${code})`}`);
  }
  const report = doc as {
    format?: unknown;
    version?: unknown;
    workloads?: unknown;
    cells?: unknown;
  };
  if (
    report.format !== 'swapcheck-compare' ||
    report.version !== 2 ||
    !Array.isArray(report.workloads) ||
    !Array.isArray(report.cells)
  ) {
    throw new InputError(
      `${shown}: not a swapcheck-compare version 2 report (swapcheck compare --format json)`,
    );
  }
  const workloads: ScaleWorkload[] = [];
  for (const record of report.workloads as { kind?: unknown; size?: unknown; name?: unknown }[]) {
    if (record.kind !== 'scale') continue;
    if (typeof record.size !== 'number')
      throw new InputError(`${shown}: scale workload ${String(record.name)} has no size`);
    workloads.push(scaleWorkload(record.size));
  }
  const names = new Set(workloads.map((workload) => workload.name));
  const cells = (report.cells as (CompareCell & { figures?: unknown })[])
    .filter((cell) => names.has(cell.workload))
    .map(({ figures: _figures, ...cell }) => cell);
  return { workloads, cells };
}

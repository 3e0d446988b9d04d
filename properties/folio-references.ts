/**
 * Folio references of a trace, checked while it replays: folio ids are handed out by a counter
 * as ops run (docs/trace-format.md), so an op naming a folio id that no earlier op created is
 * a mistake in the trace (it could only return EINVAL on both sides and test nothing), and is
 * reported as an input error naming the field. The folios an op created are read from the
 * model's footprint of that op, which lists every folio the op touched, created ones included.
 *
 * Not covered here: references the config alone decides (properties/trace-bounds.ts).
 */
import type { Op } from '../lib/ops.ts';
import type { Checker } from './checker.ts';
import type { IssueProblem } from './trace.ts';

export class FolioReferences {
  /** The highest folio id created so far (0: none). */
  private created = 0;
  private readonly ops: readonly Op[];

  constructor(ops: readonly Op[]) {
    this.ops = ops;
  }

  /** Records the folios the op just applied created (call after every op, the drain's too). */
  after(checker: Checker): void {
    for (const id of checker.model.footprint().folios) if (id > this.created) this.created = id;
  }

  /** The problem with op `index`'s folio, when it names one no earlier op created. */
  problem(index: number): IssueProblem | null {
    const op = this.ops[index];
    if (op === undefined || !('folio' in op) || op.folio <= this.created) return null;
    const so = this.created === 0 ? 'no op before it created a folio' : `the ops before it created folios 1..${this.created}`;
    return { path: ['ops', index, 'folio'], message: `folio ${op.folio} does not exist yet: ${so}`, unknownField: false };
  }
}

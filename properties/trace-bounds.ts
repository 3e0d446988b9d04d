/**
 * Checks a trace's ops against its config before anything runs: a holder, fork target, CPU or
 * device that the config does not have, folio id 0 (ids start at 1), or a folio id that no op
 * of the trace can ever create, is an input error naming the field, since both sides would
 * otherwise return EINVAL and the trace would "hold" without testing anything. Folio ids are
 * handed out by a counter as ops run (docs/trace-format.md), so the ids a trace can reach are
 * bounded by what its ops can create: a fault, a copy-on-write and a swapin one each, a split
 * up to 2^orderMax - 1, a swapoff one per holder. Ids up to the generator's random pick
 * (folioPickMax) stay legal, since generated runs name folios that do not exist on purpose.
 * Ops whose preconditions fail on the state (a holder that holds nothing, a folio freed or not
 * created yet) stay legal: they are part of the semantics.
 *
 * Not covered here: the schema (properties/trace.ts).
 */
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import { folioPickMax } from './op-template.ts';
import type { IssueProblem } from './json-location.ts';

/** The most folios one op can create on `config`. */
function foliosCreatedMax(op: Op, config: Config): number {
  switch (op.op) {
    case 'fault':
    case 'write':
    case 'swapin':
      return 1;
    case 'split':
      return 2 ** config.orderMax - 1;
    case 'swapoff':
      return config.holders;
    default:
      return 0;
  }
}

function range(count: number, what: string): string {
  return count === 0
    ? `the config has no ${what}s`
    : `the config has ${count} ${what}${count === 1 ? '' : 's'} (0..${count - 1})`;
}

/** The problems of `ops` against `config`, with paths under `prefix`. */
export function opBoundsProblems(
  ops: readonly Op[],
  config: Config,
  prefix: readonly (string | number)[],
  checkCpu = true,
): IssueProblem[] {
  const problems: IssueProblem[] = [];
  const created = ops.reduce((sum, op) => sum + foliosCreatedMax(op, config), 0);
  const folioMax = Math.max(created, folioPickMax);
  const add = (index: number, field: string, message: string) => {
    problems.push({ path: [...prefix, index, field], message, unknownField: false });
  };
  ops.forEach((op, index) => {
    if (checkCpu && op.cpu >= config.cpus)
      add(index, 'cpu', `cpu ${op.cpu} is out of range: ${range(config.cpus, 'CPU')}`);
    if ('holder' in op && op.holder >= config.holders) {
      add(
        index,
        'holder',
        `holder ${op.holder} is out of range: ${range(config.holders, 'holder')}`,
      );
    }
    if (op.op === 'fork' && op.target >= config.holders) {
      add(
        index,
        'target',
        `target ${op.target} is out of range: ${range(config.holders, 'holder')}`,
      );
    }
    if ('device' in op && op.device >= config.devices.length) {
      add(
        index,
        'device',
        `device ${op.device} is out of range: ${range(config.devices.length, 'device')}`,
      );
    }
    if ('folio' in op && op.folio < 1)
      add(index, 'folio', 'folio 0 does not exist: folio ids start at 1');
    if ('folio' in op && op.folio > folioMax) {
      add(
        index,
        'folio',
        `folio ${op.folio} can never exist: the trace's ops create at most ${created} folios`,
      );
    }
  });
  return problems;
}

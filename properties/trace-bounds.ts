/**
 * Checks a trace's ops against its config before anything runs: a holder, fork target, CPU or
 * device that the config does not have, or folio id 0 (ids start at 1), is an input error
 * naming the field, since both sides would otherwise return EINVAL and the trace would "hold"
 * without testing anything. Ops whose preconditions fail on the state (a holder that holds
 * nothing, a folio freed earlier) stay legal: they are part of the semantics. A folio id that
 * no op has created yet is caught while replaying (properties/folio-references.ts), since
 * folio ids are handed out as ops run.
 *
 * Not covered here: the schema (properties/trace.ts).
 */
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { IssueProblem } from './trace.ts';

function range(count: number, what: string): string {
  return count === 0 ? `the config has no ${what}s` : `the config has ${count} ${what}${count === 1 ? '' : 's'} (0..${count - 1})`;
}

/** The problems of `ops` against `config`, with paths under `prefix`. */
export function opBoundsProblems(ops: readonly Op[], config: Config, prefix: readonly (string | number)[], checkCpu = true): IssueProblem[] {
  const problems: IssueProblem[] = [];
  const add = (index: number, field: string, message: string) => {
    problems.push({ path: [...prefix, index, field], message, unknownField: false });
  };
  ops.forEach((op, index) => {
    if (checkCpu && op.cpu >= config.cpus) add(index, 'cpu', `cpu ${op.cpu} is out of range: ${range(config.cpus, 'CPU')}`);
    if ('holder' in op && op.holder >= config.holders) {
      add(index, 'holder', `holder ${op.holder} is out of range: ${range(config.holders, 'holder')}`);
    }
    if (op.op === 'fork' && op.target >= config.holders) {
      add(index, 'target', `target ${op.target} is out of range: ${range(config.holders, 'holder')}`);
    }
    if ('device' in op && op.device >= config.devices.length) {
      add(index, 'device', `device ${op.device} is out of range: ${range(config.devices.length, 'device')}`);
    }
    if ('folio' in op && op.folio < 1) add(index, 'folio', 'folio 0 does not exist: folio ids start at 1');
  });
  return problems;
}

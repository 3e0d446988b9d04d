/**
 * `swapcheck validate FILE [--time 60s] [--seed N] [--max-ops N] [--workload NAME ...]`:
 * loads a design proposal (a knob file or a module default-exporting a SystemFactory;
 * docs/writing-a-design.md), runs the property campaign with the drain on it, prints the
 * verdict (the shrunk trace when it fails), then its costs next to the built-in designs on
 * the chosen workloads (all by default). Exit 0 when it passes, 1 when it fails, 2 when it
 * cannot be loaded or does not implement the interface.
 *
 * Not covered here: the other commands (cli/commands.ts) and the comparison (cli/compare-command.ts).
 */
// @ts-nocheck

import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { compareDesigns } from '../properties/compare.ts';
import { compareText } from '../properties/compare-format.ts';
import { designNames, resolveDesign } from '../properties/design-registry.ts';
import { loadProposal } from '../properties/proposal.ts';
import { describeFailure, formatDivergence, formatOps } from '../properties/report.ts';
import { InputError } from '../properties/trace.ts';
import { validateDesign } from '../properties/validate.ts';
import { workloadNames, workloads } from '../properties/workloads.ts';

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function parseTime(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  if (match === null) throw new InputError(`--time: '${text}' is not a duration like 60s`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  return unit === 'ms' ? value : unit === 'm' ? value * 60_000 : value * 1000;
}

export async function commandValidate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      time: { type: 'string', default: '60s' },
      seed: { type: 'string' },
      'max-ops': { type: 'string', default: '400' },
      workload: { type: 'string', multiple: true },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new InputError('validate: expected exactly one proposal FILE');
  const file = positionals[0] as string;
  const design = await loadProposal(file);
  if (values.seed !== undefined && !/^\d+$/.test(values.seed)) {
    throw new InputError(`--seed: expected a non-negative integer, got '${values.seed}'`);
  }
  const seed = values.seed === undefined ? randomInt(0, 2 ** 31) : Number(values.seed);
  if (seed > 0xffffffff) throw new InputError(`--seed: expected an integer up to ${0xffffffff}, got '${values.seed ?? ''}'`);
  const opsPerRun = Number(values['max-ops']);
  if (!Number.isInteger(opsPerRun) || opsPerRun < 1) throw new InputError(`--max-ops: '${values['max-ops']}'`);
  const names = (values.workload ?? []).flatMap((value) => value.split(','));
  for (const name of names) {
    if (!workloadNames().includes(name)) throw new InputError(`unknown workload '${name}' (known: ${workloadNames().join(', ')})`);
  }
  const chosen = names.length === 0 ? workloads : workloads.filter((workload) => names.includes(workload.name));
  out(`validating ${design.name} from ${file}; seed ${seed}; ${opsPerRun} ops per run; budget ${values.time}`);
  const result = validateDesign(design, {
    seed, timeMs: parseTime(values.time), opsPerRun, runsMax: 1_000_000, shrinkMs: 10_000,
  });
  if (result.failure !== null) {
    const failure = result.failure;
    out(`FAIL ${design.name} after ${result.runs} runs (config ${failure.configName}, run seed ${failure.runSeed}): ${describeFailure(failure.failure)}`);
    out(`shrunk trace: ${failure.lengthBefore} ops -> ${failure.ops.length} ops`);
    for (const line of formatOps(failure.ops, failure.failure)) out(line);
    for (const line of formatDivergence(failure.failure)) out(line);
    out('costs not measured: the proposal failed');
    return 1;
  }
  out(`PASS ${design.name}: ${result.runs} runs, ${result.steps} ops, every run drained clean`);
  out('');
  out(`costs next to the built-in designs (${chosen.map((workload) => workload.name).join(', ')}):`);
  const cells = compareDesigns([design, ...designNames().map((name) => resolveDesign(name))], chosen);
  process.stdout.write(compareText(cells));
  return cells.some((cell) => cell.failure !== null) ? 1 : 0;
}

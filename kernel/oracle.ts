/**
 * The kernel as a second oracle: kernel programs are emitted as C, run in batches on Linux 6.1
 * under User-Mode Linux, and what each step showed is compared with what the model expects.
 * A program passes when every step agrees; it fails at the first step that differs (with the
 * differences in kernel words); it is an error when it could not run to the end (the machine
 * refused it, the kernel died or hung) — never a pass.
 *
 * The program checks itself too; when its verdict and the harness's differ, the result is an
 * error naming both, since one of the two comparisons is wrong.
 *
 * Not covered here: building programs (kernel/translate.ts, kernel/generator.ts).
 */
import type { EmitSource } from './emit-c.ts';
import { emitC, stepErrno } from './emit-c.ts';
import type { Difference } from './compare.ts';
import { compareStep } from './compare.ts';
import type { KernelOutput } from './output.ts';
import { parseKernelOutput } from './output.ts';
import type { KernelProgram, ProgramStep } from './program.ts';
import type { PreparedBoot, UmlTools } from './uml.ts';
import { prepareBoot, runBoot } from './uml.ts';

export interface OracleJob {
  readonly name: string;
  readonly program: KernelProgram;
  readonly source: EmitSource;
}

export type OracleVerdict =
  | { readonly kind: 'pass' }
  /** `step` null: the state after set-up already differs. */
  | {
      readonly kind: 'fail';
      readonly stepIndex: number;
      readonly step: ProgramStep | null;
      readonly differences: readonly Difference[];
    }
  | { readonly kind: 'error'; readonly message: string };

export interface OracleResult {
  readonly job: OracleJob;
  readonly c: string;
  readonly output: string;
  readonly parsed: KernelOutput;
  readonly verdict: OracleVerdict;
  readonly devices: readonly string[];
}

export interface OracleBoot {
  readonly programs: number;
  readonly bootMs: number;
  readonly totalMs: number;
  readonly compileMs: number;
  readonly timedOut: boolean;
  /** The first boot died before it ran any program and was booted again. */
  readonly retried: boolean;
}

export interface OracleRun {
  readonly results: readonly OracleResult[];
  readonly boots: readonly OracleBoot[];
}

export interface OracleOptions {
  /** Programs per boot; default 32. */
  readonly batchSize?: number;
  readonly timeoutMs?: number;
  readonly onBoot?: (done: number, total: number) => void;
  /** Told when a boot died before running any program and is booted again. */
  readonly onRetry?: (console: string) => void;
}

/** Runs every job on the kernel and judges each. Batch k+1 compiles while batch k runs. */
export async function runOnKernel(
  tools: UmlTools,
  jobs: readonly OracleJob[],
  options: OracleOptions = {},
): Promise<OracleRun> {
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const results: OracleResult[] = [];
  const boots: OracleBoot[] = [];
  const batches: { jobs: readonly OracleJob[]; sources: string[] }[] = [];
  for (let start = 0; start < jobs.length; start += batchSize) {
    const batch = jobs.slice(start, start + batchSize);
    batches.push({ jobs: batch, sources: batch.map((job) => emitC(job.program, job.source)) });
  }
  const prepare = (index: number): Promise<PreparedBoot> | null => {
    const batch = batches[index];
    if (batch === undefined) return null;
    return prepareBoot(
      tools,
      batch.jobs.map((job, offset) => ({
        name: job.name,
        source: batch.sources[offset] as string,
        config: job.program.config,
      })),
    );
  };
  let next = prepare(0);
  let done = 0;
  try {
    for (let index = 0; index < batches.length; index++) {
      const batch = batches[index] as (typeof batches)[number];
      const prepared = await (next as Promise<PreparedBoot>);
      next = prepare(index + 1);
      const bootOptions = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
      let boot = await runBoot(tools, prepared, bootOptions);
      // A kernel that died before it ran any program is a failed boot, not a result: boot
      // once more (the second outcome stands, and the retry is recorded).
      const retried =
        boot.programs.length > 0 &&
        boot.programs.every((ran) => ran.exitCode === null) &&
        !boot.timedOut;
      if (retried) {
        options.onRetry?.(consoleTail(boot.console));
        boot = await runBoot(tools, (await prepare(index)) as PreparedBoot, bootOptions);
      }
      boots.push({
        programs: batch.jobs.length,
        bootMs: boot.bootMs,
        totalMs: boot.totalMs,
        compileMs: boot.compileMs,
        timedOut: boot.timedOut,
        retried,
      });
      boot.programs.forEach((ran, offset) => {
        const job = batch.jobs[offset] as OracleJob;
        const parsed = parseKernelOutput(ran.output);
        let verdict = judge(job.program, parsed);
        if (ran.exitCode === null && verdict.kind !== 'fail') {
          verdict = {
            kind: 'error',
            message: boot.timedOut
              ? 'the kernel did not finish the program before the boot timed out'
              : `the kernel stopped before the program finished${consoleTail(boot.console)}`,
          };
        }
        results.push({
          job,
          c: batch.sources[offset] as string,
          output: ran.output,
          parsed,
          verdict,
          devices: ran.devices,
        });
      });
      done += batch.jobs.length;
      options.onBoot?.(done, jobs.length);
    }
  } finally {
    // A batch prepared ahead of a failure is never run: remove its folder.
    if (next !== null)
      await next.then(
        (prepared) => prepared.dispose(),
        () => undefined,
      );
  }
  return { results, boots };
}

function consoleTail(console: string): string {
  const lines = console.trim().split('\n').slice(-3).join(' | ');
  return lines === '' ? '' : ` (console: ${lines})`;
}

/** The harness's verdict on a program's output, checked against the program's own. */
export function judge(program: KernelProgram, output: KernelOutput): OracleVerdict {
  if (output.verdict.kind === 'error') return { kind: 'error', message: output.verdict.message };
  const checks: { index: number; step: ProgramStep | null }[] = [
    { index: 0, step: null },
    ...program.steps.map((step) => ({ index: step.index, step })),
  ];
  let harness: OracleVerdict = { kind: 'pass' };
  for (const { index, step } of checks) {
    const seen = output.steps.get(index)?.observation ?? null;
    if (seen === null)
      return {
        kind: 'error',
        message: `no observation for step ${index}: the program stopped early`,
      };
    const expect = step === null ? program.initial : step.expect;
    const differences = compareStep(
      expect,
      seen,
      program.placement,
      step === null ? undefined : stepErrno(step),
    );
    if (differences.length > 0) {
      harness = { kind: 'fail', stepIndex: index, step, differences };
      break;
    }
  }
  const own = output.verdict;
  const agree =
    (own.kind === 'pass' && harness.kind === 'pass') ||
    (own.kind === 'fail' && harness.kind === 'fail' && own.step === harness.stepIndex);
  if (!agree) {
    const ownText = own.kind === 'fail' ? `fails at step ${own.step}` : own.kind;
    const harnessText =
      harness.kind === 'fail' ? `fails at step ${harness.stepIndex}` : harness.kind;
    return {
      kind: 'error',
      message: `the program's own check (${ownText}) and the harness (${harnessText}) disagree`,
    };
  }
  return harness;
}

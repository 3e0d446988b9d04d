/**
 * The differential campaign: random expressible programs (kernel/generator.ts) run on the
 * kernel in batches, each compared step by step with the model. Failures are grouped by their
 * signature (the action at the first failing step and the kinds of difference there); the
 * first failure of each new signature is shrunk with the kernel in the loop, up to
 * `maxFailures` signatures. Programs that could not run (the machine refused, the kernel died)
 * are errors, reported apart and never counted as passed.
 *
 * The same seed gives the same programs; what the kernel does with them is its own business
 * (a failure that does not come back when rerun is reported as not reproduced).
 *
 * Not covered here: writing traces and C files (cli/kernel-command.ts).
 */
import type { GeneratedProgram, MemcgMode } from './generator.ts';
import { generateProgram } from './generator.ts';
import type { OracleBoot, OracleResult } from './oracle.ts';
import { runOnKernel } from './oracle.ts';
import type { KernelShrinkResult } from './shrink.ts';
import { failureShape, formatShape, shrinkOnKernel } from './shrink.ts';
import type { UmlTools } from './uml.ts';

export interface KernelCampaignOptions {
  readonly seed: number;
  readonly runs: number;
  /** Source actions per program. */
  readonly steps: number;
  /** Which programs run in a memcg (kernel/generator.ts); default 'sometimes'. */
  readonly memcg?: MemcgMode;
  readonly batchSize: number;
  /** Signatures to shrink; later new signatures are counted, not shrunk. */
  readonly maxFailures: number;
  readonly shrinkMs: number;
  readonly onProgress?: (done: number, total: number, failed: number) => void;
  readonly onShrinkRound?: (round: number, actions: number) => void;
  /** Told when a boot died before running any program and is booted again. */
  readonly onRetry?: (console: string) => void;
  /** Checked between batches: true stops the campaign (an interrupt). */
  readonly stopped?: () => boolean;
}

export interface KernelCampaignFailure {
  readonly signature: string;
  /** Programs that failed with this signature. */
  readonly count: number;
  readonly index: number;
  readonly generated: GeneratedProgram;
  readonly result: OracleResult;
  readonly shrunk: KernelShrinkResult | null;
}

export interface KernelCampaignResult {
  readonly programs: number;
  readonly passed: number;
  readonly failed: number;
  /** Programs that ran in a memcg, and how many of them passed. */
  readonly memcgPrograms: number;
  readonly memcgPassed: number;
  readonly failures: readonly KernelCampaignFailure[];
  readonly errors: readonly { readonly index: number; readonly message: string }[];
  readonly boots: readonly OracleBoot[];
  readonly elapsedMs: number;
  /** Programs run per second of wall time, from the first compile to the last boot's end
   * (shrinking excluded). */
  readonly programsPerSecond: number;
  /** Drawn actions the profile refused while generating, by profile entry. */
  readonly refused: Readonly<Record<string, number>>;
  readonly interrupted: boolean;
}

/** The signature of a failing result: its shape in one line (kernel/shrink.ts). */
export function signatureOf(result: OracleResult): string {
  const shape = failureShape(result);
  return shape === null ? result.verdict.kind : formatShape(shape);
}

export async function runKernelCampaign(
  tools: UmlTools,
  options: KernelCampaignOptions,
): Promise<KernelCampaignResult> {
  const start = performance.now();
  const failures = new Map<
    string,
    {
      count: number;
      index: number;
      generated: GeneratedProgram;
      result: OracleResult;
      shrunk: KernelShrinkResult | null;
    }
  >();
  const errors: { index: number; message: string }[] = [];
  const boots: OracleBoot[] = [];
  let passed = 0;
  let failed = 0;
  let memcgPrograms = 0;
  let memcgPassed = 0;
  let done = 0;
  const refused: Record<string, number> = {};
  let interrupted = false;
  for (let first = 0; first < options.runs; first += options.batchSize) {
    if (options.stopped?.() === true) {
      interrupted = true;
      break;
    }
    const count = Math.min(options.batchSize, options.runs - first);
    const generated = Array.from({ length: count }, (_, offset) =>
      generateProgram(options.seed, first + offset, {
        steps: options.steps,
        memcg: options.memcg ?? 'sometimes',
      }),
    );
    for (const program of generated)
      for (const [entry, times] of Object.entries(program.refused))
        refused[entry] = (refused[entry] ?? 0) + times;
    const run = await runOnKernel(
      tools,
      generated.map((program, offset) => ({
        name: `program-${first + offset}`,
        program: program.program,
        source: {
          origin: `swapcheck kernel --random --seed ${options.seed}, program ${first + offset}`,
        },
      })),
      {
        batchSize: options.batchSize,
        ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
      },
    );
    boots.push(...run.boots);
    for (const [offset, result] of run.results.entries()) {
      const index = first + offset;
      const inMemcg = (generated[offset]?.config.memcgs ?? []).length > 0;
      if (inMemcg) memcgPrograms += 1;
      if (inMemcg && result.verdict.kind === 'pass') memcgPassed += 1;
      if (result.verdict.kind === 'pass') passed += 1;
      else if (result.verdict.kind === 'error')
        errors.push({ index, message: result.verdict.message });
      else {
        failed += 1;
        const signature = signatureOf(result);
        const known = failures.get(signature);
        if (known !== undefined) known.count += 1;
        else
          failures.set(signature, {
            count: 1,
            index,
            generated: generated[offset] as GeneratedProgram,
            result,
            shrunk: null,
          });
      }
    }
    done += count;
    options.onProgress?.(done, options.runs, failed);
  }
  const campaignMs = performance.now() - start;
  let shrunkCount = 0;
  for (const failure of failures.values()) {
    if (shrunkCount >= options.maxFailures || options.stopped?.() === true) break;
    shrunkCount += 1;
    const shape = failureShape(failure.result);
    if (shape === null) continue;
    failure.shrunk = await shrinkOnKernel(
      tools,
      failure.generated.config,
      failure.generated.actions,
      shape,
      {
        timeMs: options.shrinkMs,
        batchSize: options.batchSize,
        ...(options.onShrinkRound === undefined ? {} : { onRound: options.onShrinkRound }),
      },
    );
  }
  return {
    programs: done,
    passed,
    failed,
    memcgPrograms,
    memcgPassed,
    failures: [...failures.entries()].map(([signature, failure]) => ({ signature, ...failure })),
    errors,
    boots,
    elapsedMs: performance.now() - start,
    programsPerSecond: campaignMs > 0 ? (done * 1000) / campaignMs : 0,
    refused,
    interrupted,
  };
}

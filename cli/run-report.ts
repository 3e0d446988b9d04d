/**
 * The report of a `swapcheck run` campaign as one versioned JSON document (format
 * `swapcheck-run`, version 2; docs/run-json.md): per design its runs, ops, op mix, marks, runs
 * by config, and the failure with its trace and the commands that replay and reproduce it;
 * whether the campaign was interrupted; which shard it was. `--format json` prints it, `--json
 * FILE` writes it, and JUnit, KTAP and `swapcheck merge` are built from it alone, so a merged
 * report of shards renders like one campaign's.
 *
 * Not covered here: rendering JUnit and KTAP (cli/junit-report.ts, cli/ktap-report.ts).
 */
import { configPresets, type Config } from '../lib/config.ts';
import type { OpName } from '../lib/ops.ts';
import type { CampaignResult } from '../properties/campaign.ts';
import type { Failure } from '../properties/checker.ts';
import { designSpelling } from '../properties/design-ref.ts';
import type { KnobMode } from '../properties/knob-swarm.ts';
import { describeFailure } from '../properties/report.ts';

export const runReportFormat = 'swapcheck-run';
export const runReportVersion = 2;

export interface ConfigResult {
  readonly config: string;
  readonly runs: number;
  readonly runsPassed: number;
  readonly ops: number;
}

export interface FailureReport {
  readonly source: 'run' | 'database';
  readonly runIndex: number;
  readonly runSeed: number;
  readonly config: string;
  readonly unshrunk: boolean;
  readonly opsBefore: number;
  readonly opsAfter: number;
  readonly shrinkMs: number;
  readonly summary: string;
  readonly failure: Failure;
  /** The failing run's steer toward rare states (null: none). */
  readonly steer: string | null;
  readonly trace: string | null;
  readonly replay: string | null;
  readonly reproduce: string | null;
}

/** Runs and ops of one knob value (every value of the design's knob space has one). */
export interface KnobValueResult {
  readonly knob: string;
  readonly value: string;
  readonly runs: number;
  readonly ops: number;
}

export interface DesignReport {
  readonly design: string;
  /** What --design takes to name this design again. */
  readonly spelling: string;
  readonly runs: number;
  readonly runsPassed: number;
  readonly ops: number;
  readonly elapsedMs: number;
  readonly opsPerSecond: number;
  readonly opCounts: Readonly<Partial<Record<OpName, number>>>;
  readonly marks: Readonly<Record<string, number>>;
  /** Catalogued marks some run of the design could reach (properties/mark-catalogue.ts). */
  readonly marksListed: readonly string[];
  /** Of those, the marks no run reached. */
  readonly marksMissed: readonly string[];
  /** Runs steered toward rare marks, by steer. */
  readonly steered: Readonly<Record<string, number>>;
  readonly interrupted: boolean;
  readonly configs: readonly ConfigResult[];
  /** Runs and ops by knob value (properties/knob-swarm.ts); empty for a proposal module. */
  readonly knobValues: readonly KnobValueResult[];
  readonly failure: FailureReport | null;
}

export interface RunReport {
  readonly format: typeof runReportFormat;
  readonly version: typeof runReportVersion;
  readonly seed: number;
  readonly config: string;
  readonly configs: readonly string[];
  readonly opsPerRun: number;
  readonly fullCheckEvery: number;
  /** `swarm` (runs take each design's knob space in turn) or `fixed`. */
  readonly knobs: KnobMode;
  /** Later runs were steered toward rare marks (properties/mark-steering.ts). */
  readonly steering: boolean;
  readonly budget: { readonly runs: number | null; readonly timeMs: number | null };
  /** 1-based shard index(es) covered, of `count`. */
  readonly shard: { readonly indices: readonly number[]; readonly count: number };
  readonly interrupted: boolean;
  readonly signal: string | null;
  readonly designs: readonly DesignReport[];
  readonly reproduce: string;
  readonly passed: number;
  readonly failed: number;
}

/** The name of a config: its preset name, or `label` for a file's. */
export function configName(config: Config, label: string): string {
  const preset = Object.entries(configPresets).find(
    ([, value]) => value === config || JSON.stringify(value) === JSON.stringify(config),
  );
  return preset?.[0] ?? label;
}

export interface RunReportContext {
  readonly config: string;
  readonly configs: readonly Config[];
  readonly configLabel: string;
  readonly opsPerRun: number;
  readonly fullCheckEvery: number;
  readonly knobs: KnobMode;
  readonly steering: boolean;
  readonly budget: RunReport['budget'];
  readonly shard: { readonly index: number; readonly count: number };
  readonly signal: string | null;
  readonly reproduce: string;
  /** Per design name: the written trace and its commands. */
  readonly written: ReadonlyMap<
    string,
    { trace: string; replay: string; reproduce: string | null }
  >;
}

export function buildRunReport(result: CampaignResult, context: RunReportContext): RunReport {
  const names = context.configs.map((config) => configName(config, context.configLabel));
  const designs = result.designs.map((s): DesignReport => {
    const written = context.written.get(s.design);
    const failure = s.failure;
    return {
      design: s.design,
      spelling: designSpelling(s.ref),
      runs: s.runs,
      runsPassed: s.runsPassed,
      ops: s.ops,
      elapsedMs: Math.round(s.elapsedMs),
      opsPerSecond: s.elapsedMs > 0 ? Math.round((s.ops * 1000) / s.elapsedMs) : 0,
      opCounts: s.opCounts,
      marks: s.marks,
      marksListed: s.marksListed,
      marksMissed: s.marksMissed,
      steered: s.steered,
      interrupted: s.interrupted,
      configs: s.perConfig.map((c, index) => ({ config: names[index] as string, ...c })),
      knobValues: Object.entries(s.perKnob).flatMap(([knob, row]) =>
        Object.entries(row).map(([value, cell]) => ({
          knob,
          value,
          runs: cell.runs,
          ops: cell.ops,
        })),
      ),
      failure:
        failure === null
          ? null
          : {
              source: failure.source,
              runIndex: failure.runIndex,
              runSeed: failure.runSeed,
              config: configName(failure.config, context.configLabel),
              unshrunk: failure.unshrunk,
              opsBefore: failure.ops.length,
              opsAfter: failure.shrunk.ops.length,
              shrinkMs: Math.round(failure.shrunk.elapsedMs),
              summary: describeFailure(failure.shrunk.failure),
              failure: failure.shrunk.failure,
              steer: failure.steer ?? null,
              trace: written?.trace ?? null,
              replay: written?.replay ?? null,
              reproduce: written?.reproduce ?? null,
            },
    };
  });
  return {
    format: runReportFormat,
    version: runReportVersion,
    seed: result.seed,
    config: context.config,
    configs: names,
    opsPerRun: context.opsPerRun,
    fullCheckEvery: context.fullCheckEvery,
    knobs: context.knobs,
    steering: context.steering,
    budget: context.budget,
    shard: { indices: [context.shard.index + 1], count: context.shard.count },
    interrupted: result.interrupted,
    signal: context.signal,
    designs,
    reproduce: context.reproduce,
    passed: designs.reduce((sum, d) => sum + d.runsPassed, 0),
    failed: designs.filter((d) => d.failure !== null).length,
  };
}

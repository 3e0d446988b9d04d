/**
 * The failure database: failures that campaigns found, kept so that the next `swapcheck run`
 * of the same design tries them first (as Hypothesis's example database does). It is a folder
 * (`.swapcheck/failures/` under the working directory unless `--db` names another) with one
 * subfolder per design, named by the design's spelling as a slug, holding version 1 traces
 * (`docs/trace-format.md`) of the design the failing run ran (with that run's knobs) with the
 * config written out in full; a file's name is a hash of its
 * config and ops, so the same failure is stored once. Files are written atomically. A saved
 * failure that no longer fails is removed when it is replayed; an unreadable file is skipped
 * with a warning, never fatal.
 *
 * Not covered here: replaying saved failures (properties/campaign.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../lib/config.ts';
import type { Op } from '../lib/ops.ts';
import type { SavedFailure } from './campaign.ts';
import { designSlug, designSpelling } from './design-ref.ts';
import {
  formatTrace,
  parseTrace,
  resolveConfig,
  traceFormat,
  traceVersion,
  writeFileAtomic,
  type DesignRef,
} from './trace.ts';

export class FailureDatabase {
  readonly dir: string;
  private readonly warn: (line: string) => void;

  constructor(dir: string, warn: (line: string) => void) {
    this.dir = dir;
    this.warn = warn;
  }

  /** The folder of one design's failures. */
  designDir(ref: DesignRef): string {
    return join(this.dir, designSlug(designSpelling(ref)));
  }

  /** The saved failures of `ref`, in file-name order. */
  load(ref: DesignRef): SavedFailure[] {
    const dir = this.designDir(ref);
    if (!existsSync(dir)) return [];
    const saved: SavedFailure[] = [];
    for (const name of readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .sort()) {
      const path = join(dir, name);
      try {
        const trace = parseTrace(readFileSync(path, 'utf8'), path);
        saved.push({
          path,
          design: trace.design,
          config: resolveConfig(trace.config),
          ops: trace.ops,
        });
      } catch (error) {
        this.warn(
          `failure database: skipped ${path}: ${(error as Error).message.split('\n')[0] ?? ''}`,
        );
      }
    }
    return saved;
  }

  /** Saves a failing op list of `ref` that failed on `failedOn` (`ref` with the failing run's
   * knobs; `ref` itself by default); returns its path. */
  save(
    ref: DesignRef,
    config: Config,
    ops: readonly Op[],
    note: string,
    failedOn: DesignRef = ref,
  ): string {
    const hash = createHash('sha256')
      .update(JSON.stringify({ config, ops }))
      .digest('hex')
      .slice(0, 16);
    const path = join(this.designDir(ref), `${hash}.json`);
    writeFileAtomic(
      path,
      formatTrace({
        format: traceFormat,
        version: traceVersion,
        design: failedOn,
        config,
        note,
        ops,
      }),
    );
    return path;
  }

  /** Removes a saved failure that holds now. */
  remove(path: string): void {
    rmSync(path, { force: true });
  }
}

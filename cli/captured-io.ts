/**
 * An Io that keeps what a command prints, for running commands in-process (the tests do, so
 * that most command-line assertions need no child process): stdout and stderr as strings,
 * a working directory, and interrupts fired by the caller (`interrupt('SIGINT')`), by default
 * after the command has printed its first progress line or reached `afterLines` stdout lines.
 *
 * Not covered here: the process's own io (cli/io.ts).
 */
import type { Io } from './io.ts';

export interface CapturedIo extends Io {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Fires an interrupt now (the command's handler runs at once). */
  readonly interrupt: (signal: 'SIGINT' | 'SIGTERM') => void;
}

export function capturedIo(cwd: string, onProgress?: (io: CapturedIo) => void): CapturedIo {
  let stdout = '';
  let stderr = '';
  const listeners = new Set<(signal: 'SIGINT' | 'SIGTERM') => void>();
  const io: CapturedIo = {
    out: (line = '') => {
      stdout += `${line}\n`;
    },
    write: (text) => {
      stdout += text;
    },
    err: (line = '') => {
      stderr += `${line}\n`;
    },
    progress: (text) => {
      stderr += text;
      onProgress?.(io);
    },
    cwd,
    stderrTty: false,
    interrupts: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stdout: () => stdout,
    stderr: () => stderr,
    interrupt: (signal) => {
      for (const listener of [...listeners]) listener(signal);
    },
  };
  return io;
}

/** What an in-process run printed and returned. */
export interface CapturedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly cwd: string;
}

/** Runs `swapcheck ARGS` in-process in `cwd` (main() is passed in, so this file does not
 * import the program that imports it back). */
export async function runCaptured(
  main: (argv: readonly string[], io: Io) => Promise<number>, args: readonly string[], cwd: string,
  onProgress?: (io: CapturedIo) => void,
): Promise<CapturedRun> {
  const io = capturedIo(cwd, onProgress);
  const code = await main(args, io);
  return { code, stdout: io.stdout(), stderr: io.stderr(), cwd };
}

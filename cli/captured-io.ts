/**
 * An Io that keeps what a command prints, for running commands in-process (the tests do, so
 * that most command-line assertions need no child process): stdout and stderr as strings, a
 * working directory, whether stderr claims to be a terminal, and interrupts fired by the
 * caller (`interrupt('SIGINT')`, e.g. from the `onProgress` hook, called after each progress
 * write).
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

export function capturedIo(
  cwd: string,
  onProgress?: (io: CapturedIo) => void,
  stderrTty = false,
): CapturedIo {
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
    stderrTty,
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
  main: (argv: readonly string[], io: Io) => Promise<number>,
  args: readonly string[],
  cwd: string,
  onProgress?: (io: CapturedIo) => void,
  stderrTty = false,
): Promise<CapturedRun> {
  const io = capturedIo(cwd, onProgress, stderrTty);
  const code = await main(args, io);
  return { code, stdout: io.stdout(), stderr: io.stderr(), cwd };
}

/**
 * Where a command's text goes and where it runs: stdout and stderr lines, the working
 * directory that relative paths are taken against, whether stderr is a terminal (progress
 * bar), and the interrupts (SIGINT, SIGTERM) a long command listens for. The process's own
 * io writes to the real streams and treats a closed stdout (EPIPE: `swapcheck designs | head
 * -1`) as the end of the reader's interest, never as a crash. Tests pass their own io and run
 * commands in-process.
 *
 * Not covered here: the commands (cli/*-command.ts).
 */

/** Calls `onSignal` with the signal's name on an interrupt; returns the unsubscribe. */
export type InterruptSource = (onSignal: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;

export interface Io {
  /** Writes one line to stdout. */
  readonly out: (line?: string) => void;
  /** Writes text to stdout as is. */
  readonly write: (text: string) => void;
  /** Writes one line to stderr. */
  readonly err: (line?: string) => void;
  /** Writes text to stderr as is (progress lines). */
  readonly progress: (text: string) => void;
  readonly cwd: string;
  readonly stderrTty: boolean;
  readonly interrupts: InterruptSource;
}

/** The exit code of a process ended by `signal`, as shells report it. */
export function signalExitCode(signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGINT' ? 130 : 143;
}

const processInterrupts: InterruptSource = (onSignal) => {
  let count = 0;
  const handler = (signal: 'SIGINT' | 'SIGTERM') => {
    count++;
    // A second interrupt while the first is being honoured ends the process at once.
    if (count > 1) process.exit(signalExitCode(signal));
    onSignal(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
};

/**
 * Ends the process quietly when stdout's reader has gone (EPIPE): the output was wanted only
 * up to there. Installed once by cli/main.ts.
 */
export function exitQuietlyOnClosedStdout(): void {
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}

export function processIo(): Io {
  return {
    out: (line = '') => process.stdout.write(`${line}\n`),
    write: (text) => process.stdout.write(text),
    err: (line = '') => process.stderr.write(`${line}\n`),
    progress: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    stderrTty: process.stderr.isTTY === true,
    interrupts: processInterrupts,
  };
}

/**
 * The shape of one swapcheck command: a module registers its commander command (name, usage,
 * every flag with its help line) on the program and, when it runs, reports its exit code
 * through the context. cli/command-list.ts lists the modules; adding a command is adding one
 * line there.
 *
 * Not covered here: parsing and error handling (cli/program.ts).
 */
import type { Command } from 'commander';
import type { Io } from './io.ts';

export interface CommandContext {
  readonly io: Io;
  /** Records the command's exit code (0 pass, 1 a property failed, 2 input error, 130/143 interrupted). */
  readonly exit: (code: number) => void;
}

export interface CommandModule {
  readonly name: string;
  readonly register: (program: Command, context: CommandContext) => void;
}

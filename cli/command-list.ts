/**
 * The swapcheck commands, in the order help lists them. Adding a command is one entry here
 * (and its import): each module declares its own flags and help (cli/command-module.ts).
 *
 * Not covered here: parsing and exit codes (cli/program.ts).
 */
import type { CommandModule } from './command-module.ts';
import { compareCommand } from './compare-command.ts';
import { designsCommand } from './designs-command.ts';
import { exploreCommand } from './explore-command.ts';
import { mergeCommand } from './merge-command.ts';
import { mutantsCommand } from './mutants-command.ts';
import { replayCommand } from './replay-command.ts';
import { runCommand } from './run-command.ts';
import { shrinkCommand } from './shrink-command.ts';
import { validateCommand } from './validate-command.ts';

export const commandModules: readonly CommandModule[] = [
  runCommand,
  replayCommand,
  shrinkCommand,
  mutantsCommand,
  compareCommand,
  validateCommand,
  exploreCommand,
  mergeCommand,
  designsCommand,
];

/**
 * The swapcheck commands: one re-export per command module (cli/command-module.ts), so adding
 * a command is adding one line here. cli/program.ts registers every export, in name order
 * (the order of a module namespace), which is the order help lists them.
 *
 * Not covered here: parsing and exit codes (cli/program.ts).
 */
export { compareCommand } from './compare-command.ts';
export { designsCommand } from './designs-command.ts';
export { exploreCommand } from './explore-command.ts';
export { kernelCommand } from './kernel-command.ts';
export { mergeCommand } from './merge-command.ts';
export { mutantsCommand } from './mutants-command.ts';
export { replayCommand } from './replay-command.ts';
export { runCommand } from './run-command.ts';
export { shrinkCommand } from './shrink-command.ts';
export { validateCommand } from './validate-command.ts';

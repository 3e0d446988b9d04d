/**
 * The swapcheck command line: builds the commander program from cli/command-list.ts, parses
 * argv, runs the command and turns every way it can end into an exit code: 0 nothing failed
 * (and for --help and --version), 1 a property failed, 2 a usage or input error, printed as
 * one line per problem on stderr starting `swapcheck: `, never a stack trace. Unknown flags,
 * missing values and extra arguments are usage errors for every command. `main(argv, io)` runs
 * in-process (tests pass their own io).
 *
 * Not covered here: the commands themselves (cli/*-command.ts).
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../properties/trace.ts';
import * as commandList from './command-list.ts';
import type { CommandModule } from './command-module.ts';
import { processIo, type Io } from './io.ts';
import { packageVersion } from './paths.ts';

export { packageVersion };

/** Every command module cli/command-list.ts exports, in name order. */
export const commandModules: readonly CommandModule[] = Object.values(commandList);

/** Help and version end with exit code 0 even though commander reports them as errors. */
const cleanExits = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

function buildProgram(io: Io, exit: (code: number) => void): Command {
  const program = new Command('swapcheck')
    .description(
      'property-based model checking of Linux swap-entry semantics: a reference model against kernel-shaped designs',
    )
    .version(`swapcheck ${packageVersion()}`, '--version', 'print the version')
    .helpOption('-h, --help', 'print help (swapcheck COMMAND --help lists every flag of a command)')
    .exitOverride()
    .configureOutput({ writeOut: io.write, writeErr: io.progress, outputError: () => {} })
    .showSuggestionAfterError(true);
  for (const module of commandModules) module.register(program, { io, exit });
  for (const command of program.commands)
    command
      .exitOverride()
      .configureOutput({ writeOut: io.write, writeErr: io.progress, outputError: () => {} });
  return program;
}

/** Prints an error's lines, each as `swapcheck: LINE`. */
function printError(io: Io, message: string): void {
  for (const line of message.split('\n')) if (line.trim() !== '') io.err(`swapcheck: ${line}`);
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (result) => {
    code = result;
  });
  const names = commandModules.map((module) => module.name);
  if (argv.length === 0) {
    printError(io, `expected a command (${names.join(', ')}); swapcheck --help lists them`);
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (cleanExits.has(error.code)) return 0;
      if (error.code === 'commander.unknownCommand') {
        printError(io, `unknown command '${argv[0] ?? ''}' (known: ${names.join(', ')}, help)`);
        return 2;
      }
      // Commander's messages start `error: ` and may add a suggestion on a second line.
      printError(io, error.message.replace(/^error: /, '').replace(/\n/g, ' '));
      return 2;
    }
    if (error instanceof InputError) {
      printError(io, error.message);
      return 2;
    }
    throw error;
  }
}

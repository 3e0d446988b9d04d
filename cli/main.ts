#!/usr/bin/env node
/**
 * The `swapcheck` executable: runs a command and sets the exit code (0 pass, 1 a property
 * failed, 2 a usage or input error, 130/143 interrupted with nothing failed). A reader that
 * closes stdout early (`swapcheck designs | head -1`) ends the process quietly.
 *
 * Not covered here: the commands (cli/program.ts, cli/command-list.ts).
 */
import { exitQuietlyOnClosedStdout } from './io.ts';
import { main } from './program.ts';

exitQuietlyOnClosedStdout();
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// @ts-nocheck
/**
 * The `swapcheck` executable: runs a command and sets the exit code (0 pass, 1 a property
 * failed, 2 a usage or input error). Not covered here: the commands (cli/commands.ts).
 */
import { main } from './commands.ts';

process.exitCode = await main(process.argv.slice(2));

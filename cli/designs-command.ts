/**
 * `swapcheck designs`: lists the built-in designs with their knobs, the knobs with their
 * values, and how to name a variant (`NAME[knob=value,mutant=NAME]`, a knob file, a module).
 *
 * Not covered here: the designs (impl/designs.ts).
 */
import type { Command } from 'commander';
import { designs, knobDocs } from '../lib/designs.ts';
import type { CommandContext, CommandModule } from './command-module.ts';
import type { Io } from './io.ts';

function commandDesigns(io: Io): number {
  io.out('built-in designs:');
  for (const [name, design] of Object.entries(designs)) {
    io.out(`  ${name.padEnd(22)} ${design.summary}`);
    io.out(
      `  ${''.padEnd(22)} knobs: ${Object.entries(design.knobs)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  }
  io.out('');
  io.out('knobs:');
  for (const [name, doc] of Object.entries(knobDocs)) {
    io.out(`  ${name}: ${doc.meaning}`);
    io.out(`    values: ${doc.values.join(' | ')}; default ${doc.default}`);
  }
  io.out('');
  io.out(
    '--design takes NAME, NAME[knob=value,...,mutant=NAME] (quote it in the shell), a knob file',
  );
  io.out(
    '{"base": NAME, "knobs": {...}} (.json) or a proposal module (.js, .mjs; docs/writing-a-design.md)',
  );
  return 0;
}

export const designsCommand: CommandModule = {
  name: 'designs',
  register(program: Command, context: CommandContext) {
    program
      .command('designs')
      .description('list the built-in designs and knobs')
      .action(() => context.exit(commandDesigns(context.io)));
  },
};

import { Command, CommanderError } from 'commander';
import { FuasError, VERSION } from '@openfuas/core';
import { commands } from './commands/index.js';
import { CliUsageError, EXIT_USAGE } from './run-action.js';

/** Builds the `fuas` program; exported for tests. */
export function buildProgram(): Command {
  const program = new Command('fuas')
    .description('OpenFUAS: focused-ultrasound ablation physics, planning and workstation')
    .version(VERSION, '-V, --version', 'print the version')
    .configureOutput({ outputError: (str, write) => write(str.split('\n')[0] ? `${str.trimEnd().split('\n')[0]}\n` : str) });
  for (const c of commands) c.register(program);
  program.exitOverride();
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; every usage mistake (unknown flag, bad value, missing argument) exits 2.
      process.exit(e.exitCode === 0 ? 0 : EXIT_USAGE);
    }
    if (e instanceof FuasError || e instanceof CliUsageError) {
      process.stderr.write(`fuas: ${e.message}\n`);
      process.exit(EXIT_USAGE);
    }
    throw e;
  }
}

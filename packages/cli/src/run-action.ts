import { FuasError } from '@openfuas/core';

/** A mistake in how the command was called (bad flag value, missing argument): one line on stderr, exit 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** Exit code for a user's mistake (bad flag, bad input file), as the CLI contracts promise. */
export const EXIT_USAGE = 2;

/**
 * Wraps a command action: a FuasError or CliUsageError becomes a one-line message and exit code 2; anything
 * else is a bug and keeps its stack trace (exit 1).
 */
export function runAction<A extends unknown[]>(action: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (e) {
      if (e instanceof FuasError || e instanceof CliUsageError) {
        process.stderr.write(`fuas: ${e.message}\n`);
        process.exit(EXIT_USAGE);
      }
      throw e;
    }
  };
}

import type { Command } from 'commander';
import { CliUsageError, runAction } from '../run-action.js';

// The records server is its own package (@openfuas/server: PGlite, pg, Hono), loaded only when `fuas records`
// runs; the specifier is a variable so that the CLI neither bundles nor type-depends on it.
const SERVER_PACKAGE = '@openfuas/server';

export function register(program: Command): void {
  program
    .command('records')
    .description('treatment records: `fuas records serve|centre add|user add|backup|restore|sync` (see `fuas records --help`)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(
      runAction(async (args: string[]) => {
        let mod: { runRecordsCli(argv: string[]): Promise<void> };
        try {
          mod = await import(SERVER_PACKAGE);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e;
          throw new CliUsageError(
            `the records server is not installed (${SERVER_PACKAGE}): npm install ${SERVER_PACKAGE}, or npm run build in the repository`,
          );
        }
        await mod.runRecordsCli(args);
      }),
    );
}

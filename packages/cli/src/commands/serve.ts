import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parseIntegerOption } from '../options.js';
import { CliUsageError, runAction } from '../run-action.js';
import { RECORDS_PREFIX, proxyRecords, recordsTarget } from '../records-proxy.js';
import { createStaticServer, listen } from '../static-server.js';

/** Where `npm run build` puts the workstation. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the browser workstation (built by `npm run build`) with cross-origin isolation')
    .option('--port <n>', 'TCP port (0 = any free port)', parseIntegerOption('--port', 0, 65535), 8080)
    .option('--host <name>', 'interface to listen on', '127.0.0.1')
    .option('--root <dir>', 'folder of the built workstation', DEFAULT_WEB_ROOT)
    .option('--records <url>', 'records server (`fuas records serve`) to forward /api/v1/ to, e.g. http://127.0.0.1:8090')
    .action(
      runAction(async (opts: { port: number; host: string; root: string; records?: string }) => {
        if (!existsSync(`${opts.root}/index.html`)) {
          throw new CliUsageError(`no built workstation in ${opts.root}: run \`npm run build\` first (or \`npm start\`)`);
        }
        let target: URL | undefined;
        try {
          target = opts.records === undefined ? undefined : recordsTarget(opts.records);
        } catch (e) {
          throw new CliUsageError((e as Error).message);
        }
        const forward = target && { prefix: RECORDS_PREFIX, handle: proxyRecords.bind(null, target) };
        const server = createStaticServer(opts.root, { forward });
        let port: number;
        try {
          port = await listen(server, opts.port, opts.host);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw new CliUsageError(`cannot listen on ${opts.host}:${opts.port} (${code}); choose another with --port`);
        }
        const shown = opts.host === '0.0.0.0' || opts.host === '127.0.0.1' ? 'localhost' : opts.host;
        process.stdout.write(`OpenFUAS workstation: http://${shown}:${port}/\n`);
        if (target) process.stdout.write(`records API: /api/v1/ forwarded to ${target.origin}\n`);
        const stop = () => server.close(() => process.exit(0));
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }),
    );
}

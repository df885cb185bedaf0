import { type ServerType, serve } from '@hono/node-server';
import { type RecordsAppOptions, createRecordsApp } from './api/records-app.js';
import type { RecordsDatabase } from './database/records-database.js';

/** Serves the records API on host:port (port 0: any free port); resolves once listening, with the port. */
export function listenRecords(
  db: RecordsDatabase,
  port: number,
  host: string,
  options: RecordsAppOptions = {},
): Promise<{ server: ServerType; port: number; close: () => Promise<void> }> {
  const app = createRecordsApp(db, options);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info) =>
      resolve({ server, port: info.port, close: () => new Promise<void>((r) => server.close(() => r())) }),
    );
    server.once('error', reject);
    // Keep-alive longer than clients' reuse window: a busy embedded store can delay the idle-socket timer past
    // the moment a client reuses the socket, and that race resets connections (seen with 200 clients on PGlite).
    if ('keepAliveTimeout' in server) {
      server.keepAliveTimeout = 65_000;
      server.headersTimeout = 66_000;
    }
  });
}

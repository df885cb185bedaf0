import { readFileSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { FuasError } from '@openfuas/core';
import { addCentre, addUser } from '../admin.js';
import { backupRecords, restoreRecords } from '../backup.js';
import { type RecordsDatabase, openRecordsDatabase } from '../database/records-database.js';
import { listenRecords } from '../records-server.js';
import { syncOutbox } from '../sync.js';

/**
 * `fuas records …`: the records server's command group. It lives here, not in @openfuas/cli, so that the CLI
 * package does not carry PGlite, pg and Hono; `fuas records` loads it on demand. Same conventions as `fuas`:
 * a usage mistake or bad input is one line on stderr and exit code 2.
 */
class CliUsageError extends Error {}
const EXIT_USAGE = 2;

function runAction<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (e) {
      if (e instanceof FuasError || e instanceof CliUsageError) {
        process.stderr.write(`fuas records: ${e.message}\n`);
        process.exit(EXIT_USAGE);
      }
      throw e;
    }
  };
}

const parsePort = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected an integer in [0, 65535], got "${value}"`);
  return n;
};

/** Default data folder of the embedded store (PGlite); DATABASE_URL selects PostgreSQL instead. */
export const DEFAULT_DATA = './openfuas-data';

const dataOption = ['--data <dir>', 'data folder of the embedded store (ignored when DATABASE_URL is set)', DEFAULT_DATA] as const;

function open(dir: string): Promise<RecordsDatabase> {
  const url = process.env.DATABASE_URL;
  return openRecordsDatabase(url ? { url } : { dataDir: dir });
}

async function withStore<T>(dir: string, fn: (db: RecordsDatabase) => Promise<T>): Promise<T> {
  const db = await open(dir);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Reads a secret from standard input (one line; the trailing newline dropped). */
async function readStdin(what: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(`${what}: `);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const s = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!s) throw new CliUsageError(`no ${what} on standard input`);
  return s;
}

/** Runs `fuas records ARGS…` (argv without "records"). */
export async function runRecordsCli(argv: string[]): Promise<void> {
  const records = new Command('fuas records')
    .description('treatment records: the records server, centres, users, backup, sync')
    .configureOutput({ outputError: (str, write) => write(`${str.trimEnd().split('\n')[0]}\n`) })
    .exitOverride();
  register(records);
  for (const c of records.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  try {
    await records.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : EXIT_USAGE);
    throw e;
  }
}

function register(records: Command): void {
  records
    .command('serve')
    .description('serve the records API (/api/v1) on the embedded store, or on PostgreSQL when DATABASE_URL is set')
    .option(...dataOption)
    .option('--port <n>', 'TCP port (0 = any free port)', parsePort, 8090)
    .option('--host <name>', 'interface to listen on', '127.0.0.1')
    .action(
      runAction(async (opts: { data: string; port: number; host: string }) => {
        const db = await open(opts.data);
        let port: number;
        let close: () => Promise<void>;
        try {
          ({ port, close } = await listenRecords(db, opts.port, opts.host));
        } catch (e) {
          await db.close();
          throw new CliUsageError(
            `cannot listen on ${opts.host}:${opts.port} (${(e as NodeJS.ErrnoException).code}); choose another with --port`,
          );
        }
        const where = db.kind === 'pglite' ? opts.data : 'DATABASE_URL';
        process.stdout.write(`OpenFUAS records: http://${opts.host}:${port}/api/v1 (${db.kind}, ${where})\n`);
        const stop = () => {
          close()
            .then(() => db.close())
            .then(() => process.exit(0));
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }),
    );

  const centre = records.command('centre').description('treatment centres');
  centre
    .command('add')
    .description('add a centre (with its own pseudonymisation key)')
    .option(...dataOption)
    .requiredOption('--code <code>', 'short unique code, e.g. SH-01')
    .requiredOption('--name <name>', 'the centre’s name')
    .action(
      runAction(async (opts: { data: string; code: string; name: string }) => {
        const id = await withStore(opts.data, (db) => addCentre(db.owner, opts.code, opts.name));
        process.stdout.write(`${JSON.stringify({ id, code: opts.code })}\n`);
      }),
    );

  const user = records.command('user').description('users (admin, physician, instructor, trainee, researcher)');
  user
    .command('add')
    .description('add a user; the password is read from standard input')
    .option(...dataOption)
    .requiredOption('--username <u>', 'sign-in name')
    .requiredOption('--role <role>', 'admin | physician | instructor | trainee | researcher')
    .option('--centre <code>', 'the user’s centre (every role but researcher has one)')
    .option('--password-stdin', 'read the password from standard input (required)')
    .action(
      runAction(async (opts: { data: string; username: string; role: string; centre?: string; passwordStdin?: boolean }) => {
        if (!opts.passwordStdin) throw new CliUsageError('give the password on standard input with --password-stdin');
        const password = await readStdin('password');
        const id = await withStore(opts.data, (db) =>
          addUser(db.owner, { username: opts.username, role: opts.role, centre: opts.centre, password }),
        );
        process.stdout.write(`${JSON.stringify({ id, username: opts.username, role: opts.role })}\n`);
      }),
    );

  records
    .command('backup')
    .description('write every record (all centres, audit included) to a JSON file')
    .option(...dataOption)
    .requiredOption('--out <file>', 'backup file to write')
    .action(
      runAction(async (opts: { data: string; out: string }) => {
        const backup = await withStore(opts.data, (db) => backupRecords(db.owner));
        writeFileSync(opts.out, JSON.stringify(backup));
        const counts = Object.fromEntries(Object.entries(backup.tables).map(([k, v]) => [k, v.length]));
        process.stdout.write(`${JSON.stringify({ out: opts.out, schemaVersion: backup.schemaVersion, rows: counts })}\n`);
      }),
    );

  records
    .command('restore')
    .description('restore a backup into an empty data folder or database')
    .option(...dataOption)
    .requiredOption('--in <file>', 'backup file written by `fuas records backup`')
    .action(
      runAction(async (opts: { data: string; in: string }) => {
        let backup: unknown;
        try {
          backup = JSON.parse(readFileSync(opts.in, 'utf8'));
        } catch (e) {
          throw new CliUsageError(`cannot read ${opts.in}: ${(e as Error).message}`);
        }
        const rows = await withStore(opts.data, (db) => restoreRecords(db.owner, backup));
        process.stdout.write(`${JSON.stringify({ restored: rows })}\n`);
      }),
    );

  records
    .command('sync')
    .description('push the records created here (the outbox) to another records server; the token is read from standard input')
    .option(...dataOption)
    .requiredOption('--to <url>', 'the server, e.g. https://records.example.org')
    .option('--token-stdin', 'read the bearer token from standard input (required)')
    .action(
      runAction(async (opts: { data: string; to: string; tokenStdin?: boolean }) => {
        if (!opts.tokenStdin) throw new CliUsageError('give the token on standard input with --token-stdin');
        if (!/^https?:\/\//.test(opts.to)) throw new CliUsageError(`--to must be an http(s) URL, got "${opts.to}"`);
        const token = await readStdin('token');
        const report = await withStore(opts.data, (db) => syncOutbox(db.owner, opts.to, token));
        process.stdout.write(`${JSON.stringify(report)}\n`);
        if (report.conflicts.length || report.failed.length) process.exitCode = 1;
      }),
    );
}

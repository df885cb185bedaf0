import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataFolder } from './data-lock.js';
import { migrate } from './migrations.js';
import { PGlitePool } from './pglite-pool.js';
import { type RecordsDatabase, type RecordsDb, recordsDatabaseOver } from './records-store.js';
import type { RecordsSchema } from './tables.js';

export type { Actor, RecordsDatabase, RecordsDb, RecordsTx } from './records-store.js';

export interface OpenOptions {
  /** data folder for the embedded PGlite (ignored when `url` is given) */
  dataDir?: string;
  /** PostgreSQL connection string (DATABASE_URL) */
  url?: string;
  /** PostgreSQL schema to use (created if missing); tests use one each */
  schema?: string;
  /** run migrations to the latest version (default true); a version name stops there */
  migrate?: boolean | string;
}

// DATE stays a YYYY-MM-DD string (no time-zone shift through a JS Date); int8 (counts, sequence numbers) a string.
const DATE_OID = 1082;

/** Opens the records store: PostgreSQL when `url` is set, else PGlite in `dataDir` (locked against a second process). */
export async function openRecordsDatabase(options: OpenOptions): Promise<RecordsDatabase> {
  let owner: RecordsDb;
  let kind: RecordsDatabase['kind'];
  let unlock = () => {};
  if (options.url) {
    kind = 'postgresql';
    const types = {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === DATE_OID ? (v: string) => v : pg.types.getTypeParser(oid, format),
    };
    if (options.schema) {
      const boot = new pg.Client({ connectionString: options.url });
      await boot.connect();
      await boot.query(`create schema if not exists "${options.schema.replace(/"/g, '')}"`);
      await boot.end();
    }
    const pool = new pg.Pool({
      connectionString: options.url,
      max: 10,
      types,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    owner = new Kysely<RecordsSchema>({ dialect: new PostgresDialect({ pool }) });
  } else {
    kind = 'pglite';
    const dir = options.dataDir ?? './openfuas-data';
    unlock = lockDataFolder(dir);
    try {
      const db = new PGlite({ dataDir: join(dir, 'pgdata'), parsers: { [DATE_OID]: (v: string) => v } });
      await db.waitReady;
      owner = new Kysely<RecordsSchema>({ dialect: new PostgresDialect({ pool: new PGlitePool(db) }) });
    } catch (e) {
      unlock();
      throw e;
    }
  }
  try {
    if (options.migrate !== false) await migrate(owner, typeof options.migrate === 'string' ? options.migrate : undefined, options.schema);
  } catch (e) {
    await owner.destroy();
    unlock();
    throw e;
  }
  return recordsDatabaseOver(owner, kind, options.schema, unlock);
}

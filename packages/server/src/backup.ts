import { FormatError, InputError } from '@openfuas/core';
import { sql } from 'kysely';
import { MIGRATIONS, schemaVersion } from './database/migrations.js';
import type { RecordsDb } from './database/records-database.js';
import { RECORD_TABLES } from './database/tables.js';

/**
 * A logical backup: every table's rows as JSON (sessions left out: tokens die with the backup). The same file
 * restores into PGlite or PostgreSQL, so it also moves a centre from the embedded store to a server.
 */
export const BACKUP_FORMAT = 'openfuas-records-backup';

export interface RecordsBackup {
  format: typeof BACKUP_FORMAT;
  version: 1;
  schemaVersion: string | null;
  createdAt: string;
  tables: Record<string, Record<string, unknown>[]>;
}

const JSON_COLUMNS = new Set(['images', 'structures', 'document', 'console_log', 'payload', 'safety_events']);

export async function backupRecords(owner: RecordsDb, schema?: string): Promise<RecordsBackup> {
  const version = await schemaVersion(owner, schema); // before the transaction: PGlite has one connection
  return owner.transaction().execute(async (tx) => {
    await sql`set transaction isolation level repeatable read`.execute(tx);
    const tables: RecordsBackup['tables'] = {};
    for (const t of RECORD_TABLES) {
      const order = t === 'audit' || t === 'outbox' ? 'seq' : 'id';
      tables[t] = (await sql<Record<string, unknown>>`select * from ${sql.table(t)} order by ${sql.ref(order)}`.execute(tx)).rows;
    }
    return { format: BACKUP_FORMAT, version: 1, schemaVersion: version, createdAt: new Date().toISOString(), tables };
  });
}

/** Restores a backup into an empty store (no centre yet), in one transaction; returns the rows per table. */
export async function restoreRecords(owner: RecordsDb, backup: unknown): Promise<Record<string, number>> {
  const b = backup as RecordsBackup;
  if (!b || b.format !== BACKUP_FORMAT || b.version !== 1 || typeof b.tables !== 'object') {
    throw new FormatError('', `not an ${BACKUP_FORMAT} version 1 file`);
  }
  if (b.schemaVersion && !(b.schemaVersion in MIGRATIONS))
    throw new FormatError('', `backup from a newer schema (${b.schemaVersion}): update OpenFUAS first`);
  const existing = await owner.selectFrom('centre').select('id').limit(1).execute();
  if (existing.length)
    throw new InputError('restore', 'the target store holds records already: restore into an empty data folder or database');
  const counts: Record<string, number> = {};
  await owner.transaction().execute(async (tx) => {
    for (const t of RECORD_TABLES) {
      const rows = b.tables[t] ?? [];
      counts[t] = rows.length;
      for (let i = 0; i < rows.length; i += 200) {
        const chunk = rows.slice(i, i + 200).map((r) => {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(r)) out[k] = JSON_COLUMNS.has(k) && v !== null ? JSON.stringify(v) : v;
          return out;
        });
        // biome-ignore lint/suspicious/noExplicitAny: rows of any table, columns as the backup wrote them
        await (tx as any).insertInto(t).values(chunk).execute();
      }
      if (t === 'audit' || t === 'outbox') {
        await sql`select setval(pg_get_serial_sequence(${t}, 'seq'), coalesce((select max(seq) from ${sql.table(t)}), 0) + 1, false)`.execute(
          tx,
        );
      }
    }
  });
  return counts;
}

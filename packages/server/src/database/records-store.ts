import { type Kysely as KyselyType, type Transaction, sql } from 'kysely';
import { APP_ROLE } from './migrations.js';
import type { RecordsSchema } from './tables.js';

// Browser-safe: no node: imports, no pg. records-database.ts (Node) and browser.ts (the workstation's offline
// store on IndexedDB) both build their RecordsDatabase here, so row-level security works the same in both.

export type RecordsDb = KyselyType<RecordsSchema>;
export type RecordsTx = Transaction<RecordsSchema>;

/** Who a transaction runs for: row-level security sees `centreId` (null: no centre's rows at all). */
export interface Actor {
  userId: string;
  centreId: string | null;
}

export interface RecordsDatabase {
  /** 'pglite' (embedded: a data folder, or IndexedDB in a browser) or 'postgresql' (DATABASE_URL) */
  readonly kind: 'pglite' | 'postgresql';
  /** the PostgreSQL schema when not the default (tests) */
  readonly schema?: string;
  /** Owner connection: migrations, logins, administration. Never for request data. */
  readonly owner: RecordsDb;
  /** Runs `fn` in one transaction as the request role with the actor's centre set: RLS applies. */
  asActor<T>(actor: Actor, fn: (tx: RecordsTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A RecordsDatabase over an owner connection already migrated; `release` runs after the connection closes. */
export function recordsDatabaseOver(
  owner: RecordsDb,
  kind: RecordsDatabase['kind'],
  schema: string | undefined,
  release: () => void = () => {},
): RecordsDatabase {
  return {
    kind,
    schema,
    owner,
    asActor(actor, fn) {
      return owner.transaction().execute(async (tx) => {
        await sql`select set_config('app.centre', ${actor.centreId ?? ''}, true), set_config('app.user', ${actor.userId}, true)`.execute(
          tx,
        );
        await sql.raw(`set local role ${APP_ROLE}`).execute(tx);
        return fn(tx);
      });
    },
    async close() {
      await owner.destroy();
      release();
    },
  };
}

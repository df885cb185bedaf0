import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * A pool of one connection over an embedded PGlite, in the shape Kysely's PostgresDialect expects from `pg`.
 * PGlite is a single session: a client is lent to one caller at a time (a FIFO queue) so that one
 * transaction's statements never interleave with another's. kysely-pglite-dialect would do this but only
 * supports PGlite ≤ 0.4.
 */
export class PGlitePool implements PostgresPool {
  readonly options = {};
  #queue: Array<() => void> = [];
  #busy = false;

  constructor(readonly pg: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    if (this.#busy) await new Promise<void>((resolve) => this.#queue.push(resolve));
    this.#busy = true;
    const pg = this.pg;
    let released = false;
    const client = {
      async query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
        const r = await pg.query<R>(sql, parameters as unknown[]);
        const command = sql.trimStart().slice(0, 6).toUpperCase() as PostgresQueryResult<R>['command'];
        return { command, rowCount: r.affectedRows ?? r.rows.length, rows: r.rows };
      },
      release: () => {
        if (released) return;
        released = true;
        const next = this.#queue.shift();
        if (next) next();
        else this.#busy = false;
      },
      connect: async () => client,
      end: () => {},
    };
    return client as unknown as PostgresPoolClient;
  }

  async end(): Promise<void> {
    await this.pg.close();
  }
}

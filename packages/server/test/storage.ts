import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type OpenOptions, type RecordsDatabase, openRecordsDatabase } from '../src/database/records-database.js';

/**
 * The storages every records test runs on: embedded PGlite always, PostgreSQL too when DATABASE_URL is set
 * (CI sets it after starting Debian's postgresql). Test names carry the storage, e.g. "… (postgresql)".
 */
export const STORAGES: Array<'pglite' | 'postgresql'> = process.env.DATABASE_URL ? ['pglite', 'postgresql'] : ['pglite'];
if (!process.env.DATABASE_URL) {
  console.info('records tests: DATABASE_URL is not set, so only the embedded PGlite storage is tested (set it to test PostgreSQL too)');
}

/** Where a test's store lives: a fresh temp data folder (PGlite) or a fresh schema (PostgreSQL). */
export interface TestStore {
  storage: 'pglite' | 'postgresql';
  options: OpenOptions;
  open(extra?: Partial<OpenOptions>): Promise<RecordsDatabase>;
  dispose(): Promise<void>;
}

/**
 * A PGlite cluster made once per machine and copied for each test: initdb takes tens of seconds on a loaded
 * 2-core machine, a copy and an open a second or two. `bare`: initdb only; `migrated`: at the latest version.
 */
async function pgliteTemplate(kind: 'bare' | 'migrated'): Promise<string> {
  // keyed by PGlite's version and the migration names: a folder made by another version may not open
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const version = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')).version;
  const migrations = createHash('sha256')
    .update(readFileSync(new URL('../src/database/migrations.ts', import.meta.url)))
    .digest('hex')
    .slice(0, 12);
  const key = kind === 'bare' ? version : `${version}-${migrations}`;
  const dir = join(tmpdir(), `openfuas-pglite-${kind}-${key}`);
  if (existsSync(join(dir, 'ready'))) return dir;
  const work = mkdtempSync(join(tmpdir(), 'openfuas-pglite-build-'));
  if (kind === 'bare') {
    const db = new PGlite({ dataDir: join(work, 'pgdata') });
    await db.waitReady;
    await db.close();
  } else {
    cpSync(join(await pgliteTemplate('bare'), 'pgdata'), join(work, 'pgdata'), { recursive: true });
    const db = await openRecordsDatabase({ dataDir: work });
    await db.close();
  }
  writeFileSync(join(work, 'ready'), '');
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another test process made it first
  }
  return dir;
}

export async function testStore(storage: 'pglite' | 'postgresql', template: 'bare' | 'migrated' = 'migrated'): Promise<TestStore> {
  if (storage === 'pglite') {
    const from = await pgliteTemplate(template);
    const dir = mkdtempSync(join(tmpdir(), 'openfuas-records-'));
    cpSync(join(from, 'pgdata'), join(dir, 'pgdata'), { recursive: true });
    const options: OpenOptions = { dataDir: dir };
    return {
      storage,
      options,
      open: (extra) => openRecordsDatabase({ ...options, ...extra }),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = process.env.DATABASE_URL!;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const options: OpenOptions = { url, schema };
  return {
    storage,
    options,
    open: (extra) => openRecordsDatabase({ ...options, ...extra }),
    async dispose() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_ROLE, MIGRATIONS, schemaVersion } from '../src/database/migrations.js';
import type { RecordsDatabase } from '../src/database/records-database.js';
import { STORAGES, type TestStore, testStore } from './storage.js';

const LATEST = Object.keys(MIGRATIONS).at(-1);

describe.each(STORAGES)('records database (%s)', (storage) => {
  let store: TestStore;
  let db: RecordsDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
    await store.dispose();
  });

  it(`migrates an empty database to the latest version (${storage})`, async () => {
    store = await testStore(storage, 'bare');
    db = await store.open();
    expect(await schemaVersion(db.owner, db.schema)).toBe(LATEST);
    const tables = await sql<{
      n: number;
    }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema()`.execute(db.owner);
    expect(tables.rows[0].n).toBeGreaterThanOrEqual(13);
  });

  it(`migrates from version 1 with records in it to the latest, keeping them (${storage})`, async () => {
    store = await testStore(storage, 'bare');
    db = await store.open({ migrate: '0001-schema' });
    expect(await schemaVersion(db.owner, db.schema)).toBe('0001-schema');
    await db.owner.insertInto('centre').values({ id: crypto.randomUUID(), code: 'A', name: 'Centre A', pseudonym_key: 'k' }).execute();
    await db.close();
    db = await store.open();
    expect(await schemaVersion(db.owner, db.schema)).toBe(LATEST);
    expect((await db.owner.selectFrom('centre').select('code').execute()).map((r) => r.code)).toEqual(['A']);
  });

  it(`migrates from the previous version (0003) with records in it, keeping them; the new views withhold small cells (${storage})`, async () => {
    store = await testStore(storage, 'bare');
    db = await store.open({ migrate: '0003-researcher-aggregates' });
    const centre = crypto.randomUUID();
    const user = crypto.randomUUID();
    await db.owner.insertInto('centre').values({ id: centre, code: 'A', name: 'Centre A', pseudonym_key: 'k' }).execute();
    await db.owner
      .insertInto('app_user')
      .values({ id: user, username: 'u', role: 'trainee', centre_id: centre, password_hash: 'x' })
      .execute();
    await sql`insert into training_result (id, centre_id, user_id, exercise, score, passed) values (${crypto.randomUUID()}, ${centre}, ${user}, 'tank', 64, true)`.execute(
      db.owner,
    );
    await db.close();
    db = await store.open();
    expect(await schemaVersion(db.owner, db.schema)).toBe(LATEST);
    const rows = await db.owner.selectFrom('training_result').selectAll().execute();
    expect(rows).toMatchObject([{ exercise: 'tank', score: 64, passed: true, trainee: null, safety_events: [] }]);
    expect(await db.owner.selectFrom('centre_outcomes').selectAll().execute()).toMatchObject([
      { centre_code: 'A', suppressed: true, treatments: null },
    ]);
    expect(await db.owner.selectFrom('npv_prediction_summary').selectAll().execute()).toMatchObject([{ suppressed: true, n: null }]);
  });

  it(`runs requests as a role that is neither superuser nor owner, and fails closed without a centre (${storage})`, async () => {
    store = await testStore(storage);
    db = await store.open();
    const centre = crypto.randomUUID();
    await db.owner.insertInto('centre').values({ id: centre, code: 'A', name: 'A', pseudonym_key: 'k' }).execute();
    const who = await db.asActor({ userId: crypto.randomUUID(), centreId: null }, async (tx) => {
      const r = await sql<{
        u: string;
        s: boolean;
      }>`select current_user as u, (select rolsuper from pg_roles where rolname = current_user) as s`.execute(tx);
      const centres = await tx.selectFrom('centre').select('id').execute();
      return { ...r.rows[0], centres: centres.length };
    });
    expect(who).toEqual({ u: APP_ROLE, s: false, centres: 0 });
    const own = await db.asActor({ userId: crypto.randomUUID(), centreId: centre }, (tx) => tx.selectFrom('centre').select('id').execute());
    expect(own.map((r) => r.id)).toEqual([centre]);
    // Users and sessions hold password hashes and tokens: the request role may not read them at all.
    await expect(
      db.asActor({ userId: crypto.randomUUID(), centreId: centre }, (tx) => tx.selectFrom('app_user').selectAll().execute()),
    ).rejects.toThrow(/permission denied/);
  });

  it(`keeps the audit append-only: UPDATE, DELETE and TRUNCATE refused even for the owner (${storage})`, async () => {
    store = await testStore(storage);
    db = await store.open();
    await db.owner
      .insertInto('audit')
      .values({ user_id: crypto.randomUUID(), action: 'read', entity: 'patient', entity_id: 'x', centre_id: null })
      .execute();
    await expect(db.owner.updateTable('audit').set({ action: 'none' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.owner.deleteFrom('audit').execute()).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit`.execute(db.owner)).rejects.toThrow(/append-only/);
    expect((await db.owner.selectFrom('audit').select('action').execute()).map((r) => r.action)).toEqual(['read']);
  });
});

describe('embedded data folder', () => {
  it('refuses a second open of the same data folder while the first is open (pglite)', async () => {
    const store = await testStore('pglite');
    const db = await store.open();
    await expect(store.open()).rejects.toThrow(/in use by process/);
    await db.close();
    const again = await store.open();
    await again.close();
    await store.dispose();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCentre, addUser } from '../src/admin.js';
import { createRecordsApp } from '../src/api/records-app.js';
import { backupRecords, restoreRecords } from '../src/backup.js';
import type { RecordsDatabase } from '../src/database/records-database.js';
import { syncOutbox } from '../src/sync.js';
import { PASSWORD, samplePlan, twoCentres } from './fixtures.js';
import { STORAGES, type TestStore, testStore } from './storage.js';

describe.each(STORAGES)('records operations (%s)', (storage) => {
  const stores: TestStore[] = [];
  const dbs: RecordsDatabase[] = [];
  const fresh = async () => {
    const s = await testStore(storage);
    stores.push(s);
    const db = await s.open();
    dbs.push(db);
    return db;
  };
  let local: RecordsDatabase;
  let t: Awaited<ReturnType<typeof twoCentres>>;
  let treatment: string;

  beforeAll(async () => {
    local = await fresh();
    t = await twoCentres(local);
    const p = await t.call('POST', '/api/v1/patients', t.tokens.physA, { localId: 'A-1', birthYear: 1979 });
    const tr = await t.call('POST', '/api/v1/treatments', t.tokens.physA, {
      patient: p.json.id,
      date: '2026-02-02',
      plan: samplePlan(),
      outcome: { npvRatioPredicted: 0.5, npvRatioObserved: 0.8 },
      adverseEvents: [{ description: 'sciatic nerve irritation', sirGrade: 'B', clavienDindo: 'II' }],
    });
    treatment = tr.json.id;
    await t.call('POST', '/api/v1/patients', t.tokens.physA, { localId: 'A-2', birthYear: 1990 });
    await t.call('GET', `/api/v1/treatments/${treatment}`, t.tokens.physA);
  });
  afterAll(async () => {
    for (const db of dbs) await db.close();
    for (const s of stores) await s.dispose();
  });

  it(`restores a backup into an empty store: every table equal, sign-in and records work (${storage})`, async () => {
    const backup = await backupRecords(local.owner, local.schema);
    expect(backup.tables.patient).toHaveLength(2);
    expect(backup.tables.audit).toHaveLength(4); // 2 patients and a treatment created, the treatment read
    const target = await fresh();
    const counts = await restoreRecords(target.owner, JSON.parse(JSON.stringify(backup)));
    expect(counts.treatment_session).toBe(1);
    const again = await backupRecords(target.owner, target.schema);
    expect(JSON.parse(JSON.stringify(again.tables))).toEqual(JSON.parse(JSON.stringify(backup.tables)));
    const app = createRecordsApp(target);
    const login = await app.request('/api/v1/session', {
      method: 'POST',
      body: JSON.stringify({ username: 'phys-a', password: PASSWORD }),
      headers: { 'content-type': 'application/json' },
    });
    const { token } = (await login.json()) as { token: string };
    const before = await t.call('GET', `/api/v1/treatments/${treatment}`, t.tokens.physA);
    const after = await app.request(`/api/v1/treatments/${treatment}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await after.json()).toEqual(before.json);
    // the audit goes on from where the backup ended, append-only as before
    const seqs = (await target.owner.selectFrom('audit').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    await expect(restoreRecords(target.owner, backup)).rejects.toThrow(/holds records already/);
    await expect(restoreRecords(target.owner, { format: 'something else' })).rejects.toThrow(/not an openfuas-records-backup/);
  });

  it(`syncs the outbox to another server: twice stores nothing twice, a conflict is reported and kept (${storage})`, async () => {
    const remote = await fresh();
    await addCentre(remote.owner, 'A', 'Centre A (network server)');
    await addUser(remote.owner, { username: 'phys-a', role: 'physician', centre: 'A', password: PASSWORD });
    const app = createRecordsApp(remote);
    const viaApp = ((url: string, init?: RequestInit) => app.request(url, init)) as typeof fetch;
    const login = await app.request('/api/v1/session', {
      method: 'POST',
      body: JSON.stringify({ username: 'phys-a', password: PASSWORD }),
      headers: { 'content-type': 'application/json' },
    });
    const { token } = (await login.json()) as { token: string };
    // the network server already knows patient A-2 under another id: pushing ours is a conflict
    await app.request('/api/v1/patients', {
      method: 'POST',
      body: JSON.stringify({ localId: 'A-2', birthYear: 1990 }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });

    const first = await syncOutbox(local.owner, 'http://records.example', token, viaApp);
    expect(first.pushed).toBe(2); // patient A-1 and its treatment
    expect(first.conflicts.map((c) => c.entity)).toEqual(['patient']);
    expect(first.conflicts[0].message).toMatch(/^409/);
    const remoteTreatment = await app.request(`/api/v1/treatments/${treatment}`, { headers: { authorization: `Bearer ${token}` } });
    const local1 = await t.call('GET', `/api/v1/treatments/${treatment}`, t.tokens.physA);
    expect(await remoteTreatment.json()).toEqual(local1.json);

    const second = await syncOutbox(local.owner, 'http://records.example', token, viaApp);
    expect(second).toMatchObject({ pushed: 0, alreadyThere: 0, remaining: 1 });
    expect(await remote.owner.selectFrom('patient').select('id').execute()).toHaveLength(2);
    expect(await remote.owner.selectFrom('treatment_session').select('id').execute()).toHaveLength(1);
    // pushed entries no longer hold the local identifier
    const pushed = await local.owner
      .selectFrom('outbox')
      .select(['payload', 'pushed_at', 'error'])
      .where('pushed_at', 'is not', null)
      .execute();
    expect(pushed.every((r) => r.payload === null)).toBe(true);
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordsDatabase } from '../src/database/records-database.js';
import { PASSWORD, samplePlan, twoCentres } from './fixtures.js';
import { STORAGES, type TestStore, testStore } from './storage.js';

describe.each(STORAGES)('records API (%s)', (storage) => {
  let store: TestStore;
  let db: RecordsDatabase;
  let t: Awaited<ReturnType<typeof twoCentres>>;
  let patientA: string;
  let treatmentA: string;

  beforeAll(async () => {
    store = await testStore(storage);
    db = await store.open();
    t = await twoCentres(db);
    const p = await t.call('POST', '/api/v1/patients', t.tokens.physA, { localId: 'A-0001', birthYear: 1981 });
    patientA = p.json.id;
    const tr = await t.call('POST', '/api/v1/treatments', t.tokens.physA, {
      patient: patientA,
      date: '2026-03-14',
      plan: samplePlan(),
      outcome: { npvRatioPredicted: 0.62, npvRatioObserved: 0.71, targetVolume: 1.1e-4, npvVolumeObserved: 7.8e-5 },
      adverseEvents: [{ description: 'skin burn, first degree', sirGrade: 'A', clavienDindo: 'I' }],
    });
    treatmentA = tr.json.id;
  });
  afterAll(async () => {
    await db?.close();
    await store?.dispose();
  });

  const count = async (table: 'patient' | 'treatment_session' | 'plan' | 'outcome') =>
    Number(
      (
        await db.owner
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it(`creates a patient (201 {id}) and a treatment, and reads them back (${storage})`, async () => {
    expect(patientA).toMatch(/^[0-9a-f-]{36}$/);
    expect(treatmentA).toMatch(/^[0-9a-f-]{36}$/);
    const list = await t.call('GET', '/api/v1/patients', t.tokens.physA);
    expect(list.status).toBe(200);
    expect(list.json.patients.map((p: { id: string }) => p.id)).toEqual([patientA]);
    const p = await t.call('GET', `/api/v1/patients/${patientA}`, t.tokens.physA);
    expect(p.json).toMatchObject({ id: patientA, birthYear: 1981, treatments: [treatmentA] });
    expect(p.json.pseudonym).toMatch(/^[0-9a-f]{64}$/);
    expect(p.text).not.toContain('A-0001'); // the local identifier is not stored, only its HMAC
    const tr = await t.call('GET', `/api/v1/treatments/${treatmentA}`, t.tokens.physA);
    expect(tr.status).toBe(200);
    expect(tr.json.outcome).toMatchObject({ npvRatioPredicted: 0.62, npvRatioObserved: 0.71, targetVolume: 1.1e-4 });
    expect(tr.json.adverseEvents).toEqual([{ description: 'skin burn, first degree', sirGrade: 'A', clavienDindo: 'I', onsetDate: null }]);
    // delivered energy from the plan: 200 W × (2 + 3) s = 1000 J; beam-on 5 s; with pauses 16 s
    expect(tr.json.delivered).toEqual({ energy: 1000, sonicationTime: 5, treatmentTime: 16 });
    expect(tr.json.plan.sonications).toHaveLength(2);
  });

  it(`answers 401 without a token, with a wrong one, and after the token expired (${storage})`, async () => {
    expect((await t.call('GET', '/api/v1/patients')).status).toBe(401);
    expect((await t.call('GET', '/api/v1/patients', 'x'.repeat(43))).status).toBe(401);
    const r = await t.call('GET', `/api/v1/patients/${patientA}`, 'not a token');
    expect(r.status).toBe(401);
    expect(r.type).toContain('application/json');
    const short = await twoCentresAppWithTtl(db, 1);
    await new Promise((res) => setTimeout(res, 20));
    expect((await short.call('GET', '/api/v1/patients', short.token)).status).toBe(401);
  });

  it(`limits failed sign-ins: the sixth try within the window is refused even with the right password (${storage})`, async () => {
    for (let i = 0; i < 5; i++)
      expect((await t.call('POST', '/api/v1/session', undefined, { username: 'admin-b', password: 'wrong' })).status).toBe(401);
    const r = await t.call('POST', '/api/v1/session', undefined, { username: 'admin-b', password: PASSWORD });
    expect(r.status).toBe(429);
    expect((await t.call('POST', '/api/v1/session', undefined, { username: 'nobody', password: 'x' })).status).toBe(401);
  });

  it(`keeps centre B out of centre A's records: list, read, guess, refer, change (${storage})`, async () => {
    const list = await t.call('GET', '/api/v1/patients', t.tokens.physB);
    expect(list.json.patients).toEqual([]);
    for (const path of [`/api/v1/patients/${patientA}`, `/api/v1/treatments/${treatmentA}`, `/api/v1/patients/${crypto.randomUUID()}`]) {
      const r = await t.call('GET', path, t.tokens.physB);
      expect(r.status).toBe(404); // the same answer as for an id that does not exist
      expect(r.json).toEqual({ error: 'not found' });
    }
    const refer = await t.call('POST', '/api/v1/treatments', t.tokens.physB, {
      patient: patientA,
      date: '2026-03-15',
      plan: samplePlan(),
      outcome: {},
    });
    expect(refer.status).toBe(404);
    // B pushing a record under A's patient id is a conflict at most, never an overwrite or a read
    const push = await t.call('POST', '/api/v1/patients', t.tokens.physB, { id: patientA, localId: 'B-1', birthYear: 1990 });
    expect(push.status).toBe(409);
    const again = await t.call('GET', `/api/v1/patients/${patientA}`, t.tokens.physA);
    expect(again.json.birthYear).toBe(1981);
  });

  it(`enforces isolation in the database: SQL run as the server's role sees and changes only its centre (${storage})`, async () => {
    const asB = { userId: t.ids.physB, centreId: t.centreB };
    const seen = await db.asActor(asB, async (tx) => {
      const p = await sql<{ n: number }>`select count(*)::int as n from patient`.execute(tx);
      const tr = await sql<{ n: number }>`select count(*)::int as n from treatment_session`.execute(tx);
      const o = await sql<{ n: number }>`select count(*)::int as n from outcome`.execute(tx);
      const up = await sql`update patient set birth_year = 1900 where id = ${patientA}`.execute(tx);
      return { p: p.rows[0].n, tr: tr.rows[0].n, o: o.rows[0].n, updated: Number(up.numAffectedRows) };
    });
    expect(seen).toEqual({ p: 0, tr: 0, o: 0, updated: 0 });
    await expect(db.asActor(asB, (tx) => sql`delete from outcome where treatment_id = ${treatmentA}`.execute(tx))).rejects.toThrow(
      /permission denied/,
    );
    // writing a row for another centre is refused by the policy's WITH CHECK
    await expect(
      db.asActor(asB, (tx) =>
        sql`insert into patient (id, centre_id, pseudonym, birth_year, content_sha256, created_by)
            values (${crypto.randomUUID()}, ${t.centreA}, 'x', 1980, 'x', ${t.ids.physB})`.execute(tx),
      ),
    ).rejects.toThrow(/row-level security/);
    // no centre set: nothing at all (fail closed)
    const none = await db.asActor({ userId: t.ids.researcher, centreId: null }, (tx) =>
      sql<{ n: number }>`select count(*)::int as n from patient`.execute(tx),
    );
    expect(none.rows[0].n).toBe(0);
    expect(
      (await db.owner.selectFrom('patient').select('birth_year').where('id', '=', patientA).executeTakeFirstOrThrow()).birth_year,
    ).toBe(1981);
  });

  it(`gives the researcher de-identified aggregates across centres and no records (${storage})`, async () => {
    expect((await t.call('GET', '/api/v1/patients', t.tokens.researcher)).status).toBe(403);
    expect((await t.call('GET', `/api/v1/treatments/${treatmentA}`, t.tokens.researcher)).status).toBe(403);
    expect((await t.call('GET', '/api/v1/export/fhir', t.tokens.researcher)).status).toBe(403);
    const a = await t.call('GET', '/api/v1/analytics/outcomes', t.tokens.researcher);
    expect(a.status).toBe(200);
    // one treatment at A: below the minimum cell size, so only A's code is shown (analytics.test.ts: larger cells)
    const centreA = a.json.centres.find((c: { centre: string }) => c.centre === 'A');
    expect(centreA).toMatchObject({ suppressed: true, own: false, treatments: null, meanNpvRatioObserved: null, adverseEvents: null });
    expect(a.text).not.toContain(patientA);
    // A's physician sees A in full
    const own = await t.call('GET', '/api/v1/analytics/outcomes', t.tokens.physA);
    const ownA = own.json.centres.find((c: { centre: string }) => c.centre === 'A');
    expect(ownA).toMatchObject({
      own: true,
      suppressed: false,
      treatments: 1,
      withObservedNpv: 1,
      adverseEvents: 1,
      majorAdverseEvents: 0,
    });
    expect(ownA.meanNpvRatioObserved).toBeCloseTo(0.71, 12);
    expect(ownA.meanAbsPredictionError).toBeCloseTo(0.09, 12);
    const pairs = await t.call('GET', '/api/v1/analytics/predicted-vs-observed', t.tokens.researcher);
    expect(pairs.json.pairs).toEqual([]);
    expect(pairs.json.bins).toEqual([
      { binLower: 0.6, binUpper: 0.7, suppressed: true, n: null, meanPredicted: null, meanObserved: null, sdObserved: null },
    ]);
    expect(pairs.json.summary.suppressed).toBe(true);
    expect((await t.call('GET', '/api/v1/analytics/predicted-vs-observed', t.tokens.physA)).json.pairs).toEqual([
      { centre: 'A', predicted: 0.62, observed: 0.71 },
    ]);
    expect((await t.call('GET', '/api/v1/analytics/predicted-vs-observed', t.tokens.physB)).json.pairs).toEqual([]);
    expect(pairs.text).not.toContain(treatmentA);
  });

  it(`answers bad input with 400 naming the fields, and stores nothing (${storage})`, async () => {
    const before = { p: await count('patient'), t: await count('treatment_session'), plan: await count('plan'), o: await count('outcome') };
    const bad: Array<[string, unknown, string]> = [
      ['/api/v1/patients', { localId: 'A-2', birthYear: '1980' }, 'birthYear'],
      ['/api/v1/patients', { localId: 'A-2', birthYear: 1800 }, 'birthYear'],
      ['/api/v1/patients', { birthYear: 1980 }, 'localId'],
      ['/api/v1/patients', { localId: 'A-2', birthYear: 1980, name: 'Jane Doe' }, ''],
      ['/api/v1/patients', { localId: 'A-2', birthYear: '1980; DROP TABLE patient; --' }, 'birthYear'],
      ['/api/v1/treatments', { patient: "' OR 1=1 --", date: '2026-03-14', plan: samplePlan(), outcome: {} }, 'patient'],
      ['/api/v1/treatments', { patient: patientA, date: "2026-03-14'; DELETE FROM audit; --", plan: samplePlan(), outcome: {} }, 'date'],
      ['/api/v1/treatments', { patient: patientA, date: '2026-03-14', plan: samplePlan(-5), outcome: {} }, 'plan.sonications[0].power'],
      [
        '/api/v1/treatments',
        { patient: patientA, date: '2026-03-14', plan: samplePlan(), outcome: { npvRatioObserved: 1.5 } },
        'outcome.npvRatioObserved',
      ],
      [
        '/api/v1/treatments',
        { patient: patientA, date: '2026-03-14', plan: samplePlan(), outcome: {}, adverseEvents: [{ description: 'x', sirGrade: 'Z' }] },
        'adverseEvents.0.sirGrade',
      ],
    ];
    for (const [path, body, field] of bad) {
      const r = await t.call('POST', path, t.tokens.physA, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error).toBe('invalid input');
      expect(r.json.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    expect((await t.call('POST', '/api/v1/patients', t.tokens.physA, '{"localId": "A-3", ')).status).toBe(400); // not JSON
    const huge = await t.call('POST', '/api/v1/treatments', t.tokens.physA, {
      patient: patientA,
      date: '2026-03-14',
      plan: samplePlan(),
      outcome: {},
      consoleLog: 'x'.repeat(3 * 1024 * 1024),
    });
    expect(huge.status).toBe(400);
    expect(huge.json.fields[0].message).toMatch(/body larger than/);
    const after = { p: await count('patient'), t: await count('treatment_session'), plan: await count('plan'), o: await count('outcome') };
    expect(after).toEqual(before);
    // an identifier that looks like SQL is only text: stored as its HMAC, the tables intact
    const odd = await t.call('POST', '/api/v1/patients', t.tokens.physA, { localId: "x'); DROP TABLE patient; --", birthYear: 1975 });
    expect(odd.status).toBe(201);
    expect(await count('patient')).toBe(before.p + 1);
  });

  it(`records every read and write of patient data in the audit, readable by the centre's admin only (${storage})`, async () => {
    const start = await t.call('GET', '/api/v1/audit', t.tokens.adminA);
    const last = start.json.entries.at(-1).seq;
    const p = await t.call('POST', '/api/v1/patients', t.tokens.physA, { localId: 'A-audit', birthYear: 1970 });
    await t.call('GET', `/api/v1/patients/${p.json.id}`, t.tokens.physA);
    await t.call('GET', '/api/v1/patients', t.tokens.physA);
    await t.call('GET', `/api/v1/treatments/${treatmentA}`, t.tokens.adminA);
    await t.call('GET', `/api/v1/treatments/${treatmentA}`, t.tokens.physB); // 404: B's audit, not A's
    const r = await t.call('GET', `/api/v1/audit?after=${last}`, t.tokens.adminA);
    const seen = r.json.entries.map((e: { user: string; action: string; entity: string; entityId: string | null }) => [
      e.user,
      e.action,
      e.entity,
      e.entityId,
    ]);
    expect(seen).toEqual([
      [t.ids.adminA, 'list', 'audit', null],
      [t.ids.physA, 'create', 'patient', p.json.id],
      [t.ids.physA, 'read', 'patient', p.json.id],
      [t.ids.physA, 'list', 'patient', null],
      [t.ids.adminA, 'read', 'treatment', treatmentA],
    ]);
    expect((await t.call('GET', '/api/v1/audit', t.tokens.physA)).status).toBe(403);
    const b = await t.call('GET', '/api/v1/audit', t.tokens.adminB);
    expect(b.json.entries.every((e: { entityId: string | null }) => e.entityId !== treatmentA && e.entityId !== p.json.id)).toBe(true);
  });

  it(`exports a FHIR R5 Bundle and CSV of the centre's records only (${storage})`, async () => {
    const f = await t.call('GET', '/api/v1/export/fhir', t.tokens.physA);
    expect(f.status).toBe(200);
    expect(f.json.resourceType).toBe('Bundle');
    expect(f.json.type).toBe('collection');
    const types = f.json.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType);
    for (const rt of ['Patient', 'Procedure', 'Observation', 'AdverseEvent', 'ResearchSubject', 'ResearchStudy'])
      expect(types).toContain(rt);
    const byUrl = new Map(f.json.entry.map((e: { fullUrl: string; resource: unknown }) => [e.fullUrl, e.resource]));
    for (const e of f.json.entry) {
      for (const refd of JSON.stringify(e.resource).match(/urn:uuid:[0-9a-f-]{36}/g) ?? []) expect(byUrl.has(refd), refd).toBe(true);
    }
    const npv = f.json.entry.find(
      (e: { resource: { code?: { text: string }; method?: { text: string } } }) =>
        e.resource.code?.text === 'Non-perfused volume ratio' && e.resource.method?.text.startsWith('contrast'),
    );
    expect(npv.resource.valueQuantity).toEqual({ value: 0.71, unit: '1', system: 'http://unitsofmeasure.org', code: '1' });
    const patient = f.json.entry.find((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Patient').resource;
    expect(patient.name).toBeUndefined();
    const b = await t.call('GET', '/api/v1/export/fhir', t.tokens.physB);
    expect(b.json.entry.filter((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Patient')).toEqual([]);
    const csv = await t.call('GET', '/api/v1/export/csv/outcome', t.tokens.physA);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,treatment_id,npv_ratio_predicted,npv_ratio_observed,target_volume,npv_volume_predicted,npv_volume_observed,imaging_date',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${treatmentA},0.62,0.71,0.00011,`);
    expect((await t.call('GET', '/api/v1/export/csv/app_user', t.tokens.physA)).status).toBe(400);
  });

  it(`pushing the same record twice stores it once; a different record under that id is a conflict (${storage})`, async () => {
    const id = crypto.randomUUID();
    const body = { id, localId: 'A-sync', birthYear: 1985 };
    expect((await t.call('POST', '/api/v1/patients', t.tokens.physA, body)).status).toBe(201);
    expect((await t.call('POST', '/api/v1/patients', t.tokens.physA, body)).status).toBe(200);
    expect((await t.call('POST', '/api/v1/patients', t.tokens.physA, { ...body, birthYear: 1986 })).status).toBe(409);
    const tid = crypto.randomUUID();
    const tr = { id: tid, patient: id, date: '2026-04-01', plan: samplePlan(), outcome: { npvRatioObserved: 0.5 } };
    expect((await t.call('POST', '/api/v1/treatments', t.tokens.physA, tr)).status).toBe(201);
    expect((await t.call('POST', '/api/v1/treatments', t.tokens.physA, tr)).status).toBe(200);
    expect((await t.call('POST', '/api/v1/treatments', t.tokens.physA, { ...tr, outcome: { npvRatioObserved: 0.6 } })).status).toBe(409);
    const n = await db.owner.selectFrom('treatment_session').select('id').where('id', '=', tid).execute();
    expect(n).toHaveLength(1);
  });

  it(`serves its OpenAPI document and health, JSON everywhere (${storage})`, async () => {
    const doc = await t.call('GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    for (const p of [
      '/api/v1/session',
      '/api/v1/patients',
      '/api/v1/patients/{id}',
      '/api/v1/treatments',
      '/api/v1/treatments/{id}',
      '/api/v1/audit',
      '/api/v1/export/fhir',
      '/api/v1/health',
      '/api/v1/follow-ups',
      '/api/v1/patients/{id}/follow-ups',
      '/api/v1/treatments/{id}/outcome',
      '/api/v1/treatments/{id}/adverse-events',
      '/api/v1/training/results',
      '/api/v1/training/learning-curves',
      '/api/v1/analytics/outcomes',
      '/api/v1/analytics/funnel',
      '/api/v1/analytics/predicted-vs-observed',
      '/api/v1/analytics/learning-curves',
    ]) {
      expect(Object.keys(doc.json.paths)).toContain(p);
    }
    const h = await t.call('GET', '/api/v1/health');
    expect(h.json).toMatchObject({ status: 'ok', storage: storage });
    const nf = await t.call('GET', '/api/v1/nothing-here', t.tokens.physA);
    expect(nf.status).toBe(404);
    expect(nf.type).toContain('application/json');
  });
});

async function twoCentresAppWithTtl(db: RecordsDatabase, ttlMs: number) {
  const { createRecordsApp } = await import('../src/api/records-app.js');
  const app = createRecordsApp(db, { tokenTtlMs: ttlMs });
  const res = await app.request('/api/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'phys-a', password: PASSWORD }),
  });
  const { token } = (await res.json()) as { token: string };
  return {
    token,
    call: (method: string, path: string, tok: string) => app.request(path, { method, headers: { authorization: `Bearer ${tok}` } }),
  };
}

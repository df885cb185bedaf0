import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../src/admin.js';
import type { RecordsDatabase } from '../src/database/records-database.js';
import { PASSWORD, samplePlan, twoCentres } from './fixtures.js';
import { STORAGES, type TestStore, testStore } from './storage.js';

describe.each(STORAGES)('follow-up, outcomes, adverse events and training results (%s)', (storage) => {
  let store: TestStore;
  let db: RecordsDatabase;
  let t: Awaited<ReturnType<typeof twoCentres>>;
  let patient: string;
  let treatment: string;
  let trainee: string;
  let instructor: string;

  beforeAll(async () => {
    store = await testStore(storage);
    db = await store.open();
    t = await twoCentres(db);
    await addUser(db.owner, { username: 'trainee-a', role: 'trainee', centre: 'A', password: PASSWORD });
    await addUser(db.owner, { username: 'trainee-b', role: 'trainee', centre: 'B', password: PASSWORD });
    await addUser(db.owner, { username: 'instructor-a', role: 'instructor', centre: 'A', password: PASSWORD });
    trainee = await t.login('trainee-a');
    instructor = await t.login('instructor-a');
    patient = (await t.call('POST', '/api/v1/patients', t.tokens.physA, { localId: 'F-1', birthYear: 1978 })).json.id;
    treatment = (
      await t.call('POST', '/api/v1/treatments', t.tokens.physA, {
        patient,
        date: '2026-01-10',
        plan: samplePlan(),
        outcome: { npvRatioPredicted: 0.74, targetVolume: 1.2e-4 },
      })
    ).json.id;
  });
  afterAll(async () => {
    await db?.close();
    await store?.dispose();
  });

  it(`records follow-up visits (UFS-QOL, volume, re-intervention), idempotent by id, isolated by centre (${storage})`, async () => {
    const id = crypto.randomUUID();
    const visit = {
      id,
      patient,
      treatment,
      date: '2026-04-10',
      ufsQol: { symptomSeverity: 31.25, hrql: 72.4 },
      fibroidVolume: 6.5e-5,
      reintervention: false,
    };
    expect((await t.call('POST', '/api/v1/follow-ups', t.tokens.physA, visit)).status).toBe(201);
    expect((await t.call('POST', '/api/v1/follow-ups', t.tokens.physA, visit)).status).toBe(200);
    expect((await t.call('POST', '/api/v1/follow-ups', t.tokens.physA, { ...visit, fibroidVolume: 7e-5 })).status).toBe(409);
    const later = await t.call('POST', '/api/v1/follow-ups', t.tokens.physA, {
      patient,
      date: '2027-01-15',
      reintervention: true,
      reinterventionType: 'myomectomy',
    });
    expect(later.status).toBe(201);
    const list = await t.call('GET', `/api/v1/patients/${patient}/follow-ups`, t.tokens.physA);
    expect(list.status).toBe(200);
    expect(list.json.followUps).toEqual([
      {
        id,
        patient,
        treatment,
        date: '2026-04-10',
        ufsQol: { symptomSeverity: 31.25, hrql: 72.4 },
        fibroidVolume: 6.5e-5,
        reintervention: false,
        reinterventionType: null,
      },
      {
        id: later.json.id,
        patient,
        treatment: null,
        date: '2027-01-15',
        ufsQol: { symptomSeverity: null, hrql: null },
        fibroidVolume: null,
        reintervention: true,
        reinterventionType: 'myomectomy',
      },
    ]);
    // centre B can neither read nor write them
    expect((await t.call('GET', `/api/v1/patients/${patient}/follow-ups`, t.tokens.physB)).status).toBe(404);
    expect(
      (await t.call('POST', '/api/v1/follow-ups', t.tokens.physB, { patient, date: '2026-05-01', reintervention: false })).status,
    ).toBe(404);
    // bad input: 400 naming the field, nothing stored
    for (const [body, field] of [
      [{ patient, date: '2026-05-01', reintervention: false, ufsQol: { hrql: 140 } }, 'ufsQol.hrql'],
      [{ patient, date: '2026-05-01' }, 'reintervention'],
      [{ patient, date: 'soon', reintervention: false }, 'date'],
      [{ patient, date: '2026-05-01', reintervention: false, fibroidVolume: -1 }, 'fibroidVolume'],
    ] as const) {
      const r = await t.call('POST', '/api/v1/follow-ups', t.tokens.physA, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    expect((await db.owner.selectFrom('follow_up').select('id').execute()).length).toBe(2);
    // the FHIR export carries the visits as Observations of the patient, part of the treatment they follow
    const fhir = await t.call('GET', '/api/v1/export/fhir', t.tokens.physA);
    const obs = fhir.json.entry
      .map((e: { resource: Record<string, unknown> }) => e.resource)
      .filter((r: { method?: { text: string } }) => r.method?.text === 'follow-up visit');
    expect(obs.find((o: { code: { text: string } }) => o.code.text === 'UFS-QOL symptom severity score')).toMatchObject({
      subject: { reference: `urn:uuid:${patient}` },
      partOf: [{ reference: `urn:uuid:${treatment}` }],
      effectiveDateTime: '2026-04-10',
      valueQuantity: { value: 31.25, code: '1' },
    });
    expect(
      obs
        .filter((o: { code: { text: string } }) => o.code.text === 'Re-intervention since treatment')
        .map((o: { valueBoolean: boolean }) => o.valueBoolean),
    ).toEqual([false, true]);
    expect(obs.find((o: { code: { text: string } }) => o.code.text === 'Fibroid volume').valueQuantity).toMatchObject({
      value: 6.5e-5,
      code: 'm3',
    });
    // the researcher and a trainee see no patient data
    expect((await t.call('GET', `/api/v1/patients/${patient}/follow-ups`, t.tokens.researcher)).status).toBe(403);
    expect((await t.call('GET', `/api/v1/patients/${patient}/follow-ups`, trainee)).status).toBe(403);
  });

  it(`fills in the imaging outcome later, never overwrites it, and adds late adverse events (${storage})`, async () => {
    const first = await t.call('POST', `/api/v1/treatments/${treatment}/outcome`, t.tokens.physA, {
      npvRatioObserved: 0.81,
      npvVolumeObserved: 9.7e-5,
      imagingDate: '2026-01-11',
    });
    expect(first.status).toBe(201);
    expect(first.json.outcome).toEqual({
      npvRatioPredicted: 0.74,
      npvRatioObserved: 0.81,
      targetVolume: 1.2e-4,
      npvVolumePredicted: null,
      npvVolumeObserved: 9.7e-5,
      imagingDate: '2026-01-11',
    });
    // the same values again: nothing new (200); another value: 409 naming the field, nothing changed
    expect((await t.call('POST', `/api/v1/treatments/${treatment}/outcome`, t.tokens.physA, { npvRatioObserved: 0.81 })).status).toBe(200);
    const clash = await t.call('POST', `/api/v1/treatments/${treatment}/outcome`, t.tokens.physA, {
      npvRatioObserved: 0.5,
      npvVolumePredicted: 8e-5,
    });
    expect(clash.status).toBe(409);
    expect(clash.json.fields.map((f: { path: string }) => f.path)).toEqual(['outcome.npvRatioObserved']);
    const tr = await t.call('GET', `/api/v1/treatments/${treatment}`, t.tokens.physA);
    expect(tr.json.outcome).toMatchObject({ npvRatioObserved: 0.81, npvVolumePredicted: null });
    expect((await t.call('POST', `/api/v1/treatments/${treatment}/outcome`, t.tokens.physB, { npvRatioObserved: 0.2 })).status).toBe(404);

    const ae = {
      id: crypto.randomUUID(),
      description: 'lower abdominal pain, day 3',
      sirGrade: 'B',
      clavienDindo: 'I',
      onsetDate: '2026-01-13',
    };
    expect((await t.call('POST', `/api/v1/treatments/${treatment}/adverse-events`, t.tokens.physA, ae)).status).toBe(201);
    expect((await t.call('POST', `/api/v1/treatments/${treatment}/adverse-events`, t.tokens.physA, ae)).status).toBe(200);
    expect(
      (await t.call('POST', `/api/v1/treatments/${treatment}/adverse-events`, t.tokens.physA, { ...ae, clavienDindo: 'II' })).status,
    ).toBe(409);
    expect(
      (await t.call('POST', `/api/v1/treatments/${treatment}/adverse-events`, t.tokens.physA, { description: 'x', sirGrade: 'G' })).status,
    ).toBe(400);
    expect((await t.call('POST', `/api/v1/treatments/${treatment}/adverse-events`, t.tokens.physB, ae)).status).toBe(404);
    const after = await t.call('GET', `/api/v1/treatments/${treatment}`, t.tokens.physA);
    expect(after.json.adverseEvents).toEqual([
      { description: 'lower abdominal pain, day 3', sirGrade: 'B', clavienDindo: 'I', onsetDate: '2026-01-13' },
    ]);
  });

  it(`stores training results (issue 15's shape): a trainee their own, the instructor the centre's; LC-CUSUM curves (${storage})`, async () => {
    // 12 exercises: 3 failures first, then passes. Hand-computed chart with p0 0.3, p1 0.1 (LC_CUSUM_DEFAULTS):
    // a failure adds ln(0.1/0.3) = −1.0986, a success ln(0.9/0.7) = +0.2513; s stays ≥ 0
    const outcomes = [true, true, true, false, false, false, false, false, false, false, false, false]; // failed?
    const ids: string[] = [];
    for (const [i, failed] of outcomes.entries()) {
      const body = {
        trainee: 'trainee-a',
        case: `fibroid-${i % 4}`,
        score: failed ? 42 : 81,
        passed: !failed,
        npvRatio: failed ? 0.55 : 0.82,
        eef: 4.2,
        safetyEvents: failed ? [{ code: 'margin-violation', severity: 'major' }] : [],
        time: 1200 + i,
        at: new Date(Date.UTC(2026, 2, 1, 9, i)).toISOString(),
      };
      const r = await t.call('POST', '/api/v1/training/results', i % 2 ? instructor : trainee, body);
      expect(r.status, r.text).toBe(201);
      ids.push(r.json.id);
    }
    const mine = await t.call('GET', '/api/v1/training/results', trainee);
    expect(mine.json.results).toHaveLength(12);
    expect(mine.json.results[0]).toMatchObject({
      trainee: 'trainee-a',
      case: 'fibroid-0',
      score: 42,
      passed: false,
      npvRatio: 0.55,
      safetyEvents: [{ code: 'margin-violation', severity: 'major' }],
      time: 1200,
      at: '2026-03-01T09:00:00.000Z',
    });
    expect(mine.json.results[0].eef).toBeCloseTo(4.2, 12); // J/mm³ out, as in; stored as J/m³
    expect(
      Number((await db.owner.selectFrom('training_result').select('eef').where('id', '=', ids[0]).executeTakeFirstOrThrow()).eef),
    ).toBeCloseTo(4.2e9, 0);

    const curves = await t.call('GET', '/api/v1/training/learning-curves', instructor);
    expect(curves.status).toBe(200);
    expect(curves.json.params).toMatchObject({ p0: 0.3, p1: 0.1, h: 3.8 });
    const [curve] = curves.json.trainees;
    const wf = Math.log(0.1 / 0.3);
    const ws = Math.log(0.9 / 0.7);
    let s = 0;
    const expected = outcomes.map((f) => {
      s = Math.max(0, s + (f ? wf : ws));
      return s;
    });
    expect(curve.name).toBe('trainee-a');
    expect(curve.cases).toBe(12);
    expect(curve.failures).toBe(3);
    expect(curve.chart).toHaveLength(12);
    for (const [i, v] of (curve.chart as number[]).entries()) expect(v).toBeCloseTo(expected[i], 12);
    expect(curve.proficientAt).toBeNull(); // 9 successes × 0.2513 = 2.26 < h = 3.8

    // a trainee records and reads only their own; other centres and researchers nothing
    const other = await t.call('POST', '/api/v1/training/results', trainee, {
      trainee: 'instructor-a',
      case: 'x',
      score: 90,
      passed: true,
    });
    expect(other.status).toBe(403);
    const foreign = await t.call('POST', '/api/v1/training/results', instructor, {
      trainee: 'trainee-b',
      case: 'x',
      score: 90,
      passed: true,
    });
    expect(foreign.status).toBe(400);
    expect(foreign.json.fields[0].path).toBe('trainee');
    expect((await t.call('GET', '/api/v1/training/results', t.tokens.physB)).json.results).toEqual([]);
    expect((await t.call('GET', '/api/v1/training/results', t.tokens.researcher)).status).toBe(403);
    const bad = await t.call('POST', '/api/v1/training/results', trainee, { trainee: 'trainee-a', case: 'x', score: 120, passed: true });
    expect(bad.status).toBe(400);
    expect(bad.json.fields.map((f: { path: string }) => f.path)).toContain('score');
    // pushed again with its id: nothing new; changed: conflict
    const again = { id: crypto.randomUUID(), trainee: 'trainee-a', case: 'tank', score: 70, passed: true, at: '2026-03-02T10:00:00Z' };
    expect((await t.call('POST', '/api/v1/training/results', trainee, again)).status).toBe(201);
    expect((await t.call('POST', '/api/v1/training/results', trainee, again)).status).toBe(200);
    expect((await t.call('POST', '/api/v1/training/results', trainee, { ...again, score: 71 })).status).toBe(409);
    // RLS: centre B's role sees no training rows of A
    const seen = await db.asActor({ userId: t.ids.physB, centreId: t.centreB }, (tx) =>
      sql<{ n: number }>`select count(*)::int as n from training_result`.execute(tx),
    );
    expect(seen.rows[0].n).toBe(0);
  });

  it(`draws each operator's LC-CUSUM over real cases: failure = NPV ratio < 0.70 or a major complication (${storage})`, async () => {
    // phys-a: the treatment above (NPV 0.81: success) and four more in date order
    const cases: Array<[string, number | null, string | null]> = [
      ['2026-02-01', 0.65, null], // failure: NPV < 0.70
      ['2026-02-02', 0.9, 'IIIa'], // failure: major complication
      ['2026-02-03', null, null], // outcome unknown: not counted
      ['2026-02-04', 0.95, 'I'], // success: minor complication only
    ];
    for (const [date, npv, cd] of cases) {
      const r = await t.call('POST', '/api/v1/treatments', t.tokens.physA, {
        patient,
        date,
        plan: samplePlan(),
        outcome: npv === null ? {} : { npvRatioObserved: npv },
        ...(cd ? { adverseEvents: [{ description: 'event', clavienDindo: cd }] } : {}),
      });
      expect(r.status).toBe(201);
    }
    const r = await t.call('GET', '/api/v1/analytics/learning-curves', t.tokens.adminA);
    expect(r.status).toBe(200);
    expect(r.json.failure).toMatch(/0\.70/);
    const [op] = r.json.operators;
    expect(op.name).toBe('phys-a');
    expect(op.cases).toBe(4);
    expect(op.failures).toBe(2);
    const ws = Math.log(0.9 / 0.7);
    const wf = Math.log(0.1 / 0.3);
    const expected = [ws, Math.max(0, ws + wf), 0, ws];
    expect(op.chart).toHaveLength(expected.length);
    for (const [i, v] of (op.chart as number[]).entries()) expect(v).toBeCloseTo(expected[i], 12);
    expect((await t.call('GET', '/api/v1/analytics/learning-curves', t.tokens.physB)).json.operators).toEqual([]);
    expect((await t.call('GET', '/api/v1/analytics/learning-curves', t.tokens.researcher)).status).toBe(403);
  });
});

import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../src/admin.js';
import { type OfflineRecords, openOfflineRecords } from '../src/browser.js';
import type { RecordsDatabase } from '../src/database/records-database.js';
import { PASSWORD, samplePlan, twoCentres } from './fixtures.js';
import { type TestStore, testStore } from './storage.js';

describe('@openfuas/server/browser: the offline store of the workstation', () => {
  it('bundles for the browser: no Node built-in, no pg, no node server anywhere below browser.ts', async () => {
    // esbuild (the bundler under Vite and tsx) with platform "browser" fails on any node: import. PGlite is left
    // out: the web build bundles it by its own rules (its wasm), and it runs in browsers by design.
    const r = await build({
      entryPoints: [new URL('../src/browser.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      outdir: 'out',
      conditions: ['openfuas-source'],
      external: ['@electric-sql/pglite'],
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(r.metafile.inputs);
    expect(inputs.some((i) => i.endsWith('packages/server/src/browser.ts'))).toBe(true);
    const nodeOnly = inputs.filter((i) =>
      /node_modules\/(pg|pg-pool|@hono\/node-server)\/|server\/src\/(database\/(records-database|data-lock)|auth\/|cli\/|records-server)/.test(
        i,
      ),
    );
    expect(nodeOnly).toEqual([]);
  });
});

describe('offline store: record without a network, then push to the centre’s server (pglite)', () => {
  let local: TestStore;
  let remote: TestStore;
  let offline: OfflineRecords;
  let server: RecordsDatabase;
  let t: Awaited<ReturnType<typeof twoCentres>>;
  let viaApp: typeof fetch;

  beforeAll(async () => {
    local = await testStore('pglite');
    remote = await testStore('pglite');
    // a PGlite data directory as the browser's idb://NAME would be (the same store, on disk here)
    offline = await openOfflineRecords({ dataDir: join(local.options.dataDir!, 'pgdata') });
    server = await remote.open();
    t = await twoCentres(server);
    await addUser(server.owner, { username: 'trainee-a', role: 'trainee', centre: 'A', password: PASSWORD });
    viaApp = ((url: string, init?: RequestInit) => t.app.request(url, init)) as typeof fetch;
  });
  afterAll(async () => {
    await offline?.close();
    await server?.close();
    await local?.dispose();
    await remote?.dispose();
  });

  it('records patients, treatments, outcomes, events, visits and training results; pushes once; conflicts kept', async () => {
    const p = await offline.createPatient({ localId: 'OFF-1', birthYear: 1984 });
    expect(p.status).toBe('created');
    const pid = (p as { id: string }).id;
    const tr = await offline.createTreatment({
      patient: pid,
      date: '2026-05-02',
      plan: samplePlan(),
      outcome: { npvRatioPredicted: 0.77 },
    });
    const tid = (tr as { id: string }).id;
    expect((await offline.recordOutcome(tid, { npvRatioObserved: 0.83, imagingDate: '2026-05-03' })).status).toBe('updated');
    expect((await offline.addAdverseEvent(tid, { description: 'skin oedema', sirGrade: 'A', clavienDindo: 'I' })).status).toBe('created');
    expect(
      (
        await offline.createFollowUp({
          patient: pid,
          treatment: tid,
          date: '2026-08-01',
          ufsQol: { symptomSeverity: 25 },
          reintervention: false,
        })
      ).status,
    ).toBe('created');
    expect(
      (await offline.createTrainingResult({ trainee: 'trainee-a', case: 'tank-1', score: 77, passed: true, eef: 3.1, time: 900 })).status,
    ).toBe('created');
    // the same validation as the server: a bad record is refused here, before it can fail a push
    await expect(offline.createPatient({ localId: 'x', birthYear: 1700 })).rejects.toThrow(/birthYear/);
    // a second patient that the server already knows under another id: a conflict on push
    const dup = await offline.createPatient({ localId: 'KNOWN', birthYear: 1990 });
    await t.call('POST', '/api/v1/patients', t.tokens.physA, { localId: 'KNOWN', birthYear: 1990 });
    expect((await offline.listPatients()).map((x) => x.id)).toEqual([pid, (dup as { id: string }).id]);
    expect((await offline.pending()).map((e) => e.entity)).toEqual([
      'patient',
      'treatment',
      'outcome',
      'adverse_event',
      'follow_up',
      'training_result',
      'patient',
    ]);

    const first = await offline.sync('http://records.example', t.tokens.physA, viaApp);
    expect(first).toMatchObject({ pushed: 6, alreadyThere: 0, remaining: 1 });
    expect(first.conflicts.map((c) => c.entity)).toEqual(['patient']);
    const second = await offline.sync('http://records.example', t.tokens.physA, viaApp);
    expect(second).toMatchObject({ pushed: 0, alreadyThere: 0, remaining: 1 });
    const left = await offline.pending();
    expect(left).toHaveLength(1);
    expect(left[0].error).toMatch(/^409/);

    // on the server: each record once, as recorded offline
    const got = await t.call('GET', `/api/v1/treatments/${tid}`, t.tokens.physA);
    expect(got.json.outcome).toMatchObject({ npvRatioPredicted: 0.77, npvRatioObserved: 0.83, imagingDate: '2026-05-03' });
    expect(got.json.adverseEvents).toEqual([{ description: 'skin oedema', sirGrade: 'A', clavienDindo: 'I', onsetDate: null }]);
    const visits = await t.call('GET', `/api/v1/patients/${pid}/follow-ups`, t.tokens.physA);
    expect(visits.json.followUps).toHaveLength(1);
    const training = await t.call('GET', '/api/v1/training/results?trainee=trainee-a', t.tokens.physA);
    expect(training.json.results).toHaveLength(1);
    expect(training.json.results[0].eef).toBeCloseTo(3.1, 12);
    for (const table of ['patient', 'treatment_session', 'adverse_event', 'follow_up', 'training_result'] as const)
      expect((await server.owner.selectFrom(table).select('id').execute()).length, table).toBe(table === 'patient' ? 2 : 1);
    // the server keeps its own value where the offline store disagrees: reported, never overwritten
    await offline.db.owner.updateTable('outbox').set({ pushed_at: null }).where('entity', '=', 'outcome').execute();
    await offline.db.owner
      .updateTable('outbox')
      .set({ payload: JSON.stringify({ npvRatioObserved: 0.5 }) })
      .where('entity', '=', 'outcome')
      .execute();
    const third = await offline.sync('http://records.example', t.tokens.physA, viaApp);
    expect(third.conflicts.map((c) => c.entity).sort()).toEqual(['outcome', 'patient']);
    expect((await t.call('GET', `/api/v1/treatments/${tid}`, t.tokens.physA)).json.outcome.npvRatioObserved).toBe(0.83);
  });
});

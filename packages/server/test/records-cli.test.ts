import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addCentre, addUser } from '../src/admin.js';
import { createRecordsApp } from '../src/api/records-app.js';
import { openRecordsDatabase } from '../src/database/records-database.js';
import { runRecordsCli } from '../src/cli/records-cli.js';
import { listenRecords } from '../src/records-server.js';
import { PASSWORD, samplePlan } from './fixtures.js';
import { type TestStore, testStore } from './storage.js';

// The `fuas records` contract of issue 14. The two commands of the text run as a user runs them (the real
// `fuas` binary, its own process: seconds each on a busy machine); the refusals and sync run the same command
// code in this process (`runRecordsCli`, what `fuas records` loads), with stdin, stdout, stderr and exit captured.
const FUAS = fileURLToPath(new URL('../../cli/bin/fuas.js', import.meta.url));

/** Runs `fuas records ...args` without blocking this process (a server in it must go on answering). */
function fuasRecords(args: string[], input?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, OPENFUAS_SOURCE: '1' };
    delete env.DATABASE_URL; // these tests are of the data folder (PGlite)
    const child = spawn(process.execPath, [FUAS, 'records', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

async function inProcess(args: string[], input?: string): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      stdout += String(s);
      return true;
    }),
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      stderr += String(s);
      return true;
    }),
    vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Exit(code ?? 0);
    }) as never),
    vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from(input === undefined ? [] : [Buffer.from(input)]) as never),
  ];
  const before = process.exitCode;
  process.exitCode = undefined;
  // the data folder under test, not the PostgreSQL that CI's DATABASE_URL names
  const url = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  let status = 0;
  try {
    await runRecordsCli(args);
    status = Number(process.exitCode ?? 0);
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    status = e.code;
  } finally {
    for (const s of spies) s.mockRestore();
    process.exitCode = before;
    if (url !== undefined) process.env.DATABASE_URL = url;
  }
  return { status, stdout, stderr };
}

describe('fuas records centre add / user add / sync (pglite data folder)', () => {
  let store: TestStore;
  let dir: string;
  beforeAll(async () => {
    store = await testStore('pglite');
    dir = store.options.dataDir!;
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it(
    'adds a centre and users as the issue writes them, refusing bad input with exit code 2 and one line',
    { timeout: 180_000 },
    async () => {
      const c = await fuasRecords(['centre', 'add', '--data', dir, '--code', 'SH-01', '--name', 'Centre One']);
      expect(c.stderr).toBe('');
      expect(c.status).toBe(0);
      expect(JSON.parse(c.stdout)).toMatchObject({ code: 'SH-01', id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const again = await inProcess(['centre', 'add', '--data', dir, '--code', 'SH-01', '--name', 'Again']);
      expect(again.status).toBe(2);
      expect(again.stderr).toMatch(/^fuas records: .*SH-01 exists already\n$/);

      const u = await fuasRecords(
        ['user', 'add', '--data', dir, '--username', 'dr-li', '--role', 'physician', '--centre', 'SH-01', '--password-stdin'],
        `${PASSWORD}\n`,
      );
      expect(u.stderr).toBe('');
      expect(u.status).toBe(0);
      expect(JSON.parse(u.stdout)).toMatchObject({ username: 'dr-li', role: 'physician' });
      const noStdin = await inProcess(['user', 'add', '--data', dir, '--username', 'x', '--role', 'physician', '--centre', 'SH-01']);
      expect(noStdin.status).toBe(2);
      expect(noStdin.stderr).toMatch(/--password-stdin/);
      const badRole = await inProcess(['user', 'add', '--data', dir, '--username', 'y', '--role', 'surgeon', '--password-stdin'], PASSWORD);
      expect(badRole.status).toBe(2);
      expect(badRole.stderr).toMatch(/role.*admin, physician, instructor, trainee, researcher/);

      // the user signs in with the password given on standard input (the trailing newline not part of it)
      const db = await openRecordsDatabase({ dataDir: dir });
      try {
        const app = createRecordsApp(db);
        const login = await app.request('/api/v1/session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'dr-li', password: PASSWORD }),
        });
        expect(login.status).toBe(200);
        expect((await db.owner.selectFrom('app_user').select('username').execute()).map((r) => r.username)).toEqual(['dr-li']);
      } finally {
        await db.close();
      }
    },
  );

  it(
    'pushes the data folder’s outbox with `fuas records sync`: twice stores nothing twice, a conflict exits 1',
    { timeout: 180_000 },
    async () => {
      // records made at the centre (dr-li, SH-01) before the network server existed
      const db = await openRecordsDatabase({ dataDir: dir });
      const local = createRecordsApp(db);
      const call = async (path: string, token: string, body: unknown) => {
        const res = await local.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
        return (await res.json()) as { id: string; token: string };
      };
      const { token } = await call('/api/v1/session', '', { username: 'dr-li', password: PASSWORD });
      const p = await call('/api/v1/patients', token, { localId: 'P-1', birthYear: 1983 });
      await call('/api/v1/treatments', token, {
        patient: p.id,
        date: '2026-06-01',
        plan: samplePlan(),
        outcome: { npvRatioObserved: 0.8 },
      });
      await call('/api/v1/follow-ups', token, { patient: p.id, date: '2026-09-01', reintervention: false });
      await call('/api/v1/patients', token, { localId: 'P-2', birthYear: 1975 });
      await db.close();

      const remote = await testStore('pglite');
      const rdb = await remote.open();
      await addCentre(rdb.owner, 'SH-01', 'Centre One (network)');
      await addUser(rdb.owner, { username: 'dr-li', role: 'physician', centre: 'SH-01', password: PASSWORD });
      const srv = await listenRecords(rdb, 0, '127.0.0.1');
      try {
        const url = `http://127.0.0.1:${srv.port}`;
        const session = await fetch(`${url}/api/v1/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'dr-li', password: PASSWORD }),
        }).then((r) => r.json() as Promise<{ token: string }>);
        // the network already has P-2 under another id
        await fetch(`${url}/api/v1/patients`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
          body: JSON.stringify({ localId: 'P-2', birthYear: 1975 }),
        });
        const first = await inProcess(['sync', '--data', dir, '--to', url, '--token-stdin'], `${session.token}\n`);
        expect(first.status).toBe(1); // a conflict is reported: not a silent success
        const r1 = JSON.parse(first.stdout);
        expect(r1).toMatchObject({ pushed: 3, alreadyThere: 0, remaining: 1 });
        expect(r1.conflicts).toEqual([{ entity: 'patient', id: expect.any(String), message: expect.stringMatching(/^409 conflict/) }]);
        const second = await inProcess(['sync', '--data', dir, '--to', url, '--token-stdin'], session.token);
        expect(JSON.parse(second.stdout)).toMatchObject({ pushed: 0, alreadyThere: 0, remaining: 1 });
        for (const [table, n] of [
          ['patient', 2],
          ['treatment_session', 1],
          ['follow_up', 1],
        ] as const)
          expect((await rdb.owner.selectFrom(table).select('id').execute()).length, table).toBe(n);
        const bad = await inProcess(['sync', '--data', dir, '--to', url, '--token-stdin'], 'not-a-valid-token-at-all-000000');
        expect(bad.status).toBe(2);
        expect(bad.stderr).toMatch(/^fuas records: .*401 unauthorized.*\n$/);
        const noUser = await inProcess(
          ['user', 'add', '--data', dir, '--username', 'z', '--role', 'physician', '--password-stdin'],
          PASSWORD,
        );
        expect(noUser.status).toBe(2);
        expect(noUser.stderr).toMatch(/centre/);
      } finally {
        await srv.close();
        await rdb.close();
        await remote.dispose();
      }
    },
  );
});

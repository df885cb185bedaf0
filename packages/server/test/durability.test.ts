import { describe, expect, it } from 'vitest';
import { addCentre, addUser } from '../src/admin.js';
import { PASSWORD } from './fixtures.js';
import { startRecordsServer } from './server-process.js';
import { STORAGES, testStore } from './storage.js';

/** Concurrent writers, how many acknowledged writes before the kill (CI-sized; the benchmark runs longer). */
const CLIENTS = 200;
const ACKED_BEFORE_KILL = 200;

describe.each(STORAGES)('records durability (%s)', (storage) => {
  it(`keeps every write answered 201 after kill -9 of the server amid ${CLIENTS} concurrent writers (${storage})`, async () => {
    const store = await testStore(storage);
    const setup = await store.open();
    await addCentre(setup.owner, 'A', 'Centre A');
    await addUser(setup.owner, { username: 'phys-a', role: 'physician', centre: 'A', password: PASSWORD });
    await setup.close();
    const args = storage === 'pglite' ? ['--data', store.options.dataDir!] : [];
    // an empty DATABASE_URL keeps the pglite server off the PostgreSQL that CI sets for the other variant
    const env: Record<string, string> =
      storage === 'postgresql'
        ? {
            DATABASE_URL: `${store.options.url}${store.options.url!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${store.options.schema}`)}`,
          }
        : { DATABASE_URL: '' };
    const login = async (url: string) => {
      const r = await fetch(`${url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'phys-a', password: PASSWORD }),
      });
      return ((await r.json()) as { token: string }).token;
    };

    let server = await startRecordsServer(args, env);
    try {
      const token = await login(server.url);
      const acked = new Map<string, number>();
      let killed = false;
      let errorsBeforeKill = 0;
      let onEnough: () => void = () => {};
      const enough = new Promise<void>((r) => (onEnough = r));
      const writer = async (k: number) => {
        for (let i = 0; !killed; i++) {
          const birthYear = 1920 + ((k * 7 + i) % 90);
          try {
            const r = await fetch(`${server.url}/api/v1/patients`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify({ localId: `c${k}-${i}`, birthYear }),
            });
            const body = (await r.json()) as { id: string };
            if (r.status === 201) acked.set(body.id, birthYear);
            else if (!killed && errorsBeforeKill++ === 0) console.error('first refused write:', r.status, JSON.stringify(body));
            if (acked.size >= ACKED_BEFORE_KILL) onEnough();
          } catch (e) {
            if (!killed && errorsBeforeKill++ === 0) console.error('first failed write:', e);
            return;
          }
        }
      };
      const writers = Array.from({ length: CLIENTS }, (_, k) => writer(k));
      await Promise.race([enough, new Promise((r) => setTimeout(r, 60_000))]);
      killed = true;
      server.child.kill('SIGKILL');
      await new Promise((r) => server.child.once('exit', r));
      await Promise.all(writers);
      expect(errorsBeforeKill).toBe(0);
      expect(acked.size).toBeGreaterThanOrEqual(ACKED_BEFORE_KILL);

      server = await startRecordsServer(args, env); // the stale lock of the killed process is taken over
      const token2 = await login(server.url);
      const r = await fetch(`${server.url}/api/v1/patients`, { headers: { authorization: `Bearer ${token2}` } });
      const { patients } = (await r.json()) as { patients: Array<{ id: string; birthYear: number }> };
      const stored = new Map(patients.map((p) => [p.id, p.birthYear]));
      let missing = 0;
      let changed = 0;
      for (const [id, birthYear] of acked) {
        if (!stored.has(id)) missing++;
        else if (stored.get(id) !== birthYear) changed++;
      }
      expect({ acked: acked.size >= ACKED_BEFORE_KILL, missing, changed }).toEqual({ acked: true, missing: 0, changed: 0 });
    } finally {
      server.child.kill('SIGKILL');
      await store.dispose();
    }
  }, 240_000);
});

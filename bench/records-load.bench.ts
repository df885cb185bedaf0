// Load on loopback (issue 14): `fuas records serve` in its own process, 200 concurrent clients for 30 s, each
// alternating a write (POST /api/v1/patients) and a read of what it wrote (GET /api/v1/patients/{id});
// latency percentiles per kind, throughput, errors. Embedded PGlite always, PostgreSQL too when DATABASE_URL is
// set. RECORDS_BENCH_SECONDS and RECORDS_BENCH_CLIENTS change the duration and the number of clients.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { addCentre, addUser, openRecordsDatabase } from '@openfuas/server';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

const SECONDS = Number(process.env.RECORDS_BENCH_SECONDS ?? 30);
const CLIENTS = Number(process.env.RECORDS_BENCH_CLIENTS ?? 200);
const PASSWORD = 'bench password 1234';
const FUAS = fileURLToPath(new URL('../packages/cli/bin/fuas.js', import.meta.url));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function serve(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [FUAS, 'records', 'serve', '--port', '0', ...args], {
    env: { ...process.env, OPENFUAS_SOURCE: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise<{ url: string; stop: () => Promise<void> }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/\S+)\/api\/v1/.exec(out);
      const stop = () =>
        new Promise<void>((r) => {
          child.once('exit', () => r());
          child.kill('SIGTERM');
        });
      if (m) resolve({ url: m[1], stop });
    });
    child.once('exit', (code) => reject(new Error(`records server exited (${code})`)));
  });
}

async function load(storage: 'pglite' | 'postgresql'): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'openfuas-records-bench-'));
  const schema = `bench_${process.pid}`;
  const url = process.env.DATABASE_URL ?? '';
  const options = storage === 'pglite' ? { dataDir: dir } : { url, schema };
  const setup = await openRecordsDatabase(options);
  await addCentre(setup.owner, 'A', 'Bench centre');
  await addUser(setup.owner, { username: 'bench', role: 'physician', centre: 'A', password: PASSWORD });
  await setup.close();
  // an empty DATABASE_URL makes the pglite server ignore one set for the PostgreSQL run
  const env: Record<string, string> =
    storage === 'postgresql'
      ? { DATABASE_URL: `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` }
      : { DATABASE_URL: '' };
  const server = await serve(storage === 'pglite' ? ['--data', dir] : [], env);
  try {
    const s = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: PASSWORD }),
    });
    const { token } = (await s.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const writes: number[] = [];
    const reads: number[] = [];
    let errors = 0;
    const end = performance.now() + SECONDS * 1000;
    const client = async (k: number) => {
      for (let i = 0; performance.now() < end; i++) {
        try {
          let t0 = performance.now();
          const w = await fetch(`${server.url}/api/v1/patients`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ localId: `b${k}-${i}`, birthYear: 1950 + (i % 50) }),
          });
          const { id } = (await w.json()) as { id: string };
          writes.push(performance.now() - t0);
          if (w.status !== 201 && errors++ === 0) process.stderr.write(`records-load: first refused write ${w.status} ${id}\n`);
          t0 = performance.now();
          const r = await fetch(`${server.url}/api/v1/patients/${id}`, { headers: auth });
          await r.json();
          reads.push(performance.now() - t0);
          if (r.status !== 200 && errors++ === 0) process.stderr.write(`records-load: first refused read ${r.status}\n`);
        } catch (e) {
          if (errors++ === 0) process.stderr.write(`records-load: first failed request ${(e as Error).cause ?? e}\n`);
        }
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, (_, k) => client(k)));
    const elapsed = (performance.now() - t0) / 1000;
    writes.sort((a, b) => a - b);
    reads.sort((a, b) => a - b);
    return {
      name: 'records-load',
      parameters: {
        storage,
        clients: CLIENTS,
        seconds: SECONDS,
        workload: 'POST /api/v1/patients then GET /api/v1/patients/{id}, loopback',
      },
      figures: {
        requests: writes.length + reads.length,
        requestsPerSecond: (writes.length + reads.length) / elapsed,
        errors,
        writeP50ms: percentile(writes, 50),
        writeP99ms: percentile(writes, 99),
        writeMaxMs: writes.at(-1) ?? Number.NaN,
        readP50ms: percentile(reads, 50),
        readP99ms: percentile(reads, 99),
        readMaxMs: reads.at(-1) ?? Number.NaN,
      },
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    if (storage === 'postgresql') {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    }
  }
}

const bench: BenchFile = {
  name: 'records-load',
  async run(): Promise<BenchResult[]> {
    const results = [await load('pglite')];
    if (process.env.DATABASE_URL) results.push(await load('postgresql'));
    return results;
  },
};
export default bench;

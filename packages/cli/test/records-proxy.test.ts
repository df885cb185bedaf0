import { mkdtempSync, writeFileSync } from 'node:fs';
import { type Server, createServer, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDS_PREFIX, proxyRecords, recordsTarget } from '../src/records-proxy.js';
import { createStaticServer, listen } from '../src/static-server.js';

const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));

describe('fuas serve --records: /api/v1/ forwarded to the records server', () => {
  const root = mkdtempSync(join(tmpdir(), 'fuas-proxy-'));
  writeFileSync(join(root, 'index.html'), '<title>ws</title>');
  // a stand-in records server: echoes what it received as JSON, with a status chosen by the path
  const seen: Array<{ method: string; url: string; auth?: string; body: string }> = [];
  const records = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
      const status = req.url?.startsWith('/api/v1/patients') && req.method === 'POST' ? 201 : 401;
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-Records': 'yes' }).end(JSON.stringify({ echo: body, url: req.url }));
    });
  });
  let web: Server;
  let base = '';
  let recordsPort = 0;

  beforeAll(async () => {
    recordsPort = await listen(records, 0, '127.0.0.1');
    const target = recordsTarget(`http://127.0.0.1:${recordsPort}`);
    web = createStaticServer(root, { forward: { prefix: RECORDS_PREFIX, handle: proxyRecords.bind(null, target) } });
    base = `http://127.0.0.1:${await listen(web, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await close(web);
    if (records.listening) await close(records);
  });

  it('forwards method, path, query, authorization and body; keeps status and headers, adds isolation', async () => {
    const r = await fetch(`${base}/api/v1/patients?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer T' },
      body: JSON.stringify({ localId: 'p-1', birthYear: 1980 }),
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('x-records')).toBe('yes');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(r.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(await r.json()).toEqual({ echo: '{"localId":"p-1","birthYear":1980}', url: '/api/v1/patients?x=1' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/api/v1/patients?x=1', auth: 'Bearer T' });
    const denied = await fetch(`${base}/api/v1/audit`);
    expect(denied.status).toBe(401);
  });

  it('serves the workstation’s files for every other path, dot segments resolved before matching', async () => {
    const n = seen.length;
    expect(await (await fetch(`${base}/`)).text()).toBe('<title>ws</title>');
    // sent as written (fetch would resolve the dot segments itself)
    const raw = await new Promise<string>((resolve, reject) =>
      get(`${base}/`, { path: '/api/v1/../index.html' }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject),
    );
    expect(raw).toBe('<title>ws</title>');
    expect(await (await fetch(`${base}/api/v2/x`)).text()).toBe('<title>ws</title>');
    expect(seen.length).toBe(n);
  });

  it('refuses a records URL with a path or another scheme', () => {
    expect(() => recordsTarget('http://127.0.0.1:8090/api/v1')).toThrow(/origin only/);
    expect(() => recordsTarget('ftp://h')).toThrow(/http/);
    expect(() => recordsTarget('not a url')).toThrow(/not a URL/);
    expect(recordsTarget('http://127.0.0.1:8090/').origin).toBe('http://127.0.0.1:8090');
  });

  it('answers a JSON 502 when the records server is down', async () => {
    await close(records);
    const r = await fetch(`${base}/api/v1/health`);
    expect(r.status).toBe(502);
    expect(r.headers.get('content-type')).toMatch(/json/);
    expect((await r.json()).error).toMatch(/does not answer/);
  });
});

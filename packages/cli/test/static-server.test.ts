import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStaticServer, listen } from '../src/static-server.js';

describe('static server', () => {
  const root = mkdtempSync(join(tmpdir(), 'fuas-static-'));
  writeFileSync(join(root, 'index.html'), '<title>x</title>');
  writeFileSync(join(root, 'app.js'), 'console.log(1)');
  const server = createStaticServer(root);
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('serves files with cross-origin isolation headers and the right type', async () => {
    const port = await listen(server, 0, '127.0.0.1');
    const r = await fetch(`http://127.0.0.1:${port}/app.js`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/javascript/);
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await r.text()).toBe('console.log(1)');
    const index = await fetch(`http://127.0.0.1:${port}/some/route`);
    expect(await index.text()).toBe('<title>x</title>');
  });

  it('refuses paths outside its root', async () => {
    const port = (server.address() as { port: number }).port;
    const r = await fetch(`http://127.0.0.1:${port}/..%2F..%2Fetc%2Fpasswd`);
    expect([403, 404]).toContain(r.status);
    expect(await r.text()).not.toMatch(/root:/);
  });
});

// `fuas serve` on loopback against a hostile root: symlinks out of it, traversal spellings, a FIFO, and files
// that vanish and reappear while requests run. The server must answer every request quickly, never serve a
// byte from outside its root, and keep running.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticServer, listen } from '../src/static-server.js';

const SECRET = 'OUTSIDE-THE-ROOT-SECRET';

describe('fuas serve: hardening', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fuas-serve-'));
  const root = join(dir, 'root');
  let base = '';
  const server = createStaticServer(root);
  beforeAll(async () => {
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<title>index</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), SECRET);
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'index.html'), SECRET);
    symlinkSync(join(dir, 'secret.txt'), join(root, 'link.txt'));
    symlinkSync(join(dir, 'outside'), join(root, 'outdir'));
    symlinkSync('assets/app.js', join(root, 'inside-link.js'));
    execFileSync('mkfifo', [join(root, 'fifo.js')]);
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (path: string) => {
    const r = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
    return { status: r.status, body: await r.text() };
  };

  it('never serves a file outside its root: symlinks to a file or a folder outside, traversal spellings', async () => {
    for (const path of [
      '/link.txt',
      '/outdir/',
      '/outdir/index.html',
      '/..%2Fsecret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2F..%2Fsecret.txt',
      '/..%5Csecret.txt',
      '/x%00/../../secret.txt',
      `/${'../'.repeat(20)}secret.txt`,
    ]) {
      const r = await get(path);
      expect(r.body, path).not.toContain(SECRET);
      expect([200, 400, 403, 404], path).toContain(r.status);
    }
    // a symlink that stays inside the root is served
    expect((await get('/inside-link.js')).body).toBe('console.log(1)');
  });

  it('a FIFO in the root does not wedge it: the request is answered at once, and the next ones too', async () => {
    const t0 = performance.now();
    const r = await get('/fifo.js');
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(r.body).not.toBe('');
    expect((await get('/assets/app.js')).body).toBe('console.log(1)');
  });

  it('survives files vanishing and reappearing during 300 requests (a rebuild while a browser loads)', async () => {
    const file = join(root, 'assets', 'chunk.js');
    let stop = false;
    const churn = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          // as a rebuild does: remove, then create a new file (a new inode)
          if (i % 2) unlinkSync(file);
          else writeFileSync(file, 'x'.repeat(1000 + (i % 7)), { flag: 'wx' });
        } catch {
          // already gone
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    const statuses = new Set<number>();
    for (let k = 0; k < 30; k++) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => get('/assets/chunk.js')));
      for (const r of batch) {
        statuses.add(r.status);
        // the chunk as it was when opened (empty for an instant after its creation) or the index fallback
        expect(r.body === '<title>index</title>' || /^x{0,1006}$/.test(r.body)).toBe(true);
      }
    }
    stop = true;
    await churn;
    expect([...statuses].every((s) => s === 200)).toBe(true);
    expect((await get('/')).body).toBe('<title>index</title>');
  });
});

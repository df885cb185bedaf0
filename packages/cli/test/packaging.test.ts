// Packaging: build both packages, `npm pack` them, install the tarballs into an empty folder outside the
// repository and use them with plain Node (no TypeScript loader): import the library, run `fuas`, and run the
// README's library example. The example as written plans a 55 mm fibroid (about a minute on 2 cores; run it by
// hand with `node readme.mjs` in such a folder); here it runs with a 20 mm fibroid, the only change.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** The packages' version (core's VERSION must equal it: checked below through the installed package). */
const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'packages/core/package.json'), 'utf8')).version;

/** The first ```ts block under "## The library" in README.md. */
function readmeLibraryExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = /## The library[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no ```ts block under "## The library"');
  return m[1];
}

describe('npm packages', () => {
  let dir = '';
  let app = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'openfuas-pack-'));
    app = join(dir, 'app');
    execFileSync(NPM, ['run', 'build', '-w', '@openfuas/core', '-w', '@openfuas/cli'], { cwd: ROOT, stdio: 'pipe' });
    execFileSync(NPM, ['pack', '-w', '@openfuas/core', '-w', '@openfuas/cli', '--pack-destination', dir], { cwd: ROOT, stdio: 'pipe' });
    execFileSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync(
      NPM,
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(dir, `openfuas-core-${VERSION}.tgz`),
        join(dir, `openfuas-cli-${VERSION}.tgz`),
      ],
      { cwd: app, stdio: 'pipe' },
    );
  }, 300_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the tarballs hold compiled JavaScript and declarations, no TypeScript sources', () => {
    const list = (name: string) =>
      execFileSync('tar', ['tzf', join(dir, `${name}-${VERSION}.tgz`)], { encoding: 'utf8' })
        .trim()
        .split('\n');
    for (const name of ['openfuas-core', 'openfuas-cli']) {
      const files = list(name);
      expect(files).toContain('package/dist/index.js');
      expect(files).toContain('package/dist/index.d.ts');
      expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    }
  });

  it('plain Node imports both packages from the installed tarballs', () => {
    const script =
      "const core = await import('@openfuas/core'); const cli = await import('@openfuas/cli');" +
      'console.log(JSON.stringify({ version: core.VERSION, plan: typeof core.autoPlan, main: typeof cli.main, ' +
      'resolved: import.meta.resolve("@openfuas/core") }));';
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ version: VERSION, plan: 'function', main: 'function' });
    expect(out.resolved).toMatch(/node_modules\/@openfuas\/core\/dist\/index\.js$/);
  });

  it('the installed fuas runs compiled JavaScript: --version, --help, a bad flag', () => {
    const bin = join(app, 'node_modules/.bin/fuas');
    const run = (args: string[]) => spawnSync(bin, args, { cwd: app, encoding: 'utf8', timeout: 60_000 });
    const v = run(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(VERSION);
    const h = run(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/Usage: fuas/);
    const bad = run(['thermal', '--duration', '']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    // no TypeScript loader is installed beside it
    expect(spawnSync(process.execPath, ['-e', "require.resolve('tsx')"], { cwd: app }).status).not.toBe(0);
  });

  it("the README's library example runs in the fresh folder (with a 20 mm fibroid)", () => {
    const example = readmeLibraryExample();
    expect(example).toContain("from '@openfuas/core'");
    expect(example).toContain('diameterMm: 55');
    writeFileSync(join(app, 'example.mjs'), `${example.replace('diameterMm: 55', 'diameterMm: 20')}\nconsole.log('html', html.length);\n`);
    const r = spawnSync(process.execPath, ['example.mjs'], { cwd: app, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const [npv, eef] = lines[lines.length - 2].split(' ').map(Number);
    expect(npv).toBeGreaterThan(0);
    expect(npv).toBeLessThanOrEqual(1);
    expect(eef).toBeGreaterThan(0);
    expect(Number(lines[lines.length - 1].split(' ')[1])).toBeGreaterThan(1000);
  }, 300_000);
});

// The hostile inputs of issue 17, each run through the real `fuas` command with a time bound: every one must
// end quickly with exit 2 and one line on stderr (never a hang, a stack trace, a signal or a half-written
// output), or succeed correctly.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGrid, encodeCaseFiles, encodeNifti, generatePhantom } from '@openfuas/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuas } from './run-cli.js';

/**
 * The time bound of one refused run, start-up included. Each run loads the TypeScript sources through tsx
 * (1–3 s of CPU); the bound is generous for a loaded CI machine: what it rules out is the old behaviour
 * (runs hanging past 20–120 s or allocating gigabytes before failing).
 */
const BOUND_MS = 90_000;

/** One line on stderr matching `re`, exit 2, within `ms`. */
function refused(args: string[], re: RegExp, ms = BOUND_MS, cwd?: string): void {
  const t0 = performance.now();
  const r = runFuas(args, { cwd, timeout: ms });
  const took = performance.now() - t0;
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
  expect(took, args.join(' ')).toBeLessThan(ms);
  const lines = r.stderr.trim().split('\n');
  expect(lines, args.join(' ')).toHaveLength(1);
  expect(lines[0]).toMatch(re);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const scenario = (extra: Record<string, unknown> = {}) => ({
  transducer: { preset: 'clinical-0.8mhz' },
  medium: 'water',
  sonication: { duration: 1, cooling: 0 },
  ...extra,
});

const plan = (sonications: unknown[], extra: Record<string, unknown> = {}) => ({
  format: 'openfuas-plan',
  version: 1,
  device: { preset: 'clinical-0.8mhz' },
  sonications,
  ...extra,
});

describe('fuas refuses hostile inputs quickly (exit 2, one line)', { timeout: 900_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fuas-limits-'));
  const p = (name: string) => join(dir, name);
  const shot = { focus: [0, 0, 0], power: 100, exposure: 3, cooling: 5, slice: 0 };
  beforeAll(() => {
    const grid = createGrid([9, 9, 9], [0.001, 0.001, 0.001]);
    const q = new Float32Array(729);
    q[364] = 1e9;
    writeFileSync(p('q.nii.gz'), encodeNifti({ grid, data: q }, { gzip: true }));
    // a 3 kB file whose header declares 1024 × 1024 × 256 voxels
    const big = encodeNifti({ grid, data: q });
    const v = new DataView(big.buffer, big.byteOffset);
    v.setInt16(42, 1024, true);
    v.setInt16(44, 1024, true);
    v.setInt16(46, 256, true);
    writeFileSync(p('big.nii'), big);
    writeFileSync(p('nan.nii'), encodeNifti({ grid, data: Float32Array.from(q, (x, i) => (i === 10 ? Number.NaN : x)) }));
    execFileSync('mkfifo', [p('fifo')]);
    writeFileSync(p('powr.json'), JSON.stringify(scenario({ transducer: { preset: 'clinical-0.8mhz', powr: 400 } })));
    const layers = Array.from({ length: 10_000 }, () => ({ tissue: 'water', thickness: 0.01 }));
    writeFileSync(p('layers.json'), JSON.stringify(scenario({ medium: { layers } })));
    writeFileSync(p('cond.json'), JSON.stringify(scenario({ medium: { density: 1000, soundSpeed: 1500, conductivity: 1e6 } })));
    // a case folder (4 mm phantom) and plans for it
    const c = generatePhantom({ voxelSizeMm: 4 });
    mkdirSync(p('case'));
    for (const [name, bytes] of Object.entries(encodeCaseFiles(c))) writeFileSync(join(p('case'), name), bytes);
    // 10^6 sonications: the text JSON.stringify writes for them, built without a million objects (the same bytes)
    const head = JSON.stringify(plan([])).replace(/\[\]\}$/, '[');
    writeFileSync(p('million.json'), `${head}${`${JSON.stringify(shot)},`.repeat(999_999)}${JSON.stringify(shot)}]}`);
    writeFileSync(p('many.json'), JSON.stringify(plan(Array.from({ length: 6000 }, () => shot))));
    writeFileSync(p('far.json'), JSON.stringify(plan([{ ...shot, focus: [1e308, 0, 0] }])));
    writeFileSync(p('dose.json'), JSON.stringify(plan([shot], { constraints: { lesionDose: 1e-300 } })));
    writeFileSync(p('other.json'), JSON.stringify(plan([shot], { caseName: 'someone-else' })));
    writeFileSync(p('stale.json'), JSON.stringify(plan([shot], { caseName: c.name, caseSha256: '0'.repeat(64) })));
    writeFileSync(p('file'), 'a file');
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const heat = ['thermal', '--source'];
  it('thermal: --duration 1e9, --dt 1e-12, --conductivity 1e6, --threads 256, empty numbers', () => {
    refused([...heat, p('q.nii.gz'), '--duration', '1e9', '--tissue', 'muscle'], /simulated time \(s\): 1000000000 exceeds the limit/);
    refused([...heat, p('q.nii.gz'), '--duration', '3', '--dt', '1e-12', '--tissue', 'muscle'], /time steps .* exceeds the limit/);
    refused(
      [
        ...heat,
        p('q.nii.gz'),
        '--duration',
        '3',
        '--density',
        '1000',
        '--specific-heat',
        '3600',
        '--conductivity',
        '1e6',
        '--perfusion',
        '0',
      ],
      /--conductivity: must be within \[0\.01, 10\]/,
    );
    refused([...heat, p('q.nii.gz'), '--duration', '3', '--tissue', 'muscle', '--threads', '256'], /--threads/);
    refused([...heat, p('q.nii.gz'), '--duration', '', '--tissue', 'muscle'], /--duration.*expected a number/);
    refused(['case', 'phantom', '--seed', '', '--out', p('x')], /--seed.*expected an integer/);
  });

  it('readers: 1024 × 1024 × 256 declared voxels, NaN voxels, /dev/zero, a FIFO', () => {
    refused([...heat, p('big.nii'), '--duration', '3', '--tissue', 'muscle'], /268435456 voxels exceeds the limit/);
    refused([...heat, p('nan.nii'), '--duration', '3', '--tissue', 'muscle'], /voxel \[1, 1, 0\] is NaN/);
    refused([...heat, '/dev/zero', '--duration', '3', '--tissue', 'muscle'], /\/dev\/zero: is not a regular file/);
    refused(['heat', '/dev/zero'], /not a regular file/);
    refused([...heat, p('fifo'), '--duration', '3', '--tissue', 'muscle'], /fifo: is not a regular file/);
  });

  it('scenarios: an unknown key names the closest one, 10,000 layers, conductivity 1e6', () => {
    refused(['heat', p('powr.json')], /transducer\.powr: unknown key; did you mean "power"\?/);
    refused(['field', p('layers.json')], /medium\.layers: layers: 10000 exceeds the limit of 256/);
    refused(['heat', p('cond.json')], /medium\.conductivity: must be within \[0\.01, 10\]/);
  });

  it('plans: 10^6 sonications, a focus at 1e308, lesionDose 1e-300, another case, a stale case hash', () => {
    refused(['simulate', p('case'), p('million.json')], /million\.json: \d+ bytes exceed the (JSON )?input limit/);
    refused(['simulate', p('case'), p('many.json')], /plan\.sonications: at most 5000 sonications/);
    refused(['simulate', p('case'), p('far.json')], /plan\.sonications\[0\]\.focus\[0\]: must be within \[-1, 1\] m/);
    refused(['simulate', p('case'), p('dose.json')], /plan\.constraints\.lesionDose: must be within \[1, 10000\]/);
    refused(['simulate', p('case'), p('other.json')], /the plan is for case "someone-else"/);
    refused(['simulate', p('case'), p('stale.json')], /another version of case/);
  });

  it('bad --out paths are refused before any computation', () => {
    const run = [...heat, p('q.nii.gz'), '--duration', '3', '--tissue', 'muscle'];
    refused([...run, '--out', dir], /is a folder, expected a file/);
    refused([...run, '--out', join(p('file'), 'x.nii')], /--out: cannot create the folder/);
    refused([...run, '--out', '/proc/x/y.nii'], /--out: cannot/);
    refused([...run, '--out', p(`${'n'.repeat(300)}.nii`)], /longer than 255 bytes/);
    refused(['plan', p('case'), '--out', dir], /is a folder/);
    refused(['simulate', p('case'), p('dose.json'), '--out', p('file')], /exists and is not a folder/);
    refused(['case', 'phantom', '--voxel', '4', '--out', p('case/case.json')], /not a folder/);
    // nothing was left behind: no temporary or partial files beside the outputs
    expect(readdirSync(dir).filter((n) => n.startsWith('.fuas-') || n.includes('partial'))).toEqual([]);
  });

  it('a folder mixing two case writes is refused; a kill during a rewrite never leaves a mixed folder', async () => {
    const other = encodeCaseFiles(generatePhantom({ voxelSizeMm: 4, fibroids: [{ diameterMm: 30, position: 'anterior', t2Type: 1 }] }));
    mkdirSync(p('mixed'));
    for (const [name, bytes] of Object.entries(encodeCaseFiles(generatePhantom({ voxelSizeMm: 4 }))))
      writeFileSync(join(p('mixed'), name), bytes);
    writeFileSync(join(p('mixed'), 'labels.nii.gz'), other['labels.nii.gz']);
    refused(['case', 'info', p('mixed')], /labels\.nii\.gz: content differs from the hash in case\.json/);
    // rewrite a case folder and kill the writer while it writes (when its fresh sibling folder appears, and a
    // little later): the folder is whole, old or new, or absent with the old one beside it, never mixed
    const { spawn } = await import('node:child_process');
    const { FUAS_BIN } = await import('./run-cli.js');
    for (const extraMs of [0, 5, 20, 60]) {
      const child = spawn(process.execPath, [FUAS_BIN, 'case', 'phantom', '--voxel', '4', '--fibroid-diameter', '30', '--out', p('case')], {
        env: { ...process.env, OPENFUAS_SOURCE: '1' },
        stdio: 'ignore',
      });
      let exited = false;
      child.once('exit', () => {
        exited = true;
      });
      while (!exited && !readdirSync(dir).some((n) => n.startsWith('.fuas-new-'))) await new Promise((r) => setTimeout(r, 2));
      await new Promise((r) => setTimeout(r, extraMs));
      child.kill('SIGKILL');
      if (!exited) await new Promise((r) => child.once('exit', r));
      if (existsSync(p('case'))) {
        const info = runFuas(['case', 'info', p('case'), '--json']);
        expect(info.status, info.stderr).toBe(0);
      }
    }
  }, 600_000);
});

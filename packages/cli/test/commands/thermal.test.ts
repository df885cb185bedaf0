import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGrid, decodeNifti, encodeNifti } from '@openfuas/core';
import { runFuas } from '../run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fuas-thermal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 20×20×28 grid at 0.5 mm with a cigar-shaped Gaussian heat source (peak W/m³) in its middle. */
function writeSource(name: string, peak: number, poison = false): string {
  const n = [20, 20, 28] as const;
  const h = 0.5e-3;
  const grid = createGrid(n, [h, h, h]);
  const q = new Float32Array(n[0] * n[1] * n[2]);
  for (let k = 0; k < n[2]; k++)
    for (let j = 0; j < n[1]; j++)
      for (let i = 0; i < n[0]; i++) {
        const r2 = ((i - 10) * h) ** 2 / 0.8e-3 ** 2 + ((j - 10) * h) ** 2 / 0.8e-3 ** 2 + ((k - 14) * h) ** 2 / 3e-3 ** 2;
        q[i + n[0] * (j + n[1] * k)] = peak * Math.exp(-0.5 * r2);
      }
  if (poison) q[123] = Number.NaN;
  const path = join(dir, name);
  writeFileSync(path, encodeNifti({ grid, data: q }, { gzip: name.endsWith('.gz') }));
  return path;
}

describe('fuas thermal', () => {
  const source = writeSource('q.nii.gz', 1.2e8);

  it('prints peak temperature, dose, lesion volume and timeline as JSON and writes T and CEM43 volumes', () => {
    const out = join(dir, 'T.nii.gz');
    const doseOut = join(dir, 'cem.nii');
    const r = runFuas([
      'thermal',
      '--source',
      source,
      '--duration',
      '2',
      '--cooling',
      '2',
      '--tissue',
      'muscle',
      '--out',
      out,
      '--dose-out',
      doseOut,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.peakTemperature).toBeGreaterThan(60);
    expect(j.peakTemperature).toBeLessThan(100);
    expect(j.maxDose).toBeGreaterThan(240);
    expect(j.lesionVolume).toBeGreaterThan(0);
    expect(j.lesionVolume).toBeLessThan(1e-6);
    expect(j.timeline.t[0]).toBe(0);
    expect(j.timeline.t.at(-1)).toBeCloseTo(4, 12);
    expect(j.timeline.peakTemperature.length).toBe(j.timeline.t.length);
    expect(Math.max(...j.timeline.peakTemperature)).toBeCloseTo(j.peakTemperature, 9);
    const T = decodeNifti(new Uint8Array(readFileSync(out)), out);
    const dose = decodeNifti(new Uint8Array(readFileSync(doseOut)), doseOut);
    expect(T.grid.shape).toEqual([20, 20, 28]);
    expect(Math.abs(Math.max(...dose.data) / j.maxDose - 1)).toBeLessThan(1e-6);
    expect(Math.max(...T.data)).toBeLessThan(j.peakTemperature);
  });

  it('accepts explicit properties instead of a tissue name', () => {
    const r = runFuas([
      'thermal',
      '--source',
      source,
      '--duration',
      '1',
      '--density',
      '1000',
      '--specific-heat',
      '4000',
      '--conductivity',
      '0.5',
      '--perfusion',
      '0',
      '--json',
    ]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).peakTemperature).toBeGreaterThan(37);
  });

  it.each([
    ['a negative duration', ['--duration', '-1', '--tissue', 'muscle'], /duration/],
    ['a non-finite cooling', ['--duration', '1', '--cooling', 'NaN', '--tissue', 'muscle'], /cooling/],
    ['a dt beyond stability', ['--duration', '1', '--dt', '5', '--tissue', 'muscle'], /dt: .*stability limit/],
    ['an unknown tissue', ['--duration', '1', '--tissue', 'granite'], /unknown tissue/],
    ['missing properties', ['--duration', '1', '--density', '1000'], /--tissue/],
  ])('exits 2 with a clear message on %s', (_name, args, message) => {
    const r = runFuas(['thermal', '--source', source, ...args, '--json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('exits 2 on a source with a NaN, naming the file and the voxel', () => {
    const bad = writeSource('bad.nii', 1e9, true);
    const r = runFuas(['thermal', '--source', bad, '--duration', '1', '--tissue', 'muscle', '--json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.nii: voxel \[.*\] is NaN/);
  });

  it('exits 2 on a missing or corrupt source file', () => {
    const junk = join(dir, 'junk.nii');
    writeFileSync(junk, 'not a nifti file');
    expect(runFuas(['thermal', '--source', join(dir, 'none.nii'), '--duration', '1', '--tissue', 'muscle']).status).toBe(2);
    const r = runFuas(['thermal', '--source', junk, '--duration', '1', '--tissue', 'muscle']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/junk\.nii/);
  });
});

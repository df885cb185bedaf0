import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNifti } from '@openfuas/core';
import { describe, expect, it } from 'vitest';
import { runFuas } from '../run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fuas-field-'));
function scenarioFile(name: string, json: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(json));
  return p;
}
const water = scenarioFile('water.json', {
  transducer: { frequency: 1e6, radiusOfCurvature: 0.1, aperture: 0.06, holeDiameter: 0, surfaceVelocity: 0.05 },
  medium: 'water',
  sonication: { duration: 3, cooling: 6 },
});

describe('fuas field', () => {
  it('prints { axis, focus } JSON with SI units (oneil and rayleigh agree at the focus to 0.1 %)', () => {
    const results = ['oneil', 'rayleigh'].map((m) => {
      const r = runFuas(['field', water, '--method', m, '--axis', '60:140:0.5', '--json']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout);
    });
    const [o, ray] = results;
    expect(o.axis.z).toHaveLength(161);
    expect(o.axis.z[0]).toBeCloseTo(0.06, 12);
    expect(o.axis.pressure).toHaveLength(161);
    expect(o.focus.position).toHaveLength(3);
    expect(o.focus.position[2]).toBeGreaterThan(0.09);
    expect(o.focus.position[2]).toBeLessThan(0.1);
    expect(Math.abs(ray.focus.pressure / o.focus.pressure - 1)).toBeLessThan(1e-3);
    // |p(R)| = ρ c u0 k h e^{−αR} with the built-in water (ρ 993, c 1524, α 0.0022 dB/cm/MHz²)
    const k = (2 * Math.PI * 1e6) / 1524;
    const h = 0.1 - Math.sqrt(0.01 - 0.0009);
    const alpha = 0.0022 * 100 * (Math.LN10 / 20);
    const iR = o.axis.z.findIndex((z: number) => Math.abs(z - 0.1) < 1e-9);
    expect(Math.abs(o.axis.pressure[iR] / (993 * 1524 * 0.05 * k * h * Math.exp(-alpha * 0.1)) - 1)).toBeLessThan(1e-6);
    for (const key of ['pressure', 'intensity', 'width6dB', 'length6dB']) expect(typeof ray.focus[key]).toBe('number');
  });
  it('asm through layers writes a NIfTI volume centred on the geometric focus', () => {
    const sc = scenarioFile('layers.json', {
      transducer: { frequency: 1e6, radiusOfCurvature: 0.1, aperture: 0.06, power: 5 },
      medium: { layers: [{ tissue: 'water', thickness: 0.07 }, { tissue: 'fat', thickness: 0.01 }, { tissue: 'muscle' }] },
    });
    const out = join(dir, 'field.nii.gz');
    const r = runFuas(['field', sc, '--method', 'asm', '--axis', '80:120:0.5', '--json', '--out', out, '--volume', '4:4:10:0.5']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    const v = decodeNifti(new Uint8Array(readFileSync(out)), out);
    expect(v.grid.shape).toEqual([9, 9, 21]);
    expect(v.grid.spacing[0]).toBeCloseTo(5e-4, 9);
    // the volume's peak is near the axial focus
    let best = 0;
    for (let i = 1; i < v.data.length; i++) if (v.data[i] > v.data[best]) best = i;
    expect(best % 9).toBe(4);
    expect(Math.abs(v.data[best] / j.focus.pressure - 1)).toBeLessThan(0.05);
  });
  it.each([
    [{ transducer: { frequency: 1e6, radiusOfCurvature: 0.1, aperture: 0.3, power: 1 }, medium: 'water' }, /transducer\.aperture/],
    [
      { transducer: { frequency: 1e6, radiusOfCurvature: -0.1, aperture: 0.06, power: 1 }, medium: 'water' },
      /transducer\.radiusOfCurvature/,
    ],
    [{ transducer: { frequency: 20e6, radiusOfCurvature: 0.1, aperture: 0.06, power: 1 }, medium: 'water' }, /transducer\.frequency/],
    [{ transducer: { preset: 'clinical-0.8mhz' }, medium: 'kryptonite' }, /medium: unknown tissue/],
  ])('exits 2 naming the field for a bad scenario %#', (json, message) => {
    const r = runFuas(['field', scenarioFile('bad.json', json), '--method', 'oneil', '--json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
  it('exits 2 for a bad method, a bad axis and a grid too large', () => {
    expect(runFuas(['field', water, '--method', 'fdtd']).status).toBe(2);
    expect(runFuas(['field', water, '--axis', '10:5:1']).status).toBe(2);
    const big = runFuas([
      'field',
      water,
      '--method',
      'asm',
      '--axis',
      '90:110:1',
      '--out',
      join(dir, 'x.nii'),
      '--volume',
      '400:400:400:0.1',
    ]);
    expect(big.status).toBe(2);
    expect(big.stderr).toMatch(/exceeds the limit/);
  });

  it('refuses an unwritable --out before computing the field (exit 2, one line, nothing written)', () => {
    const args = ['field', water, '--method', 'asm', '--axis', '90:110:1', '--volume', '4:4:4:1', '--out'];
    const folder = runFuas([...args, dir]);
    expect(folder.status).toBe(2);
    expect(folder.stderr).toMatch(/is a folder, expected a file/);
    const fileAsParent = join(dir, 'plain-file');
    writeFileSync(fileAsParent, 'x');
    const underFile = runFuas([...args, join(fileAsParent, 'f.nii')]);
    expect(underFile.status).toBe(2);
    expect(underFile.stderr.trim().split('\n')).toHaveLength(1);
    expect(underFile.stdout).toBe('');
  });
});

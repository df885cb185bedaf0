import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeNifti } from '@openfuas/core';
import { runFuas } from '../run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fuas-heat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, json: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof json === 'string' ? json : JSON.stringify(json));
  return p;
}

/** A small 1.5 MHz bowl (R 30 mm, aperture 30 mm) in muscle at 25 W: a box of 39×39×121 voxels, seconds to run. */
const transducer = { frequency: 1.5e6, radiusOfCurvature: 0.03, aperture: 0.03, power: 25 };
const scenario = { transducer, medium: 'muscle', sonication: { duration: 1, cooling: 1 } };

describe('fuas heat', () => {
  const file = writeJson('scenario.json', scenario);

  it('prints the object of fuas thermal plus the lesion, and equals fuas thermal run on the same heat source', () => {
    const out = join(dir, 'T.nii.gz');
    const doseOut = join(dir, 'cem.nii');
    const r = runFuas(['heat', file, '--json', '--threads', '1', '--out', out, '--dose-out', doseOut]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    // The contract's fields and their meaning.
    expect(j.timeline.t[0]).toBe(0);
    expect(j.timeline.t.at(-1)).toBeCloseTo(2, 12);
    expect(j.timeline.peakTemperature.length).toBe(j.timeline.t.length);
    expect(Math.max(...j.timeline.peakTemperature)).toBeCloseTo(j.peakTemperature, 9);
    expect(j.peakTemperature).toBeGreaterThan(60);
    expect(j.maxDose).toBeGreaterThan(240);
    expect(j.lesionVolume).toBeGreaterThan(0);
    // A cigar along the beam: longer than wide, both millimetric for this small bowl.
    expect(j.lesion.length).toBeGreaterThan(1.5 * j.lesion.width);
    expect(j.lesion.width).toBeGreaterThan(0.2e-3);
    expect(j.lesion.length).toBeLessThan(10e-3);
    // The lesion volume lies between the inscribed and the circumscribed box of its ellipsoid-like shape.
    const box = j.lesion.length * j.lesion.width ** 2;
    expect(j.lesionVolume).toBeGreaterThan(0.3 * box);
    expect(j.lesionVolume).toBeLessThan(1.05 * box);
    expect(j.grid.spacing).toEqual([0.25e-3, 0.25e-3, 0.25e-3]); // min(0.25 mm, λ/4 = 0.265 mm)
    expect(j.focus.position[2]).toBeLessThan(0.03);
    const T = decodeNifti(new Uint8Array(readFileSync(out)), out);
    const dose = decodeNifti(new Uint8Array(readFileSync(doseOut)), doseOut);
    expect(T.grid.shape).toEqual(j.grid.shape);
    let doseMax = 0;
    for (const v of dose.data) doseMax = Math.max(doseMax, v);
    expect(Math.abs(doseMax / j.maxDose - 1)).toBeLessThan(1e-6);

    // The same heat source through `fuas field` (the same box around the geometric focus) and `fuas thermal`
    // (homogeneous muscle) gives the same numbers: heat = field + thermal, nothing else.
    const q = join(dir, 'q.nii');
    const [sx, sy, sz] = j.grid.shape.map((n: number) => (n - 1) * 0.25);
    const f = runFuas(['field', file, '--volume', `${sx}:${sy}:${sz}:0.25`, '--quantity', 'heat', '--out', q, '--threads', '1']);
    expect(f.stderr).toBe('');
    expect(f.status).toBe(0);
    const t = runFuas(['thermal', '--source', q, '--duration', '1', '--cooling', '1', '--tissue', 'muscle', '--threads', '1', '--json']);
    expect(t.stderr).toBe('');
    expect(t.status).toBe(0);
    const k = JSON.parse(t.stdout);
    for (const key of Object.keys(k)) expect(j).toHaveProperty(key);
    expect(j.peakTemperature).toBeCloseTo(k.peakTemperature, 4);
    expect(j.maxDose / k.maxDose).toBeCloseTo(1, 4);
    expect(j.lesionVolume).toBeCloseTo(k.lesionVolume, 12);
    expect(j.lesion.length).toBeCloseTo(k.lesion.length, 8);
    expect(j.lesion.width).toBeCloseTo(k.lesion.width, 8);
    expect(j.timeline.t).toEqual(k.timeline.t);
  }, 60_000);

  it('prints a text summary without --json', () => {
    const r = runFuas(['heat', file, '--threads', '1']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/peak temperature [\d.]+ °C/);
    expect(r.stdout).toMatch(/lesion [\d.]+ mm³ \(length [\d.]+ mm/);
  }, 60_000);

  const bad: Array<[string, unknown, RegExp]> = [
    ['no sonication', { transducer, medium: 'muscle' }, /sonication: is required/],
    ['zero duration', { ...scenario, sonication: { duration: 0, cooling: 1 } }, /sonication\.duration: must be > 0/],
    ['negative cooling', { ...scenario, sonication: { duration: 1, cooling: -1 } }, /sonication\.cooling: must be >= 0/],
    ['duration as a string', { ...scenario, sonication: { duration: '1', cooling: 0 } }, /sonication\.duration: expected a finite number/],
    [
      'infinite duration',
      '{"transducer":{"preset":"clinical-0.8mhz"},"sonication":{"duration":1e999,"cooling":0}}',
      /sonication\.duration/,
    ],
    ['bad transducer', { ...scenario, transducer: { ...transducer, aperture: 0.07 } }, /transducer\.aperture/],
  ];
  for (const [name, json, message] of bad) {
    it(`exits 2 on ${name}`, () => {
      const r = runFuas(['heat', writeJson(`${name.replaceAll(' ', '-')}.json`, json), '--json']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }

  it('exits 2 on a bad --threads', () => {
    const r = runFuas(['heat', file, '--threads', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--threads/);
  });
});

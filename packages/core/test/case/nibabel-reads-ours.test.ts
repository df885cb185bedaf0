// Cross-check with an independent reader: nibabel (Debian's python3-nibabel) must open the NIfTI files we
// write with the same affine, datatype and values. Not skipped: when nibabel is missing, the setup installs
// it with apt-get (as scripts/ensure-chromium.js does for Chromium) and the test fails if it cannot.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type VoxelArray, createGrid, encodeNifti } from '../../src/index.js';

function pythonWithNibabel(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import nibabel'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

let python: string | null = null;
let dir = '';

beforeAll(() => {
  python = pythonWithNibabel();
  if (!python && typeof process.getuid === 'function' && process.getuid() === 0) {
    spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-nibabel'], {
      stdio: 'ignore',
      timeout: 110_000,
    });
    python = pythonWithNibabel();
  }
  dir = mkdtempSync(join(tmpdir(), 'fuas-nibabel-'));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const READ = `
import json, sys
import nibabel as nib
import numpy as np
out = {}
for path in sys.argv[1:]:
    img = nib.load(path)
    h = img.header
    d = np.asarray(img.dataobj)
    out[path] = {
        "shape": [int(s) for s in img.shape],
        "dtype": d.dtype.name,
        "sformCode": int(h["sform_code"]),
        "qformCode": int(h["qform_code"]),
        "sform": [float(x) for x in h.get_sform().ravel()],
        "qform": [float(x) for x in h.get_qform().ravel()],
        "affine": [float(x) for x in img.affine.ravel()],
        "zooms": [float(z) for z in h.get_zooms()],
        "intent": h.get_intent()[0],
        "values": [float(x) for x in d.ravel(order="F")],
    }
print(json.dumps(out))
`;

describe('nibabel reads the NIfTI files encodeNifti writes', () => {
  it('finds python3 with nibabel (installs python3-nibabel when missing)', () => {
    expect(python, 'python3-nibabel is needed for this cross-check: apt-get install -y python3-nibabel').not.toBeNull();
  });

  it('same shape, datatype, sform/qform and values for every datatype, plain and gzipped, oblique grid', () => {
    expect(python).not.toBeNull();
    const shape: [number, number, number] = [5, 4, 3];
    const n = 60;
    const t = (30 * Math.PI) / 180;
    // rotation 30° about z, spacing 0.9 × 1.2 × 2.5 mm, a flip of the third axis (qfac −1)
    const affine = [0.9 * Math.cos(t), -1.2 * Math.sin(t), 0, -20, 0.9 * Math.sin(t), 1.2 * Math.cos(t), 0, 15, 0, 0, -2.5, 60, 0, 0, 0, 1];
    const grid = createGrid(shape, [0.9e-3, 1.2e-3, 2.5e-3], [-0.02, 0.015, 0.06], affine);
    const cases: Array<[string, VoxelArray, string]> = [
      ['u8.nii.gz', Uint8Array.from({ length: n }, (_, i) => (i * 7) % 256), 'uint8'],
      ['i16.nii', Int16Array.from({ length: n }, (_, i) => i * 500 - 15000), 'int16'],
      ['u16.nii.gz', Uint16Array.from({ length: n }, (_, i) => i * 1000), 'uint16'],
      ['i32.nii', Int32Array.from({ length: n }, (_, i) => (i - 30) * 100000), 'int32'],
      ['f32.nii.gz', Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 100)), 'float32'],
      ['f64.nii', Float64Array.from({ length: n }, (_, i) => Math.cos(i) / 3), 'float64'],
    ];
    const paths = cases.map(([name, data]) => {
      const p = join(dir, name);
      writeFileSync(p, encodeNifti({ grid, data }, { gzip: name.endsWith('.gz'), intent: name.startsWith('u8') ? 'label' : '' }));
      return p;
    });
    const out = JSON.parse(execFileSync(python!, ['-c', READ, ...paths], { encoding: 'utf8' }));
    cases.forEach(([, data, dtype], c) => {
      const r = out[paths[c]];
      expect(r.shape).toEqual(shape);
      expect(r.dtype).toBe(dtype);
      expect(r.sformCode).toBe(1);
      expect(r.qformCode).toBe(1);
      for (let i = 0; i < 16; i++) {
        expect(Math.abs(r.sform[i] - affine[i])).toBeLessThan(1e-5);
        expect(Math.abs(r.qform[i] - affine[i])).toBeLessThan(1e-5);
        expect(Math.abs(r.affine[i] - affine[i])).toBeLessThan(1e-5);
      }
      expect(r.zooms[0]).toBeCloseTo(0.9, 5);
      expect(r.zooms[1]).toBeCloseTo(1.2, 5);
      expect(r.zooms[2]).toBeCloseTo(2.5, 5);
      expect(r.values).toEqual(Array.from(data));
      if (c === 0) expect(r.intent).toBe('label');
    });
  });
});

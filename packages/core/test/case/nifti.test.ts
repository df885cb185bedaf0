import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';

// Counts the bytes fflate's streaming Gunzip hands out, so the bomb test can see how far decodeNifti inflated.
const inflated = vi.hoisted(() => ({ bytes: 0 }));
vi.mock('fflate', async (importOriginal) => {
  const real = await importOriginal<typeof import('fflate')>();
  class CountingGunzip extends real.Gunzip {
    constructor(cb?: (chunk: Uint8Array, final: boolean) => void) {
      super((chunk, final) => {
        inflated.bytes += chunk.length;
        cb?.(chunk, final);
      });
    }
  }
  return { ...real, Gunzip: CountingGunzip };
});
import {
  FormatError,
  LimitError,
  type VoxelArray,
  affineToQuatern,
  createGrid,
  decodeNifti,
  encodeNifti,
  quaternToAffine,
} from '../../src/index.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8')) as Record<
  string,
  { shape: number[]; datatype: string; method: string; affine: number[]; sclSlope: number; sclInter: number; values: number[] }
>;

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

/** A rotation about z by `deg` then about x by `degX`, times diag(spacing), plus a translation (mm). */
function obliqueAffine(deg: number, degX: number, spacingMm: number[], originMm: number[]): number[] {
  const t = (deg * Math.PI) / 180;
  const u = (degX * Math.PI) / 180;
  const Rz = [
    [Math.cos(t), -Math.sin(t), 0],
    [Math.sin(t), Math.cos(t), 0],
    [0, 0, 1],
  ];
  const Rx = [
    [1, 0, 0],
    [0, Math.cos(u), -Math.sin(u)],
    [0, Math.sin(u), Math.cos(u)],
  ];
  const R = Rz.map((row) => [0, 1, 2].map((j) => row[0] * Rx[0][j] + row[1] * Rx[1][j] + row[2] * Rx[2][j]));
  const m: number[] = [];
  for (let i = 0; i < 3; i++) m.push(R[i][0] * spacingMm[0], R[i][1] * spacingMm[1], R[i][2] * spacingMm[2], originMm[i]);
  m.push(0, 0, 0, 1);
  return m;
}

describe('decodeNifti on files written by nibabel (fixtures/make-fixtures.py)', () => {
  for (const [name, e] of Object.entries(expected)) {
    it(`${name}: shape, ${e.method} affine, ${e.datatype} data scaled as nibabel scales them`, () => {
      const v = decodeNifti(fixture(name), name);
      expect([...v.grid.shape]).toEqual(e.shape);
      expect(v.header.affineSource).toBe(e.method);
      expect(v.header.datatypeName).toBe(e.datatype);
      for (let i = 0; i < 16; i++) expect(v.grid.affine[i]).toBeCloseTo(e.affine[i], 5);
      // spacing (m) = column lengths of the affine (mm) / 1000
      for (let j = 0; j < 3; j++) {
        const len = Math.hypot(e.affine[j], e.affine[4 + j], e.affine[8 + j]) / 1000;
        expect(v.grid.spacing[j]).toBeCloseTo(len, 9);
      }
      expect(v.data.length).toBe(e.values.length);
      // Float32 output: relative 1e-6 of the value range
      for (let i = 0; i < e.values.length; i++)
        expect(Math.abs(v.data[i] - e.values[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(e.values[i])));
    });
  }

  it('int16 fixture keeps its stored integers in raw and its scl_slope 2.5 / scl_inter -100', () => {
    const v = decodeNifti(fixture('int16-scaled.nii'));
    expect(v.raw.data).toBeInstanceOf(Int16Array);
    expect(v.header.sclSlope).toBe(2.5);
    expect(v.header.sclInter).toBe(-100);
    for (let i = 0; i < 20; i++) expect(v.data[i]).toBeCloseTo(v.raw.data[i] * 2.5 - 100, 4);
  });

  it('big-endian uint16 fixture is byte-swapped', () => {
    const v = decodeNifti(fixture('uint16-bigendian.nii'));
    expect(v.header.littleEndian).toBe(false);
    expect(v.raw.data).toBeInstanceOf(Uint16Array);
    expect(v.raw.data[1]).toBe(12000);
  });
});

describe('encodeNifti → decodeNifti round trip', () => {
  const shape: [number, number, number] = [7, 5, 4];
  const n = 7 * 5 * 4;
  const makers: Array<[string, () => VoxelArray]> = [
    ['uint8', () => Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256)],
    ['int16', () => Int16Array.from({ length: n }, (_, i) => ((i * 997) % 65536) - 32768)],
    ['uint16', () => Uint16Array.from({ length: n }, (_, i) => (i * 1999) % 65536)],
    ['int32', () => Int32Array.from({ length: n }, (_, i) => (i - 70) * 1234567)],
    ['float32', () => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3)],
    ['float64', () => Float64Array.from({ length: n }, (_, i) => Math.cos(i) / 7)],
  ];
  const affine = obliqueAffine(25, -12, [0.8, 1.1, 2.5], [-40.5, 12.25, 100]);
  const grid = createGrid(shape, [0.8e-3, 1.1e-3, 2.5e-3], [-0.0405, 0.01225, 0.1], affine);
  for (const [name, make] of makers) {
    for (const gzip of [false, true]) {
      it(`${name}${gzip ? ' gzipped' : ''}: same values, same type, same affine`, () => {
        const data = make();
        const bytes = encodeNifti({ grid, data }, { gzip });
        expect(bytes[0] === 0x1f && bytes[1] === 0x8b).toBe(gzip);
        const v = decodeNifti(bytes, 'rt.nii');
        expect(v.raw.data.constructor).toBe(data.constructor);
        expect(Array.from(v.raw.data)).toEqual(Array.from(data));
        expect([...v.grid.shape]).toEqual(shape);
        // header stores float32: 1e-4 mm is far below any voxel
        for (let i = 0; i < 16; i++) expect(Math.abs(v.grid.affine[i] - affine[i])).toBeLessThan(1e-4);
        for (let j = 0; j < 3; j++) expect(v.grid.spacing[j]).toBeCloseTo(grid.spacing[j], 8);
        for (let i = 0; i < n; i++) expect(v.data[i]).toBe(Math.fround(data[i]));
      });
    }
  }

  it('writes description and label intent', () => {
    const data = new Uint8Array(n);
    const v = decodeNifti(encodeNifti({ grid, data }, { description: 'phantom labels', intent: 'label' }));
    expect(v.header.description).toBe('phantom labels');
    expect(v.header.intentCode).toBe(1002);
    expect(v.header.intentName).toBe('label');
    expect(v.header.sformCode).toBe(1);
    expect(v.header.qformCode).toBe(1);
  });

  it('the qform written for a rigid oblique affine reproduces it (qform-only reading)', () => {
    for (const [deg, degX, flip] of [
      [0, 0, 1],
      [30, 0, 1],
      [170, 45, 1],
      [-90, 90, -1],
      [180, 180, 1],
      [33, -120, -1],
    ]) {
      const m = obliqueAffine(deg, degX, [0.7, 1.3, 3], [1, 2, 3]);
      if (flip < 0) for (const r of [0, 4, 8]) m[r + 2] = -m[r + 2];
      const q = affineToQuatern(m);
      const back = quaternToAffine(...q.quatern, ...q.qoffset, ...q.pixdim, q.qfac);
      for (let i = 0; i < 16; i++) expect(back[i]).toBeCloseTo(m[i], 9);
      // and through a file with sform_code set to 0
      const g = createGrid([2, 2, 2], [0.0007, 0.0013, 0.003], [0, 0, 0], m);
      const bytes = encodeNifti({ grid: g, data: new Uint8Array(8) });
      new DataView(bytes.buffer).setInt16(254, 0, true);
      const v = decodeNifti(bytes);
      expect(v.header.affineSource).toBe('qform');
      for (let i = 0; i < 16; i++) expect(Math.abs(v.grid.affine[i] - m[i])).toBeLessThan(1e-5);
    }
  });

  it('reads xyzt_units in metres and micrometres as mm', () => {
    const g = createGrid([2, 2, 2], [0.001, 0.001, 0.001]);
    const bytes = encodeNifti({ grid: g, data: new Uint8Array(8) });
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < 12; i++) dv.setFloat32(280 + 4 * i, dv.getFloat32(280 + 4 * i, true) / 1000, true);
    bytes[123] = 1; // metres
    expect(decodeNifti(bytes).grid.spacing[0]).toBeCloseTo(0.001, 9);
  });
});

describe('decodeNifti rejects bad files with a FormatError naming the file', () => {
  const grid = createGrid([4, 3, 2], [0.001, 0.001, 0.002]);
  const good = encodeNifti({ grid, data: new Int16Array(24).fill(5) });

  function expectFormatError(bytes: Uint8Array, pattern: RegExp) {
    let err: unknown;
    try {
      decodeNifti(bytes, 'bad.nii');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).file).toBe('bad.nii');
    expect((err as Error).message).toMatch(/^bad\.nii: /);
    expect((err as Error).message).toMatch(pattern);
  }

  it('empty and truncated files', () => {
    expectFormatError(new Uint8Array(0), /truncated/);
    expectFormatError(good.subarray(0, 100), /truncated.*348/);
    expectFormatError(good.subarray(0, good.length - 1), /truncated.*48 bytes of data/);
  });

  it('truncated and corrupt gzip', () => {
    const gz = gzipSync(good);
    expectFormatError(gz.subarray(0, 20), /gzip|truncated/);
    const bad = gz.slice();
    for (let i = 12; i < bad.length - 8; i++) bad[i] ^= 0x5a;
    expectFormatError(bad, /./);
  });

  it('not NIfTI, NIfTI-2, header pair, wrong magic', () => {
    expectFormatError(new TextEncoder().encode('hello world'.repeat(40)), /not a NIfTI-1/);
    const two = good.slice();
    new DataView(two.buffer).setInt32(0, 540, true);
    expectFormatError(two, /NIfTI-2/);
    const pair = good.slice();
    pair.set([0x6e, 0x69, 0x31, 0], 344);
    expectFormatError(pair, /\.hdr\/\.img/);
    const magic = good.slice();
    magic[345] = 0x3f;
    expectFormatError(magic, /magic/);
  });

  it('unsupported datatype, wrong bitpix, 4D series, bad vox_offset, absurd voxel size', () => {
    const dt = good.slice();
    new DataView(dt.buffer).setInt16(70, 32, true);
    expectFormatError(dt, /complex64.*not supported/);
    const bp = good.slice();
    new DataView(bp.buffer).setInt16(72, 8, true);
    expectFormatError(bp, /bitpix/);
    const four = good.slice();
    new DataView(four.buffer).setInt16(40, 4, true);
    new DataView(four.buffer).setInt16(48, 5, true);
    expectFormatError(four, /only 3D/);
    const off = good.slice();
    new DataView(off.buffer).setFloat32(108, 10, true);
    expectFormatError(off, /vox_offset/);
    const vox = good.slice();
    new DataView(vox.buffer).setFloat32(280, 1e9, true);
    expectFormatError(vox, /absurd voxel size/);
    const nan = good.slice();
    new DataView(nan.buffer).setFloat32(284, Number.NaN, true);
    expectFormatError(nan, /non-finite/);
  });

  it('huge dimensions are a LimitError (no allocation attempted)', () => {
    const huge = good.slice();
    const dv = new DataView(huge.buffer);
    dv.setInt16(42, 32000, true);
    dv.setInt16(44, 32000, true);
    dv.setInt16(46, 32000, true);
    expect(() => decodeNifti(huge, 'huge.nii')).toThrow(LimitError);
    // within limits but bigger than the file: truncated
    dv.setInt16(42, 100, true);
    dv.setInt16(44, 100, true);
    dv.setInt16(46, 100, true);
    expectFormatError(huge, /truncated/);
  });

  it('a gzip bomb is refused without inflating it beyond what the header needs', () => {
    // header says 4×3×2 int16; the stream holds 20 MB of zeros after it (its CRC could only be checked by
    // inflating all of it, so it is refused as longer than its header says)
    const big = new Uint8Array(good.length + 20_000_000);
    big.set(good);
    const gz = gzipSync(big, { level: 1 });
    inflated.bytes = 0;
    expect(() => decodeNifti(gz, 'bomb.nii.gz')).toThrow(/bomb\.nii\.gz: the gzip stream inflates to more than the 400 bytes/);
    // inflation stops near what the header asks (4 KiB input steps inflate to ≤ ~4 MB each), far from the 20 MB
    expect(inflated.bytes).toBeGreaterThan(good.length - 1);
    expect(inflated.bytes).toBeLessThan(5_000_000);
  });
});

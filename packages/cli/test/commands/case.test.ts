import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABEL, createGrid, decodeNifti, encodeNifti } from '@openfuas/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runFuas } from '../run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fuas-case-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DICOM_FIXTURES = new URL('../../../core/test/case/fixtures/dicom/', import.meta.url);

describe('fuas case', () => {
  const phantomDir = join(dir, 'phantom');

  it('phantom writes case.json, image.nii.gz, labels.nii.gz; info --json keeps the contract shape', () => {
    const r = runFuas([
      'case',
      'phantom',
      '--fibroid-diameter',
      '40',
      '--t2-type',
      '3',
      '--fat',
      '20',
      '--voxel',
      '2',
      '--out',
      phantomDir,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(phantomDir, 'case.json'), 'utf8'));
    expect(manifest.format).toBe('openfuas-case');
    expect(manifest.source.options.fibroids[0]).toEqual({ diameterMm: 40, position: 'anterior', t2Type: 3 });
    const labels = decodeNifti(new Uint8Array(readFileSync(join(phantomDir, 'labels.nii.gz'))));
    expect(labels.raw.data).toBeInstanceOf(Uint8Array);
    const info = runFuas(['case', 'info', phantomDir, '--json']);
    expect(info.status).toBe(0);
    const j = JSON.parse(info.stdout);
    expect(Object.keys(j)).toEqual(['grid', 'structures', 'target']);
    expect(Object.keys(j.grid)).toEqual(['shape', 'spacing']);
    expect(j.grid.spacing).toEqual([0.002, 0.002, 0.002]);
    expect(j.structures.fibroid).toEqual({ label: LABEL.fibroid, volume: expect.any(Number) });
    expect(Object.keys(j.target)).toEqual(['name', 'volume', 'depthFromSkin']);
    expect(j.target.name).toBe('fibroid');
    // 40 mm sphere = 33.5 cm³ (2 mm voxels: ±10 %)
    expect(Math.abs(j.target.volume / ((Math.PI / 6) * 0.04 ** 3) - 1)).toBeLessThan(0.1);
    // wall 2 + 20 + 9.1 mm, 5 mm gap, 5 mm myometrium → anterior edge ≈ 41 mm
    expect(j.target.depthFromSkin[0]).toBeGreaterThan(0.037);
    expect(j.target.depthFromSkin[0]).toBeLessThan(0.046);
    expect(j.target.depthFromSkin[1] - j.target.depthFromSkin[0]).toBeGreaterThan(0.034); // 40 mm less a voxel
    const text = runFuas(['case', 'info', phantomDir]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/target fibroid: .* cm³, depth below the skin along the beam \d+\.\d–\d+\.\d mm/);
  });

  it('import: phantom image + a Slicer-like segmentation with map.json (and from a DICOM folder)', () => {
    const labels = decodeNifti(new Uint8Array(readFileSync(join(phantomDir, 'labels.nii.gz'))));
    const seg = Uint8Array.from(labels.raw.data, (l) => (l === LABEL.fibroid ? 1 : l === LABEL.uterus ? 2 : 0));
    writeFileSync(join(dir, 'seg.nii.gz'), encodeNifti({ grid: labels.grid, data: seg }, { gzip: true }));
    writeFileSync(join(dir, 'map.json'), JSON.stringify({ 1: 'fibroid', 2: 'uterus' }));
    const out = join(dir, 'imported');
    const r = runFuas([
      'case',
      'import',
      '--image',
      join(phantomDir, 'image.nii.gz'),
      '--labels',
      join(dir, 'seg.nii.gz'),
      '--label-map',
      join(dir, 'map.json'),
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const a = JSON.parse(runFuas(['case', 'info', phantomDir, '--json']).stdout);
    const b = JSON.parse(runFuas(['case', 'info', out, '--json']).stdout);
    expect(b.structures.fibroid.volume).toBe(a.structures.fibroid.volume);
    expect(b.structures.uterus.volume).toBe(a.structures.uterus.volume);
    // the water bath is bright in the phantom image, so the body outline is not found: no air, depth to the grid edge
    expect(b.target.depthFromSkin[0]).toBeGreaterThan(a.target.depthFromSkin[0]);

    // DICOM folder as the image: a one-voxel "fibroid" segmentation on the series grid
    const dcm = join(dir, 'mr');
    cpSync(new URL('mr-oblique/', DICOM_FIXTURES), dcm, { recursive: true });
    const g = createGrid([6, 4, 5], [0.0009, 0.00125, 0.0025], [0, 0, 0]);
    const affine = JSON.parse(readFileSync(new URL('../expected-dicom.json', DICOM_FIXTURES), 'utf8'))['mr-oblique'].affine;
    const segD = new Uint8Array(120);
    segD[3 + 6 * (2 + 4 * 2)] = 1;
    writeFileSync(join(dir, 'segd.nii'), encodeNifti({ grid: createGrid(g.shape, g.spacing, g.origin, affine), data: segD }));
    writeFileSync(join(dir, 'mapd.json'), JSON.stringify({ 1: 'fibroid' }));
    const rd = runFuas([
      'case',
      'import',
      '--image',
      dcm,
      '--labels',
      join(dir, 'segd.nii'),
      '--label-map',
      join(dir, 'mapd.json'),
      '--out',
      join(dir, 'fromdicom'),
    ]);
    expect(rd.stderr).toBe('');
    expect(rd.status).toBe(0);
    const info = JSON.parse(runFuas(['case', 'info', join(dir, 'fromdicom'), '--json']).stdout);
    expect(info.grid.shape).toEqual([6, 4, 5]);
    expect(info.structures.fibroid.volume).toBeCloseTo(0.0009 * 0.00125 * 0.0025, 12);
  });

  it('bad input: one line on stderr naming the file or flag, exit 2', () => {
    const expectExit2 = (args: string[], re: RegExp) => {
      const r = runFuas(args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    };
    expectExit2(['case', 'phantom', '--t2-type', '4', '--out', join(dir, 'x')], /--t2-type/);
    expectExit2(['case', 'phantom', '--fibroid-position', 'lateral', '--out', join(dir, 'x')], /--fibroid-position.*anterior/);
    expectExit2(['case', 'phantom', '--fibroid-diameter', '300', '--out', join(dir, 'x')], /--fibroid-diameter.*\[10, 120\]/);
    expectExit2(['case', 'phantom'], /--out/);
    expectExit2(['case', 'info', join(dir, 'nothing-here')], /nothing-here/);
    writeFileSync(join(dir, 'broken.nii.gz'), readFileSync(join(phantomDir, 'image.nii.gz')).subarray(0, 5000));
    expectExit2(
      [
        'case',
        'import',
        '--image',
        join(dir, 'broken.nii.gz'),
        '--labels',
        join(dir, 'seg.nii.gz'),
        '--label-map',
        join(dir, 'map.json'),
        '--out',
        join(dir, 'y'),
      ],
      /broken\.nii\.gz: .*(truncated|corrupt)/,
    );
    writeFileSync(join(dir, 'nofib.json'), JSON.stringify({ 2: 'uterus', 1: 'none' }));
    expectExit2(
      [
        'case',
        'import',
        '--image',
        join(phantomDir, 'image.nii.gz'),
        '--labels',
        join(dir, 'seg.nii.gz'),
        '--label-map',
        join(dir, 'nofib.json'),
        '--out',
        join(dir, 'y'),
      ],
      /nofib\.json: no label is named "fibroid"/,
    );
    const jpeg = join(dir, 'jpeg');
    cpSync(new URL('compressed/', DICOM_FIXTURES), jpeg, { recursive: true });
    expectExit2(
      [
        'case',
        'import',
        '--image',
        jpeg,
        '--labels',
        join(dir, 'seg.nii.gz'),
        '--label-map',
        join(dir, 'map.json'),
        '--out',
        join(dir, 'y'),
      ],
      /jpeg\.dcm: pixel data use JPEG Baseline/,
    );
  });
});

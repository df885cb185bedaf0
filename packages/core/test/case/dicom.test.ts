import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DicomFile, FormatError, decodeDicomSeries } from '../../src/index.js';

const DICOM = new URL('./fixtures/dicom/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('./fixtures/expected-dicom.json', import.meta.url), 'utf8')) as Record<
  string,
  { shape: number[]; affine: number[]; values: number[] }
>;

export function readSeries(folder: string): DicomFile[] {
  const dir = new URL(`${folder}/`, DICOM);
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(new URL(name, dir))) }));
}

describe('decodeDicomSeries on series written by pydicom (fixtures/make-dicom-fixtures.py)', () => {
  for (const series of ['mr-oblique', 'ct-implicit']) {
    it(`${series}: shape, RAS affine, slice order and rescaled values`, () => {
      const e = expected[series];
      const v = decodeDicomSeries(readSeries(series), { folderName: series });
      expect([...v.grid.shape]).toEqual(e.shape);
      for (let i = 0; i < 16; i++) expect(v.grid.affine[i]).toBeCloseTo(e.affine[i], 4);
      expect(Array.from(v.data)).toEqual(e.values);
      expect(v.info.slices).toBe(e.shape[2]);
    });
  }

  it('reports the series metadata', () => {
    const v = decodeDicomSeries(readSeries('mr-oblique'));
    expect(v.info.modality).toBe('MR');
    expect(v.info.transferSyntax).toBe('Explicit VR Little Endian');
    expect(decodeDicomSeries(readSeries('ct-implicit')).info.transferSyntax).toBe('Implicit VR Little Endian');
  });

  it('spacing: pixel spacing and the slice step from positions (m)', () => {
    const v = decodeDicomSeries(readSeries('mr-oblique'));
    expect(v.grid.spacing[0]).toBeCloseTo(0.0009, 9);
    expect(v.grid.spacing[1]).toBeCloseTo(0.00125, 9);
    expect(v.grid.spacing[2]).toBeCloseTo(0.0025, 7); // positions are written with 4 decimals (mm)
  });
});

describe('decodeDicomSeries rejects bad series with a FormatError naming the file', () => {
  const err = (fn: () => unknown): FormatError => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(FormatError);
      return e as FormatError;
    }
    throw new Error('expected a FormatError');
  };

  it('compressed transfer syntax', () => {
    const e = err(() => decodeDicomSeries(readSeries('compressed')));
    expect(e.file).toBe('jpeg.dcm');
    expect(e.message).toMatch(/JPEG Baseline.*does not decode.*uncompressed/);
  });

  it('not DICOM, truncated pixel data, empty list', () => {
    expect(err(() => decodeDicomSeries([{ name: 'notes.txt', bytes: new TextEncoder().encode('hello') }])).message).toMatch(
      /notes\.txt: not a readable DICOM/,
    );
    const files = readSeries('mr-oblique');
    const cut = files.map((f, i) => (i === 2 ? { name: f.name, bytes: f.bytes.subarray(0, f.bytes.length - 10) } : f));
    expect(err(() => decodeDicomSeries(cut)).file).toBe(files[2].name);
    expect(err(() => decodeDicomSeries([], { folderName: 'empty' })).message).toMatch(/empty: no files/);
  });

  it('a missing slice (non-uniform spacing), a duplicate slice, two series', () => {
    const files = readSeries('mr-oblique');
    // m04.dcm is the middle slice (k = 2)
    expect(err(() => decodeDicomSeries(files.filter((f) => f.name !== 'm04.dcm'))).message).toMatch(/not uniform/);
    expect(err(() => decodeDicomSeries([...files, { ...files[0], name: 'copy.dcm' }])).message).toMatch(/same position|not uniform/);
    const mixed = [...files, ...readSeries('ct-implicit')];
    expect(err(() => decodeDicomSeries(mixed)).message).toMatch(/2 series/);
    const ct = decodeDicomSeries(mixed, { seriesInstanceUid: '1.2.826.0.1.3680043.8.498.10' });
    expect(ct.info.modality).toBe('CT');
  });
});

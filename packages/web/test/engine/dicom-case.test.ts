import { readFileSync, readdirSync } from 'node:fs';
import { type DicomFile, FormatError, decodeDicomSeries, encodeNifti } from '@openfuas/core';
import { describe, expect, it } from 'vitest';
import { sortCaseFiles } from '../../src/engine/case-file-sort.js';
import { caseFromDicom } from '../../src/engine/dicom-case.js';
import { LocalizedError } from '../../src/engine/localized-error.js';

// The DICOM series written by pydicom for the core's reader tests (packages/core/test/case/fixtures).
const DICOM = new URL('../../../core/test/case/fixtures/dicom/', import.meta.url);
const series = (folder: string): DicomFile[] =>
  readdirSync(new URL(`${folder}/`, DICOM))
    .sort()
    .map((name) => ({ name: `${folder}/${name}`, bytes: new Uint8Array(readFileSync(new URL(`${folder}/${name}`, DICOM))) }));

/** A label map on the series' grid: uterus (5) with a fibroid (7) inside, 0 elsewhere. */
function labelsFor(files: DicomFile[]): Uint8Array {
  const v = decodeDicomSeries(files);
  const [nx, ny, nz] = v.grid.shape;
  const labels = new Uint8Array(nx * ny * nz);
  for (let k = 1; k < nz - 1; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 1; i < nx - 1; i++) labels[i + nx * (j + ny * k)] = i >= 2 && i <= 3 && j >= 1 && j <= 2 ? 7 : 5;
  return encodeNifti({ grid: v.grid, data: labels }, { gzip: true });
}

const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

describe('sortCaseFiles', () => {
  const f = (path: string) => ({ path, file: path });

  it('takes a picked folder apart: series files, label map, label names; hidden files left aside', () => {
    const s = sortCaseFiles([f('pelvis/IM2'), f('pelvis/labels.nii.gz'), f('pelvis/.DS_Store'), f('pelvis/map.json'), f('pelvis/IM1')]);
    expect(s.name).toBe('pelvis');
    expect(s.dicom.map((d) => d.path)).toEqual(['pelvis/IM1', 'pelvis/IM2']);
    expect(s.labels?.path).toBe('pelvis/labels.nii.gz');
    expect(s.labelMap?.path).toBe('pelvis/map.json');
    expect(s.ignored).toEqual(['pelvis/.DS_Store']);
  });

  it('prefers label files chosen in their own inputs; names loose files after the first', () => {
    const s = sortCaseFiles([f('/a01.dcm'), f('/b02.dcm'), f('seg.nii')], { labels: f('other.nii.gz') });
    expect(s.labels?.path).toBe('other.nii.gz');
    expect(s.name).toBe('a01');
    expect(s.dicom).toHaveLength(2);
  });

  it('refuses two label maps, two name files, and files without DICOM', () => {
    const two = thrown(() => sortCaseFiles([f('x/IM1'), f('x/a.nii'), f('x/b.nii.gz')]));
    expect(two).toBeInstanceOf(LocalizedError);
    expect((two as LocalizedError).key).toBe('case.dicom.twoLabels');
    expect(two.message).toContain('x/a.nii, x/b.nii.gz');
    expect((thrown(() => sortCaseFiles([f('x/IM1'), f('x/a.json'), f('x/b.json')])) as LocalizedError).key).toBe('case.dicom.twoNames');
    const none = thrown(() => sortCaseFiles([f('x/labels.nii'), f('x/.hidden')]));
    expect((none as LocalizedError).key).toBe('case.dicom.noDicom');
    expect(none.message).toMatch(/none of the 2 files/);
  });
});

describe('caseFromDicom on the pydicom fixtures', () => {
  it('an image alone: the decoded series, no labels, provenance of the series', () => {
    const files = series('mr-oblique');
    const c = caseFromDicom({ name: 'mr-oblique', files });
    const v = decodeDicomSeries(files);
    expect([...c.grid.shape]).toEqual([6, 4, 5]);
    expect(Array.from(c.image)).toEqual(Array.from(v.data));
    expect(c.labels).toBeNull();
    expect(c.core).toBeNull();
    expect(c.source.kind).toBe('dicom');
    expect((c.source.dicom as { slices: number; modality: string }).slices).toBe(5);
    expect((c.source.dicom as { modality: string }).modality).toMatch(/^MR /);
  });

  it('with a NIfTI label map and label names: a plannable core case with the named structures', () => {
    const files = series('mr-oblique');
    const labels = { name: 'labels.nii.gz', bytes: labelsFor(files) };
    const c = caseFromDicom({ name: 'mr', files, labels, labelMap: { name: 'map.json', text: '{"5": "uterus", "7": "fibroid"}' } });
    expect(c.core).not.toBeNull();
    expect(c.structures.fibroid).toBe(7);
    expect(c.structures.uterus).toBe(5);
    expect(c.target).toBe('fibroid');
    let fibroid = 0;
    for (const l of c.labels ?? []) if (l === 7) fibroid++;
    expect(fibroid).toBe(2 * 2 * 3);
    // without names the phantom numbering applies (7 = fibroid, 5 = uterus)
    expect(caseFromDicom({ name: 'mr', files, labels }).structures.fibroid).toBe(7);
  });

  it('errors name the file: not DICOM, compressed, truncated; two series list each with its files', () => {
    const files = series('mr-oblique');
    const notDicom = thrown(() =>
      caseFromDicom({ name: 'x', files: [...files, { name: 'mr/notes.txt', bytes: new TextEncoder().encode('hello') }] }),
    );
    expect(notDicom).toBeInstanceOf(FormatError);
    expect(notDicom.message).toMatch(/^mr\/notes\.txt: not a readable DICOM file/);
    const jpeg = thrown(() => caseFromDicom({ name: 'x', files: series('compressed') }));
    expect(jpeg.message).toMatch(/^compressed\/jpeg\.dcm: pixel data use JPEG Baseline/);
    const cut = files.map((f, i) => (i === 1 ? { name: f.name, bytes: f.bytes.subarray(0, 400) } : f));
    expect(thrown(() => caseFromDicom({ name: 'x', files: cut })).message).toMatch(new RegExp(`^${files[1].name}: `));
    const mixed = thrown(() => caseFromDicom({ name: 'x', files: [...files, ...series('ct-implicit')] }));
    expect(mixed).toBeInstanceOf(LocalizedError);
    expect((mixed as LocalizedError).key).toBe('case.dicom.mixed');
    expect((mixed as LocalizedError).params.n).toBe(2);
    expect(mixed.message).toMatch(/“MR OpenFUAS synthetic MR” × 5 \(mr-oblique\/a01\.dcm, mr-oblique\/b00\.dcm, …\)/);
    expect(mixed.message).toMatch(/“CT OpenFUAS synthetic CT” × 3 \(ct-implicit\/IM0000, ct-implicit\/IM0001, …\)/);
  });

  it('a label map whose target is missing is an error naming the label file', () => {
    const files = series('ct-implicit');
    const v = decodeDicomSeries(files);
    const empty = encodeNifti({ grid: v.grid, data: new Uint8Array(v.data.length) });
    const e = thrown(() => caseFromDicom({ name: 'ct', files, labels: { name: 'empty.nii', bytes: empty } }));
    expect(e.message).toMatch(/fibroid/);
  });
});

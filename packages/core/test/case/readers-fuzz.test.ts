// Fuzzing the NIfTI and DICOM readers: thousands of random mutations of valid files. Every rejection must be
// one of the project's typed errors (never a TypeError/RangeError/string), and no single decode may hang.
// More iterations: `node --import tsx scripts/fuzz-readers.ts N`.
import { describe, expect, it } from 'vitest';
import { decodeDicomSeries, decodeNifti } from '../../src/index.js';
import { fuzz } from './fuzz-mutations.js';
import { dicomSeeds, niftiSeeds } from './readers-fuzz-seeds.js';

describe('reader fuzzing (random mutations of valid files)', () => {
  it('decodeNifti: 15000 mutations of .nii and .nii.gz: only typed errors, no decode over 1 s', () => {
    const r = fuzz(niftiSeeds(), (b) => decodeNifti(b, 'fuzz.nii'), 15000, 12345, { gzipSome: true });
    expect(r.failures.slice(0, 3)).toEqual([]);
    expect(r.maxMs).toBeLessThan(1000);
    // the mutations must exercise both outcomes
    expect(r.accepted).toBeGreaterThan(100);
    expect(r.rejected.FormatError).toBeGreaterThan(3000);
  });

  it('decodeDicomSeries: 10000 mutations of one file of a series: only typed errors, no decode over 1 s', () => {
    const series = dicomSeeds();
    const flat = series.flatMap((s, si) => s.map((f, fi) => ({ si, fi, bytes: f.bytes })));
    const r = fuzz(
      flat.map((f) => f.bytes),
      (bytes, index) => {
        const { si, fi } = flat[index];
        const files = series[si].map((f, k) => (k === fi ? { name: f.name, bytes } : f));
        decodeDicomSeries(files);
      },
      10000,
      67890,
      { hotRegion: 800 },
    );
    expect(r.failures.slice(0, 3)).toEqual([]);
    expect(r.maxMs).toBeLessThan(1000);
    expect(r.accepted).toBeGreaterThan(100);
    expect(r.rejected.FormatError).toBeGreaterThan(300);
  });
});

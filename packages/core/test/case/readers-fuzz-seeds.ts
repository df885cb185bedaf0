// Valid files the reader fuzzers start from (fixtures written by nibabel/pydicom, plus files we encode).
import { readFileSync, readdirSync } from 'node:fs';
import { createGrid, encodeNifti } from '../../src/index.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);

export function niftiSeeds(): Uint8Array[] {
  const names = ['int16-scaled.nii', 'float64-oblique-sform.nii', 'uint16-bigendian.nii', 'int32-pixdim-only.nii'];
  const fromNibabel = names.map((n) => new Uint8Array(readFileSync(new URL(n, FIXTURES))));
  const grid = createGrid([5, 4, 3], [0.001, 0.0012, 0.002]);
  const ours = [
    encodeNifti({ grid, data: Uint8Array.from({ length: 60 }, (_, i) => i % 13) }, { intent: 'label' }),
    encodeNifti({ grid, data: Float32Array.from({ length: 60 }, (_, i) => Math.sin(i)) }),
  ];
  return [...fromNibabel, ...ours];
}

export function dicomSeeds(): Array<{ name: string; bytes: Uint8Array }[]> {
  return ['mr-oblique', 'ct-implicit'].map((folder) => {
    const dir = new URL(`dicom/${folder}/`, FIXTURES);
    return readdirSync(dir)
      .sort()
      .map((name) => ({ name, bytes: new Uint8Array(readFileSync(new URL(name, dir))) }));
  });
}

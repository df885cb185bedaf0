import { FormatError, InputError, decodeNifti, sameGrid } from '@openfuas/core';
import type { WorkstationCase } from './workstation-case.js';

/** Default names of label values when no label-name file is given (the phantom's and issue 5's numbering). */
const DEFAULT_LABEL_NAMES: Record<number, string> = {
  0: 'air',
  1: 'water',
  2: 'skin',
  3: 'fat',
  4: 'muscle',
  5: 'uterus',
  6: 'endometrium',
  7: 'fibroid',
  8: 'bladder',
  9: 'bowel',
  10: 'bowel-gas',
  11: 'bone',
  12: 'soft-tissue',
};

/**
 * A case from local files: a NIfTI image, an optional NIfTI label map on the same grid, and an optional JSON
 * label-name map (`{"1": "fibroid", ...}`, as `fuas case import --label-map` takes).
 */
export function caseFromNifti(
  image: { name: string; bytes: Uint8Array },
  labels?: { name: string; bytes: Uint8Array },
  labelMap?: { name: string; text: string },
): WorkstationCase {
  const img = decodeNifti(image.bytes, image.name);
  let labelData: Uint8Array | null = null;
  let structures: Record<string, number> = {};
  if (labels) {
    const lab = decodeNifti(labels.bytes, labels.name);
    if (!sameGrid(lab.grid, img.grid)) {
      throw new FormatError(labels.name, `label map grid ${lab.grid.shape.join('×')} differs from the image grid ${img.grid.shape.join('×')}`);
    }
    labelData = new Uint8Array(lab.data.length);
    const present = new Set<number>();
    for (let i = 0; i < lab.data.length; i++) {
      const v = Math.round(lab.data[i]);
      if (v < 0 || v > 255) throw new FormatError(labels.name, `label value ${lab.data[i]} at voxel ${i} is outside 0–255`);
      labelData[i] = v;
      present.add(v);
    }
    let names: Record<number, string> = DEFAULT_LABEL_NAMES;
    if (labelMap) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(labelMap.text);
      } catch (e) {
        throw new FormatError(labelMap.name, `is not JSON (${(e as Error).message})`);
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FormatError(labelMap.name, 'must map label values to names, e.g. {"1": "fibroid"}');
      names = { 0: 'air' };
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        const label = Number(k);
        if (!Number.isInteger(label) || label < 0 || label > 255 || typeof v !== 'string') {
          throw new InputError(`${labelMap.name}["${k}"]`, 'keys must be label values 0–255 and values structure names');
        }
        names[label] = v.trim().toLowerCase().replace(/[\s_]+/g, '-');
      }
    }
    for (const v of present) structures[names[v] ?? `label-${v}`] = v;
    structures = Object.fromEntries(Object.entries(structures).sort((a, b) => a[1] - b[1]));
  }
  const target = structures.fibroid !== undefined ? 'fibroid' : (Object.keys(structures).find((n) => n.startsWith('fibroid')) ?? 'fibroid');
  return {
    name: image.name.replace(/\.nii(\.gz)?$/i, ''),
    grid: img.grid,
    image: img.data,
    labels: labelData,
    structures,
    target,
    beamDirection: [0, -1, 0],
    source: { kind: 'files', image: image.name, labels: labels?.name ?? null, labelMap: labelMap?.name ?? null },
    notes: [],
  };
}

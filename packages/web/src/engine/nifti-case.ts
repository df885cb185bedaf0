import { FormatError, decodeNifti, importCase, parseLabelMap } from '@openfuas/core';
import { fromCoreCase } from './core-case.js';
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
  if (labels) {
    // with a segmentation: the core import (label names, resampling to the image grid, air around the body)
    const lab = decodeNifti(labels.bytes, labels.name);
    let map: Map<number, string | null>;
    if (labelMap) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(labelMap.text);
      } catch (e) {
        throw new FormatError(labelMap.name, `is not JSON (${(e as Error).message})`);
      }
      map = parseLabelMap(parsed, labelMap.name);
    } else {
      map = new Map(Object.entries(DEFAULT_LABEL_NAMES).map(([k, v]) => [Number(k), Number(k) === 0 ? null : v]));
    }
    const c = importCase({
      name: image.name.replace(/\.nii(\.gz)?$/i, ''),
      image: img,
      imageName: image.name,
      labels: lab,
      labelsName: labels.name,
      labelMap: map,
      labelMapName: labelMap?.name ?? 'phantom label numbering',
      source: { kind: 'files', image: image.name, labels: labels.name, labelMap: labelMap?.name ?? null },
    });
    return fromCoreCase(c);
  }
  return {
    name: image.name.replace(/\.nii(\.gz)?$/i, ''),
    grid: img.grid,
    image: img.data,
    labels: null,
    structures: {},
    target: 'fibroid',
    beamDirection: [0, -1, 0],
    source: { kind: 'files', image: image.name, labels: null, labelMap: null },
    notes: [],
    core: null,
  };
}

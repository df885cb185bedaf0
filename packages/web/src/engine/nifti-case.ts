import { decodeNifti, importCase } from '@openfuas/core';
import { DEFAULT_LABEL_MAP_NAME, labelNames } from './case-labels.js';
import { fromCoreCase } from './core-case.js';
import type { WorkstationCase } from './workstation-case.js';

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
    const c = importCase({
      name: image.name.replace(/\.nii(\.gz)?$/i, ''),
      image: img,
      imageName: image.name,
      labels: lab,
      labelsName: labels.name,
      labelMap: labelNames(labelMap),
      labelMapName: labelMap?.name ?? DEFAULT_LABEL_MAP_NAME,
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

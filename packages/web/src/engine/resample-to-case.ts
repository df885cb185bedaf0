import { type Grid3D, rasMmToVoxel, voxelToRasMm } from '@openfuas/core';

/**
 * Carries a field from a simulation grid onto the case grid by taking, for every case voxel, the maximum over
 * the simulation voxels whose centres fall into it (nearest case voxel). Max is the right summary for the two
 * fields shown on the case: the maximum temperature and the thermal dose (a voxel is drawn as ablated when any
 * part of it reached 240 CEM43). Case voxels that no simulation voxel falls into keep `fill`.
 */
export function maxOntoCaseGrid(src: Grid3D, values: ArrayLike<number>, dst: Grid3D, fill: number): Float32Array {
  const [sx, sy, sz] = src.shape;
  const [dx, dy, dz] = dst.shape;
  const out = new Float32Array(dx * dy * dz).fill(fill);
  const mm = [0, 0, 0];
  const v = [0, 0, 0];
  // the map from source voxel to destination voxel is affine: compute it once per row and step along x
  const origin = [0, 0, 0];
  const step = [0, 0, 0];
  for (let k = 0; k < sz; k++) {
    for (let j = 0; j < sy; j++) {
      voxelToRasMm(src, 0, j, k, mm);
      rasMmToVoxel(dst, mm[0], mm[1], mm[2], origin);
      voxelToRasMm(src, 1, j, k, mm);
      rasMmToVoxel(dst, mm[0], mm[1], mm[2], v);
      step[0] = v[0] - origin[0];
      step[1] = v[1] - origin[1];
      step[2] = v[2] - origin[2];
      const row = sx * (j + sy * k);
      for (let i = 0; i < sx; i++) {
        const a = Math.round(origin[0] + i * step[0]);
        const b = Math.round(origin[1] + i * step[1]);
        const c = Math.round(origin[2] + i * step[2]);
        if (a < 0 || b < 0 || c < 0 || a >= dx || b >= dy || c >= dz) continue;
        const idx = a + dx * (b + dy * c);
        const value = values[row + i];
        if (value > out[idx] || out[idx] === fill) out[idx] = value;
      }
    }
  }
  return out;
}

/** Voxels of a thresholded region that touch a voxel outside it (6-neighbourhood): its outline, as 1s. */
export function regionOutline(grid: Grid3D, values: ArrayLike<number>, threshold: number): Uint8Array {
  const [nx, ny, nz] = grid.shape;
  const out = new Uint8Array(nx * ny * nz);
  const inside = (i: number, j: number, k: number) =>
    i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz && values[i + nx * (j + ny * k)] >= threshold;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        if (!inside(i, j, k)) continue;
        if (
          !inside(i - 1, j, k) ||
          !inside(i + 1, j, k) ||
          !inside(i, j - 1, k) ||
          !inside(i, j + 1, k) ||
          !inside(i, j, k - 1) ||
          !inside(i, j, k + 1)
        ) {
          out[i + nx * (j + ny * k)] = 1;
        }
      }
    }
  }
  return out;
}

/** Values of the dose overlay: inside the thresholded region, and its outline. */
export const DOSE_MASK = { inside: 1, outline: 2 } as const;

/**
 * The thermal-dose overlay of the case view: DOSE_MASK.outline on the region's outline (regionOutline), DOSE_MASK.inside
 * on its other voxels, 0 elsewhere. Drawn as a solid contour over a translucent fill, a lesion only a voxel or two
 * across on the case grid (one sonication is ~2 × 8 mm) still shows as a red patch, not a lone speck.
 */
export function doseMask(grid: Grid3D, values: ArrayLike<number>, threshold: number): Uint8Array {
  const out = regionOutline(grid, values, threshold);
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 1) out[i] = DOSE_MASK.outline;
    else if (values[i] >= threshold) out[i] = DOSE_MASK.inside;
  }
  return out;
}

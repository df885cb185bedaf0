import { type Grid3D, type Vec3, rasMmToVoxel } from '@openfuas/core';

/** Marker values of the sonication-point overlay (a higher value is drawn over a lower one). */
export const MARKER = { margin: 1, other: 2, slice: 3, selected: 4 } as const;

/**
 * A label volume on the case grid marking sonication foci as small cigars (the shape of a single-shot lesion,
 * long along the beam): `radiusMm` across the beam, `halfLengthMm` along it. Points of `slice` get MARKER.slice,
 * point `selected` MARKER.selected, the others MARKER.other. Voxels of `margin` (an outline, 1s) that no point covers
 * get MARKER.margin: the contour of where foci may sit, in the same overlay (one viewer layer for both).
 */
export function planMarkers(
  grid: Grid3D,
  points: ReadonlyArray<{ focus: Vec3; slice: number }>,
  beam: Vec3,
  slice: number | null,
  selected: number | null,
  radiusMm = 1.6,
  halfLengthMm = 3.5,
  margin: Uint8Array | null = null,
): Uint8Array {
  const [nx, ny, nz] = grid.shape;
  const out = new Uint8Array(nx * ny * nz);
  if (margin) for (let i = 0; i < out.length; i++) if (margin[i]) out[i] = MARKER.margin;
  const v = [0, 0, 0];
  const h = Math.min(grid.spacing[0], grid.spacing[1], grid.spacing[2]) * 1000;
  const reach = Math.ceil(Math.max(radiusMm, halfLengthMm) / h) + 1;
  const m = grid.affine;
  points.forEach((p, idx) => {
    const value = idx === selected ? MARKER.selected : p.slice === slice ? MARKER.slice : MARKER.other;
    const fx = p.focus[0] * 1000;
    const fy = p.focus[1] * 1000;
    const fz = p.focus[2] * 1000;
    rasMmToVoxel(grid, fx, fy, fz, v);
    const ci = Math.round(v[0]);
    const cj = Math.round(v[1]);
    const ck = Math.round(v[2]);
    for (let k = Math.max(0, ck - reach); k <= Math.min(nz - 1, ck + reach); k++) {
      for (let j = Math.max(0, cj - reach); j <= Math.min(ny - 1, cj + reach); j++) {
        for (let i = Math.max(0, ci - reach); i <= Math.min(nx - 1, ci + reach); i++) {
          const dx = m[0] * i + m[1] * j + m[2] * k + m[3] - fx;
          const dy = m[4] * i + m[5] * j + m[6] * k + m[7] - fy;
          const dz = m[8] * i + m[9] * j + m[10] * k + m[11] - fz;
          const along = dx * beam[0] + dy * beam[1] + dz * beam[2];
          const across2 = dx * dx + dy * dy + dz * dz - along * along;
          if (across2 / (radiusMm * radiusMm) + (along * along) / (halfLengthMm * halfLengthMm) > 1) continue;
          const index = i + nx * (j + ny * k);
          if (out[index] < value) out[index] = value;
        }
      }
    }
  });
  return out;
}

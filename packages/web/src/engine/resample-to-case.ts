import { type Grid3D, rasMmToVoxel, voxelToRasMm } from '@openfuas/core';

/** A box of case voxels: its first voxel (i, j, k) and its size along each axis; values in it x fastest. */
export interface CaseBox {
  origin: [number, number, number];
  shape: [number, number, number];
}

/** The whole case grid as a box. */
function wholeGrid(g: Grid3D): CaseBox {
  return { origin: [0, 0, 0], shape: [g.shape[0], g.shape[1], g.shape[2]] };
}

/**
 * Carries a field from a simulation grid onto the case grid by taking, for every case voxel, the maximum over
 * the simulation voxels whose centres fall into it (nearest case voxel). Max is the right summary for the two
 * fields shown on the case: the maximum temperature and the thermal dose (a voxel is drawn as ablated when any
 * part of it reached 240 CEM43). Case voxels that no simulation voxel falls into keep `fill`.
 */
export function maxOntoCaseGrid(src: Grid3D, values: ArrayLike<number>, dst: Grid3D, fill: number): Float32Array {
  const [dx, dy, dz] = dst.shape;
  const out = new Float32Array(dx * dy * dz).fill(fill);
  pushMax(src, values, dst, wholeGrid(dst), out, fill);
  return out;
}

/**
 * maxOntoCaseGrid into `out`, the values of `box` on the case grid: a case voxel takes a source value above its
 * own, or any when it still holds `fill`; source voxels that fall outside the box are skipped.
 */
function pushMax(src: Grid3D, values: ArrayLike<number>, dst: Grid3D, box: CaseBox, out: Float32Array, fill: number): void {
  const [sx, sy, sz] = src.shape;
  const [i0, j0, k0] = box.origin;
  const [bx, by, bz] = box.shape;
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
        const a = Math.round(origin[0] + i * step[0]) - i0;
        const b = Math.round(origin[1] + i * step[1]) - j0;
        const c = Math.round(origin[2] + i * step[2]) - k0;
        if (a < 0 || b < 0 || c < 0 || a >= bx || b >= by || c >= bz) continue;
        const idx = a + bx * (b + by * c);
        const value = values[row + i];
        if (value > out[idx] || out[idx] === fill) out[idx] = value;
      }
    }
  }
}

/**
 * The box of case voxels whose centres lie in a simulation grid's extent (voxel centres ± half a voxel), clipped
 * to the case grid; null when the two do not overlap. A live frame covers only this box of the case.
 */
export function caseBoxOf(src: Grid3D, dst: Grid3D): CaseBox | null {
  const [sx, sy, sz] = src.shape;
  // bounding box, in case voxels, of the source's eight outer corners
  const lo = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  const hi = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const mm = [0, 0, 0];
  const v = [0, 0, 0];
  for (let corner = 0; corner < 8; corner++) {
    voxelToRasMm(src, corner & 1 ? sx - 0.5 : -0.5, corner & 2 ? sy - 0.5 : -0.5, corner & 4 ? sz - 0.5 : -0.5, mm);
    rasMmToVoxel(dst, mm[0], mm[1], mm[2], v);
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a], v[a]);
      hi[a] = Math.max(hi[a], v[a]);
    }
  }
  const first = [0, 1, 2].map((a) => Math.max(0, Math.ceil(lo[a])));
  const last = [0, 1, 2].map((a) => Math.min(dst.shape[a] - 1, Math.floor(hi[a])));
  if (last[0] < first[0] || last[1] < first[1] || last[2] < first[2]) return null;
  return {
    origin: [first[0], first[1], first[2]],
    shape: [last[0] - first[0] + 1, last[1] - first[1] + 1, last[2] - first[2] + 1],
  };
}

/**
 * Carries a field from a simulation grid onto the case grid whatever their relative spacing. Every case voxel
 * whose centre lies in the source grid's extent (voxel centres ± half a voxel) takes the source trilinearly
 * interpolated at that centre (nearest on the outer half voxel), so a source coarser than the case, such as the
 * 3 mm coarse grid of the live frames on a 1.5 mm case, covers every case voxel it spans; then the maximum of
 * the source voxels whose centres fall into a case voxel (maxOntoCaseGrid) where higher, so a source finer than
 * the case keeps its peaks. Case voxels outside the source keep `fill`. Only the case voxels in the bounding box
 * of the source are visited: cost ~ (source extent in case voxels) + (source voxels).
 */
export function sampleOntoCaseGrid(src: Grid3D, values: ArrayLike<number>, dst: Grid3D, fill: number): Float32Array {
  const [dx, dy, dz] = dst.shape;
  const out = new Float32Array(dx * dy * dz).fill(fill);
  sampleInto(src, values, dst, wholeGrid(dst), out, fill);
  return out;
}

/**
 * sampleOntoCaseGrid on a box of the case grid only (values x fastest over the box): what a live frame sends,
 * with the box from caseBoxOf, so that neither the worker nor the page touch the rest of the case.
 */
export function sampleOntoCaseBox(src: Grid3D, values: ArrayLike<number>, dst: Grid3D, box: CaseBox, fill: number): Float32Array {
  const out = new Float32Array(box.shape[0] * box.shape[1] * box.shape[2]).fill(fill);
  sampleInto(src, values, dst, box, out, fill);
  return out;
}

/** The kernel of sampleOntoCaseGrid / sampleOntoCaseBox: `out` holds the values of `box`, already `fill`ed. */
function sampleInto(src: Grid3D, values: ArrayLike<number>, dst: Grid3D, box: CaseBox, out: Float32Array, fill: number): void {
  const [sx, sy, sz] = src.shape;
  const [bx, by] = box.shape;
  const extent = caseBoxOf(src, dst);
  if (!extent) return;
  // the case voxels both in the box and in the source's extent
  const lo = [0, 1, 2].map((a) => Math.max(extent.origin[a], box.origin[a]));
  const hi = [0, 1, 2].map((a) => Math.min(extent.origin[a] + extent.shape[a], box.origin[a] + box.shape[a]) - 1);
  const [i0, j0, k0] = lo;
  const [i1, j1, k1] = hi;
  const mm = [0, 0, 0];
  const v = [0, 0, 0];
  const origin = [0, 0, 0];
  const step = [0, 0, 0];
  const sxy = sx * sy;
  for (let k = k0; k <= k1; k++) {
    for (let j = j0; j <= j1; j++) {
      // case voxel -> source voxel is affine: once per row, then step along x
      voxelToRasMm(dst, i0, j, k, mm);
      rasMmToVoxel(src, mm[0], mm[1], mm[2], origin);
      voxelToRasMm(dst, i0 + 1, j, k, mm);
      rasMmToVoxel(src, mm[0], mm[1], mm[2], v);
      step[0] = v[0] - origin[0];
      step[1] = v[1] - origin[1];
      step[2] = v[2] - origin[2];
      const row = bx * (j - box.origin[1] + by * (k - box.origin[2])) - box.origin[0];
      for (let i = i0; i <= i1; i++) {
        const n = i - i0;
        const u = origin[0] + n * step[0];
        const w = origin[1] + n * step[1];
        const t = origin[2] + n * step[2];
        if (u < -0.5 || w < -0.5 || t < -0.5 || u > sx - 0.5 || w > sy - 0.5 || t > sz - 0.5) continue;
        // trilinear weights between the clamped neighbouring voxel centres
        const uc = Math.min(Math.max(u, 0), sx - 1);
        const wc = Math.min(Math.max(w, 0), sy - 1);
        const tc = Math.min(Math.max(t, 0), sz - 1);
        const a0 = Math.min(Math.floor(uc), sx - 1);
        const b0 = Math.min(Math.floor(wc), sy - 1);
        const c0 = Math.min(Math.floor(tc), sz - 1);
        const fa = uc - a0;
        const fb = wc - b0;
        const fc = tc - c0;
        const da = a0 + 1 < sx ? 1 : 0;
        const db = b0 + 1 < sy ? sx : 0;
        const dc = c0 + 1 < sz ? sxy : 0;
        const p = a0 + sx * b0 + sxy * c0;
        const x00 = values[p] + fa * (values[p + da] - values[p]);
        const x10 = values[p + db] + fa * (values[p + db + da] - values[p + db]);
        const x01 = values[p + dc] + fa * (values[p + dc + da] - values[p + dc]);
        const x11 = values[p + dc + db] + fa * (values[p + dc + db + da] - values[p + dc + db]);
        const y0 = x00 + fb * (x10 - x00);
        const y1 = x01 + fb * (x11 - x01);
        out[row + i] = y0 + fc * (y1 - y0);
      }
    }
  }
  pushMax(src, values, dst, box, out, fill);
}

/** Voxels of a thresholded region that touch a voxel outside it (6-neighbourhood): its outline, as 1s. */
export function regionOutline(grid: Pick<Grid3D, 'shape'>, values: ArrayLike<number>, threshold: number): Uint8Array {
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
export function doseMask(grid: Pick<Grid3D, 'shape'>, values: ArrayLike<number>, threshold: number): Uint8Array {
  const out = regionOutline(grid, values, threshold);
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 1) out[i] = DOSE_MASK.outline;
    else if (values[i] >= threshold) out[i] = DOSE_MASK.inside;
  }
  return out;
}

import { type Grid3D, invertAffine } from '../grid/grid3d.js';

/**
 * Nearest-neighbour resampling of a label map onto another grid through both grids' affines (RAS mm):
 * target voxel v → source index round(A_src⁻¹ · A_tgt · v). Voxels that fall outside the source grid get
 * `fill` (default 0). Labels are never blended (nearest neighbour keeps them valid).
 * The composed map is affine, so the source index advances by a constant step along x: no per-voxel matrix work.
 */
export function resampleLabels(src: Grid3D, labels: Uint8Array, target: Grid3D, fill = 0): Uint8Array {
  const [sx, sy, sz] = src.shape;
  const [nx, ny, nz] = target.shape;
  const M = composeInverse(src.affine, target.affine);
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0, idx = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let u = M[1] * j + M[2] * k + M[3];
      let v = M[5] * j + M[6] * k + M[7];
      let w = M[9] * j + M[10] * k + M[11];
      for (let i = 0; i < nx; i++, idx++) {
        const a = Math.round(u);
        const b = Math.round(v);
        const c = Math.round(w);
        out[idx] = a >= 0 && b >= 0 && c >= 0 && a < sx && b < sy && c < sz ? labels[a + sx * (b + sy * c)] : fill;
        u += M[0];
        v += M[4];
        w += M[8];
      }
    }
  }
  return out;
}

/** A⁻¹ · B for 4×4 row-major affines (last row 0 0 0 1). */
function composeInverse(A: readonly number[], B: readonly number[]): number[] {
  const inv = invertAffine(A);
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 3; r++) {
    for (let col = 0; col < 4; col++) {
      let s = col === 3 ? inv[4 * r + 3] : 0;
      for (let q = 0; q < 3; q++) s += inv[4 * r + q] * B[4 * q + col];
      out[4 * r + col] = s;
    }
  }
  out[15] = 1;
  return out;
}

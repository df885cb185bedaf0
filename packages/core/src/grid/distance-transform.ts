import type { Grid3D } from './grid3d.js';

/**
 * Exact Euclidean distance transform on a 3D grid with anisotropic spacing: for every voxel, the distance (m)
 * from its centre to the centre of the nearest voxel where `inside(i)` is true (0 on such voxels; +∞ if there is
 * none). Felzenszwalb & Huttenlocher, "Distance transforms of sampled functions", Theory of Computing 8 (2012):
 * the squared distance separates into three 1D lower-envelope-of-parabolas passes, O(N) overall.
 */
export function distanceTransform(grid: Grid3D, inside: (index: number) => boolean): Float32Array {
  const [nx, ny, nz] = grid.shape;
  const n = nx * ny * nz;
  const d2 = new Float64Array(n);
  const INF = 1e30;
  for (let i = 0; i < n; i++) d2[i] = inside(i) ? 0 : INF;
  const maxLen = Math.max(nx, ny, nz);
  const f = new Float64Array(maxLen);
  const out = new Float64Array(maxLen);
  const v = new Int32Array(maxLen);
  const z = new Float64Array(maxLen + 1);
  const pass = (count: number, stride: number, start: number, h: number) => {
    for (let q = 0; q < count; q++) f[q] = d2[start + q * stride];
    envelope1d(f, count, h * h, out, v, z);
    for (let q = 0; q < count; q++) d2[start + q * stride] = out[q];
  };
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) pass(nx, 1, nx * (j + ny * k), grid.spacing[0]);
  for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) pass(ny, nx, i + nx * ny * k, grid.spacing[1]);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) pass(nz, nx * ny, i + nx * j, grid.spacing[2]);
  const result = new Float32Array(n);
  for (let i = 0; i < n; i++) result[i] = d2[i] >= INF / 2 ? Number.POSITIVE_INFINITY : Math.sqrt(d2[i]);
  return result;
}

/**
 * 1D squared-distance transform of sampled f (spacing h, h2 = h²): out[q] = min_p f[p] + h2·(q − p)².
 * Lower envelope of parabolas rooted at each p (Felzenszwalb & Huttenlocher, algorithm DT).
 */
function envelope1d(f: Float64Array, n: number, h2: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] >= 1e29) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = Number.NEGATIVE_INFINITY;
      z[1] = Number.POSITIVE_INFINITY;
      continue;
    }
    let s = 0;
    for (;;) {
      const p = v[k];
      s = (f[q] + h2 * q * q - (f[p] + h2 * p * p)) / (2 * h2 * (q - p));
      if (s <= z[k] && k > 0) k--;
      else break;
    }
    if (s <= z[k]) {
      // k === 0 and the new parabola dominates everywhere the old one did
      v[0] = q;
      z[0] = Number.NEGATIVE_INFINITY;
      z[1] = Number.POSITIVE_INFINITY;
      continue;
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Number.POSITIVE_INFINITY;
  }
  if (k < 0) {
    for (let q = 0; q < n; q++) out[q] = 1e30;
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (z[j + 1] < q) j++;
    const d = q - v[j];
    out[q] = f[v[j]] + h2 * d * d;
  }
}

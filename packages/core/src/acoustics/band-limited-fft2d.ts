import { fft1dAt } from '../math/fft.js';

/**
 * The 2D FFT of an n × n grid (index x + n·y) whose spectrum is used only within |kx| ≤ m bins (the band of one
 * harmonic in the 3D nonlinear march, angular-spectrum step): the row transforms run on all rows, the column
 * transforms only on the columns x ∈ [0, m] ∪ [n − m, n), the others being zeroed by the caller's propagator.
 * Forward: rows then band columns. Inverse: band columns then rows; the caller guarantees the other columns are
 * zero. Not scaled (the caller folds 1/n² into its propagator). Exactly the full transform on the band: the
 * columns left out are the ones multiplied by 0.
 */
export function bandFft2d(re: Float64Array, im: Float64Array, n: number, m: number, inverse: boolean): void {
  const full = 2 * m + 1 >= n;
  if (!inverse) for (let y = 0; y < n; y++) fft1dAt(re, im, y * n, n, false);
  if (full) columns(re, im, n, 0, n, inverse);
  else {
    columns(re, im, n, 0, m + 1, inverse);
    columns(re, im, n, n - m, n, inverse);
  }
  if (inverse) for (let y = 0; y < n; y++) fft1dAt(re, im, y * n, n, true);
}

interface Twiddles {
  readonly rev: Uint32Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}
const cache = new Map<number, Twiddles>();
function twiddles(n: number): Twiddles {
  let t = cache.get(n);
  if (t) return t;
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    rev[i] = r;
  }
  const half = Math.max(1, n >> 1);
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let j = 0; j < half; j++) {
    cos[j] = Math.cos((2 * Math.PI * j) / n);
    sin[j] = Math.sin((2 * Math.PI * j) / n);
  }
  t = { rev, cos, sin };
  cache.set(n, t);
  return t;
}

/** Transform along y of the columns x0 ≤ x < x1 (butterflies on contiguous runs of a row, as math/fft.ts's line pass). */
function columns(re: Float64Array, im: Float64Array, n: number, x0: number, x1: number, inverse: boolean): void {
  const { rev, cos, sin } = twiddles(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      const a0 = i * n;
      const b0 = j * n;
      for (let x = x0; x < x1; x++) {
        const tr = re[a0 + x];
        re[a0 + x] = re[b0 + x];
        re[b0 + x] = tr;
        const ti = im[a0 + x];
        im[a0 + x] = im[b0 + x];
        im[b0 + x] = ti;
      }
    }
  }
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size <<= 1) {
    const halfSize = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let j = 0; j < halfSize; j++) {
        const wr = cos[j * step];
        const wi = sign * sin[j * step];
        const a0 = (start + j) * n;
        const b0 = a0 + halfSize * n;
        for (let x = x0; x < x1; x++) {
          const a = a0 + x;
          const b = b0 + x;
          const br = re[b];
          const bi = im[b];
          const tr = br * wr - bi * wi;
          const ti = br * wi + bi * wr;
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
  }
}

import { InputError } from '../errors.js';

/**
 * Radix-2 complex FFT on split real/imaginary Float64Arrays, in place, with cached plans (bit-reversal table
 * and twiddles per size). Convention: forward X[k] = Σ x[n] e^{−2πi kn/N}; the inverse uses e^{+2πi kn/N} and
 * is scaled by 1/N, so inverse(forward(x)) = x. Sizes: powers of two.
 *
 * Multi-dimensional transforms apply the 1D transform along each axis; the passes along y and z do their
 * butterflies on whole rows/planes at a time so that memory is walked contiguously (no gather/scatter).
 */

interface Plan {
  readonly n: number;
  /** bit-reversed index of each i */
  readonly rev: Uint32Array;
  /** cos(2πj/N), sin(2πj/N) for j < N/2 */
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}

const plans = new Map<number, Plan>();

/** True when n is a power of two (1 included). */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** Smallest power of two >= n. */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function plan(n: number): Plan {
  let p = plans.get(n);
  if (p) return p;
  if (!isPowerOfTwo(n)) throw new InputError('fft.size', `must be a power of two, got ${n}`);
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
  p = { n, rev, cos, sin };
  plans.set(n, p);
  return p;
}

/**
 * 1D transform of n contiguous values starting at `offset` (Cooley–Tukey, decimation in time after a
 * bit-reversal permutation). Not scaled.
 */
function fftContiguous(re: Float64Array, im: Float64Array, offset: number, p: Plan, inverse: boolean): void {
  const n = p.n;
  const rev = p.rev;
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      const a = offset + i;
      const b = offset + j;
      const tr = re[a];
      re[a] = re[b];
      re[b] = tr;
      const ti = im[a];
      im[a] = im[b];
      im[b] = ti;
    }
  }
  const cos = p.cos;
  const sin = p.sin;
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size <<= 1) {
    const halfSize = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let j = 0; j < halfSize; j++) {
        const wr = cos[j * step];
        const wi = sign * sin[j * step];
        const a = offset + start + j;
        const b = a + halfSize;
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

/**
 * Transform along an outer axis: `n` lines of `len` contiguous values each, line i starting at
 * offset + i·len, over the run x0 ≤ x < x1 of each line (all of it by default). Butterflies combine whole runs
 * (vectorised along the contiguous axis). Not scaled.
 */
function fftLines(re: Float64Array, im: Float64Array, offset: number, len: number, p: Plan, inverse: boolean, x0 = 0, x1 = len): void {
  const n = p.n;
  const rev = p.rev;
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      const a0 = offset + i * len;
      const b0 = offset + j * len;
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
  const cos = p.cos;
  const sin = p.sin;
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size <<= 1) {
    const halfSize = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let j = 0; j < halfSize; j++) {
        const wr = cos[j * step];
        const wi = sign * sin[j * step];
        const a0 = offset + (start + j) * len;
        const b0 = a0 + halfSize * len;
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

function scale(re: Float64Array, im: Float64Array, count: number): void {
  const s = 1 / count;
  for (let i = 0; i < count; i++) {
    re[i] *= s;
    im[i] *= s;
  }
}

function checkLength(re: Float64Array, im: Float64Array, count: number): void {
  if (re.length < count || im.length < count) {
    throw new InputError('fft.data', `re/im must hold ${count} values, got ${re.length}/${im.length}`);
  }
}

/** In-place 1D FFT of re/im (length a power of two); `inverse` applies e^{+i} and 1/N. */
export function fft1d(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  checkLength(re, im, n);
  fftContiguous(re, im, 0, plan(n), inverse);
  if (inverse) scale(re, im, n);
}

/**
 * In-place 1D FFT of the n values starting at `offset` (no scaling, for callers that transform many short
 * lines inside one buffer and scale once).
 */
export function fft1dAt(re: Float64Array, im: Float64Array, offset: number, n: number, inverse: boolean): void {
  fftContiguous(re, im, offset, plan(n), inverse);
}

/**
 * Transform along y of the columns x0 ≤ x < x1 of an nx × ny grid (index x + nx·y), the other columns untouched.
 * Not scaled. The 3D nonlinear march transforms only the band of columns a harmonic's propagator keeps.
 */
export function fftColumnsAt(re: Float64Array, im: Float64Array, nx: number, ny: number, x0: number, x1: number, inverse: boolean): void {
  checkLength(re, im, nx * ny);
  fftLines(re, im, 0, nx, plan(ny), inverse, x0, x1);
}

/** In-place 2D FFT of an nx × ny array, index x + nx·y. */
export function fft2d(re: Float64Array, im: Float64Array, nx: number, ny: number, inverse = false): void {
  checkLength(re, im, nx * ny);
  const px = plan(nx);
  const py = plan(ny);
  for (let y = 0; y < ny; y++) fftContiguous(re, im, y * nx, px, inverse);
  fftLines(re, im, 0, nx, py, inverse);
  if (inverse) scale(re, im, nx * ny);
}

/** In-place 3D FFT of an nx × ny × nz array, index x + nx·(y + ny·z). */
export function fft3d(re: Float64Array, im: Float64Array, nx: number, ny: number, nz: number, inverse = false): void {
  checkLength(re, im, nx * ny * nz);
  const px = plan(nx);
  const py = plan(ny);
  const pz = plan(nz);
  const nxy = nx * ny;
  for (let r = 0; r < ny * nz; r++) fftContiguous(re, im, r * nx, px, inverse);
  for (let z = 0; z < nz; z++) fftLines(re, im, z * nxy, nx, py, inverse);
  fftLines(re, im, 0, nxy, pz, inverse);
  if (inverse) scale(re, im, nxy * nz);
}

/**
 * Angular wavenumber (rad/m) of FFT bin i of an n-point transform over a period L = n·d (d the sample spacing):
 * 2π·i/L for i < n/2, 2π·(i − n)/L otherwise.
 */
export function fftWavenumber(i: number, n: number, spacing: number): number {
  const j = i < n / 2 ? i : i - n;
  return (2 * Math.PI * j) / (n * spacing);
}

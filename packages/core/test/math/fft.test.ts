import { describe, expect, it } from 'vitest';
import { fft1d, fft2d, fft3d, fftWavenumber } from '../../src/math/fft.js';

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const ph = (-2 * Math.PI * k * j) / n;
      outRe[k] += re[j] * Math.cos(ph) - im[j] * Math.sin(ph);
      outIm[k] += re[j] * Math.sin(ph) + im[j] * Math.cos(ph);
    }
  }
  return [outRe, outIm];
}

function random(n: number, seed: number): Float64Array {
  const a = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = s / 2147483648 - 0.5;
  }
  return a;
}

const maxDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('fft1d', () => {
  it('matches the naive DFT (forward e^{-ikx}) to 1e-12 for sizes 1..256', () => {
    for (const n of [1, 2, 4, 8, 64, 256]) {
      const re = random(n, n);
      const im = random(n, n + 7);
      const [er, ei] = naiveDft(re, im);
      fft1d(re, im);
      expect(maxDiff(re, er)).toBeLessThan(1e-12 * n);
      expect(maxDiff(im, ei)).toBeLessThan(1e-12 * n);
    }
  });
  it('inverse(forward(x)) = x (inverse scaled by 1/N)', () => {
    const re = random(512, 3);
    const im = random(512, 4);
    const r0 = re.slice();
    const i0 = im.slice();
    fft1d(re, im);
    fft1d(re, im, true);
    expect(maxDiff(re, r0)).toBeLessThan(1e-14);
    expect(maxDiff(im, i0)).toBeLessThan(1e-14);
  });
  it('rejects sizes that are not powers of two', () => {
    expect(() => fft1d(new Float64Array(12), new Float64Array(12))).toThrow(/power of two/);
  });
});

describe('fft2d / fft3d', () => {
  it('fft2d of a plane wave e^{i(kx x + ky y)} is one bin of height N', () => {
    const nx = 16;
    const ny = 8;
    const re = new Float64Array(nx * ny);
    const im = new Float64Array(nx * ny);
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const ph = 2 * Math.PI * ((3 * x) / nx + (5 * y) / ny);
        re[x + nx * y] = Math.cos(ph);
        im[x + nx * y] = Math.sin(ph);
      }
    }
    fft2d(re, im, nx, ny);
    for (let i = 0; i < nx * ny; i++) {
      const expected = i === 3 + nx * 5 ? nx * ny : 0;
      expect(Math.abs(re[i] - expected)).toBeLessThan(1e-10);
      expect(Math.abs(im[i])).toBeLessThan(1e-10);
    }
  });
  it('fft3d equals 1D transforms along each axis, and round-trips', () => {
    const [nx, ny, nz] = [8, 4, 16];
    const re = random(nx * ny * nz, 11);
    const im = random(nx * ny * nz, 12);
    const r0 = re.slice();
    const i0 = im.slice();
    // reference: naive along each axis
    const rr = re.slice();
    const ii = im.slice();
    const pass = (n: number, stride: number, count: number, start: (c: number) => number) => {
      for (let c = 0; c < count; c++) {
        const a = new Float64Array(n);
        const b = new Float64Array(n);
        for (let j = 0; j < n; j++) {
          a[j] = rr[start(c) + j * stride];
          b[j] = ii[start(c) + j * stride];
        }
        const [x, y] = naiveDft(a, b);
        for (let j = 0; j < n; j++) {
          rr[start(c) + j * stride] = x[j];
          ii[start(c) + j * stride] = y[j];
        }
      }
    };
    pass(nx, 1, ny * nz, (c) => c * nx);
    pass(ny, nx, nx * nz, (c) => (c % nx) + nx * ny * Math.floor(c / nx));
    pass(nz, nx * ny, nx * ny, (c) => c);
    fft3d(re, im, nx, ny, nz);
    expect(maxDiff(re, rr)).toBeLessThan(1e-10);
    expect(maxDiff(im, ii)).toBeLessThan(1e-10);
    fft3d(re, im, nx, ny, nz, true);
    expect(maxDiff(re, r0)).toBeLessThan(1e-13);
    expect(maxDiff(im, i0)).toBeLessThan(1e-13);
  });
  it('fftWavenumber gives 2π i / L for i < n/2 and 2π (i − n)/L above', () => {
    expect(fftWavenumber(1, 8, 0.5)).toBeCloseTo((2 * Math.PI) / 4, 12);
    expect(fftWavenumber(7, 8, 0.5)).toBeCloseTo((-2 * Math.PI) / 4, 12);
  });
});

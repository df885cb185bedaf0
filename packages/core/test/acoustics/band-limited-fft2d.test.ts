import { describe, expect, it } from 'vitest';
import { bandFft2d } from '../../src/acoustics/band-limited-fft2d.js';
import { fft2d } from '../../src/math/fft.js';

describe('bandFft2d', () => {
  const n = 32;
  const random = () => Float64Array.from({ length: n * n }, (_, i) => Math.sin(1.7 * i) + Math.cos(0.3 * i * i));
  for (const m of [0, 5, 15, 16]) {
    it(`equals the full 2D FFT on the columns |kx| ≤ ${m} bins, and its inverse returns a field band-limited there (1e-12)`, () => {
      const re = random();
      const im = random().reverse();
      const fRe = Float64Array.from(re);
      const fIm = Float64Array.from(im);
      fft2d(fRe, fIm, n, n, false);
      const bRe = Float64Array.from(re);
      const bIm = Float64Array.from(im);
      bandFft2d(bRe, bIm, n, m, false);
      const inBand = (x: number) => x <= m || x >= n - m;
      let err = 0;
      let peak = 0;
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++) {
          const e = x + n * y;
          peak = Math.max(peak, Math.hypot(fRe[e], fIm[e]));
          if (inBand(x)) err = Math.max(err, Math.hypot(bRe[e] - fRe[e], bIm[e] - fIm[e]));
        }
      expect(err / peak).toBeLessThan(1e-12);
      // inverse of the band-limited spectrum (the other columns zeroed), scaled by 1/n², as fft2d's inverse
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++)
          if (!inBand(x)) {
            fRe[x + n * y] = 0;
            fIm[x + n * y] = 0;
          }
      const gRe = Float64Array.from(fRe);
      const gIm = Float64Array.from(fIm);
      fft2d(fRe, fIm, n, n, true);
      bandFft2d(gRe, gIm, n, m, true);
      let err2 = 0;
      let peak2 = 0;
      for (let e = 0; e < n * n; e++) {
        peak2 = Math.max(peak2, Math.hypot(fRe[e], fIm[e]));
        err2 = Math.max(err2, Math.hypot(gRe[e] / (n * n) - fRe[e], gIm[e] / (n * n) - fIm[e]));
      }
      expect(err2 / peak2).toBeLessThan(1e-12);
    });
  }
});

import { fft1dAt, fftColumnsAt } from '../math/fft.js';

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
  if (full) fftColumnsAt(re, im, n, n, 0, n, inverse);
  else {
    fftColumnsAt(re, im, n, n, 0, m + 1, inverse);
    fftColumnsAt(re, im, n, n, n - m, n, inverse);
  }
  if (inverse) for (let y = 0; y < n; y++) fft1dAt(re, im, y * n, n, true);
}

/**
 * Whether a marched harmonic field needs more harmonics: true when the highest carried harmonic's peak amplitude
 * over the plane exceeds `tolerance` × the fundamental's. `re`/`im` hold harmonic h (0-based) of point i at
 * h × points + i; `carried` harmonics are present. Shared by the axisymmetric and the 3D nonlinear marches.
 */
export function highestHarmonicSignificant(
  re: Float64Array | Float32Array,
  im: Float64Array | Float32Array,
  carried: number,
  points: number,
  tolerance: number,
): boolean {
  let top = 0;
  let fund = 0;
  const o = (carried - 1) * points;
  for (let i = 0; i < points; i++) {
    top = Math.max(top, Math.hypot(re[o + i], im[o + i]));
    fund = Math.max(fund, Math.hypot(re[i], im[i]));
  }
  return top > tolerance * fund;
}

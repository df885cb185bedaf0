/**
 * Focal metrics of a pressure field: peak (with parabolic sub-sample refinement) and the −6 dB extent
 * (half-amplitude points, linear interpolation between samples). Lengths in m, pressure in Pa.
 */

/** Position (fractional sample index) and value of the maximum of a sampled curve, refined by a parabola through its neighbours. */
export function refinedPeak(values: ArrayLike<number>): { index: number; value: number } {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  if (best === 0 || best === values.length - 1) return { index: best, value: values[best] };
  const a = values[best - 1];
  const b = values[best];
  const c = values[best + 1];
  const den = a - 2 * b + c;
  if (den >= 0) return { index: best, value: b };
  const t = (0.5 * (a - c)) / den;
  return { index: best + t, value: b - 0.25 * (a - c) * t };
}

/**
 * Full width (m) of the region around sample `peakIndex` where values ≥ level · values[peak], measured on
 * coordinates `x` (increasing); NaN when the curve does not fall below the level on both sides.
 */
export function widthAtLevel(x: ArrayLike<number>, values: ArrayLike<number>, peakIndex: number, level = 0.5): number {
  const p = Math.round(peakIndex);
  const threshold = level * values[p];
  let lo = Number.NaN;
  for (let i = p; i > 0; i--) {
    if (values[i - 1] < threshold) {
      lo = x[i - 1] + ((threshold - values[i - 1]) / (values[i] - values[i - 1])) * (x[i] - x[i - 1]);
      break;
    }
  }
  let hi = Number.NaN;
  for (let i = p; i < values.length - 1; i++) {
    if (values[i + 1] < threshold) {
      hi = x[i] + ((values[i] - threshold) / (values[i] - values[i + 1])) * (x[i + 1] - x[i]);
      break;
    }
  }
  return hi - lo;
}

/** Distance (m) from x[0] (a symmetry axis) to where a curve falling from x[0] first drops below level · values[0]; NaN if it never does. */
export function radiusAtLevel(x: ArrayLike<number>, values: ArrayLike<number>, level = 0.5): number {
  const threshold = level * values[0];
  for (let i = 0; i < values.length - 1; i++) {
    if (values[i + 1] < threshold) return x[i] + ((values[i] - threshold) / (values[i] - values[i + 1])) * (x[i + 1] - x[i]);
  }
  return Number.NaN;
}

/** Pressure amplitude |p| (Pa) of split complex arrays. */
export function amplitudeOf(re: ArrayLike<number>, im: ArrayLike<number>): Float64Array {
  const out = new Float64Array(re.length);
  for (let i = 0; i < re.length; i++) out[i] = Math.hypot(re[i], im[i]);
  return out;
}

/** Plane-wave intensity I = |p|² / (2 ρ c), W/m². */
export function planeWaveIntensity(pressureAmplitude: number, density: number, soundSpeed: number): number {
  return (pressureAmplitude * pressureAmplitude) / (2 * density * soundSpeed);
}

import { airy } from '../math/bessel.js';
import { capHeight } from '../transducer/bowl.js';

/** Geometry of a bowl for O'Neil's solution: radius of curvature R, outer and hole aperture radii (m). */
export interface ONeilBowl {
  readonly radiusOfCurvature: number;
  readonly apertureRadius: number;
  /** 0 for no hole */
  readonly holeRadius: number;
}

/**
 * On-axis complex pressure of a spherical cap of aperture radius a (no hole), O'Neil (1949), as in k-Wave's
 * focusedBowlONeil, with z from the apex, h = R − sqrt(R² − a²), B = sqrt((z − h)² + a²):
 *   p(z) = ρ c u0 / (1 − z/R) · (e^{−i k z} − e^{−i k B}),  e^{iωt} convention,
 * so |p| = ρ c u0 |2/(1 − z/R) · sin(k (B − z)/2)|; at z = R the limit i k h ρ c u0 e^{−i k R}.
 * k may carry attenuation through kIm (< 0 means decay, k̃ = k + i·kIm), an approximation outside O'Neil's theory.
 * Writes re/im of p / (ρ c u0).
 */
function capAxial(z: number, r: number, a: number, k: number, kIm: number, out: number[]): void {
  const h = capHeight(r, a);
  const q = 1 - z / r;
  // e^{−i k̃ x} = e^{kIm x} (cos kx − i sin kx)
  if (Math.abs(q) < 1e-9) {
    // limit: i k h e^{−i k R}
    const m = Math.exp(kIm * r);
    const cr = Math.cos(k * r) * m;
    const ci = -Math.sin(k * r) * m;
    out[0] = -k * h * ci;
    out[1] = k * h * cr;
    return;
  }
  const b = Math.sqrt((z - h) * (z - h) + a * a);
  const m1 = Math.exp(kIm * z);
  const m2 = Math.exp(kIm * b);
  const re = Math.cos(k * z) * m1 - Math.cos(k * b) * m2;
  const im = -Math.sin(k * z) * m1 + Math.sin(k * b) * m2;
  out[0] = re / q;
  out[1] = im / q;
}

const scratch = [0, 0];

/**
 * O'Neil on-axis pressure (Pa, complex) of a bowl with optional central hole (outer bowl minus inner bowl of the
 * same R, as complex fields), at axial distances z (m) from the apex. `kIm` ≤ 0 adds an attenuation −kIm (Np/m).
 * Valid for D ≫ λ and D ≫ h (O'Neil's assumptions).
 */
export function oneilAxial(
  bowl: ONeilBowl,
  wavenumber: number,
  rhoCU0: number,
  z: ArrayLike<number>,
  kIm = 0,
): { re: Float64Array; im: Float64Array } {
  const n = z.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    capAxial(z[i], bowl.radiusOfCurvature, bowl.apertureRadius, wavenumber, kIm, scratch);
    let pr = scratch[0];
    let pi = scratch[1];
    if (bowl.holeRadius > 0) {
      capAxial(z[i], bowl.radiusOfCurvature, bowl.holeRadius, wavenumber, kIm, scratch);
      pr -= scratch[0];
      pi -= scratch[1];
    }
    re[i] = pr * rhoCU0;
    im[i] = pi * rhoCU0;
  }
  return { re, im };
}

/**
 * O'Neil focal-plane pressure (Pa, complex) at radial distances r (m) in the plane z = R:
 *   p(r) = i k h ρ c u0 e^{−i k R} · 2 J1(x)/x,  x = k r a / R,
 * for the outer cap minus the hole's cap. |p| = 2 ρ c u0 k h |J1(x)/x|; the −6 dB diameter of a bowl without a
 * hole is 2 · 2.2152 · R / (k a). Paraxial (valid near the axis for D ≫ λ).
 */
export function oneilFocalPlane(
  bowl: ONeilBowl,
  wavenumber: number,
  rhoCU0: number,
  r: ArrayLike<number>,
): { re: Float64Array; im: Float64Array } {
  const n = r.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const R = bowl.radiusOfCurvature;
  const k = wavenumber;
  const hOut = capHeight(R, bowl.apertureRadius);
  const hIn = bowl.holeRadius > 0 ? capHeight(R, bowl.holeRadius) : 0;
  // i e^{−ikR} = sin(kR) + i cos(kR)
  const pr = Math.sin(k * R);
  const pi = Math.cos(k * R);
  for (let i = 0; i < n; i++) {
    let amp = hOut * airy((k * r[i] * bowl.apertureRadius) / R);
    if (hIn > 0) amp -= hIn * airy((k * r[i] * bowl.holeRadius) / R);
    amp *= k * rhoCU0;
    re[i] = amp * pr;
    im[i] = amp * pi;
  }
  return { re, im };
}

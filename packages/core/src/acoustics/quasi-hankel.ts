import { besselJ1 } from '../math/bessel.js';

/**
 * The quasi-discrete Hankel transform of order 0 (Guizar-Sicairos & Gutiérrez-Vega, JOSA A 21(1):53–58, 2004):
 * an axisymmetric field f(r) that vanishes beyond r = R is sampled at r_n = j_n R / j_{N+1} (j_n the zeros of J0),
 * its spectrum at k_m = j_m / R; with F_n = f(r_n) R / |J1(j_n)| and G_m = H(k_m) j_{N+1} / (R |J1(j_m)|)
 * (H(k) = ∫ f(r) J0(k r) r dr), G = T F and F = T G with the symmetric, nearly orthogonal matrix
 * T_mn = 2 J0(j_m j_n / j_{N+1}) / (|J1(j_m)| |J1(j_n)| j_{N+1}). Diffraction of one harmonic over Δz is then
 * f ← D⁻¹ T diag(e^{−i kz(k_m) Δz}) T D f, D = diag(R / |J1(j_n)|): the angular spectrum in cylindrical
 * coordinates, exact for every propagation angle (no paraxial approximation).
 */
export interface QuasiHankel {
  /** number of nodes */
  readonly n: number;
  /** domain radius R, m */
  readonly radius: number;
  /** node radii r_n (m) and spectral wavenumbers k_m (rad/m), n, m < N */
  readonly r: Float64Array;
  readonly k: Float64Array;
  /** R / |J1(j_n)|: f → F scaling */
  readonly scale: Float64Array;
  /** T, row-major N × N */
  readonly t: Float64Array;
  /** f(0) = Σ_n axis[n] f(r_n) (the Fourier–Bessel series at r = 0) */
  readonly axis: Float64Array;
  /** the zeros j_1 … j_{N+1} */
  readonly zeros: Float64Array;
}

/** J0(x), Numerical Recipes in C 2nd ed. §6.5 (bessj0), absolute error about 1e-8. */
export function besselJ0(x: number): number {
  const ax = Math.abs(x);
  if (ax < 8) {
    const y = x * x;
    const num = 57568490574.0 + y * (-13362590354.0 + y * (651619640.7 + y * (-11214424.18 + y * (77392.33017 + y * -184.9052456))));
    const den = 57568490411.0 + y * (1029532985.0 + y * (9494680.718 + y * (59272.64853 + y * (267.8532712 + y))));
    return num / den;
  }
  const z = 8 / ax;
  const y = z * z;
  const xx = ax - 0.785398164;
  const p = 1 + y * (-0.1098628627e-2 + y * (0.2734510407e-4 + y * (-0.2073370639e-5 + y * 0.2093887211e-6)));
  const q = -0.1562499995e-1 + y * (0.1430488765e-3 + y * (-0.6911147651e-5 + y * (0.7621095161e-6 + y * -0.934935152e-7)));
  return Math.sqrt(0.636619772 / ax) * (Math.cos(xx) * p - z * Math.sin(xx) * q);
}

/** The first `count` positive zeros of J0: McMahon's expansion, refined by Newton (J0' = −J1). */
export function besselJ0Zeros(count: number): Float64Array {
  const out = new Float64Array(count);
  for (let m = 1; m <= count; m++) {
    const b = (m - 0.25) * Math.PI;
    let x = b + 1 / (8 * b) - 124 / (3 * (8 * b) ** 3);
    for (let it = 0; it < 4; it++) x += besselJ0(x) / besselJ1(x);
    out[m - 1] = x;
  }
  return out;
}

/** The transform on N nodes over [0, radius]. */
export function quasiHankel(n: number, radius: number): QuasiHankel {
  const zeros = besselJ0Zeros(n + 1);
  const S = zeros[n];
  const r = new Float64Array(n);
  const k = new Float64Array(n);
  const scale = new Float64Array(n);
  const j1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    r[i] = (zeros[i] * radius) / S;
    k[i] = zeros[i] / radius;
    j1[i] = Math.abs(besselJ1(zeros[i]));
    scale[i] = radius / j1[i];
  }
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = (2 * besselJ0((zeros[i] * zeros[j]) / S)) / (j1[i] * j1[j] * S);
      t[i * n + j] = v;
      t[j * n + i] = v;
    }
  }
  // f(0) = Σ_m 2 H(k_m) / (R² J1(j_m)²) with H(k_m) = G_m R |J1(j_m)| / S and G = T D f
  const axis = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    const c = 2 / (radius * S * j1[m]);
    for (let i = 0; i < n; i++) axis[i] += c * t[m * n + i] * scale[i];
  }
  return { n, radius, r, k, scale, t, axis, zeros };
}

/**
 * Values at radii `rNew` of the band-limited field whose scaled spectrum on `q` is G (gRe/gIm, length q.n): the
 * Fourier–Bessel series f(r) = Σ_m 2 G_m J0(k_m r) / (R j_{N+1} |J1(j_m)|), 0 beyond R. Returns the matrix
 * E (rNew.length × q.n, row-major) so that f = E G.
 */
export function seriesMatrix(q: QuasiHankel, rNew: Float64Array): Float64Array {
  const n = q.n;
  const S = q.zeros[n];
  const e = new Float64Array(rNew.length * n);
  const c = new Float64Array(n);
  for (let m = 0; m < n; m++) c[m] = 2 / (q.radius * S * Math.abs(besselJ1(q.zeros[m])));
  for (let i = 0; i < rNew.length; i++) {
    if (rNew[i] > q.radius) continue;
    for (let m = 0; m < n; m++) e[i * n + m] = c[m] * besselJ0(q.k[m] * rNew[i]);
  }
  return e;
}

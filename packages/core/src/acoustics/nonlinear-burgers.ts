import { fft1dAt, nextPowerOfTwo } from '../math/fft.js';

/**
 * The nonlinear step of a finite-amplitude periodic wave: the inviscid Burgers equation in retarded time,
 *   ∂p/∂z = b p ∂p/∂τ,  b = β/(ρ c³)  (Hamilton & Blackstock, Nonlinear Acoustics, 1998, eq. 4.1 without loss),
 * over a distance dz, on the harmonics p_n of p(τ) = Re Σ_{n=1}^{N} p_n e^{i n ω τ} (complex amplitudes in Pa, the
 * repository's e^{iωt} convention; |p_n| is the peak amplitude of harmonic n). Attenuation and diffraction are the
 * other operators of the splitting and are not applied here.
 *
 * Two methods, chosen per call from the waveform's steepness G = max(∂p/∂θ) / A (θ = ωτ, A the half peak-to-peak;
 * G = 1 for a sine, G = 1/(1 − σ) on Fubini's solution, ∞ at a shock):
 *  - G < `steepnessSwitch` (weak steepening): the harmonic coupling in the frequency domain (Aanonsen et al.,
 *    JASA 75:749, 1984), dp_k/dz = (i k ω b / 2) c_k with c_k = ½ [Σ_{m<k} p_m p_{k−m} + 2 Σ_{m>k} p_m p*_{m−k}],
 *    integrated by classical RK4 in sub-steps with k ω b |p|max dz_sub ≤ 1 (no aliasing: direct convolution);
 *  - otherwise (shocks forming or formed): the conservative form ∂p/∂z + ∂F/∂τ = 0, F = −b p²/2, on M = 4N samples
 *    of one period by a second-order Godunov scheme (MUSCL with minmod slopes, exact Godunov flux of the concave F,
 *    Heun/SSP-RK2 in z, Courant number ≤ 0.4); a finite-volume scheme in conservation form captures shocks with the
 *    right speed and the weak-shock energy loss (Lax–Wendroff theorem; LeVeque, Finite Volume Methods, 2002, ch. 12).
 *    The waveform is then cut back to N harmonics (what lies above N is treated as absorbed at the shock).
 * `lost` returns the drop of Σ|p_n|²/2 (Pa², the mean square pressure) across the step: the energy that left the
 * N harmonics (shock dissipation and truncation), which the caller deposits as shock heating.
 */
export class BurgersStepper {
  /** G above which the step runs in the time domain */
  steepnessSwitch = 3;
  private readonly maxN: number;
  /** scratch buffers (RK4 stages, waveform samples, Godunov fluxes), allocated once */
  private readonly work: {
    k1Re: Float64Array;
    k1Im: Float64Array;
    k2Re: Float64Array;
    k2Im: Float64Array;
    k3Re: Float64Array;
    k3Im: Float64Array;
    k4Re: Float64Array;
    k4Im: Float64Array;
    tRe: Float64Array;
    tIm: Float64Array;
    u1: Float64Array;
    slope: Float64Array;
  };
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;
  private readonly u: Float64Array;
  private readonly flux: Float64Array;
  /** method of the last step: 0 none (negligible), 1 frequency domain, 2 time domain */
  lastMethod = 0;

  constructor(maxHarmonics: number) {
    this.maxN = maxHarmonics;
    const a = () => new Float64Array(maxHarmonics);
    const m = samplesFor(maxHarmonics);
    this.work = {
      k1Re: a(),
      k1Im: a(),
      k2Re: a(),
      k2Im: a(),
      k3Re: a(),
      k3Im: a(),
      k4Re: a(),
      k4Im: a(),
      tRe: a(),
      tIm: a(),
      u1: new Float64Array(m),
      slope: new Float64Array(m),
    };
    this.wRe = new Float64Array(m);
    this.wIm = new Float64Array(m);
    this.u = new Float64Array(m);
    this.flux = new Float64Array(m);
  }

  /**
   * One nonlinear step of length dz (m) on harmonics 1..n stored at re/im[offset + (n − 1)·stride]; b = β/(ρc³),
   * omega = 2πf of the fundamental. Returns the mean-square pressure lost (Pa², ≥ 0 up to rounding).
   */
  step(re: Float64Array, im: Float64Array, offset: number, stride: number, n: number, b: number, omega: number, dz: number): number {
    if (n > this.maxN) throw new RangeError(`BurgersStepper: ${n} harmonics exceed ${this.maxN}`);
    const m = samplesFor(n);
    let before = 0;
    for (let j = 0; j < n; j++) {
      const r = re[offset + j * stride];
      const i = im[offset + j * stride];
      before += r * r + i * i;
    }
    before /= 2;
    // waveform (u) and its θ-derivative (flux as scratch) on m samples
    waveform(re, im, offset, stride, n, m, this.wRe, this.wIm, false);
    let pMax = Number.NEGATIVE_INFINITY;
    let pMin = Number.POSITIVE_INFINITY;
    for (let s = 0; s < m; s++) {
      const v = this.wRe[s];
      this.u[s] = v;
      if (v > pMax) pMax = v;
      if (v < pMin) pMin = v;
    }
    const pAbs = Math.max(pMax, -pMin);
    // negligible nonlinearity: leave the harmonics alone (keeps low amplitudes exactly linear)
    if (!(b * omega * pAbs * dz > 1e-9) || n < 2) {
      this.lastMethod = 0;
      return 0;
    }
    waveform(re, im, offset, stride, n, m, this.wRe, this.wIm, true);
    let slopeMax = 0;
    for (let s = 0; s < m; s++) if (this.wRe[s] > slopeMax) slopeMax = this.wRe[s];
    const amplitude = (pMax - pMin) / 2;
    const steep = amplitude > 0 ? slopeMax / amplitude : 0;
    if (steep < this.steepnessSwitch) {
      this.lastMethod = 1;
      this.frequencyStep(re, im, offset, stride, n, b * omega, dz, pAbs);
    } else {
      this.lastMethod = 2;
      this.timeStep(m, b * omega, dz, pAbs);
      // back to harmonics 1..n: p_k = 2 U_k / m
      for (let s = 0; s < m; s++) {
        this.wRe[s] = this.u[s];
        this.wIm[s] = 0;
      }
      fft1dAt(this.wRe, this.wIm, 0, m, false);
      for (let j = 0; j < n; j++) {
        re[offset + j * stride] = (2 * this.wRe[j + 1]) / m;
        im[offset + j * stride] = (2 * this.wIm[j + 1]) / m;
      }
    }
    let after = 0;
    for (let j = 0; j < n; j++) {
      const r = re[offset + j * stride];
      const i = im[offset + j * stride];
      after += r * r + i * i;
    }
    return before - after / 2;
  }

  /** dp_k/dz = (i k bω/2) c_k by RK4 sub-steps. */
  private frequencyStep(
    re: Float64Array,
    im: Float64Array,
    offset: number,
    stride: number,
    n: number,
    bw: number,
    dz: number,
    pAbs: number,
  ): void {
    const subs = Math.max(1, Math.ceil(dz * bw * n * pAbs));
    const h = dz / subs;
    const { k1Re, k1Im, k2Re, k2Im, k3Re, k3Im, k4Re, k4Im, tRe, tIm } = this.work;
    // work on a contiguous copy
    const xRe = this.wRe;
    const xIm = this.wIm;
    for (let j = 0; j < n; j++) {
      xRe[j] = re[offset + j * stride];
      xIm[j] = im[offset + j * stride];
    }
    for (let s = 0; s < subs; s++) {
      coupling(xRe, xIm, n, bw, k1Re, k1Im);
      for (let j = 0; j < n; j++) {
        tRe[j] = xRe[j] + 0.5 * h * k1Re[j];
        tIm[j] = xIm[j] + 0.5 * h * k1Im[j];
      }
      coupling(tRe, tIm, n, bw, k2Re, k2Im);
      for (let j = 0; j < n; j++) {
        tRe[j] = xRe[j] + 0.5 * h * k2Re[j];
        tIm[j] = xIm[j] + 0.5 * h * k2Im[j];
      }
      coupling(tRe, tIm, n, bw, k3Re, k3Im);
      for (let j = 0; j < n; j++) {
        tRe[j] = xRe[j] + h * k3Re[j];
        tIm[j] = xIm[j] + h * k3Im[j];
      }
      coupling(tRe, tIm, n, bw, k4Re, k4Im);
      for (let j = 0; j < n; j++) {
        xRe[j] += (h / 6) * (k1Re[j] + 2 * k2Re[j] + 2 * k3Re[j] + k4Re[j]);
        xIm[j] += (h / 6) * (k1Im[j] + 2 * k2Im[j] + 2 * k3Im[j] + k4Im[j]);
      }
    }
    for (let j = 0; j < n; j++) {
      re[offset + j * stride] = xRe[j];
      im[offset + j * stride] = xIm[j];
    }
  }

  /** Godunov–MUSCL steps of ∂u/∂z = bω u ∂u/∂θ on this.u (m samples of one period θ ∈ [0, 2π)). */
  private timeStep(m: number, bw: number, dz: number, pAbs: number): void {
    const dTheta = (2 * Math.PI) / m;
    // Courant number bω|u|max dz_sub/Δθ ≤ 0.4 (|u|max does not grow: the scheme is TVD)
    const subs = Math.max(1, Math.ceil((dz * bw * pAbs) / (0.4 * dTheta)));
    const lambda = (dz / subs / dTheta) * bw;
    const u = this.u;
    const u1 = this.work.u1;
    for (let s = 0; s < subs; s++) {
      this.rhs(u, m, lambda);
      for (let i = 0; i < m; i++) u1[i] = u[i] - (this.flux[i] - this.flux[(i + m - 1) % m]);
      this.rhs(u1, m, lambda);
      for (let i = 0; i < m; i++) u[i] = 0.5 * (u[i] + u1[i] - (this.flux[i] - this.flux[(i + m - 1) % m]));
    }
  }

  /**
   * λ·F_{i+1/2} into flux[i] for the state v (F = −u²/2 scaled: the caller's λ carries bω dz/Δθ). MUSCL states
   * uL = v_i + s_i/2, uR = v_{i+1} − s_{i+1}/2 with minmod slopes; Godunov flux of the concave F(u) = −u²/2:
   * min of F over [uL, uR] when uL ≤ uR, max over [uR, uL] otherwise.
   */
  private rhs(v: Float64Array, m: number, lambda: number): void {
    const slope = this.work.slope;
    const flux = this.flux;
    for (let i = 0; i < m; i++) {
      const a = v[i] - v[(i + m - 1) % m];
      const c = v[(i + 1) % m] - v[i];
      slope[i] = a * c <= 0 ? 0 : Math.abs(a) < Math.abs(c) ? a : c;
    }
    for (let i = 0; i < m; i++) {
      const j = (i + 1) % m;
      const uL = v[i] + 0.5 * slope[i];
      const uR = v[j] - 0.5 * slope[j];
      let f: number;
      if (uL <= uR) f = -0.5 * Math.max(uL * uL, uR * uR);
      else if (uR < 0 && uL > 0) f = 0;
      else f = -0.5 * Math.min(uL * uL, uR * uR);
      flux[i] = lambda * f;
    }
  }
}

/** Samples per period for n harmonics in the time-domain step (and the waveform evaluations). */
export function samplesFor(n: number): number {
  return Math.max(16, nextPowerOfTwo(4 * n));
}

/** RHS of the frequency-domain coupling: out_k = (i k bω/2) c_k (harmonic k at index k − 1). */
function coupling(pRe: Float64Array, pIm: Float64Array, n: number, bw: number, outRe: Float64Array, outIm: Float64Array): void {
  for (let k = 1; k <= n; k++) {
    let sr = 0;
    let si = 0;
    // Σ_{m=1}^{k−1} p_m p_{k−m}
    for (let m = 1; m < k; m++) {
      const ar = pRe[m - 1];
      const ai = pIm[m - 1];
      const br = pRe[k - m - 1];
      const bi = pIm[k - m - 1];
      sr += ar * br - ai * bi;
      si += ar * bi + ai * br;
    }
    // 2 Σ_{m=k+1}^{n} p_m conj(p_{m−k})
    let tr = 0;
    let ti = 0;
    for (let m = k + 1; m <= n; m++) {
      const ar = pRe[m - 1];
      const ai = pIm[m - 1];
      const br = pRe[m - k - 1];
      const bi = -pIm[m - k - 1];
      tr += ar * br - ai * bi;
      ti += ar * bi + ai * br;
    }
    const cr = 0.5 * (sr + 2 * tr);
    const ci = 0.5 * (si + 2 * ti);
    // × i k bω / 2
    const g = (k * bw) / 2;
    outRe[k - 1] = -g * ci;
    outIm[k - 1] = g * cr;
  }
}

/**
 * p(θ_s) (or ∂p/∂θ when `derivative`) at θ_s = 2π s/m, s < m, into outRe (outIm is scratch): the inverse DFT of
 * the bins ½ p_k (k) and ½ p_k* (m − k).
 */
export function waveform(
  re: Float64Array,
  im: Float64Array,
  offset: number,
  stride: number,
  n: number,
  m: number,
  outRe: Float64Array,
  outIm: Float64Array,
  derivative = false,
  sigma?: boolean,
): void {
  outRe.fill(0, 0, m);
  outIm.fill(0, 0, m);
  for (let k = 1; k <= n && k < m / 2; k++) {
    let a = 0.5 * re[offset + (k - 1) * stride];
    let c = 0.5 * im[offset + (k - 1) * stride];
    if (sigma) {
      // Lanczos σ-factor sinc(k/(n+1)): damps the Gibbs overshoot of a truncated shock
      const x = (Math.PI * k) / (n + 1);
      const s = Math.sin(x) / x;
      a *= s;
      c *= s;
    }
    if (derivative) {
      // × i k
      const t = a;
      a = -k * c;
      c = k * t;
    }
    outRe[k] = a;
    outIm[k] = c;
    outRe[m - k] = a;
    outIm[m - k] = -c;
  }
  fft1dAt(outRe, outIm, 0, m, true);
}

/**
 * Peak positive and peak negative pressure (Pa; p− ≤ 0) of the waveform of harmonics 1..n, sampled on
 * samplesFor(n)·4 points, with Lanczos σ-factors where the series is truncated (last harmonic above 1e-3 of the
 * first): a truncated series overshoots a shock by about 9 % (Gibbs), the σ-factors bring that to about 1 %.
 */
export function waveformPeaks(
  re: Float64Array,
  im: Float64Array,
  offset: number,
  stride: number,
  n: number,
  scratchRe: Float64Array,
  scratchIm: Float64Array,
): { positive: number; negative: number } {
  const m = peakSamplesFor(n);
  // σ-factors only where the series is truncated (its last harmonic above 1e-3 of the first): a resolved waveform
  // keeps its exact peaks
  const last = Math.hypot(re[offset + (n - 1) * stride], im[offset + (n - 1) * stride]);
  const first = Math.hypot(re[offset], im[offset]);
  waveform(re, im, offset, stride, n, m, scratchRe, scratchIm, false, n > 1 && last > 1e-3 * first);
  let hi = Number.NEGATIVE_INFINITY;
  let lo = Number.POSITIVE_INFINITY;
  for (let s = 0; s < m; s++) {
    const v = scratchRe[s];
    if (v > hi) hi = v;
    if (v < lo) lo = v;
  }
  return { positive: hi, negative: lo };
}

/** Samples per period used by waveformPeaks for n harmonics. */
export function peakSamplesFor(n: number): number {
  return 4 * samplesFor(n);
}

import { InputError, LimitError } from '../errors.js';
import { fft2d, fftWavenumber, nextPowerOfTwo } from '../math/fft.js';
import { type ParallelExecutor, SerialExecutor } from '../parallel/parallel-executor.js';
import { type BowlTransducer, rimHeight } from '../transducer/bowl.js';
import { type AngularSpectrum, MAX_ASM_OUTPUT_FFT, asmVolume } from './angular-spectrum.js';
import { bandFft2d } from './band-limited-fft2d.js';
import { type HarmonicAcoustics, harmonicAcoustics } from './harmonic-medium.js';
import { highestHarmonicSignificant } from './harmonic-growth.js';
import type { LayeredMedium } from './medium.js';
import { BurgersStepper, waveformPeaks } from './nonlinear-burgers.js';

/** Accuracy knobs of the 3D nonlinear march (defaults in brackets); the tests vary them for convergence. */
export interface NonlinearMarchOptions {
  /** most harmonics carried [8]; what the nonlinear step pushes above them is deposited as shock heat */
  readonly harmonics?: number;
  /** step ≤ stepFraction × the local shock-formation distance 1/(b ω p_max) [0.1] */
  readonly stepFraction?: number;
  /** largest step, m [1 mm] */
  readonly maxStep?: number;
  /** harmonics are doubled when the highest carried one exceeds this fraction of the fundamental's peak [1e-3] */
  readonly harmonicTolerance?: number;
  /** lateral window: the geometric cone plus this many wavelengths of the coupling medium [10] */
  readonly marginWavelengths?: number;
  /** where the march starts, m before the geometric focus [0.3 (R − h)] (never before the spectrum's own plane) */
  readonly startDistance?: number;
  /** where the march ends (transducer frame z, m) */
  readonly zEnd: number;
  /** pressure of the spectrum × this (a spectrum at 1 W: √P) [1] */
  readonly pressureScale?: number;
  /** nodes whose fundamental is below this fraction of the plane's peak skip the nonlinear step [0.05] */
  readonly nodeThreshold?: number;
  /** output lattice (transducer frame): x = y = x0 + i·dl, i < nl; planes every ≤ dz from max(zFrom, start) to zEnd */
  readonly output: { readonly x0: number; readonly dl: number; readonly nl: number; readonly zFrom: number; readonly dz: number };
  /** switch the nonlinear term off (the same march, linear) [false] */
  readonly linear?: boolean;
  /** also record the waveform's peak pressures on the output lattice (at the nearest march node) [false] */
  readonly peaks?: boolean;
}

/** The march's heat source on the output lattice and its axis. */
export interface NonlinearField3D {
  /** W/m³ (harmonics and shocks) on the output lattice, index i + nl·(j + nl·p) */
  readonly q: Float32Array;
  /** |p_1| (Pa) of the fundamental on the same lattice */
  readonly p1: Float32Array;
  /** with options.peaks: peak positive and negative pressure (Pa, p− ≤ 0) on the same lattice */
  readonly peakPositive?: Float32Array;
  readonly peakNegative?: Float32Array;
  readonly nl: number;
  readonly dl: number;
  readonly x0: number;
  readonly planeZ: Float64Array;
  /** where the march started (m) */
  readonly zStart: number;
  /** per march plane on the axis (x = y = 0): z, |p_n| (index plane·N + n − 1), p+, p−, Q */
  readonly axisZ: Float64Array;
  readonly harmonics: number;
  readonly axisHarmonics: Float64Array;
  readonly axisPeakPositive: Float64Array;
  readonly axisPeakNegative: Float64Array;
  readonly axisHeat: Float64Array;
  /** work done: steps, harmonics used at most, largest lateral grid side */
  readonly steps: number;
  readonly harmonicsUsed: number;
  readonly maxGrid: number;
}

/** Largest lateral grid side and the largest grid × harmonic count (memory: 32 bytes each). */
export const MAX_MARCH_GRID = 2048;
export const MAX_MARCH_CELLS = 1 << 24;

/** Principal square root of a + ib with Im ≤ 0 (decaying e^{−i kz z}). */
function sqrtDecaying(a: number, b: number, out: number[]): void {
  const r = Math.hypot(a, b);
  out[0] = Math.sqrt(Math.max(0, (r + a) / 2));
  const im = Math.sqrt(Math.max(0, (r - a) / 2));
  out[1] = b > 0 ? im : -im;
}
const s1 = [0, 0];
const s2 = [0, 0];

/** Bessel J_n(x) by the trapezoidal rule on Bessel's integral (exponentially convergent, periodic integrand). */
function besselJn(n: number, x: number): number {
  const m = 64 + 2 * n;
  let s = 0;
  for (let i = 0; i < m; i++) {
    const t = (2 * Math.PI * i) / m;
    s += Math.cos(n * t - x * Math.sin(t));
  }
  return s / m;
}

/**
 * The finite-amplitude field of a focused bowl in 3D (no axisymmetry assumed: an aberrating wall screen may have
 * acted on `asm`), by operator splitting along z (Strang: half a nonlinear step, diffraction, half a nonlinear step)
 * on a square lateral grid:
 *  - start: the linear field of `asm` (angular-spectrum.ts: the bowl's Rayleigh plane through the layers, possibly
 *    screened) at `startDistance` before the geometric focus, sampled exactly on the march grid (asmVolume's spectral
 *    interpolation); each node's sinusoid distorted by Fubini's solution over its ray's converging-spherical-wave
 *    range σ = ω |p| ρ ∫_ρ^R b(s) ds / s (ρ its distance to the focus, b of the layer met on the axis at R − s;
 *    Hamilton & Blackstock, Nonlinear Acoustics, 1998, ch. 4 for the spherical-wave range); the distortion before
 *    there is weak (σ ≈ 0.1 at 400 W for clinical-0.8mhz) and is checked against the axisymmetric solver;
 *  - diffraction of each harmonic n by the 2D angular spectrum, kz = sqrt(k̃_n² − kx² − ky²), k̃_n = k_n − i α(nf)
 *    (power law and its dispersion, harmonic-medium.ts): wide-angle, no paraxial approximation; at an interface the
 *    oblique transmission T = 2 ρ2 kz1/(ρ2 kz1 + ρ1 kz2) per plane wave, as the linear solver; each harmonic kept
 *    within its band |k⊥| ≤ min(n k, max(k, 1.1 n k a/R)) (the cone's harmonics); a cosine taper over the outer
 *    tenth of each half-period absorbs what leaves the window;
 *  - the nonlinear step (BurgersStepper) at every node whose fundamental exceeds `nodeThreshold` of the plane's peak;
 *  - step Δz = min(maxStep, stepFraction/(b ω p_max)), p_max the largest Σ|p_n| (the local shock-formation distance),
 *    ended on interfaces; harmonics doubled (from 2 up to `harmonics`) when the highest carried one exceeds
 *    `harmonicTolerance` of the fundamental's peak, the grid refined by spectral zero-padding to its band; the
 *    window (period ≥ 2.2 × (cone + margin)) halved by cropping as the beam converges and doubled by zero-padding as
 *    it diverges.
 * Heat Q = Σ_n α_abs(nf)|p_n|²/(ρc) plus the mean-square pressure the nonlinear step removed (shock dissipation
 * and what went above harmonic N) over ρc·Δz, as the axisymmetric solver; recorded on the output lattice (bilinear
 * from the march grid, linear in z between march planes). Pa and the transducer frame throughout.
 */
export async function nonlinearField3D(
  asm: AngularSpectrum,
  medium: LayeredMedium,
  transducer: BowlTransducer,
  options: NonlinearMarchOptions,
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<NonlinearField3D> {
  const nMax = options.harmonics ?? 8;
  if (!(Number.isInteger(nMax) && nMax >= 1 && nMax <= 128))
    throw new InputError('harmonics', `must be an integer in [1, 128], got ${nMax}`);
  const eps = options.stepFraction ?? 0.1;
  const maxStep = options.maxStep ?? 1e-3;
  const tol = options.harmonicTolerance ?? 1e-3;
  const nodeThreshold = options.nodeThreshold ?? 0.05;
  const scale = options.pressureScale ?? 1;
  if (!(eps > 0 && eps <= 1) || !(maxStep > 0) || !(tol > 0) || !(nodeThreshold >= 0) || !(scale > 0) || !Number.isFinite(scale))
    throw new InputError('options', 'stepFraction in (0, 1], maxStep, harmonicTolerance and pressureScale > 0, nodeThreshold ≥ 0');
  const out = options.output;
  if (!(out.dl > 0) || !(out.dz > 0) || !(Number.isInteger(out.nl) && out.nl >= 2) || !Number.isFinite(out.x0))
    throw new InputError('output', 'needs dl, dz > 0, nl ≥ 2 and a finite x0');
  const linear = options.linear ?? false;
  const f = transducer.frequency;
  const omega = 2 * Math.PI * f;
  const R = transducer.radiusOfCurvature;
  const a = transducer.aperture / 2;
  const h = rimHeight(transducer);
  const layers = medium.layers.map((l, i) => {
    try {
      return harmonicAcoustics(l.tissue, f, nMax);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`medium.layers[${i}].nonlinearity`, e.message);
      throw e;
    }
  });
  const layerAt = (z: number) => {
    for (let l = 0; l < medium.layers.length - 1; l++) if (z < medium.layers[l].zEnd) return l;
    return medium.layers.length - 1;
  };
  const lambda = (2 * Math.PI) / layers[0].wavenumber[0];
  const zStart = Math.max(asm.zSource, R - (options.startDistance ?? 0.3 * (R - h)));
  const zEnd = options.zEnd;
  if (!(zEnd > zStart)) throw new InputError('zEnd', `must lie beyond the march's start at ${zStart.toFixed(4)} m`);
  const margin = (options.marginWavelengths ?? 10) * lambda;
  const cone = (z: number) => (a * Math.abs(R - z)) / (R - h);
  const needPeriod = (z: number) => 2.2 * (cone(z) + margin);
  const kTop = Math.max(...layers.map((l) => l.wavenumber[0]));
  const sinRim = Math.min(1, a / R);
  const band = (n: number) => (n === 1 ? kTop : Math.min(n * kTop, Math.max(kTop, 1.1 * n * kTop * sinRim)));

  // The start grid: a spacing P/2^k of the spectrum's period (so asmVolume samples it exactly), fine enough for the
  // first harmonics.
  const interfaces = medium.layers.slice(0, -1).map((l) => l.zEnd);
  let nAct = 1;
  const asmPeriod = asm.nx * asm.dx;
  if (asm.nx !== asm.ny || Math.abs(asm.dx - asm.dy) > 1e-12 * asm.dx)
    throw new InputError('asm', 'the 3D march needs a square lateral grid');
  // the march spacing is also at most the output step (both P/2^k: output points then fall on nodes, no
  // interpolation error in the lateral direction)
  const pickSpacing = (n: number) => {
    const kNeed = Math.max(band(n), Math.PI / out.dl);
    const M = Math.max(asm.nx, nextPowerOfTwo(Math.ceil((asmPeriod * kNeed) / Math.PI - 1e-9)));
    return asmPeriod / M;
  };
  // Fubini's harmonics at the start need their count first: from the largest σ (axis node) estimate.
  const sigmaFactor = (rho: number) => {
    // ∫_ρ^R b(s) ds/s along the axis (z = R − s), midpoint rule on a log scale
    if (!(rho > 0 && rho < R)) return 0;
    const m = 64;
    const lr = Math.log(R / rho);
    let s = 0;
    for (let i = 0; i < m; i++) {
      const t = rho * Math.exp(((i + 0.5) / m) * lr);
      s += layers[layerAt(R - t)].burgers;
    }
    return (s / m) * lr;
  };
  let d = pickSpacing(linear ? 1 : 2);
  let n = Math.min(MAX_MARCH_GRID, nextPowerOfTwo(Math.ceil(needPeriod(zStart) / d)));
  if (n * d > asmPeriod) n = Math.round(asmPeriod / d);
  // start field
  const startField = async (nn: number, dd: number) => {
    const x0 = -(nn / 2) * dd;
    const M = Math.round(asmPeriod / dd);
    if (M > MAX_ASM_OUTPUT_FFT) throw new LimitError(`3D nonlinear march: start-plane FFT of ${M} points exceeds ${MAX_ASM_OUTPUT_FFT}`);
    const axis = { n: asm.nx, d: asm.dx, nOut: M, stride: 1 };
    return asmVolume(
      { ...asm, axisX: axis, axisY: axis },
      { x0, y0: x0, dx: dd, dy: dd, nx: nn, ny: nn },
      Float64Array.of(zStart),
      executor,
    );
  };
  let p0 = await startField(n, d);
  let pPeak = 0;
  for (let i = 0; i < p0.re.length; i++) pPeak = Math.max(pPeak, Math.hypot(p0.re[i], p0.im[i]) * scale);
  if (!linear) {
    // σ of the axis node bounds the others (the largest amplitude at the shortest range)
    const sMax = omega * pPeak * (R - zStart) * sigmaFactor(R - zStart);
    nAct = 2;
    while (nAct < nMax && (2 * Math.abs(besselJn(nAct, nAct * Math.min(sMax, 0.95)))) / (nAct * Math.min(sMax, 0.95)) > tol) nAct *= 2;
    nAct = Math.min(nAct, nMax);
    const d2 = pickSpacing(nAct);
    if (d2 < d) {
      d = d2;
      n = Math.min(MAX_MARCH_GRID, nextPowerOfTwo(Math.ceil(needPeriod(zStart) / d)));
      if (n * d > asmPeriod) n = Math.round(asmPeriod / d);
      p0 = await startField(n, d);
    }
  }
  let n2 = n * n;
  if (n2 * nMax > MAX_MARCH_CELLS)
    throw new LimitError(`3D nonlinear march: ${n}² nodes × ${nMax} harmonics exceed ${MAX_MARCH_CELLS}; use fewer harmonics`);
  let fRe = new Float64Array(nMax * n2);
  let fIm = new Float64Array(nMax * n2);
  for (let i = 0; i < n2; i++) {
    fRe[i] = p0.re[i] * scale;
    fIm[i] = p0.im[i] * scale;
  }
  if (!linear && nAct > 1) {
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const x = (i - n / 2) * d;
        const y = (j - n / 2) * d;
        if (Math.hypot(x, y) > cone(zStart)) continue;
        const node = i + n * j;
        const rho = Math.hypot(x, y, R - zStart);
        const amp = Math.hypot(fRe[node], fIm[node]);
        const sigma = Math.min(0.95, omega * amp * rho * sigmaFactor(rho));
        if (!(sigma > 1e-9)) continue;
        const phase = Math.atan2(fIm[node], fRe[node]) + Math.PI / 2;
        for (let k = 1; k <= nAct; k++) {
          const bk = (2 * besselJn(k, k * sigma)) / (k * sigma);
          fRe[(k - 1) * n2 + node] = amp * bk * Math.sin(k * phase);
          fIm[(k - 1) * n2 + node] = -amp * bk * Math.cos(k * phase);
        }
      }
  }

  // output lattice planes
  const zFrom = Math.max(out.zFrom, zStart);
  const np = Math.max(2, Math.ceil((zEnd - zFrom) / out.dz - 1e-9) + 1);
  const planeZ = new Float64Array(np);
  for (let p = 0; p < np; p++) planeZ[p] = zFrom + ((zEnd - zFrom) * p) / (np - 1);
  const nl = out.nl;
  const nl2 = nl * nl;
  const qOut = new Float32Array(nl2 * np);
  const p1Out = new Float32Array(nl2 * np);
  let prevQ = new Float32Array(nl2);
  let prevP = new Float32Array(nl2);
  let curQ = new Float32Array(nl2);
  let curP = new Float32Array(nl2);
  const peaks = options.peaks ?? false;
  const posOut = peaks ? new Float32Array(nl2 * np) : null;
  const negOut = peaks ? new Float32Array(nl2 * np) : null;
  let prevPos = new Float32Array(peaks ? nl2 : 0);
  let prevNeg = new Float32Array(peaks ? nl2 : 0);
  let curPos = new Float32Array(peaks ? nl2 : 0);
  let curNeg = new Float32Array(peaks ? nl2 : 0);
  let nextPlane = 0;

  const stepper = new BurgersStepper(nMax);
  const scratchRe = new Float64Array(16 * Math.max(16, nMax * 4));
  const scratchIm = new Float64Array(scratchRe.length);
  const hRe = new Float64Array(nMax);
  const hIm = new Float64Array(nMax);
  let lost = new Float64Array(n2);
  let nodeQ = new Float64Array(n2);
  const axisZ: number[] = [];
  const axisH: number[] = [];
  const axisPos: number[] = [];
  const axisNeg: number[] = [];
  const axisQ: number[] = [];
  let maxGrid = n;
  let harmonicsUsed = nAct;
  let steps = 0;

  const peakOf = () => {
    let pMax = 0;
    let p1Max = 0;
    for (let i = 0; i < n2; i++) {
      let s = 0;
      for (let k = 0; k < nAct; k++) s += Math.hypot(fRe[k * n2 + i], fIm[k * n2 + i]);
      if (s > pMax) pMax = s;
      const a1 = Math.hypot(fRe[i], fIm[i]);
      if (a1 > p1Max) p1Max = a1;
    }
    return { pMax, p1Max };
  };
  const nonlinear = (dz: number, lay: HarmonicAcoustics, p1Max: number) => {
    if (linear || nAct < 2) return;
    const floor = nodeThreshold * p1Max;
    for (let i = 0; i < n2; i++) {
      if (Math.hypot(fRe[i], fIm[i]) < floor) continue;
      lost[i] += stepper.step(fRe, fIm, i, n2, nAct, lay.burgers, omega, dz);
    }
  };

  // propagation: kz per harmonic per layer for the current grid (rebuilt on regrid)
  let kx = new Float64Array(n);
  const rebuildK = () => {
    kx = new Float64Array(n);
    for (let i = 0; i < n; i++) kx[i] = fftWavenumber(i, n, d);
  };
  rebuildK();
  const diffract = (k: number, dz: number, l: number, lNext: number) => {
    const re = fRe.subarray(k * n2, (k + 1) * n2);
    const im = fIm.subarray(k * n2, (k + 1) * n2);
    // the harmonic's band |k⊥| ≤ b covers |kx| ≤ m bins: only those columns are transformed along y (bandFft2d)
    const b = band(k + 1);
    const b2 = b * b;
    const m = Math.min(n / 2, Math.floor((b * n * d) / (2 * Math.PI) + 1e-9));
    bandFft2d(re, im, n, m, false);
    const lay = layers[l];
    const kr = lay.wavenumber[k];
    const ki = -lay.attenuation[k];
    const k2re = kr * kr - ki * ki;
    const k2im = 2 * kr * ki;
    const cross = lNext !== l;
    const lay2 = layers[lNext];
    const kr2 = lay2.wavenumber[k];
    const ki2 = -lay2.attenuation[k];
    const norm = 1 / n2;
    const gap0 = m + 1;
    const gap1 = n - m;
    for (let jy = 0; jy < n; jy++) {
      const ky2 = kx[jy] * kx[jy];
      const row = n * jy;
      if (gap1 > gap0) {
        re.fill(0, row + gap0, row + gap1);
        im.fill(0, row + gap0, row + gap1);
      }
      for (let jx = 0; jx < n; jx++) {
        if (jx === gap0 && gap1 > gap0) {
          jx = gap1;
          if (jx >= n) break;
        }
        const e = jx + row;
        const kp2 = kx[jx] * kx[jx] + ky2;
        if (kp2 > b2) {
          re[e] = 0;
          im[e] = 0;
          continue;
        }
        sqrtDecaying(k2re - kp2, k2im, s1);
        const mag = Math.exp(s1[1] * dz) * norm;
        const ph = -s1[0] * dz;
        let pr = Math.cos(ph) * mag;
        let pi = Math.sin(ph) * mag;
        if (cross) {
          sqrtDecaying(kr2 * kr2 - ki2 * ki2 - kp2, 2 * kr2 * ki2, s2);
          const rho1 = lay.density;
          const rho2 = lay2.density;
          const nr = 2 * rho2 * s1[0];
          const ni = 2 * rho2 * s1[1];
          const dr = rho2 * s1[0] + rho1 * s2[0];
          const di = rho2 * s1[1] + rho1 * s2[1];
          const den = dr * dr + di * di;
          const tr = den > 0 ? (nr * dr + ni * di) / den : 0;
          const ti = den > 0 ? (ni * dr - nr * di) / den : 0;
          const qr = pr * tr - pi * ti;
          pi = pr * ti + pi * tr;
          pr = qr;
        }
        const x = re[e];
        const y = im[e];
        re[e] = x * pr - y * pi;
        im[e] = x * pi + y * pr;
      }
    }
    bandFft2d(re, im, n, m, true);
  };
  // absorbing edge: cosine taper over the outer tenth of each half-period
  let taperW = new Float64Array(n);
  const rebuildTaper = () => {
    taperW = new Float64Array(n);
    const half = (n / 2) * d;
    const t0 = 0.9 * half;
    for (let i = 0; i < n; i++) {
      const x = Math.abs((i - n / 2) * d);
      taperW[i] = x <= t0 ? 1 : 0.5 * (1 + Math.cos((Math.PI * (x - t0)) / (half - t0)));
    }
  };
  rebuildTaper();
  const taper = () => {
    for (let k = 0; k < nAct; k++) {
      const o = k * n2;
      for (let j = 0; j < n; j++) {
        const wy = taperW[j];
        for (let i = 0; i < n; i++) {
          const w = wy * taperW[i];
          if (w === 1) continue;
          fRe[o + i + n * j] *= w;
          fIm[o + i + n * j] *= w;
        }
      }
    }
  };

  // heat per node and its resampling onto the output lattice
  const record = (z: number, dz: number) => {
    const lay = layers[layerAt(z)];
    const rhoC = lay.density * lay.soundSpeed;
    for (let i = 0; i < n2; i++) {
      let s = 0;
      for (let k = 0; k < nAct; k++) {
        const re = fRe[k * n2 + i];
        const im = fIm[k * n2 + i];
        s += lay.absorption[k] * (re * re + im * im);
      }
      nodeQ[i] = s / rhoC + (dz > 0 ? Math.max(0, lost[i]) / (rhoC * dz) : 0);
    }
    const c = n / 2 + n * (n / 2);
    for (let k = 0; k < nMax; k++) {
      hRe[k] = k < nAct ? fRe[k * n2 + c] : 0;
      hIm[k] = k < nAct ? fIm[k * n2 + c] : 0;
      axisH.push(Math.hypot(hRe[k], hIm[k]));
    }
    const pk = waveformPeaks(hRe, hIm, 0, 1, nAct, scratchRe, scratchIm);
    axisZ.push(z);
    axisPos.push(pk.positive);
    axisNeg.push(pk.negative);
    axisQ.push(nodeQ[c]);
    // bilinear onto the output lattice (0 outside the march grid)
    for (let j = 0; j < nl; j++) {
      const fy = (out.x0 + j * out.dl) / d + n / 2;
      const iy = Math.floor(fy);
      const wy = fy - iy;
      for (let i = 0; i < nl; i++) {
        const fx = (out.x0 + i * out.dl) / d + n / 2;
        const ix = Math.floor(fx);
        const wx = fx - ix;
        let q = 0;
        let p = 0;
        if (ix >= 0 && iy >= 0 && ix + 1 < n && iy + 1 < n) {
          const b = ix + n * iy;
          q = (nodeQ[b] * (1 - wx) + nodeQ[b + 1] * wx) * (1 - wy) + (nodeQ[b + n] * (1 - wx) + nodeQ[b + n + 1] * wx) * wy;
          const m = (e: number) => Math.hypot(fRe[e], fIm[e]);
          p = (m(b) * (1 - wx) + m(b + 1) * wx) * (1 - wy) + (m(b + n) * (1 - wx) + m(b + n + 1) * wx) * wy;
        }
        curQ[i + nl * j] = q;
        curP[i + nl * j] = p;
        if (peaks) {
          // the waveform at the nearest node (output points on a power-of-two division fall on nodes)
          const jx = Math.round(fx);
          const jy = Math.round(fy);
          let pos = 0;
          let neg = 0;
          if (jx >= 0 && jy >= 0 && jx < n && jy < n) {
            const pk = waveformPeaks(fRe, fIm, jx + n * jy, n2, nAct, scratchRe, scratchIm);
            pos = pk.positive;
            neg = pk.negative;
          }
          curPos[i + nl * j] = pos;
          curNeg[i + nl * j] = neg;
        }
      }
    }
  };
  const emit = (zPrev: number, z: number) => {
    while (nextPlane < np && planeZ[nextPlane] <= z + 1e-12) {
      const w = z > zPrev ? Math.min(1, Math.max(0, (planeZ[nextPlane] - zPrev) / (z - zPrev))) : 1;
      const o = nextPlane * nl2;
      for (let i = 0; i < nl2; i++) {
        qOut[o + i] = prevQ[i] * (1 - w) + curQ[i] * w;
        p1Out[o + i] = prevP[i] * (1 - w) + curP[i] * w;
      }
      if (posOut && negOut)
        for (let i = 0; i < nl2; i++) {
          posOut[o + i] = prevPos[i] * (1 - w) + curPos[i] * w;
          negOut[o + i] = prevNeg[i] * (1 - w) + curNeg[i] * w;
        }
      nextPlane++;
    }
    [prevQ, curQ] = [curQ, prevQ];
    [prevP, curP] = [curP, prevP];
    [prevPos, curPos] = [curPos, prevPos];
    [prevNeg, curNeg] = [curNeg, prevNeg];
  };

  // regrids: refine (spectral zero-padding, period kept), crop (central half, spacing kept), pad (zeros around)
  const resize = (n3: number, d3: number, mode: 'refine' | 'crop' | 'pad') => {
    const m2 = n3 * n3;
    if (m2 * nMax > MAX_MARCH_CELLS || n3 > MAX_MARCH_GRID)
      throw new LimitError(`3D nonlinear march: ${n3}² nodes × ${nMax} harmonics exceed the limits; use fewer harmonics`);
    const gRe = new Float64Array(nMax * m2);
    const gIm = new Float64Array(nMax * m2);
    for (let k = 0; k < nAct; k++) {
      const re = fRe.subarray(k * n2, (k + 1) * n2);
      const im = fIm.subarray(k * n2, (k + 1) * n2);
      const o = k * m2;
      if (mode === 'refine') {
        fft2d(re, im, n, n, false);
        for (let jy = 0; jy < n; jy++) {
          if (jy === n / 2) continue;
          const ty = jy < n / 2 ? jy : jy - n + n3;
          for (let jx = 0; jx < n; jx++) {
            if (jx === n / 2) continue;
            const tx = jx < n / 2 ? jx : jx - n + n3;
            gRe[o + tx + n3 * ty] = re[jx + n * jy];
            gIm[o + tx + n3 * ty] = im[jx + n * jy];
          }
        }
        const vr = gRe.subarray(o, o + m2);
        const vi = gIm.subarray(o, o + m2);
        fft2d(vr, vi, n3, n3, true);
        const gain = m2 / n2;
        for (let i = 0; i < m2; i++) {
          vr[i] *= gain;
          vi[i] *= gain;
        }
      } else {
        // same spacing: node (i − n/2) of the old grid is node (i − n/2 + n3/2) of the new one
        const shift = n3 / 2 - n / 2;
        for (let j = 0; j < n3; j++) {
          const jo = j - shift;
          if (jo < 0 || jo >= n) continue;
          for (let i = 0; i < n3; i++) {
            const io = i - shift;
            if (io < 0 || io >= n) continue;
            gRe[o + i + n3 * j] = re[io + n * jo];
            gIm[o + i + n3 * j] = im[io + n * jo];
          }
        }
      }
    }
    fRe = gRe;
    fIm = gIm;
    n = n3;
    d = d3;
    n2 = m2;
    lost = new Float64Array(n2);
    nodeQ = new Float64Array(n2);
    rebuildK();
    rebuildTaper();
    maxGrid = Math.max(maxGrid, n);
  };

  taper();
  record(zStart, 0);
  emit(zStart, zStart);
  let z = zStart;
  while (z < zEnd - 1e-12) {
    const l = layerAt(z + 1e-12);
    const { pMax, p1Max } = peakOf();
    let dz = Math.min(maxStep, zEnd - z);
    if (!linear && pMax > 0) dz = Math.min(dz, eps / (layers[l].burgers * omega * pMax));
    for (const zi of interfaces) if (zi > z + 1e-12 && zi < z + dz) dz = zi - z;
    // land on output planes (they are then march planes: no interpolation along z)
    if (nextPlane < np && planeZ[nextPlane] < z + dz) dz = planeZ[nextPlane] - z;
    const zNext = z + dz;
    const lNext = layerAt(zNext + 1e-12);
    lost.fill(0);
    nonlinear(dz / 2, layers[l], p1Max);
    for (let k = 0; k < nAct; k++) diffract(k, dz, l, lNext);
    taper();
    nonlinear(dz / 2, layers[lNext], p1Max);
    steps++;
    record(zNext, dz);
    emit(z, zNext);
    z = zNext;
    if (z >= zEnd - 1e-12) break;
    // harmonics: double when the highest carried one is no longer negligible
    if (!linear && nAct < nMax) {
      if (highestHarmonicSignificant(fRe, fIm, nAct, n2, tol)) {
        nAct = Math.min(nMax, nAct * 2);
        harmonicsUsed = Math.max(harmonicsUsed, nAct);
        let n3 = n;
        let d3 = d;
        while (d3 > (Math.PI / band(nAct)) * (1 + 1e-9)) {
          n3 *= 2;
          d3 /= 2;
        }
        if (n3 !== n) resize(n3, d3, 'refine');
      }
    }
    // window: crop while the beam converges, pad as it diverges (looking a few steps ahead)
    const need = needPeriod(Math.min(zEnd, z + 3 * maxStep));
    if (need > n * d) {
      let n3 = n;
      while (n3 * d < need) n3 *= 2;
      resize(n3, d, 'pad');
    } else if (need < (n * d) / 2 && n >= 64) {
      resize(n / 2, d, 'crop');
    }
  }
  // planes not reached (rounding) keep the last march plane
  for (let p = nextPlane; p < np; p++) {
    qOut.set(prevQ, p * nl2);
    p1Out.set(prevP, p * nl2);
    posOut?.set(prevPos, p * nl2);
    negOut?.set(prevNeg, p * nl2);
  }
  return {
    q: qOut,
    p1: p1Out,
    ...(posOut && negOut ? { peakPositive: posOut, peakNegative: negOut } : {}),
    nl,
    dl: out.dl,
    x0: out.x0,
    planeZ,
    zStart,
    axisZ: Float64Array.from(axisZ),
    harmonics: nMax,
    axisHarmonics: Float64Array.from(axisH),
    axisPeakPositive: Float64Array.from(axisPos),
    axisPeakNegative: Float64Array.from(axisNeg),
    axisHeat: Float64Array.from(axisQ),
    steps,
    harmonicsUsed,
    maxGrid,
  };
}

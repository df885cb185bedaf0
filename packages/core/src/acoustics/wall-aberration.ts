import { InputError, requireFinite } from '../errors.js';
import { fft2d } from '../math/fft.js';
import { sharedFloat64 } from '../parallel/parallel-executor.js';
import { type AngularSpectrum, spectrumAt, transmitLayer } from './angular-spectrum.js';

/**
 * Abdominal-wall aberration as a thin screen: the wall's tissue structure (fat lobules and connective-tissue
 * septa, irregular fat–muscle interfaces) delays and scales the wave differently across the beam; a screen
 * t(x, y) = a(x, y) e^{−iωτ(x, y)} multiplies the field at one plane (time convention e^{iωt}, as the angular
 * spectrum's e^{−i kz z}: a later arrival τ > 0 is a phase lag). The straight-ray screen approximation is the one
 * used to summarise wavefront-distortion measurements through abdominal wall (arrival-time and energy-level
 * fluctuations across a receiving aperture: Hinkelman LM et al., JASA 1994;95:530–541) and to compare them with
 * full-wave simulations (Mast TD et al., JASA 1997;102:1177–1190).
 */

/**
 * Measured fluctuation statistics of a wall (one-way transmission), for a wall of `referenceThickness`.
 * Correlation lengths are the full width at half maximum of the autocorrelation function, the convention of the
 * Rochester wavefront-distortion measurements; the random screens below use a Gaussian autocorrelation with that
 * FWHM.
 */
export interface WallAberrationStatistics {
  /** rms arrival-time fluctuation, s */
  readonly delayRms: number;
  /** FWHM correlation length of the arrival-time fluctuation, m */
  readonly delayCorrelationLength: number;
  /** rms energy-level fluctuation, dB (10·log10 of the pulse energy) */
  readonly energyLevelRmsDb: number;
  /** FWHM correlation length of the energy-level fluctuation, m */
  readonly energyCorrelationLength: number;
  /** wall thickness (m) the statistics stand for; other walls scale the variances with their thickness */
  readonly referenceThickness: number;
}

/**
 * Default statistics: soft-tissue wavefront distortion measured through human body-wall specimens over a 2D
 * aperture, Hinkelman LM, Szabo TL, Waag RC, JASA 1997;101:2365–2373 (doi 10.1121/1.418248): arrival-time
 * fluctuation 21.3 ± 8.4 ns rms (mean ± s.d. over 16 intercostal spaces), correlation length 2.50 ± 0.62 mm;
 * energy-level fluctuation 1.57 ± 0.45 dB rms, correlation length 1.98 ± 0.33 mm. These are chest-wall soft tissue
 * (fat, muscle, connective tissue between the ribs); the abstract compares them with the abdominal wall (Hinkelman
 * et al. 1994: "less"; its full figures were not available to this implementation), so they are taken as a lower
 * bound for the abdomen: the strength parameter (×1 default) scales them, and the validation sweeps ×0.5–×2. They are taken to
 * stand for a wall of the median fibroid patient's thickness, skin 2 + fat 16.0 + rectus 9.1 mm (Yang MJ et al.,
 * Front Surg 2021), and scale with the square root of the thickness met (a random medium's delay variance grows
 * with the path length through it).
 */
export const MEASURED_WALL_STATISTICS: WallAberrationStatistics = {
  delayRms: 21.3e-9,
  delayCorrelationLength: 2.5e-3,
  energyLevelRmsDb: 1.57,
  energyCorrelationLength: 1.98e-3,
  referenceThickness: 27.1e-3,
};

/** Spread of the measured statistics (s.d. over specimens, same source): the model's uncertainty band. */
export const MEASURED_WALL_STATISTICS_SD = { delayRms: 8.4e-9, energyLevelRmsDb: 0.45 } as const;

/** Checks a statistics object (every field finite, rms ≥ 0, lengths > 0). */
export function validateWallStatistics(s: WallAberrationStatistics, field = 'statistics'): WallAberrationStatistics {
  return {
    delayRms: requireFinite(`${field}.delayRms`, s.delayRms, 'non-negative'),
    delayCorrelationLength: requireFinite(`${field}.delayCorrelationLength`, s.delayCorrelationLength, 'positive'),
    energyLevelRmsDb: requireFinite(`${field}.energyLevelRmsDb`, s.energyLevelRmsDb, 'non-negative'),
    energyCorrelationLength: requireFinite(`${field}.energyCorrelationLength`, s.energyCorrelationLength, 'positive'),
    referenceThickness: requireFinite(`${field}.referenceThickness`, s.referenceThickness, 'positive'),
  };
}

/**
 * A stationary Gaussian random field on the plane with unit variance and autocorrelation exp(−ρ²/ℓ²), as a sum of
 * `modes` random cosines: f(s) = sqrt(2/N) Σ cos(k_n·s + φ_n), k_n ~ N(0, (2/ℓ²) I), φ_n uniform (the spectral
 * method: E[cos(k·ρ)] = exp(−ρ²/ℓ²) for that k; Gaussian by the central limit theorem). It can be evaluated at any
 * point, so one field stands for one patient's wall and every beam samples it where it crosses the wall.
 * `normal` and `uniform` are the random source (deterministic for a seeded generator).
 */
export interface RandomPlaneField {
  readonly kx: Float64Array;
  readonly ky: Float64Array;
  readonly phase: Float64Array;
}

/** ℓ of exp(−ρ²/ℓ²) for a FWHM correlation length: the autocorrelation is ½ at ρ = FWHM/2. */
export function gaussianLengthOfFwhm(fwhm: number): number {
  return fwhm / 2 / Math.sqrt(Math.LN2);
}

/** A RandomPlaneField of `modes` cosines with the FWHM correlation length `fwhm` (m). */
export function randomPlaneField(fwhm: number, normal: () => number, uniform: () => number, modes = 256): RandomPlaneField {
  requireFinite('correlationLength', fwhm, 'positive');
  if (!Number.isInteger(modes) || modes < 1) throw new InputError('modes', `must be a positive integer, got ${modes}`);
  const s = Math.sqrt(2) / gaussianLengthOfFwhm(fwhm);
  const kx = new Float64Array(modes);
  const ky = new Float64Array(modes);
  const phase = new Float64Array(modes);
  for (let n = 0; n < modes; n++) {
    kx[n] = s * normal();
    ky[n] = s * normal();
    phase[n] = 2 * Math.PI * uniform();
  }
  return { kx, ky, phase };
}

/** The field's value (unit variance) at plane point (x, y), m. */
export function randomFieldAt(f: RandomPlaneField, x: number, y: number): number {
  let sum = 0;
  const n = f.kx.length;
  for (let m = 0; m < n; m++) sum += Math.cos(f.kx[m] * x + f.ky[m] * y + f.phase[m]);
  return sum * Math.sqrt(2 / n);
}

/**
 * The field at the points (xs[ix], ys[iy]) of a lattice (index ix + xs.length·iy) where `mask` is true (all when
 * absent); other points 0. The same numbers as randomFieldAt, by cos(a + b) = cos a cos b − sin a sin b with the
 * per-column and per-row factors computed once per mode.
 */
export function randomFieldOnLattice(f: RandomPlaneField, xs: Float64Array, ys: Float64Array, mask?: (i: number) => boolean): Float64Array {
  const nx = xs.length;
  const ny = ys.length;
  const modes = f.kx.length;
  const cx = new Float64Array(modes * nx);
  const sx = new Float64Array(modes * nx);
  const cy = new Float64Array(modes * ny);
  const sy = new Float64Array(modes * ny);
  for (let m = 0; m < modes; m++) {
    for (let i = 0; i < nx; i++) {
      cx[m * nx + i] = Math.cos(f.kx[m] * xs[i]);
      sx[m * nx + i] = Math.sin(f.kx[m] * xs[i]);
    }
    for (let j = 0; j < ny; j++) {
      cy[m * ny + j] = Math.cos(f.ky[m] * ys[j] + f.phase[m]);
      sy[m * ny + j] = Math.sin(f.ky[m] * ys[j] + f.phase[m]);
    }
  }
  const out = new Float64Array(nx * ny);
  const norm = Math.sqrt(2 / modes);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      if (mask && !mask(i + nx * j)) continue;
      let sum = 0;
      for (let m = 0; m < modes; m++) sum += cx[m * nx + i] * cy[m * ny + j] - sx[m * nx + i] * sy[m * ny + j];
      out[i + nx * j] = sum * norm;
    }
  return out;
}

/**
 * A screen on an angular spectrum's lateral grid (nx × ny, index ix + nx·iy, FFT order: x = (ix < nx/2 ? ix :
 * ix − nx)·dx, as the source plane): the delay τ (s) and amplitude a (dimensionless) at every grid point; `null`
 * amplitude means a = 1 (a pure phase screen).
 */
export interface ApertureScreen {
  readonly delay: Float64Array;
  readonly amplitude: Float64Array | null;
}

/** Result of applying a screen: the new solution and the share of the power the band could not hold. */
export interface ScreenedSpectrum {
  readonly asm: AngularSpectrum;
  /** power (Σ|S|²·Re kz over the full grid) that fell outside the spectral band after the screen, relative to the total */
  readonly lostFraction: number;
}

/**
 * The angular-spectrum solution `asm` with `screen` applied at the reference plane of its layer `layer` (the
 * interface where that layer starts; layer ≥ 1): the layer's plane-wave coefficients, weighted by sqrt(Re kz) (flux
 * amplitudes), are taken to the lateral grid (inverse FFT), multiplied by a e^{−iωτ}, brought back (FFT), unweighted
 * and kept on the band; every later layer follows by
 * the same transmission chain as buildAngularSpectrum (transmitLayer: propagation and the oblique transmission
 * coefficient). Layers before `layer` are untouched. Components the screen scatters beyond the band are dropped and
 * reported in lostFraction. The result no longer has the mirror symmetry the radial tables need: evaluate it with
 * asmVolume, asmAxial or asmLateral.
 */
export function applyScreen(asm: AngularSpectrum, layer: number, screen: ApertureScreen): ScreenedSpectrum {
  const nL = asm.layers.length;
  if (!Number.isInteger(layer) || layer < 1 || layer >= nL) throw new InputError('layer', `must be 1–${nL - 1}, got ${layer}`);
  const { nx, ny, nBand: nb } = asm;
  const n = nx * ny;
  if (screen.delay.length !== n || (screen.amplitude && screen.amplitude.length !== n))
    throw new InputError('screen', `must hold ${nx}×${ny} values`);
  const cRe = sharedFloat64(nL * nb);
  const cIm = sharedFloat64(nL * nb);
  cRe.set(asm.cRe.subarray(0, (layer + 1) * nb));
  cIm.set(asm.cIm.subarray(0, (layer + 1) * nb));
  // band entries → grid (FFT order)
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const cell = new Int32Array(nb);
  for (let r = 0; r < asm.rowJy.length; r++) {
    const jy = asm.rowJy[r];
    const iy = jy < 0 ? jy + ny : jy;
    for (let e = asm.rowStart[r]; e < asm.rowStart[r + 1]; e++) {
      const jx = asm.bandJx[e];
      cell[e] = (jx < 0 ? jx + nx : jx) + nx * iy;
    }
  }
  const o = layer * nb;
  // The screen acts on the flux amplitude ψ = S·sqrt(Re kz) (Σ|ψ|² ∝ the power through the plane, asmPower), so that
  // a pure phase screen conserves power exactly, as a thin layer of varying delay does: multiplying the pressure
  // alone would lose the ⟨Δk⊥²⟩/2k² share of the flux that the scattered, more oblique components no longer carry
  // along z (about 1 % for 0.5 rad at 3 mm).
  const root = new Float64Array(nb);
  let rootMax = 0;
  for (let e = 0; e < nb; e++) {
    root[e] = Math.sqrt(Math.max(0, asm.kzRe[o + e]));
    rootMax = Math.max(rootMax, root[e]);
  }
  for (let e = 0; e < nb; e++) {
    re[cell[e]] = cRe[o + e] * root[e];
    im[cell[e]] = cIm[o + e] * root[e];
  }
  fft2d(re, im, nx, ny, true);
  const omega = asm.omega;
  for (let i = 0; i < n; i++) {
    const a = screen.amplitude ? screen.amplitude[i] : 1;
    const ph = -omega * screen.delay[i];
    const c = Math.cos(ph) * a;
    const s = Math.sin(ph) * a;
    const x = re[i];
    const y = im[i];
    re[i] = x * c - y * s;
    im[i] = x * s + y * c;
  }
  fft2d(re, im, nx, ny, false);
  let total = 0;
  for (let i = 0; i < n; i++) total += re[i] * re[i] + im[i] * im[i];
  let kept = 0;
  for (let e = 0; e < nb; e++) {
    const x = re[cell[e]];
    const y = im[cell[e]];
    // components evanescent in this layer (Re kz ≈ 0) carry no power: they get none
    const w = root[e] > 1e-6 * rootMax ? 1 / root[e] : 0;
    cRe[o + e] = x * w;
    cIm[o + e] = y * w;
    kept += w > 0 ? x * x + y * y : 0;
  }
  for (let l = layer; l + 1 < nL; l++) {
    const L = asm.layers[l];
    transmitLayer(cRe, cIm, asm.kzRe, asm.kzIm, l, nb, L.zEnd - L.zRef, L.acoustics.density, asm.layers[l + 1].acoustics.density);
  }
  return { asm: { ...asm, cRe, cIm }, lostFraction: total > 0 ? 1 - kept / total : 0 };
}

/** Lateral grid coordinate (m) of FFT index i of n points at spacing d (the source plane's convention). */
export function gridCoordinate(i: number, n: number, d: number): number {
  return (i < n / 2 ? i : i - n) * d;
}

/**
 * |p|² (Pa²) on the angular spectrum's lateral grid (FFT order) at plane z ≥ zSource: the band spectrum at z
 * (spectrumAt) scattered onto the grid and inverse transformed. At a layer's start plane it is the field just past
 * the interface.
 */
export function intensityOnGrid(asm: AngularSpectrum, z: number): Float64Array {
  const { nx, ny } = asm;
  const sRe = new Float64Array(asm.nBand);
  const sIm = new Float64Array(asm.nBand);
  spectrumAt(asm, z, sRe, sIm);
  const re = new Float64Array(nx * ny);
  const im = new Float64Array(nx * ny);
  for (let r = 0; r < asm.rowJy.length; r++) {
    const jy = asm.rowJy[r];
    const iy = jy < 0 ? jy + ny : jy;
    for (let e = asm.rowStart[r]; e < asm.rowStart[r + 1]; e++) {
      const jx = asm.bandJx[e];
      const i = (jx < 0 ? jx + nx : jx) + nx * iy;
      re[i] = sRe[e];
      im[i] = sIm[e];
    }
  }
  fft2d(re, im, nx, ny, true);
  for (let i = 0; i < nx * ny; i++) re[i] = re[i] * re[i] + im[i] * im[i];
  return re;
}

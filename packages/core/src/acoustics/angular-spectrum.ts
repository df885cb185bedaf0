import { InputError, LimitError } from '../errors.js';
import { fft1dAt, fft2d, fftWavenumber, nextPowerOfTwo } from '../math/fft.js';
import { type KernelArgs, registerKernel } from '../parallel/kernel-registry.js';
import { type ParallelExecutor, SerialExecutor, sharedFloat32, sharedFloat64, sharedInt32 } from '../parallel/parallel-executor.js';
import { rimHeight, surfaceVelocity } from '../transducer/bowl.js';
import { bowlPointCount, sampleBowl } from '../transducer/surface-sampling.js';
import { type LayerAcoustics, layerAcoustics, layerIndexAt } from './medium.js';
import { rayleighPressure } from './rayleigh.js';
import type { Scenario } from './scenario.js';

/** What an angular-spectrum solver must cover: axial range and, for volumes, the lateral output lattice. */
export interface AngularSpectrumRequest {
  /** smallest and largest z (m) to be evaluated */
  readonly zMin: number;
  readonly zMax: number;
  /** lateral output lattice (volumes): first x, y (m) and steps (m); counts */
  readonly lattice?: {
    readonly x0: number;
    readonly y0: number;
    readonly dx: number;
    readonly dy: number;
    readonly nx: number;
    readonly ny: number;
  };
}

/** Accuracy knobs (defaults in brackets); the validation's convergence table varies them. */
export interface AngularSpectrumOptions {
  /** divides the lateral grid spacing [1] */
  readonly lateralRefine?: number;
  /** divides the Rayleigh point spacing of the source plane [1] */
  readonly sourceRefine?: number;
  /** diffraction margin beyond the beam's geometric edge, in wavelengths [30] (at least 0.1 a) */
  readonly marginWavelengths?: number;
  /** lateral period / (2 × half-width of beam and margin) [1.1] */
  readonly padFactor?: number;
}

/** Largest FFT sizes accepted per lateral axis (propagation grid, output interpolation). */
export const MAX_ASM_GRID = 4096;
export const MAX_ASM_OUTPUT_FFT = 8192;

interface AxisPlan {
  /** propagation grid points and spacing (m) */
  readonly n: number;
  readonly d: number;
  /** output FFT size and output stride in its bins (volumes) */
  readonly nOut: number;
  readonly stride: number;
}

function chooseAxis(requiredWidth: number, maxSpacing: number, outStep: number | undefined, name: string): AxisPlan {
  if (outStep === undefined) {
    const n = nextPowerOfTwo(Math.ceil(requiredWidth / maxSpacing));
    if (n > MAX_ASM_GRID) throw new LimitError(`angular spectrum: ${n} points along ${name} exceed ${MAX_ASM_GRID}`);
    return { n, d: maxSpacing, nOut: n, stride: 1 };
  }
  // Period L = nFine · outStep so that output points fall on the bins of an FFT of the zero-padded spectrum.
  const nFine = nextPowerOfTwo(Math.ceil(requiredWidth / outStep));
  const period = nFine * outStep;
  const n = nextPowerOfTwo(Math.ceil(period / maxSpacing));
  if (n > MAX_ASM_GRID) throw new LimitError(`angular spectrum: ${n} points along ${name} exceed ${MAX_ASM_GRID}`);
  const nOut = Math.max(n, nFine);
  if (nOut > MAX_ASM_OUTPUT_FFT)
    throw new LimitError(
      `angular spectrum: output FFT of ${nOut} along ${name} exceeds ${MAX_ASM_OUTPUT_FFT}; use a coarser --volume step`,
    );
  return { n, d: period / n, nOut, stride: nOut / nFine };
}

/** Principal square root of a + ib with the branch Im ≤ 0 (decaying e^{−i kz z}), written to out. */
function sqrtDecaying(a: number, b: number, out: number[]): void {
  const r = Math.hypot(a, b);
  const re = Math.sqrt(Math.max(0, (r + a) / 2));
  const im = Math.sqrt(Math.max(0, (r - a) / 2));
  out[0] = re;
  out[1] = b > 0 ? im : -im;
}

/**
 * An angular-spectrum solution for one scenario: the source plane's spectrum and, for every layer from the
 * source onward, the spectrum at the layer's reference plane and kz, so that any plane z ≥ zSource is one
 * multiply away. Method (shared/reference/formulas.md):
 *  - the source plane lies in the bowl's own medium (first layer) at zSource; its field is the Rayleigh integral,
 *    computed on one radial line and interpolated (quintic Lagrange) onto the plane, which is exact for these
 *    axisymmetric set-ups (bowl with centred hole, layers normal to the axis) and costs a line instead of a plane;
 *    the plane is tapered (Hann) to zero over the last `margin` beyond the beam's geometric edge;
 *  - P(kx, ky; z + Δz) = P(kx, ky; z) e^{−i kz Δz}, kz = sqrt(k̃² − kx² − ky²), k̃ = ω/c − iα (power-law α at f),
 *    branch Im kz ≤ 0 so evanescent and absorbed parts decay; a whole homogeneous layer is one step;
 *  - at each interface every plane-wave component is multiplied by its oblique pressure transmission
 *    coefficient T = 2 ρ2 kz1 / (ρ2 kz1 + ρ1 kz2) (= 2 Z2/(Z1 + Z2) at normal incidence); reflections are not
 *    propagated back (one-way);
 *  - components with |k⊥| above every layer's k (evanescent everywhere) or below 1e-4 of the peak beyond the
 *    spectrum's support are dropped ("band"); the lateral period is 2.2× the half-width of beam and margin, so
 *    wrap-around stays outside the beam.
 * Positions in m, transducer frame; pressure in Pa.
 */
export interface AngularSpectrum {
  readonly zSource: number;
  readonly omega: number;
  readonly nx: number;
  readonly ny: number;
  readonly dx: number;
  readonly dy: number;
  readonly axisX: AxisPlan;
  readonly axisY: AxisPlan;
  /** layers from the source's layer on: acoustics, reference plane (z where `c` holds) and end */
  readonly layers: readonly { readonly acoustics: LayerAcoustics; readonly zRef: number; readonly zEnd: number }[];
  /** band entries, ordered by row (iy) then ix */
  readonly nBand: number;
  readonly bandJx: Int32Array;
  readonly rowJy: Int32Array;
  readonly rowStart: Int32Array;
  readonly kx: Float64Array;
  readonly ky: Float64Array;
  /** nLayers × nBand */
  readonly cRe: Float64Array;
  readonly cIm: Float64Array;
  readonly kzRe: Float64Array;
  readonly kzIm: Float64Array;
  /** Rayleigh source points used (for the report) */
  readonly sourcePoints: number;
}

const scratch = [0, 0];

/** Builds the angular-spectrum solution for `scenario` covering `request` (see AngularSpectrum). */
export async function buildAngularSpectrum(
  scenario: Scenario,
  request: AngularSpectrumRequest,
  executor: ParallelExecutor = new SerialExecutor(),
  options: AngularSpectrumOptions = {},
): Promise<AngularSpectrum> {
  const { transducer, medium } = scenario;
  const f = transducer.frequency;
  const omega = 2 * Math.PI * f;
  const R = transducer.radiusOfCurvature;
  const a = transducer.aperture / 2;
  const h = rimHeight(transducer);
  const first = layerAcoustics(medium.layers[0].tissue, f);
  const lambda1 = (2 * Math.PI) / first.wavenumber;
  if (!(request.zMax >= request.zMin)) throw new InputError('z', 'zMax must be >= zMin');
  const zSource = Math.min(medium.layers[0].zEnd, Math.max(request.zMin, h + 0.3 * R), request.zMax);
  if (zSource < h + lambda1)
    throw new InputError('z', `the angular spectrum needs its source plane beyond the bowl's rim (z > ${(h + lambda1).toFixed(4)} m)`);

  // Lateral extent: geometric cone radius a|R − z|/R at the ends of the range, plus a diffraction margin.
  const cone = (z: number) => (a * Math.abs(R - z)) / R;
  const margin = Math.max((options.marginWavelengths ?? 30) * lambda1, 0.1 * a);
  let halfWidth = Math.max(cone(zSource), cone(request.zMax)) + margin;
  const lat = request.lattice;
  if (lat) {
    halfWidth = Math.max(
      halfWidth,
      Math.abs(lat.x0) + margin,
      Math.abs(lat.x0 + (lat.nx - 1) * lat.dx) + margin,
      Math.abs(lat.y0) + margin,
      Math.abs(lat.y0 + (lat.ny - 1) * lat.dy) + margin,
    );
  }
  const requiredWidth = 2 * (options.padFactor ?? 1.1) * halfWidth;
  // The focused spectrum reaches |k⊥| ≈ k sin θ_max = k a/R; the rim's edge waves reach further: sample
  // up to k (1.5 a/R + 0.2), at most k.
  const kNeeded = first.wavenumber;
  const maxSpacing = Math.PI / kNeeded / (options.lateralRefine ?? 1);
  const axisX = chooseAxis(requiredWidth, maxSpacing, lat?.dx, 'x');
  const axisY = chooseAxis(requiredWidth, maxSpacing, lat?.dy, 'y');
  const nx = axisX.n;
  const ny = axisY.n;
  const dx = axisX.d;
  const dy = axisY.d;

  // Source plane by the Rayleigh integral on a radial line (axisymmetry), dr = λ/10, to the taper's end.
  const rEdge = cone(zSource);
  const rCut = Math.min(rEdge + margin, Math.hypot((nx / 2) * dx, (ny / 2) * dy));
  const dr = lambda1 / 10 / (options.sourceRefine ?? 1);
  const nr = Math.ceil(rCut / dr) + 4;
  const px = new Float64Array(nr);
  for (let i = 0; i < nr; i++) px[i] = i * dr;
  const u0 = surfaceVelocity(transducer, first.density, first.soundSpeed);
  const count = bowlPointCount(transducer, lambda1, zSource - h, options.sourceRefine ?? 1);
  const src = sampleBowl(transducer, count);
  const radial = await rayleighPressure(
    transducer,
    { density: first.density, soundSpeed: first.soundSpeed, attenuationNpPerM: first.attenuationNpPerM },
    u0,
    src,
    { x: px, y: new Float64Array(nr), z: new Float64Array(nr).fill(zSource) },
    executor,
  );
  const taperStart = rEdge + margin / 2;
  const re = new Float64Array(nx * ny);
  const im = new Float64Array(nx * ny);
  for (let iy = 0; iy < ny; iy++) {
    const y = (iy < ny / 2 ? iy : iy - ny) * dy;
    for (let ix = 0; ix < nx; ix++) {
      const x = (ix < nx / 2 ? ix : ix - nx) * dx;
      const r = Math.hypot(x, y);
      if (r >= rCut) continue;
      interpolateRadial(radial.re, radial.im, r / dr, scratch);
      let w = 1;
      if (r > taperStart) w = 0.5 * (1 + Math.cos((Math.PI * (r - taperStart)) / (rCut - taperStart)));
      re[ix + nx * iy] = scratch[0] * w;
      im[ix + nx * iy] = scratch[1] * w;
    }
  }
  fft2d(re, im, nx, ny, false);

  // Layers from the source's on (only those reached by zMax).
  const lastLayer = layerIndexAt(medium, request.zMax);
  const acoustics = medium.layers.slice(0, lastLayer + 1).map((l) => layerAcoustics(l.tissue, f));
  const kBand = Math.max(...acoustics.map((l) => l.wavenumber));
  // Band: |k⊥| ≤ kBand and within the support of the spectrum (1e-4 of its peak amplitude).
  let peak = 0;
  for (let i = 0; i < nx * ny; i++) peak = Math.max(peak, re[i] * re[i] + im[i] * im[i]);
  let kSupport = 0;
  for (let iy = 0; iy < ny; iy++) {
    const ky = fftWavenumber(iy, ny, dy);
    for (let ix = 0; ix < nx; ix++) {
      const i = ix + nx * iy;
      if (re[i] * re[i] + im[i] * im[i] > 1e-8 * peak) kSupport = Math.max(kSupport, Math.hypot(fftWavenumber(ix, nx, dx), ky));
    }
  }
  const kMax = Math.min(kBand, kSupport * 1.02);
  const bandJx: number[] = [];
  const rowJy: number[] = [];
  const rowStart: number[] = [];
  const s0Re: number[] = [];
  const s0Im: number[] = [];
  const kxs: number[] = [];
  const kys: number[] = [];
  for (let j = -ny / 2; j < ny / 2; j++) {
    const iy = j < 0 ? j + ny : j;
    const ky = fftWavenumber(iy, ny, dy);
    let started = false;
    for (let jx = -nx / 2; jx < nx / 2; jx++) {
      const ix = jx < 0 ? jx + nx : jx;
      const kx = fftWavenumber(ix, nx, dx);
      if (kx * kx + ky * ky > kMax * kMax) continue;
      if (!started) {
        rowJy.push(j);
        rowStart.push(bandJx.length);
        started = true;
      }
      bandJx.push(jx);
      kxs.push(kx);
      kys.push(ky);
      s0Re.push(re[ix + nx * iy]);
      s0Im.push(im[ix + nx * iy]);
    }
  }
  rowStart.push(bandJx.length);
  const nBand = bandJx.length;
  const nL = acoustics.length;
  const cRe = sharedFloat64(nL * nBand);
  const cIm = sharedFloat64(nL * nBand);
  const kzRe = sharedFloat64(nL * nBand);
  const kzIm = sharedFloat64(nL * nBand);
  for (let l = 0; l < nL; l++) {
    const ac = acoustics[l];
    const k2re = ac.wavenumber * ac.wavenumber - ac.attenuationNpPerM * ac.attenuationNpPerM;
    const k2im = -2 * ac.wavenumber * ac.attenuationNpPerM;
    for (let e = 0; e < nBand; e++) {
      sqrtDecaying(k2re - kxs[e] * kxs[e] - kys[e] * kys[e], k2im, scratch);
      kzRe[l * nBand + e] = scratch[0];
      kzIm[l * nBand + e] = scratch[1];
    }
  }
  const layers = acoustics.map((ac, l) => ({
    acoustics: ac,
    zRef: l === 0 ? zSource : medium.layers[l].zStart,
    zEnd: medium.layers[l].zEnd,
  }));
  for (let e = 0; e < nBand; e++) {
    cRe[e] = s0Re[e];
    cIm[e] = s0Im[e];
  }
  for (let l = 0; l + 1 < nL; l++)
    transmitLayer(cRe, cIm, kzRe, kzIm, l, nBand, layers[l].zEnd - layers[l].zRef, acoustics[l].density, acoustics[l + 1].density);
  const toShared = (v: number[]) => {
    const s = sharedInt32(v.length);
    s.set(v);
    return s;
  };
  return {
    zSource,
    omega,
    nx,
    ny,
    dx,
    dy,
    axisX,
    axisY,
    layers,
    nBand,
    bandJx: toShared(bandJx),
    rowJy: toShared(rowJy),
    rowStart: toShared(rowStart),
    kx: Float64Array.from(kxs),
    ky: Float64Array.from(kys),
    cRe,
    cIm,
    kzRe,
    kzIm,
    sourcePoints: count,
  };
}

/** Quintic Lagrange interpolation of a radial profile sampled at r = i·dr (even in r) at fractional index t. */
function interpolateRadial(re: Float64Array, im: Float64Array, t: number, out: number[]): void {
  const n = re.length;
  const i0 = Math.floor(t) - 2;
  const u = t - (i0 + 2);
  let sr = 0;
  let si = 0;
  for (let m = 0; m < 6; m++) {
    let w = 1;
    for (let q = 0; q < 6; q++) if (q !== m) w *= (u - (q - 2)) / (m - 2 - (q - 2));
    let idx = Math.abs(i0 + m);
    if (idx >= n) idx = n - 1;
    sr += w * re[idx];
    si += w * im[idx];
  }
  out[0] = sr;
  out[1] = si;
}

/** Index (in asm.layers) of the layer holding z. */
function layerOf(asm: AngularSpectrum, z: number): number {
  for (let l = 0; l < asm.layers.length - 1; l++) if (z < asm.layers[l].zEnd) return l;
  return asm.layers.length - 1;
}

/** The band spectrum at plane z (≥ zSource) into sRe/sIm (length nBand). */
export function spectrumAt(asm: AngularSpectrum, z: number, sRe: Float64Array, sIm: Float64Array): number {
  const l = layerOf(asm, z);
  const d = z - asm.layers[l].zRef;
  const nb = asm.nBand;
  const o = l * nb;
  for (let e = 0; e < nb; e++) {
    const m = Math.exp(asm.kzIm[o + e] * d);
    const pr = Math.cos(asm.kzRe[o + e] * d) * m;
    const pi = -Math.sin(asm.kzRe[o + e] * d) * m;
    sRe[e] = asm.cRe[o + e] * pr - asm.cIm[o + e] * pi;
    sIm[e] = asm.cRe[o + e] * pi + asm.cIm[o + e] * pr;
  }
  return l;
}

/** Complex pressure (Pa) on the axis at each z (≥ zSource): the inverse DFT at x = y = 0, Σ S / N. */
export function asmAxial(asm: AngularSpectrum, z: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const sRe = new Float64Array(asm.nBand);
  const sIm = new Float64Array(asm.nBand);
  const re = new Float64Array(z.length);
  const im = new Float64Array(z.length);
  const norm = 1 / (asm.nx * asm.ny);
  for (let i = 0; i < z.length; i++) {
    spectrumAt(asm, z[i], sRe, sIm);
    let a = 0;
    let b = 0;
    for (let e = 0; e < asm.nBand; e++) {
      a += sRe[e];
      b += sIm[e];
    }
    re[i] = a * norm;
    im[i] = b * norm;
  }
  return { re, im };
}

/** Complex pressure (Pa) along the line y = 0 at plane z: p(x) = Σ S e^{i kx x} / N. */
export function asmLateral(asm: AngularSpectrum, z: number, x: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const sRe = new Float64Array(asm.nBand);
  const sIm = new Float64Array(asm.nBand);
  spectrumAt(asm, z, sRe, sIm);
  // Sum over ky first (y = 0): column sums per kx bin, then the 1D inverse DFT over kx.
  const colRe = new Float64Array(asm.nx);
  const colIm = new Float64Array(asm.nx);
  for (let e = 0; e < asm.nBand; e++) {
    const c = asm.bandJx[e] + asm.nx / 2;
    colRe[c] += sRe[e];
    colIm[c] += sIm[e];
  }
  const re = new Float64Array(x.length);
  const im = new Float64Array(x.length);
  const norm = 1 / (asm.nx * asm.ny);
  const dk = (2 * Math.PI) / (asm.nx * asm.dx);
  for (let i = 0; i < x.length; i++) {
    let a = 0;
    let b = 0;
    for (let c = 0; c < asm.nx; c++) {
      if (colRe[c] === 0 && colIm[c] === 0) continue;
      const ph = (c - asm.nx / 2) * dk * x[i];
      const cs = Math.cos(ph);
      const sn = Math.sin(ph);
      a += colRe[c] * cs - colIm[c] * sn;
      b += colRe[c] * sn + colIm[c] * cs;
    }
    re[i] = a * norm;
    im[i] = b * norm;
  }
  return { re, im };
}

/**
 * Acoustic power (W) through the plane z, from the spectrum (Parseval): P = (Δx Δy / N) Σ |P(k)|² Re(kz) / (2 ω ρ),
 * the z-component of the intensity Re(p v_z*)/2 of each plane wave, v_z = kz p / (ω ρ). Exact for the discrete
 * periodic field, including oblique components.
 */
export function asmPower(asm: AngularSpectrum, z: number): number {
  const sRe = new Float64Array(asm.nBand);
  const sIm = new Float64Array(asm.nBand);
  const l = spectrumAt(asm, z, sRe, sIm);
  const rho = asm.layers[l].acoustics.density;
  const o = l * asm.nBand;
  let sum = 0;
  for (let e = 0; e < asm.nBand; e++) sum += (sRe[e] * sRe[e] + sIm[e] * sIm[e]) * asm.kzRe[o + e];
  const n = asm.nx * asm.ny;
  return (((asm.dx * asm.dy) / n) * sum) / (2 * asm.omega * rho);
}

/**
 * Kernel 'asm-planes': planes p in [start, end) of a volume. For each plane z_p: the band spectrum
 * S = C_l e^{−i kz_l (z_p − zRef_l)} (layer l holding z_p), times the per-entry factor `ramp` (the lattice
 * offset e^{i(kx x0 + ky y0)} and the 1/N of the inverse DFT); then the inverse DFT evaluated on the output
 * lattice by two passes of zero-padded 1D FFTs (spectral interpolation): along x for every band row, keeping the
 * nxOut output columns, then along y for every output column. Writes outRe/outIm (Float32, x fastest).
 */
function asmPlanes(args: KernelArgs, start: number, end: number): void {
  const nb = args.nb as number;
  const nL = args.nL as number;
  const bandJx = args.bandJx as Int32Array;
  const rowJy = args.rowJy as Int32Array;
  const rowStart = args.rowStart as Int32Array;
  const cRe = args.cRe as Float64Array;
  const cIm = args.cIm as Float64Array;
  const kzRe = args.kzRe as Float64Array;
  const kzIm = args.kzIm as Float64Array;
  const zRef = args.zRef as Float64Array;
  const zEnd = args.zEnd as Float64Array;
  const rampRe = args.rampRe as Float64Array;
  const rampIm = args.rampIm as Float64Array;
  const planeZ = args.planeZ as Float64Array;
  const nOutX = args.nOutX as number;
  const nOutY = args.nOutY as number;
  const strideX = args.strideX as number;
  const strideY = args.strideY as number;
  const nxOut = args.nxOut as number;
  const nyOut = args.nyOut as number;
  const outRe = args.outRe as Float32Array;
  const outIm = args.outIm as Float32Array;
  const nRows = rowJy.length;
  const sRe = new Float64Array(nb);
  const sIm = new Float64Array(nb);
  const bufRe = new Float64Array(Math.max(nOutX, nOutY));
  const bufIm = new Float64Array(Math.max(nOutX, nOutY));
  const tRe = new Float64Array(nRows * nxOut);
  const tIm = new Float64Array(nRows * nxOut);
  const planeSize = nxOut * nyOut;
  for (let p = start; p < end; p++) {
    const z = planeZ[p];
    let l = 0;
    while (l < nL - 1 && z >= zEnd[l]) l++;
    const d = z - zRef[l];
    const o = l * nb;
    for (let e = 0; e < nb; e++) {
      const m = Math.exp(kzIm[o + e] * d);
      const ph = kzRe[o + e] * d;
      const pr = Math.cos(ph) * m;
      const pi = -Math.sin(ph) * m;
      const ar = cRe[o + e] * pr - cIm[o + e] * pi;
      const ai = cRe[o + e] * pi + cIm[o + e] * pr;
      sRe[e] = ar * rampRe[e] - ai * rampIm[e];
      sIm[e] = ar * rampIm[e] + ai * rampRe[e];
    }
    // x pass
    for (let r = 0; r < nRows; r++) {
      bufRe.fill(0, 0, nOutX);
      bufIm.fill(0, 0, nOutX);
      for (let e = rowStart[r]; e < rowStart[r + 1]; e++) {
        const j = bandJx[e];
        const b = j < 0 ? j + nOutX : j;
        bufRe[b] = sRe[e];
        bufIm[b] = sIm[e];
      }
      fft1dAt(bufRe, bufIm, 0, nOutX, true);
      const t0 = r * nxOut;
      for (let i = 0; i < nxOut; i++) {
        tRe[t0 + i] = bufRe[i * strideX];
        tIm[t0 + i] = bufIm[i * strideX];
      }
    }
    // y pass
    const base = p * planeSize;
    for (let i = 0; i < nxOut; i++) {
      bufRe.fill(0, 0, nOutY);
      bufIm.fill(0, 0, nOutY);
      for (let r = 0; r < nRows; r++) {
        const j = rowJy[r];
        const b = j < 0 ? j + nOutY : j;
        bufRe[b] = tRe[r * nxOut + i];
        bufIm[b] = tIm[r * nxOut + i];
      }
      fft1dAt(bufRe, bufIm, 0, nOutY, true);
      for (let jy = 0; jy < nyOut; jy++) {
        outRe[base + i + nxOut * jy] = bufRe[jy * strideY];
        outIm[base + i + nxOut * jy] = bufIm[jy * strideY];
      }
    }
  }
}
registerKernel('asm-planes', asmPlanes);

/**
 * Complex pressure (Pa, Float32 re/im, x fastest) on the request's lattice at planes `planeZ` (all ≥ zSource),
 * run as kernel 'asm-planes' over planes on `executor`.
 */
export async function asmVolume(
  asm: AngularSpectrum,
  lattice: NonNullable<AngularSpectrumRequest['lattice']>,
  planeZ: Float64Array,
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<{ re: Float32Array; im: Float32Array }> {
  const nb = asm.nBand;
  const norm = 1 / (asm.nx * asm.ny);
  const rampRe = sharedFloat64(nb);
  const rampIm = sharedFloat64(nb);
  for (let e = 0; e < nb; e++) {
    const ph = asm.kx[e] * lattice.x0 + asm.ky[e] * lattice.y0;
    rampRe[e] = Math.cos(ph) * norm;
    rampIm[e] = Math.sin(ph) * norm;
  }
  const n = lattice.nx * lattice.ny * planeZ.length;
  const outRe = sharedFloat32(n);
  const outIm = sharedFloat32(n);
  const zs = sharedFloat64(planeZ.length);
  zs.set(planeZ);
  const zRef = sharedFloat64(asm.layers.length);
  const zEnd = sharedFloat64(asm.layers.length);
  asm.layers.forEach((l, i) => {
    zRef[i] = l.zRef;
    zEnd[i] = l.zEnd;
  });
  // The output lattice must fall on the output FFT's bins (buildAngularSpectrum chose the period for it).
  const px = asm.axisX.nOut / asm.axisX.stride;
  const py = asm.axisY.nOut / asm.axisY.stride;
  if (
    Math.abs(px * lattice.dx - asm.nx * asm.dx) > 1e-9 * asm.nx * asm.dx ||
    Math.abs(py * lattice.dy - asm.ny * asm.dy) > 1e-9 * asm.ny * asm.dy
  ) {
    throw new InputError('lattice', 'the angular spectrum was built for another lattice spacing');
  }
  await executor.run(
    'asm-planes',
    {
      nb,
      nL: asm.layers.length,
      bandJx: asm.bandJx,
      rowJy: asm.rowJy,
      rowStart: asm.rowStart,
      cRe: asm.cRe,
      cIm: asm.cIm,
      kzRe: asm.kzRe,
      kzIm: asm.kzIm,
      zRef,
      zEnd,
      rampRe,
      rampIm,
      planeZ: zs,
      nOutX: asm.axisX.nOut,
      nOutY: asm.axisY.nOut,
      strideX: asm.axisX.stride,
      strideY: asm.axisY.stride,
      nxOut: lattice.nx,
      nyOut: lattice.ny,
      outRe,
      outIm,
    },
    planeZ.length,
  );
  return { re: outRe, im: outIm };
}

/**
 * Carries the plane-wave coefficients of layer l (entries l·n … l·n + n − 1 of cRe/cIm) through the layer's
 * thickness d and across its far interface into layer l + 1: × e^{−i kz d}, then the pressure transmission
 * coefficient T = 2 ρ2 kz1 / (ρ2 kz1 + ρ1 kz2) (normal-stress continuity, complex kz for evanescent and lossy
 * waves). Entries with skip[e] ≥ 0 are left alone (copied from a twin afterwards by the caller).
 */
export function transmitLayer(
  cRe: Float64Array,
  cIm: Float64Array,
  kzRe: Float64Array,
  kzIm: Float64Array,
  l: number,
  n: number,
  d: number,
  rho1: number,
  rho2: number,
  skip?: Int32Array,
): void {
  for (let e = 0; e < n; e++) {
    if (skip && skip[e] >= 0) continue;
    const i1 = l * n + e;
    const i2 = i1 + n;
    // propagate through layer l: × e^{−i kz d} = e^{kzIm d} (cos(kzRe d) − i sin(kzRe d))
    const m = Math.exp(kzIm[i1] * d);
    const pr = Math.cos(kzRe[i1] * d) * m;
    const pi = -Math.sin(kzRe[i1] * d) * m;
    const sr = cRe[i1] * pr - cIm[i1] * pi;
    const si = cRe[i1] * pi + cIm[i1] * pr;
    const nr2 = 2 * rho2 * kzRe[i1];
    const ni2 = 2 * rho2 * kzIm[i1];
    const dr2 = rho2 * kzRe[i1] + rho1 * kzRe[i2];
    const di2 = rho2 * kzIm[i1] + rho1 * kzIm[i2];
    const den = dr2 * dr2 + di2 * di2;
    const tr = den > 0 ? (nr2 * dr2 + ni2 * di2) / den : 0;
    const ti = den > 0 ? (ni2 * dr2 - nr2 * di2) / den : 0;
    cRe[i2] = sr * tr - si * ti;
    cIm[i2] = sr * ti + si * tr;
  }
}

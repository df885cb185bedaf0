import { InputError, LimitError } from '../errors.js';
import { fft1dAt, nextPowerOfTwo } from '../math/fft.js';
import { type KernelArgs, registerKernel } from '../parallel/kernel-registry.js';
import { type ParallelExecutor, SerialExecutor, sharedFloat32, sharedFloat64, sharedInt32 } from '../parallel/parallel-executor.js';
import { type AngularSpectrum, transmitLayer } from './angular-spectrum.js';
import { type LayeredMedium, layerAcoustics } from './medium.js';

/**
 * Axisymmetric fields of layered beams, for many evaluations of one beam:
 *  - `relayerSpectrum`: an angular-spectrum solution that reuses another's source plane (the Rayleigh integral,
 *    the expensive part) under a different stack of layers behind it; a treatment's beams differ only in their
 *    tissue layers, so one source plane serves them all;
 *  - `radialFieldTable`: |p|² on the half-plane (r, z), which is the whole 3D field of a bowl with a centred hole
 *    in layers normal to its axis (the same symmetry the source plane uses); one line per plane instead of a
 *    plane per plane, so a 100 mm deep beam is a few hundred milliseconds.
 */

/** Principal square root of a + ib with the branch Im ≤ 0 (decaying e^{−i kz z}), written to out. */
function sqrtDecaying(a: number, b: number, out: number[]): void {
  const r = Math.sqrt(a * a + b * b);
  const re = Math.sqrt(Math.max(0, (r + a) / 2));
  const im = Math.sqrt(Math.max(0, (r - a) / 2));
  out[0] = re;
  out[1] = b > 0 ? im : -im;
}

const scratch = [0, 0];

/**
 * The angular-spectrum solution of `base`'s source plane propagated through `medium` instead of base's own
 * layers. The source plane (in the first layer, at base.zSource) and the spectral band are base's; `medium`
 * must have the same first layer material (the bowl's coupling medium) and that layer must reach beyond the
 * source plane. Layer chain as in buildAngularSpectrum (angular-spectrum.ts): a whole layer is one step
 * P(z + Δz) = P(z) e^{−i kz Δz}, kz = sqrt(k̃² − k⊥²) with Im kz ≤ 0, k̃ = ω/c − iα; at each interface every
 * plane wave is multiplied by its oblique pressure transmission coefficient T = 2 ρ2 kz1 / (ρ2 kz1 + ρ1 kz2)
 * (one-way: reflections are not propagated back).
 */
export function relayerSpectrum(base: AngularSpectrum, medium: LayeredMedium, frequency: number): AngularSpectrum {
  const first = layerAcoustics(medium.layers[0].tissue, frequency);
  const b0 = base.layers[0].acoustics;
  const same = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y), 1e-30);
  if (!same(first.density, b0.density) || !same(first.soundSpeed, b0.soundSpeed) || !same(first.attenuationNpPerM, b0.attenuationNpPerM)) {
    throw new InputError('medium.layers[0]', 'must be the coupling medium the source plane was computed in');
  }
  if (!(medium.layers[0].zEnd >= base.zSource)) {
    throw new InputError('medium.layers[0].thickness', `must reach the source plane at z = ${base.zSource.toFixed(4)} m`);
  }
  if (Math.abs(2 * Math.PI * frequency - base.omega) > 1e-9 * base.omega)
    throw new InputError('frequency', 'differs from the source plane’s');
  const acoustics = medium.layers.map((l) => layerAcoustics(l.tissue, frequency));
  const nL = acoustics.length;
  const nb = base.nBand;
  const cRe = sharedFloat64(nL * nb);
  const cIm = sharedFloat64(nL * nb);
  const kzRe = sharedFloat64(nL * nb);
  const kzIm = sharedFloat64(nL * nb);
  // Entries of the rows ky < 0 whose mirror row −ky holds the same kx are copies (kz and C are even in ky for
  // a source plane sampled symmetrically about the axis): computed once, copied after.
  const twin = mirrorEntries(base);
  for (let l = 0; l < nL; l++) {
    const ac = acoustics[l];
    const k2re = ac.wavenumber * ac.wavenumber - ac.attenuationNpPerM * ac.attenuationNpPerM;
    const k2im = -2 * ac.wavenumber * ac.attenuationNpPerM;
    for (let e = 0; e < nb; e++) {
      if (twin[e] >= 0) continue;
      sqrtDecaying(k2re - base.kx[e] * base.kx[e] - base.ky[e] * base.ky[e], k2im, scratch);
      kzRe[l * nb + e] = scratch[0];
      kzIm[l * nb + e] = scratch[1];
    }
  }
  const layers = acoustics.map((ac, l) => ({
    acoustics: ac,
    zRef: l === 0 ? base.zSource : medium.layers[l].zStart,
    zEnd: medium.layers[l].zEnd,
  }));
  // The source spectrum at the source plane (base's layer 0 coefficients).
  for (let e = 0; e < nb; e++) {
    cRe[e] = base.cRe[e];
    cIm[e] = base.cIm[e];
  }
  for (let l = 0; l + 1 < nL; l++)
    transmitLayer(cRe, cIm, kzRe, kzIm, l, nb, layers[l].zEnd - layers[l].zRef, acoustics[l].density, acoustics[l + 1].density, twin);
  for (let l = 0; l < nL; l++) {
    const o = l * nb;
    for (let e = 0; e < nb; e++) {
      const t = twin[e];
      if (t < 0) continue;
      kzRe[o + e] = kzRe[o + t];
      kzIm[o + e] = kzIm[o + t];
      if (l > 0) {
        cRe[o + e] = cRe[o + t];
        cIm[o + e] = cIm[o + t];
      }
    }
  }
  return { ...base, layers, cRe, cIm, kzRe, kzIm };
}

/**
 * For each band entry in a row ky < 0 whose mirror row −ky holds the same kx values, the index of its mirror
 * entry (−1 elsewhere). The layer-0 coefficients are not copied (they are the source plane's own numbers).
 */
function mirrorEntries(asm: AngularSpectrum): Int32Array {
  const twin = new Int32Array(asm.nBand).fill(-1);
  const rowOf = new Map<number, number>();
  for (let r = 0; r < asm.rowJy.length; r++) rowOf.set(asm.rowJy[r], r);
  for (let r = 0; r < asm.rowJy.length; r++) {
    const jy = asm.rowJy[r];
    if (jy >= 0) continue;
    const m = rowOf.get(-jy);
    if (m === undefined) continue;
    const len = asm.rowStart[r + 1] - asm.rowStart[r];
    if (asm.rowStart[m + 1] - asm.rowStart[m] !== len || asm.bandJx[asm.rowStart[r]] !== asm.bandJx[asm.rowStart[m]]) continue;
    for (let i = 0; i < len; i++) twin[asm.rowStart[r] + i] = asm.rowStart[m] + i;
  }
  return twin;
}

/**
 * |p|² (Pa²) of an axisymmetric beam on the half-plane (r, z), transducer frame. Planes are laid out per layer:
 * each layer's part of [zMin, zMax] is sampled uniformly with both ends included (the end plane with the
 * layer's own, pre-transmission field), so interpolation never crosses an interface, where the one-way |p|²
 * jumps by T². Radii are r = m·dr, m < nr.
 */
export interface RadialFieldTable {
  /** m, radial step */
  readonly dr: number;
  /** radii per plane */
  readonly nr: number;
  /** plane positions z (m), non-decreasing */
  readonly z: Float64Array;
  /** medium layer index of each plane */
  readonly planeLayer: Int32Array;
  /** segments (one per layer met): [zStart, zEnd] (m), first plane, number of intervals (planes − 1), layer */
  readonly segStart: Float64Array;
  readonly segEnd: Float64Array;
  readonly segFirst: Int32Array;
  readonly segIntervals: Int32Array;
  readonly segLayer: Int32Array;
  /** |p|², Pa², index plane·nr + m */
  readonly p2: Float32Array;
  /** acoustic power through each plane, W (Parseval on the band spectrum, as asmPower; the layer's own field at a layer end) */
  readonly power: Float64Array;
}

/** Largest radial FFT of a table. */
export const MAX_RADIAL_FFT = 1 << 16;

/**
 * |p|² on the (r, z) half-plane from an angular spectrum of an axisymmetric set-up. For each plane z (≥ zSource)
 * the band spectrum S = C_l e^{−i kz_l (z − zRef_l)} (layer l holding the plane), summed over ky (the line y = 0
 * of the inverse DFT), then one zero-padded inverse FFT of M points gives p(x, 0, z) at x = m·L/M (L the lateral
 * period; spectral interpolation of the band-limited periodic field). Runs as kernel 'asm-radial-planes' over
 * planes. `range` in m: the planes' extent (zMin is raised to the source plane), the largest radius kept, and the
 * largest plane and radial steps (the radial step is L/M for the smallest power of two M ≥ L/drMax).
 */
export async function radialFieldTable(
  asm: AngularSpectrum,
  medium: LayeredMedium,
  range: { zMin: number; zMax: number; rMax: number; dzMax: number; drMax: number; cuts?: readonly number[] },
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<RadialFieldTable> {
  const { zMax, rMax, dzMax, drMax } = range;
  const zMin = Math.max(range.zMin, asm.zSource);
  if (!(zMax >= zMin)) throw new InputError('zMax', `must be >= zMin (${zMin} m, the source plane or beyond)`);
  if (!(dzMax > 0) || !(drMax > 0) || !(rMax > 0)) throw new InputError('range', 'dzMax, drMax and rMax must be > 0');
  if (asm.layers.length !== medium.layers.length) throw new InputError('medium', 'does not match the angular spectrum’s layers');
  if (Math.abs(asm.dx - asm.dy) > 1e-12 * asm.dx || asm.nx !== asm.ny)
    throw new InputError('asm', 'radial tables need a square lateral grid');
  const period = asm.nx * asm.dx;
  const M = Math.max(asm.nx, nextPowerOfTwo(Math.ceil(period / drMax)));
  if (M > MAX_RADIAL_FFT) throw new LimitError(`radial table: FFT of ${M} points exceeds ${MAX_RADIAL_FFT}; use a larger drMax`);
  const dr = period / M;
  const nr = Math.min(M / 2, Math.ceil(rMax / dr) + 2);
  // Planes, one uniform segment per layer inside [zMin, zMax].
  const zs: number[] = [];
  const pl: number[] = [];
  const segStart: number[] = [];
  const segEnd: number[] = [];
  const segFirst: number[] = [];
  const segIntervals: number[] = [];
  const segLayer: number[] = [];
  medium.layers.forEach((layer, l) => {
    const a0 = Math.max(zMin, layer.zStart);
    const b0 = Math.min(zMax, layer.zEnd);
    if (b0 < a0 || (b0 === a0 && segStart.length > 0)) return;
    // extra cuts (planes wanted exactly, e.g. the end of a patch) split the layer's part into segments
    const ends = [a0, ...(range.cuts ?? []).filter((c) => c > a0 && c < b0).sort((x, y) => x - y), b0];
    for (let c = 0; c + 1 < ends.length; c++) {
      const a = ends[c];
      const b = ends[c + 1];
      const n = Math.max(1, Math.ceil((b - a) / dzMax));
      segStart.push(a);
      segEnd.push(b);
      segFirst.push(zs.length);
      segIntervals.push(n);
      segLayer.push(l);
      for (let i = 0; i <= n; i++) {
        zs.push(a + ((b - a) * i) / n);
        pl.push(l);
      }
    }
  });
  const np = zs.length;
  const planeZ = sharedFloat64(np);
  planeZ.set(zs);
  const planeLayer = sharedInt32(np);
  planeLayer.set(pl);
  const zRef = sharedFloat64(asm.layers.length);
  asm.layers.forEach((l, i) => {
    zRef[i] = l.zRef;
  });
  // The half ky ≥ 0 of the band, weighted 2 where its mirror row −ky is in the band (the set-up is symmetric under
  // y → −y: a source plane sampled symmetrically about the axis, layers normal to it); a row without a mirror
  // (ky at the grid's Nyquist edge) is kept with weight 1.
  const rows = new Set<number>();
  for (let r = 0; r < asm.rowJy.length; r++) rows.add(asm.rowJy[r]);
  const half: number[] = [];
  const weight: number[] = [];
  for (let r = 0; r < asm.rowJy.length; r++) {
    const jy = asm.rowJy[r];
    const mirrored = jy !== 0 && rows.has(-jy);
    if (jy < 0 && mirrored) continue;
    for (let e = asm.rowStart[r]; e < asm.rowStart[r + 1]; e++) {
      half.push(e);
      weight.push(mirrored ? 2 : 1);
    }
  }
  const qIndex = sharedInt32(half.length);
  qIndex.set(half);
  const qWeight = sharedFloat64(weight.length);
  qWeight.set(weight);
  const p2 = sharedFloat32(np * nr);
  const power = sharedFloat64(np);
  const powerScale = sharedFloat64(asm.layers.length);
  asm.layers.forEach((l, i) => {
    powerScale[i] = (asm.dx * asm.dy) / (asm.nx * asm.ny) / (2 * asm.omega * l.acoustics.density);
  });
  await executor.run(
    'asm-radial-planes',
    {
      nb: asm.nBand,
      nq: half.length,
      qIndex,
      qWeight,
      bandJx: asm.bandJx,
      cRe: asm.cRe,
      cIm: asm.cIm,
      kzRe: asm.kzRe,
      kzIm: asm.kzIm,
      zRef,
      planeZ,
      planeLayer,
      fftSize: M,
      nr,
      norm: 1 / (asm.nx * asm.ny),
      p2,
      powerScale,
      power,
    },
    np,
  );
  return {
    dr,
    nr,
    z: planeZ,
    planeLayer,
    segStart: Float64Array.from(segStart),
    segEnd: Float64Array.from(segEnd),
    segFirst: Int32Array.from(segFirst),
    segIntervals: Int32Array.from(segIntervals),
    segLayer: Int32Array.from(segLayer),
    p2,
    power,
  };
}

/**
 * Kernel 'asm-radial-planes': planes p in [start, end) of a radial table. Band spectrum at z_p in layer l:
 * S = C_l e^{−i kz (z_p − zRef_l)}, evaluated directly at the first plane of a block or layer and then stepped
 * plane to plane by the factor e^{−i kz Δz} (Δz uniform within a layer). The line y = 0 of the inverse DFT needs
 * the column sums C(kx) = Σ_ky S(kx, ky); the set-up is symmetric under ky → −ky, so only the half ky ≥ 0 is
 * propagated (`qIndex`, with the weight of its mirror row in `qWeight`). An inverse FFT of `fftSize` points
 * (zero-padded band, unscaled; `norm` = 1/(nx·ny) of the propagation grid) gives p(x_m, 0, z_p), x_m = m·L/fftSize
 * (the same numbers as asmLateral). Writes |p|² for m < nr into p2 (Float32), and the power through the plane,
 * P = (Δx Δy / N) Σ |S|² Re kz / (2 ω ρ_l) (Parseval, as asmPower; S here carries the mirror weight w, so each
 * term is |S_w|²/w), into power.
 */
function asmRadialPlanes(args: KernelArgs, start: number, end: number): void {
  const nq = args.nq as number;
  const qIndex = args.qIndex as Int32Array;
  const qWeight = args.qWeight as Float64Array;
  const nb = args.nb as number;
  const bandJx = args.bandJx as Int32Array;
  const cRe = args.cRe as Float64Array;
  const cIm = args.cIm as Float64Array;
  const kzRe = args.kzRe as Float64Array;
  const kzIm = args.kzIm as Float64Array;
  const zRef = args.zRef as Float64Array;
  const planeZ = args.planeZ as Float64Array;
  const planeLayer = args.planeLayer as Int32Array;
  const M = args.fftSize as number;
  const nr = args.nr as number;
  const norm = args.norm as number;
  const p2 = args.p2 as Float32Array;
  const powerScale = args.powerScale as Float64Array;
  const power = args.power as Float64Array;
  const invWeight = new Float64Array(nq);
  for (let q = 0; q < nq; q++) invWeight[q] = 1 / qWeight[q];
  const sRe = new Float64Array(nq);
  const sIm = new Float64Array(nq);
  const eRe = new Float64Array(nq);
  const eIm = new Float64Array(nq);
  const jx = new Int32Array(nq);
  for (let q = 0; q < nq; q++) jx[q] = bandJx[qIndex[q]] < 0 ? bandJx[qIndex[q]] + M : bandJx[qIndex[q]];
  const bufRe = new Float64Array(M);
  const bufIm = new Float64Array(M);
  let layer = -1;
  let stepDz = Number.NaN;
  for (let p = start; p < end; p++) {
    const l = planeLayer[p];
    const z = planeZ[p];
    const o = l * nb;
    if (l !== layer && z === zRef[l]) {
      // a layer's first plane is its reference plane: the coefficients themselves
      for (let q = 0; q < nq; q++) {
        const e = o + qIndex[q];
        sRe[q] = cRe[e] * qWeight[q];
        sIm[q] = cIm[e] * qWeight[q];
      }
      layer = l;
      stepDz = Number.NaN;
    } else if (l !== layer) {
      const d = z - zRef[l];
      for (let q = 0; q < nq; q++) {
        const e = o + qIndex[q];
        const m = Math.exp(kzIm[e] * d) * qWeight[q];
        const ph = kzRe[e] * d;
        const pr = Math.cos(ph) * m;
        const pi = -Math.sin(ph) * m;
        sRe[q] = cRe[e] * pr - cIm[e] * pi;
        sIm[q] = cRe[e] * pi + cIm[e] * pr;
      }
      layer = l;
      stepDz = Number.NaN;
    } else {
      const dz = z - planeZ[p - 1];
      if (!(Math.abs(dz - stepDz) <= 1e-9 * Math.abs(dz))) {
        for (let q = 0; q < nq; q++) {
          const e = o + qIndex[q];
          const m = Math.exp(kzIm[e] * dz);
          const ph = kzRe[e] * dz;
          eRe[q] = Math.cos(ph) * m;
          eIm[q] = -Math.sin(ph) * m;
        }
        stepDz = dz;
      }
      for (let q = 0; q < nq; q++) {
        const a = sRe[q];
        const b = sIm[q];
        sRe[q] = a * eRe[q] - b * eIm[q];
        sIm[q] = a * eIm[q] + b * eRe[q];
      }
    }
    bufRe.fill(0);
    bufIm.fill(0);
    let flux = 0;
    for (let q = 0; q < nq; q++) {
      bufRe[jx[q]] += sRe[q];
      bufIm[jx[q]] += sIm[q];
      flux += (sRe[q] * sRe[q] + sIm[q] * sIm[q]) * invWeight[q] * kzRe[o + qIndex[q]];
    }
    power[p] = flux * powerScale[l];
    fft1dAt(bufRe, bufIm, 0, M, true);
    const base = p * nr;
    const n2 = norm * norm;
    for (let m = 0; m < nr; m++) p2[base + m] = (bufRe[m] * bufRe[m] + bufIm[m] * bufIm[m]) * n2;
  }
}
registerKernel('asm-radial-planes', asmRadialPlanes);

/**
 * |p|² (Pa²) at radius r and plane z by bilinear interpolation inside the segment (layer) holding z; 0 outside
 * the table's z range or beyond its last radius. `segment` from `tableSegmentAt`.
 */
export function tableP2(t: RadialFieldTable, segment: number, r: number, z: number): number {
  const fr = r / t.dr;
  const m = Math.floor(fr);
  if (m >= t.nr - 1 || segment < 0) return 0;
  const a = t.segStart[segment];
  const n = t.segIntervals[segment];
  const span = t.segEnd[segment] - a;
  let fz = span > 0 ? ((z - a) / span) * n : 0;
  if (fz < 0) fz = 0;
  let k = Math.floor(fz);
  if (k >= n) k = n - 1;
  const wz = fz - k;
  const wr = fr - m;
  const nr = t.nr;
  const i0 = (t.segFirst[segment] + k) * nr + m;
  const i1 = i0 + nr;
  const p = t.p2;
  return (p[i0] * (1 - wr) + p[i0 + 1] * wr) * (1 - wz) + (p[i1] * (1 - wr) + p[i1 + 1] * wr) * wz;
}

/** Index of the segment holding z, or −1 outside [first start, last end]. */
export function tableSegmentAt(t: RadialFieldTable, z: number): number {
  const n = t.segStart.length;
  if (n === 0 || z < t.segStart[0] || z > t.segEnd[n - 1]) return -1;
  let s = 0;
  while (s < n - 1 && z > t.segEnd[s]) s++;
  return s;
}

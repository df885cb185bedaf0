import { type AngularSpectrum, MAX_ASM_OUTPUT_FFT, asmVolume } from '../acoustics/angular-spectrum.js';
import { tableP2, tableSegmentAt } from '../acoustics/axisymmetric-field.js';
import type { FocusMetrics } from '../acoustics/field-solver.js';
import { planeWaveIntensity, widthAtLevel } from '../acoustics/focal-metrics.js';
import { type LayeredMedium, layerAcoustics } from '../acoustics/medium.js';
import { applyScreen, intensityOnGrid } from '../acoustics/wall-aberration.js';
import { LimitError } from '../errors.js';
import type { Vec3 } from '../grid/grid3d.js';
import { nextPowerOfTwo } from '../math/fft.js';
import { type ParallelExecutor, SerialExecutor, sharedFloat32 } from '../parallel/parallel-executor.js';
import type { BeamAxisLayers } from './beam-layers.js';
import { type AxisymmetricBeamHeat, type PatchBox, radialBeamPatch } from './beam-patch.js';
import { perpendicularBasis } from './beam-path.js';
import { type WallAberrationModel, type WallScreenCase, beamWallScreen, wallOfStack } from './wall-aberration-from-case.js';

/**
 * A beam's heat through an aberrating wall: the screen (wall-aberration-from-case.ts) breaks the axisymmetry the
 * radial tables rely on, so past the screen plane the field is evaluated in 3D, |p|² on a lattice of the transducer
 * frame (asmVolume: spectral interpolation of the band spectrum, exact for the discrete field), and the patches
 * sample it trilinearly at the same sub-cell points as radialBeamPatch. In front of the screen (skin and wall) the
 * field is the flat-layer one (the screen acts at the wall's far side), taken from the radial table.
 */

/** |p|² (Pa²) on a lattice of the transducer frame: x = y = x0 + i·dl (i < nl), planes planeZ; index i + nl·(j + nl·p). */
export interface FieldLattice {
  readonly p2: Float32Array;
  readonly nl: number;
  readonly dl: number;
  readonly x0: number;
  readonly planeZ: Float64Array;
}

/**
 * |p|² of `asm` on a square lattice of half-width ≥ rMax with a step ≤ lateralStep (a power-of-two division of the
 * angular spectrum's lateral period, so the lattice falls on the bins of a zero-padded inverse FFT), on planes
 * zFrom … zTo at ≤ axialStep (kernel 'asm-planes' on `executor`).
 */
export async function fieldLattice(
  asm: AngularSpectrum,
  rMax: number,
  zFrom: number,
  zTo: number,
  lateralStep: number,
  axialStep: number,
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<FieldLattice> {
  const period = asm.nx * asm.dx;
  const M = Math.max(asm.nx, nextPowerOfTwo(Math.ceil(period / lateralStep - 1e-9)));
  if (M > MAX_ASM_OUTPUT_FFT || asm.ny !== asm.nx || Math.abs(asm.dy - asm.dx) > 1e-12 * asm.dx)
    throw new LimitError(`aberrated beam: lattice FFT of ${M} points (square lateral grid, at most ${MAX_ASM_OUTPUT_FFT})`);
  const dl = period / M;
  const half = Math.ceil(rMax / dl) + 1;
  const nl = 2 * half + 1;
  const x0 = -half * dl;
  const np = Math.max(2, Math.ceil((zTo - zFrom) / axialStep) + 1);
  const planeZ = new Float64Array(np);
  for (let p = 0; p < np; p++) planeZ[p] = zFrom + ((zTo - zFrom) * p) / (np - 1);
  const axis = { n: asm.nx, d: asm.dx, nOut: M, stride: 1 };
  const { re, im } = await asmVolume(
    { ...asm, axisX: axis, axisY: axis },
    { x0, y0: x0, dx: dl, dy: dl, nx: nl, ny: nl },
    planeZ,
    executor,
  );
  const p2 = sharedFloat32(re.length);
  for (let i = 0; i < re.length; i++) p2[i] = re[i] * re[i] + im[i] * im[i];
  return { p2, nl, dl, x0, planeZ };
}

/** Trilinear |p|² of a lattice at (x, y, z); −1 outside its planes, 0 outside its lateral extent. */
function latticeP2(L: FieldLattice, x: number, y: number, z: number): number {
  const np = L.planeZ.length;
  const z0 = L.planeZ[0];
  const dz = (L.planeZ[np - 1] - z0) / (np - 1);
  const fz = (z - z0) / dz;
  if (fz < -1e-9 || fz > np - 1 + 1e-9) return -1;
  const fx = (x - L.x0) / L.dl;
  const fy = (y - L.x0) / L.dl;
  const n = L.nl;
  if (fx < 0 || fy < 0 || fx > n - 1 || fy > n - 1) return 0;
  const i = Math.min(n - 2, Math.floor(fx));
  const j = Math.min(n - 2, Math.floor(fy));
  const k = Math.min(np - 2, Math.max(0, Math.floor(fz)));
  const ax = fx - i;
  const ay = fy - j;
  const az = Math.min(1, Math.max(0, fz - k));
  const p = L.p2;
  const b = i + n * (j + n * k);
  const nn = n * n;
  const c00 = p[b] * (1 - ax) + p[b + 1] * ax;
  const c10 = p[b + n] * (1 - ax) + p[b + n + 1] * ax;
  const c01 = p[b + nn] * (1 - ax) + p[b + nn + 1] * ax;
  const c11 = p[b + nn + n] * (1 - ax) + p[b + nn + n + 1] * ax;
  return (c00 * (1 - ay) + c10 * ay) * (1 - az) + (c01 * (1 - ay) + c11 * ay) * az;
}

/** Axial range (m from the focus along the beam) and largest distance from the axis of a box's corners. */
function boxReach(box: PatchBox, beam: Vec3): { lo: number; hi: number; rMax: number } {
  let lo = 0;
  let hi = 0;
  let rMax = 0;
  for (let c = 0; c < 8; c++) {
    const d = [0, 0, 0];
    for (let a = 0; a < 3; a++) {
      const t = ((c >> a) & 1 ? box.hi[a] + 0.5 : box.lo[a] - 0.5) * box.spacing[a];
      for (let m = 0; m < 3; m++) d[m] += t * box.axes[a][m];
    }
    const w = d[0] * beam[0] + d[1] * beam[1] + d[2] * beam[2];
    lo = Math.min(lo, w);
    hi = Math.max(hi, w);
    rMax = Math.max(rMax, Math.sqrt(Math.max(0, d[0] * d[0] + d[1] * d[1] + d[2] * d[2] - w * w)));
  }
  return { lo, hi, rMax };
}

/** Index of the medium layer holding z. */
function layerAt(medium: LayeredMedium, z: number): number {
  for (let l = 0; l < medium.layers.length - 1; l++) if (z < medium.layers[l].zEnd) return l;
  return medium.layers.length - 1;
}

/**
 * q per watt on `box` (as radialBeamPatch, same sub-cell points): Q = heatPerP2(layer at z)·|p|², |p|² from the
 * lattice past `zScreen` and from the flat-layer table in front of it (and outside the lattice's planes). With
 * `part` only the voxels whose centre lies in `part.region` (transducer-frame z within [zLo, zHi], distance from the
 * axis ≤ rMax) are computed and written into `part.into` (the others keep their values); sub-cells beyond zMax or
 * inside `exclude` (patch-axis offsets from the focus, m) count as 0, as in
 * radialBeamPatch. The power is Σ q·ΔV of the returned array.
 */
export function latticeBeamPatch(
  lattice: FieldLattice,
  heat: AxisymmetricBeamHeat,
  medium: LayeredMedium,
  beam: Vec3,
  box: PatchBox,
  subsamples: Vec3,
  zScreen: number,
  part?: {
    into: Float32Array;
    region: { zLo: number; zHi: number; rMax: number };
    zMax: number;
    exclude?: { lo: Vec3; hi: Vec3 };
  },
): { q: Float32Array; shape: Vec3; centre: Vec3; power: number } {
  const ex = part?.exclude;
  const [u, v] = perpendicularBasis(beam);
  const shape: Vec3 = [box.hi[0] - box.lo[0] + 1, box.hi[1] - box.lo[1] + 1, box.hi[2] - box.lo[2] + 1];
  const ns = subsamples.map((s) => Math.max(1, Math.round(s)));
  const q = part ? part.into : sharedFloat32(shape[0] * shape[1] * shape[2]);
  const nsub = ns[0] * ns[1] * ns[2];
  const e = box.axes;
  const zMax = part ? part.zMax : Number.POSITIVE_INFINITY;
  for (let k = 0; k < shape[2]; k++)
    for (let j = 0; j < shape[1]; j++)
      for (let i = 0; i < shape[0]; i++) {
        if (part) {
          const cx = (box.lo[0] + i) * box.spacing[0];
          const cy = (box.lo[1] + j) * box.spacing[1];
          const cz = (box.lo[2] + k) * box.spacing[2];
          const c0 = cx * e[0][0] + cy * e[1][0] + cz * e[2][0];
          const c1 = cx * e[0][1] + cy * e[1][1] + cz * e[2][1];
          const c2 = cx * e[0][2] + cy * e[1][2] + cz * e[2][2];
          const w = c0 * beam[0] + c1 * beam[1] + c2 * beam[2];
          const zc = heat.zFocus + w;
          if (zc < part.region.zLo || zc > part.region.zHi) continue;
          if (c0 * c0 + c1 * c1 + c2 * c2 - w * w > part.region.rMax * part.region.rMax) continue;
        }
        let acc = 0;
        for (let sz = 0; sz < ns[2]; sz++) {
          const tz = (box.lo[2] + k + (sz + 0.5) / ns[2] - 0.5) * box.spacing[2];
          for (let sy = 0; sy < ns[1]; sy++) {
            const ty = (box.lo[1] + j + (sy + 0.5) / ns[1] - 0.5) * box.spacing[1];
            for (let sx = 0; sx < ns[0]; sx++) {
              const tx = (box.lo[0] + i + (sx + 0.5) / ns[0] - 0.5) * box.spacing[0];
              if (ex && tx > ex.lo[0] && tx < ex.hi[0] && ty > ex.lo[1] && ty < ex.hi[1] && tz > ex.lo[2] && tz < ex.hi[2]) continue;
              const d0 = tx * e[0][0] + ty * e[1][0] + tz * e[2][0];
              const d1 = tx * e[0][1] + ty * e[1][1] + tz * e[2][1];
              const d2 = tx * e[0][2] + ty * e[1][2] + tz * e[2][2];
              const x = d0 * u[0] + d1 * u[1] + d2 * u[2];
              const y = d0 * v[0] + d1 * v[1] + d2 * v[2];
              const z = heat.zFocus + d0 * beam[0] + d1 * beam[1] + d2 * beam[2];
              if (z > zMax) continue;
              let p2 = z >= zScreen ? latticeP2(lattice, x, y, z) : -1;
              if (p2 < 0) {
                const seg = tableSegmentAt(heat.table, z);
                p2 = seg < 0 ? 0 : tableP2(heat.table, seg, Math.hypot(x, y), z);
              }
              acc += heat.heatPerP2[layerAt(medium, z)] * p2;
            }
          }
        }
        q[i + shape[0] * (j + shape[1] * k)] = acc / nsub;
      }
  let sum = 0;
  for (let i = 0; i < q.length; i++) sum += q[i];
  return { q, shape, centre: [-box.lo[0], -box.lo[1], -box.lo[2]], power: sum * box.spacing[0] * box.spacing[1] * box.spacing[2] };
}

/** Focal metrics of a lattice (transducer frame) plus the −6 dB (pressure) area of the peak's plane, m². */
export function latticeFocus(
  lattice: FieldLattice,
  medium: LayeredMedium,
  frequency: number,
  R: number,
): FocusMetrics & { area6dB: number } {
  const { p2, nl, planeZ } = lattice;
  const nn = nl * nl;
  let best = 0;
  for (let i = 1; i < p2.length; i++) if (p2[i] > p2[best]) best = i;
  const kp = Math.floor(best / nn);
  const jp = Math.floor((best - kp * nn) / nl);
  const ip = best - kp * nn - jp * nl;
  const max = p2[best];
  let count = 0;
  for (let i = 0; i < nn; i++) if (p2[kp * nn + i] >= 0.25 * max) count++;
  const area6dB = count * lattice.dl * lattice.dl;
  const column = new Float64Array(planeZ.length);
  for (let k = 0; k < planeZ.length; k++) column[k] = Math.sqrt(p2[k * nn + jp * nl + ip]);
  const z = planeZ[kp];
  const ac = layerAcoustics(medium.layers[layerAt(medium, z)].tissue, frequency);
  const pressure = Math.sqrt(max);
  return {
    position: [lattice.x0 + ip * lattice.dl, lattice.x0 + jp * lattice.dl, z],
    pressure,
    intensity: planeWaveIntensity(pressure, ac.density, ac.soundSpeed),
    width6dB: 2 * Math.sqrt(area6dB / Math.PI),
    length6dB: widthAtLevel(planeZ, column, kp, 0.5),
    focalShift: z - R,
    area6dB,
  };
}

/**
 * The flat-layer focus from the radial table, measured as latticeFocus measures a lattice: the largest on-axis
 * |p|² among the table's planes in [zLo, zHi], and the −6 dB area counted on the lattice's points in that plane.
 */
function tableFocus(
  heat: AxisymmetricBeamHeat,
  lattice: FieldLattice,
  medium: LayeredMedium,
  frequency: number,
  zLo: number,
  zHi: number,
): { intensity: number; area6dB: number } {
  const t = heat.table;
  let best = -1;
  for (let p = 0; p < t.z.length; p++) if (t.z[p] >= zLo && t.z[p] <= zHi && (best < 0 || t.p2[p * t.nr] > t.p2[best * t.nr])) best = p;
  if (best < 0) return { intensity: Number.NaN, area6dB: Number.NaN };
  const z = t.z[best];
  const max = t.p2[best * t.nr];
  const seg = tableSegmentAt(t, z);
  let count = 0;
  for (let j = 0; j < lattice.nl; j++)
    for (let i = 0; i < lattice.nl; i++)
      if (tableP2(t, seg, Math.hypot(lattice.x0 + i * lattice.dl, lattice.x0 + j * lattice.dl), z) >= 0.25 * max) count++;
  const ac = layerAcoustics(medium.layers[layerAt(medium, z)].tissue, frequency);
  return { intensity: planeWaveIntensity(Math.sqrt(max), ac.density, ac.soundSpeed), area6dB: count * lattice.dl * lattice.dl };
}

/**
 * Radius of the region past the wall where coarse patches take the aberrated field, in units of the halo's 1/e
 * radius L·λ/(πℓ) (a weak Gaussian screen scatters intensity ∝ exp(−θ²/θe²), θe = λ/(πℓ)): 2 holds 98 % of it.
 */
const HALO_FACTOR = 2;

/** What the wall did to one beam. */
export interface WallAberrationReport {
  /** wall thickness on the axis (skin + fat + muscle), m */
  readonly wallThickness: number;
  /** |p|²-weighted rms over the footprint: random delay, label-map delay (s), ln-amplitude; blocked (gas) share */
  readonly randomDelayRms: number;
  readonly resolvedDelayRms: number;
  readonly logAmplitudeRms: number;
  readonly blockedFraction: number;
  /** power the screen scattered beyond the spectral band, relative */
  readonly lostFraction: number;
  /** focal peak intensity through the wall / through flat layers (the radial table's largest on-axis value) */
  readonly gainRatio: number;
  /** −6 dB (pressure) focal-plane area through the wall and through flat layers (counted on the same lattice points), m² */
  readonly area6dB: number;
  readonly flatArea6dB: number;
}

/** Inputs of aberratedBeamPatches (the state of one beam in treatment-sources.ts). */
export interface AberratedBeamInput {
  readonly asm: AngularSpectrum;
  readonly medium: LayeredMedium;
  readonly heat: AxisymmetricBeamHeat;
  readonly frequency: number;
  readonly case: WallScreenCase;
  readonly model: WallAberrationModel;
  readonly focus: Vec3;
  readonly beam: Vec3;
  readonly layers: BeamAxisLayers;
  /** the patches to make (sub-cell counts as radialBeamPatch) */
  readonly focal: { box: PatchBox; subsamples: Vec3 };
  readonly wide: { box: PatchBox; subsamples: Vec3 };
  /** largest sampling step of the coarse patches (path), m: their lattice's steps */
  readonly sampleStep: number;
}

/** A coarse patch through the wall: box, sub-cell counts, z range [skin, far plane], optional excluded box. */
export type AberratedPathPatch = (
  box: PatchBox,
  subsamples: Vec3,
  zRange: [number, number],
  exclude?: { lo: Vec3; hi: Vec3 },
) => Promise<{ q: Float32Array; shape: Vec3; centre: Vec3; power: number }>;

/**
 * The focal and wide patches and focal metrics of a beam through its wall screen, and the report; null when the
 * axis has no wall (nothing to aberrate). The focal lattice steps are half the focal patch's spacing across the
 * beam and its spacing along it; the wide lattice twice those.
 */
export async function aberratedBeamPatches(
  input: AberratedBeamInput,
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<{
  focal: { q: Float32Array; shape: Vec3; centre: Vec3; power: number };
  wide: { q: Float32Array; shape: Vec3; centre: Vec3; power: number };
  metrics: FocusMetrics;
  report: WallAberrationReport;
  /** the path patches through the wall: the flat-layer radial patch in front of the screen plus the lattice past it */
  path: AberratedPathPatch;
} | null> {
  const { asm, medium, heat, beam } = input;
  const R = heat.zFocus;
  // the screen plane: where the beam leaves the wall; |p|² there weighs the footprint
  const wall = wallOfStack(input.case.tissueOf, input.layers);
  if (wall.count === 0) return null;
  const zScreen = medium.layers[1 + wall.count].zStart;
  const p2 = intensityOnGrid(asm, zScreen);
  const ws = beamWallScreen(input.case, input.model, asm, p2, input.focus, beam, input.layers);
  if (!ws) return null;
  const screened = applyScreen(asm, ws.layer, ws.screen);
  const fine = Math.min(...input.focal.box.spacing);
  const lattices = async (a: AngularSpectrum, box: PatchBox, lateral: number, axial: number) => {
    const reach = boxReach(box, beam);
    return fieldLattice(a, reach.rMax, Math.max(zScreen, R + reach.lo), R + reach.hi, lateral, axial, executor);
  };
  const focalLattice = await lattices(screened.asm, input.focal.box, fine / 2, fine);
  const wideLattice = await lattices(screened.asm, input.wide.box, fine, 2 * fine);
  const focal = latticeBeamPatch(focalLattice, heat, medium, beam, input.focal.box, input.focal.subsamples, zScreen);
  const wide = latticeBeamPatch(wideLattice, heat, medium, beam, input.wide.box, input.wide.subsamples, zScreen);
  const metrics = latticeFocus(focalLattice, medium, input.frequency, R);
  const flat = tableFocus(
    heat,
    focalLattice,
    medium,
    input.frequency,
    R + boxReach(input.focal.box, beam).lo,
    R + boxReach(input.focal.box, beam).hi,
  );
  const { area6dB, ...focusMetrics } = metrics;
  // Past the wall the screen changes the coarse patches where the focus and its scattered halo lie: a cylinder about
  // the focus of radius HALO_FACTOR·L·λ/(πℓ) (L: screen to focus, at most; ℓ: the shorter 1/e correlation length)
  // plus the focal box's; elsewhere (the converging cone away from the focus) the coarse voxels average over many
  // correlation cells and keep the flat-layer heat.
  const lambda = Math.min(...medium.layers.map((l) => l.tissue.soundSpeed)) / input.frequency;
  const ell =
    Math.min(input.model.statistics.delayCorrelationLength, input.model.statistics.energyCorrelationLength) / 2 / Math.sqrt(Math.LN2);
  const focalReach = boxReach(input.focal.box, beam);
  const halo = Math.min(R - zScreen, (HALO_FACTOR * (R - zScreen) * lambda) / (Math.PI * ell)) + focalReach.rMax;
  const region = { zLo: Math.max(zScreen, R - halo), zHi: R + halo, rMax: halo };
  let haloLattice: FieldLattice | null = null;
  const path: AberratedPathPatch = async (box, sub, zRange, exclude) => {
    const flatPatch = await radialBeamPatch({ ...heat, zRange }, beam, box, sub, 1, executor, exclude);
    const margin = Math.max(...box.spacing);
    haloLattice ??= await fieldLattice(
      screened.asm,
      region.rMax + 2 * margin,
      Math.max(zScreen, region.zLo - margin),
      region.zHi + margin,
      input.sampleStep,
      // |p|² varies along the beam on the focal length's scale (mm), across it on λ's
      2 * input.sampleStep,
      executor,
    );
    return latticeBeamPatch(haloLattice, heat, medium, beam, box, sub, zScreen, { into: flatPatch.q, region, zMax: zRange[1], exclude });
  };
  return {
    focal,
    wide,
    path,
    metrics: focusMetrics,
    report: {
      wallThickness: ws.wallThickness,
      randomDelayRms: ws.randomDelayRms,
      resolvedDelayRms: ws.resolvedDelayRms,
      logAmplitudeRms: ws.logAmplitudeRms,
      blockedFraction: ws.blockedFraction,
      lostFraction: screened.lostFraction,
      gainRatio: metrics.intensity / flat.intensity,
      area6dB,
      flatArea6dB: flat.area6dB,
    },
  };
}

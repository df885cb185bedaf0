import { InputError, LimitError } from '../errors.js';
import { type Grid3D, axisCoordinates, voxelCount } from '../grid/grid3d.js';
import type { ParallelExecutor } from '../parallel/parallel-executor.js';
import { SerialExecutor } from '../parallel/parallel-executor.js';
import { rimHeight, surfaceVelocity } from '../transducer/bowl.js';
import { bowlPointCount, sampleBowl } from '../transducer/surface-sampling.js';
import {
  type AngularSpectrum,
  type AngularSpectrumRequest,
  asmAxial,
  asmLateral,
  asmVolume,
  buildAngularSpectrum,
} from './angular-spectrum.js';
import { amplitudeOf, planeWaveIntensity, radiusAtLevel, refinedPeak, widthAtLevel } from './focal-metrics.js';
import { heatSourceDensity } from './heat-source.js';
import { type LayerAcoustics, isHomogeneous, layerAcoustics, layerIndexAt } from './medium.js';
import { oneilAxial, oneilFocalPlane } from './oneil.js';
import { type FieldPoints, rayleighPressure } from './rayleigh.js';
import type { Scenario } from './scenario.js';

/** Solver: O'Neil's analytic solution (axis, focal plane), the Rayleigh integral, or angular-spectrum propagation. */
export type FieldMethod = 'oneil' | 'rayleigh' | 'asm';
export const FIELD_METHODS: readonly FieldMethod[] = ['oneil', 'rayleigh', 'asm'];

/** Complex pressure (Pa) along a line, with its amplitude. */
export interface LineField {
  /** coordinates along the line, m */
  readonly position: Float64Array;
  readonly re: Float64Array;
  readonly im: Float64Array;
  /** |p|, Pa */
  readonly amplitude: Float64Array;
}

/** A 3D field on a Grid3D (transducer frame), Float32, x fastest. */
export interface FieldVolume {
  readonly grid: Grid3D;
  /** pressure amplitude |p|, Pa */
  readonly pressure: Float32Array;
  /** complex pressure, Pa */
  readonly re: Float32Array;
  readonly im: Float32Array;
  /** plane-wave intensity |p|²/(2ρc), W/m² */
  readonly intensity: Float32Array;
  /** heat source Q = α_abs |p|²/(ρc) with each voxel's layer, W/m³ */
  readonly heatSource: Float32Array;
}

/** Most voxels a field volume may have (5 Float32 fields each). */
export const MAX_FIELD_VOXELS = 2 ** 25;
/** Most source–field pairs one Rayleigh computation may take (about 15 min on one thread). */
export const MAX_RAYLEIGH_PAIRS = 5e10;

function homogeneousAcoustics(scenario: Scenario, method: FieldMethod): LayerAcoustics {
  if (!isHomogeneous(scenario.medium)) {
    throw new InputError('method', `${method} needs a homogeneous medium; use asm for layered media`);
  }
  return layerAcoustics(scenario.medium.layers[0].tissue, scenario.transducer.frequency);
}

function checkMethod(method: string): FieldMethod {
  if (!(FIELD_METHODS as readonly string[]).includes(method))
    throw new InputError('method', `must be one of ${FIELD_METHODS.join(', ')}, got "${method}"`);
  return method as FieldMethod;
}

/** Smallest distance (m) from the points to the bowl's sphere |r − C| = R (C the centre of curvature). */
function minDistanceToBowl(scenario: Scenario, p: FieldPoints): number {
  const R = scenario.transducer.radiusOfCurvature;
  let d = Number.POSITIVE_INFINITY;
  for (let i = 0; i < p.x.length; i++) d = Math.min(d, Math.abs(R - Math.hypot(p.x[i], p.y[i], p.z[i] - R)));
  return d;
}

/** Rayleigh integral at points of the bowl's medium (first layer), with the element count chosen for the nearest point. */
async function rayleighAt(scenario: Scenario, ac: LayerAcoustics, points: FieldPoints, executor: ParallelExecutor) {
  const t = scenario.transducer;
  const lambda = (2 * Math.PI) / ac.wavenumber;
  const count = bowlPointCount(t, lambda, minDistanceToBowl(scenario, points));
  if (count * points.x.length > MAX_RAYLEIGH_PAIRS) {
    throw new LimitError(
      `Rayleigh integral of ${points.x.length} points × ${count} source points exceeds ${MAX_RAYLEIGH_PAIRS} pairs; use --method asm or a coarser grid`,
    );
  }
  const u0 = surfaceVelocity(t, ac.density, ac.soundSpeed);
  return rayleighPressure(t, ac, u0, sampleBowl(t, count), points, executor);
}

let cached: { key: string; zMin: number; zMax: number; asm: AngularSpectrum } | undefined;

/**
 * The angular-spectrum solution for a scenario and request, reused while the same scenario asks for planes
 * inside the range already built (the source plane is the expensive part).
 */
async function angularSpectrumFor(
  scenario: Scenario,
  request: AngularSpectrumRequest,
  executor: ParallelExecutor,
): Promise<AngularSpectrum> {
  const key = JSON.stringify({ s: scenario, l: request.lattice ?? null });
  if (cached && cached.key === key && cached.zMin <= request.zMin && cached.zMax >= request.zMax) return cached.asm;
  const asm = await buildAngularSpectrum(scenario, request, executor);
  cached = { key, zMin: request.zMin, zMax: request.zMax, asm };
  return asm;
}

/** Points between the apex and the ASM source plane lie in the bowl's own medium, where the Rayleigh integral is exact. */
async function split(
  scenario: Scenario,
  z: ArrayLike<number>,
  asm: AngularSpectrum,
  executor: ParallelExecutor,
  x: (i: number) => number,
  out: { re: Float64Array; im: Float64Array },
): Promise<void> {
  const before: number[] = [];
  for (let i = 0; i < z.length; i++) if (z[i] < asm.zSource) before.push(i);
  if (before.length === 0) return;
  const ac = layerAcoustics(scenario.medium.layers[0].tissue, scenario.transducer.frequency);
  const pts = {
    x: Float64Array.from(before, (i) => x(i)),
    y: new Float64Array(before.length),
    z: Float64Array.from(before, (i) => z[i]),
  };
  const p = await rayleighAt(scenario, ac, pts, executor);
  before.forEach((i, j) => {
    out.re[i] = p.re[j];
    out.im[i] = p.im[j];
  });
}

/**
 * Complex pressure (Pa) on the beam axis at distances z (m) from the bowl apex, by `method`. O'Neil and
 * Rayleigh need a homogeneous medium; asm handles layers (points before its source plane, in the bowl's own
 * medium, come from the Rayleigh integral). Uses `executor` for the parallel kernels (default serial).
 */
export async function computeAxialPressure(
  scenario: Scenario,
  method: FieldMethod,
  z: ArrayLike<number>,
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<LineField> {
  checkMethod(method);
  const position = Float64Array.from(z);
  if (position.length === 0) throw new InputError('z', 'needs at least one point');
  const t = scenario.transducer;
  let res: { re: Float64Array; im: Float64Array };
  if (method === 'oneil') {
    const ac = homogeneousAcoustics(scenario, method);
    const u0 = surfaceVelocity(t, ac.density, ac.soundSpeed);
    res = oneilAxial(
      { radiusOfCurvature: t.radiusOfCurvature, apertureRadius: t.aperture / 2, holeRadius: t.holeDiameter / 2 },
      ac.wavenumber,
      ac.density * ac.soundSpeed * u0,
      position,
      -ac.attenuationNpPerM,
    );
  } else if (method === 'rayleigh') {
    const ac = homogeneousAcoustics(scenario, method);
    res = await rayleighAt(
      scenario,
      ac,
      { x: new Float64Array(position.length), y: new Float64Array(position.length), z: position },
      executor,
    );
  } else {
    const zMax = Math.max(...position);
    const zMin = Math.min(...position);
    const asm = await angularSpectrumFor(scenario, { zMin: Math.max(zMin, rimHeight(t)), zMax }, executor);
    const zs = position.map((v) => Math.max(v, asm.zSource));
    res = asmAxial(asm, zs);
    await split(scenario, position, asm, executor, () => 0, res);
  }
  return { position, ...res, amplitude: amplitudeOf(res.re, res.im) };
}

/**
 * Complex pressure (Pa) along the lateral line (x, 0, z) at distances x (m) from the axis, by `method`. O'Neil
 * gives only the geometric focal plane (z = R, paraxial); the others any plane.
 */
export async function computeLateralPressure(
  scenario: Scenario,
  method: FieldMethod,
  z: number,
  x: ArrayLike<number>,
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<LineField> {
  checkMethod(method);
  const position = Float64Array.from(x);
  const t = scenario.transducer;
  let res: { re: Float64Array; im: Float64Array };
  if (method === 'oneil') {
    const ac = homogeneousAcoustics(scenario, method);
    const u0 = surfaceVelocity(t, ac.density, ac.soundSpeed);
    res = oneilFocalPlane(
      { radiusOfCurvature: t.radiusOfCurvature, apertureRadius: t.aperture / 2, holeRadius: t.holeDiameter / 2 },
      ac.wavenumber,
      ac.density * ac.soundSpeed * u0,
      position.map(Math.abs),
    );
  } else if (method === 'rayleigh') {
    const ac = homogeneousAcoustics(scenario, method);
    res = await rayleighAt(
      scenario,
      ac,
      { x: position, y: new Float64Array(position.length), z: new Float64Array(position.length).fill(z) },
      executor,
    );
  } else {
    const asm = await angularSpectrumFor(scenario, { zMin: z, zMax: z }, executor);
    if (z < asm.zSource) {
      const ac = layerAcoustics(scenario.medium.layers[0].tissue, t.frequency);
      res = await rayleighAt(
        scenario,
        ac,
        { x: position, y: new Float64Array(position.length), z: new Float64Array(position.length).fill(z) },
        executor,
      );
    } else res = asmLateral(asm, z, position);
  }
  return { position, ...res, amplitude: amplitudeOf(res.re, res.im) };
}

/**
 * The field on a Grid3D in the transducer frame (grid.origin and spacing; x fastest): complex pressure,
 * amplitude, plane-wave intensity and heat source Q with each voxel's layer (W/m³). Methods rayleigh
 * (homogeneous, small grids) and asm; O'Neil has no volume solution.
 */
export async function computeFieldVolume(
  scenario: Scenario,
  method: FieldMethod,
  grid: Grid3D,
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<FieldVolume> {
  checkMethod(method);
  const n = voxelCount(grid);
  if (n > MAX_FIELD_VOXELS)
    throw new LimitError(`field volume of ${n} voxels exceeds the limit of ${MAX_FIELD_VOXELS}; use a coarser step or a smaller box`);
  const [nx, ny, nz] = grid.shape;
  const xs = axisCoordinates(grid, 0);
  const ys = axisCoordinates(grid, 1);
  const zs = axisCoordinates(grid, 2);
  const t = scenario.transducer;
  const re = new Float32Array(n);
  const im = new Float32Array(n);
  const rayleighPlanes: number[] = [];
  if (method === 'oneil')
    throw new InputError('method', "O'Neil's solution covers the axis and the focal plane only; use rayleigh or asm for a volume");
  if (method === 'rayleigh') {
    homogeneousAcoustics(scenario, method);
    for (let k = 0; k < nz; k++) rayleighPlanes.push(k);
  } else {
    const lattice = { x0: xs[0], y0: ys[0], dx: grid.spacing[0], dy: grid.spacing[1], nx, ny };
    const zMin = Math.max(zs[0], rimHeight(t));
    const asm = await angularSpectrumFor(scenario, { zMin, zMax: Math.max(zs[nz - 1], zMin), lattice }, executor);
    const planes: number[] = [];
    for (let k = 0; k < nz; k++) (zs[k] >= asm.zSource ? planes : rayleighPlanes).push(k);
    if (planes.length > 0) {
      const v = await asmVolume(
        asm,
        lattice,
        Float64Array.from(planes, (k) => zs[k]),
        executor,
      );
      const plane = nx * ny;
      planes.forEach((k, j) => {
        re.set(v.re.subarray(j * plane, (j + 1) * plane), k * plane);
        im.set(v.im.subarray(j * plane, (j + 1) * plane), k * plane);
      });
    }
  }
  if (rayleighPlanes.length > 0) {
    const m = rayleighPlanes.length * nx * ny;
    const px = new Float64Array(m);
    const py = new Float64Array(m);
    const pz = new Float64Array(m);
    let q = 0;
    for (const k of rayleighPlanes) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          px[q] = xs[i];
          py[q] = ys[j];
          pz[q] = zs[k];
          q++;
        }
      }
    }
    const ac = layerAcoustics(scenario.medium.layers[0].tissue, t.frequency);
    const p = await rayleighAt(scenario, ac, { x: px, y: py, z: pz }, executor);
    q = 0;
    for (const k of rayleighPlanes) {
      const base = k * nx * ny;
      for (let i = 0; i < nx * ny; i++, q++) {
        re[base + i] = p.re[q];
        im[base + i] = p.im[q];
      }
    }
  }
  const pressure = new Float32Array(n);
  const intensity = new Float32Array(n);
  const heatSource = new Float32Array(n);
  for (let k = 0; k < nz; k++) {
    const ac = layerAcoustics(scenario.medium.layers[layerIndexAt(scenario.medium, zs[k])].tissue, t.frequency);
    const base = k * nx * ny;
    for (let i = base; i < base + nx * ny; i++) {
      const p = Math.hypot(re[i], im[i]);
      pressure[i] = p;
      intensity[i] = planeWaveIntensity(p, ac.density, ac.soundSpeed);
      heatSource[i] = heatSourceDensity(p, ac.absorptionNpPerM, ac.density, ac.soundSpeed);
    }
  }
  return { grid, pressure, re, im, intensity, heatSource };
}

/** The focus of a field: peak pressure and where, intensity there, −6 dB (half-pressure) width and length. */
export interface FocusMetrics {
  /** m, transducer frame */
  readonly position: [number, number, number];
  /** Pa */
  readonly pressure: number;
  /** plane-wave intensity at the peak, W/m² */
  readonly intensity: number;
  /** full −6 dB width across the beam, m (NaN when not resolved) */
  readonly width6dB: number;
  /** full −6 dB length along the beam, m (NaN when the range does not bracket it) */
  readonly length6dB: number;
  /** peak z − R (negative: towards the transducer), m */
  readonly focalShift: number;
}

function intensityAt(scenario: Scenario, z: number, p: number): number {
  const ac = layerAcoustics(scenario.medium.layers[layerIndexAt(scenario.medium, z)].tissue, scenario.transducer.frequency);
  return planeWaveIntensity(p, ac.density, ac.soundSpeed);
}

/**
 * Focal metrics from an axial profile: the axial peak (parabolic refinement), its −6 dB length on the profile,
 * and the −6 dB width from a lateral line at the peak computed by `method` (O'Neil: the geometric focal plane).
 */
export async function focusFromAxis(
  scenario: Scenario,
  method: FieldMethod,
  axis: LineField,
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<FocusMetrics> {
  const pk = refinedPeak(axis.amplitude);
  const i0 = Math.floor(pk.index);
  const frac = pk.index - i0;
  const z = i0 + 1 < axis.position.length ? axis.position[i0] * (1 - frac) + axis.position[i0 + 1] * frac : axis.position[i0];
  const length6dB = widthAtLevel(axis.position, axis.amplitude, Math.round(pk.index), 0.5);
  const t = scenario.transducer;
  const lambda = (2 * Math.PI) / layerAcoustics(scenario.medium.layers[layerIndexAt(scenario.medium, z)].tissue, t.frequency).wavenumber;
  // Lateral line out to twice the first zero of the focal spot of the full aperture, 1.22 λ R / a.
  const rMax = Math.max((2 * (1.22 * lambda * t.radiusOfCurvature)) / (t.aperture / 2), 2 * lambda);
  const nLat = 161;
  const x = new Float64Array(nLat);
  for (let i = 0; i < nLat; i++) x[i] = (rMax * i) / (nLat - 1);
  const lateral = await computeLateralPressure(scenario, method, method === 'oneil' ? t.radiusOfCurvature : z, x, executor);
  const width6dB = 2 * radiusAtLevel(x, lateral.amplitude, 0.5);
  return {
    position: [0, 0, z],
    pressure: pk.value,
    intensity: intensityAt(scenario, z, pk.value),
    width6dB,
    length6dB,
    focalShift: z - t.radiusOfCurvature,
  };
}

/** Focal metrics of a volume: peak voxel (parabolic refinement per axis), −6 dB width along x and length along z through it. */
export function focalMetrics(scenario: Scenario, volume: FieldVolume): FocusMetrics {
  const { grid, pressure } = volume;
  const [nx, ny, nz] = grid.shape;
  let best = 0;
  for (let i = 1; i < pressure.length; i++) if (pressure[i] > pressure[best]) best = i;
  const k = Math.floor(best / (nx * ny));
  const j = Math.floor((best - k * nx * ny) / nx);
  const i = best - nx * (j + ny * k);
  const line = (axis: 0 | 1 | 2): Float64Array => {
    const len = grid.shape[axis];
    const out = new Float64Array(len);
    for (let q = 0; q < len; q++) {
      const idx = axis === 0 ? q + nx * (j + ny * k) : axis === 1 ? i + nx * (q + ny * k) : i + nx * (j + ny * q);
      out[q] = pressure[idx];
    }
    return out;
  };
  const lx = line(0);
  const lz = line(2);
  const px = refinedPeak(lx);
  const py = refinedPeak(line(1));
  const pz = refinedPeak(lz);
  const pos: [number, number, number] = [
    grid.origin[0] + (nx > 2 ? px.index : i) * grid.spacing[0],
    grid.origin[1] + (ny > 2 ? py.index : j) * grid.spacing[1],
    grid.origin[2] + (nz > 2 ? pz.index : k) * grid.spacing[2],
  ];
  const value = Math.max(pressure[best], px.value, py.value, pz.value);
  return {
    position: pos,
    pressure: value,
    intensity: intensityAt(scenario, pos[2], value),
    width6dB: widthAtLevel(axisCoordinates(grid, 0), lx, i, 0.5),
    length6dB: widthAtLevel(axisCoordinates(grid, 2), lz, k, 0.5),
    focalShift: pos[2] - scenario.transducer.radiusOfCurvature,
  };
}

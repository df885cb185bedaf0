import { InputError } from '../errors.js';
import type { Grid3D } from '../grid/grid3d.js';
import { axisCoordinates } from '../grid/grid3d.js';
import { type ParallelExecutor, SerialExecutor } from '../parallel/parallel-executor.js';
import { heatSourceDensity } from './heat-source.js';
import { layerAcoustics, layerIndexAt } from './medium.js';
import { type NonlinearBeam, type NonlinearBeamOptions, SHOCK_STEEPNESS, computeNonlinearBeam } from './nonlinear-axisymmetric.js';
import type { Scenario } from './scenario.js';

/** The nonlinear axis of `fuas field --nonlinear`: per requested z, harmonics 1..N (Pa) and the waveform's peaks. */
export interface NonlinearAxis {
  /** m */
  readonly z: Float64Array;
  /** N */
  readonly harmonics: number;
  /** |p_n| (Pa), index i·N + n − 1 */
  readonly amplitudes: Float64Array;
  /** Pa; peakNegative ≤ 0 */
  readonly peakPositive: Float64Array;
  readonly peakNegative: Float64Array;
  /** heat source on the axis, W/m³ (harmonics and shocks) */
  readonly heatSource: Float64Array;
}

/** The nonlinear focus: peaks of the waveform on the axis and the heating ratio at the (linear) focus. */
export interface NonlinearFocus {
  /** largest peak positive pressure on the axis, Pa, and where (m) */
  readonly peakPositivePressure: number;
  readonly peakPositiveZ: number;
  /** most negative peak negative pressure on the axis, Pa (≤ 0), and where */
  readonly peakNegativePressure: number;
  readonly peakNegativeZ: number;
  /** nonlinear / linear heat source at `z` (Q_lin = α_abs(f)|p_lin|²/(ρc), p_lin the linear focal pressure given) */
  readonly heatingRatio: number;
  /** where the axis waveform first reaches the shock steepness (m), null when it never does */
  readonly shockZ: number | null;
}

/** Linear interpolation of per-plane values v (stride, offset) at position x on increasing planes zs; v at the ends outside. */
function interpolate(zs: Float64Array, v: ArrayLike<number>, x: number, stride = 1, offset = 0): number {
  const n = zs.length;
  if (x <= zs[0]) return v[offset];
  if (x >= zs[n - 1]) return v[(n - 1) * stride + offset];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (zs[mid] <= x) lo = mid;
    else hi = mid;
  }
  const w = (x - zs[lo]) / (zs[hi] - zs[lo]);
  return v[lo * stride + offset] * (1 - w) + v[hi * stride + offset] * w;
}

/**
 * The nonlinear beam (computeNonlinearBeam) sampled on the axis at `z`. Before the solver's start plane (in the
 * coupling medium, near the bowl, where the wave is still sinusoidal) the fundamental is `linearAmplitude` (the
 * linear solution there), higher harmonics 0, and the peaks ±|p|.
 */
export function sampleNonlinearAxis(
  beam: NonlinearBeam,
  z: Float64Array,
  linearAmplitude: Float64Array,
  scenario: Scenario,
): NonlinearAxis {
  const n = beam.harmonics;
  const amplitudes = new Float64Array(z.length * n);
  const peakPositive = new Float64Array(z.length);
  const peakNegative = new Float64Array(z.length);
  const heatSource = new Float64Array(z.length);
  const z0 = beam.z[0];
  for (let i = 0; i < z.length; i++) {
    if (z[i] < z0) {
      const p = linearAmplitude[i];
      amplitudes[i * n] = p;
      peakPositive[i] = p;
      peakNegative[i] = -p;
      const ac = layerAcoustics(scenario.medium.layers[layerIndexAt(scenario.medium, z[i])].tissue, scenario.transducer.frequency);
      heatSource[i] = heatSourceDensity(p, ac.absorptionNpPerM, ac.density, ac.soundSpeed);
      continue;
    }
    for (let h = 0; h < n; h++) amplitudes[i * n + h] = interpolate(beam.z, beam.axisHarmonics, z[i], n, h);
    peakPositive[i] = interpolate(beam.z, beam.peakPositive, z[i]);
    peakNegative[i] = interpolate(beam.z, beam.peakNegative, z[i]);
    heatSource[i] = interpolate(beam.z, beam.axisHeat, z[i]);
  }
  return { z, harmonics: n, amplitudes, peakPositive, peakNegative, heatSource };
}

/**
 * Focal figures of a nonlinear beam: the axial extremes of p+ and p−, the heating ratio at `focusZ` against the
 * linear heat source of the linear focal pressure `linearPressure` there, and where shocks form on the axis
 * (steepness ≥ SHOCK_STEEPNESS).
 */
export function nonlinearFocus(beam: NonlinearBeam, scenario: Scenario, focusZ: number, linearPressure: number): NonlinearFocus {
  let ip = 0;
  let ineg = 0;
  for (let i = 1; i < beam.z.length; i++) {
    if (beam.peakPositive[i] > beam.peakPositive[ip]) ip = i;
    if (beam.peakNegative[i] < beam.peakNegative[ineg]) ineg = i;
  }
  const ac = layerAcoustics(scenario.medium.layers[layerIndexAt(scenario.medium, focusZ)].tissue, scenario.transducer.frequency);
  const qLin = heatSourceDensity(linearPressure, ac.absorptionNpPerM, ac.density, ac.soundSpeed);
  const qNl = interpolate(beam.z, beam.axisHeat, focusZ);
  let shockZ: number | null = null;
  for (let i = 0; i < beam.z.length; i++) {
    if (beam.axisSteepness[i] >= SHOCK_STEEPNESS) {
      shockZ = beam.z[i];
      break;
    }
  }
  return {
    peakPositivePressure: beam.peakPositive[ip],
    peakPositiveZ: beam.z[ip],
    peakNegativePressure: beam.peakNegative[ineg],
    peakNegativeZ: beam.z[ineg],
    heatingRatio: qLin > 0 ? qNl / qLin : Number.NaN,
    shockZ,
  };
}

/**
 * The nonlinear heat source (W/m³) on a Grid3D of the transducer frame (the beam's axis is the z axis at x = y = 0):
 * Q(x, y, z) = Q_nl(√(x² + y²), z) from the beam's radial table, bilinear in (r, z); 0 beyond the table's radius
 * and outside its planes. The axisymmetric field is the whole 3D field of a bowl in layers normal to its axis.
 */
export function nonlinearHeatVolume(beam: NonlinearBeam, grid: Grid3D): Float32Array {
  const [nx, ny, nz] = grid.shape;
  const xs = axisCoordinates(grid, 0);
  const ys = axisCoordinates(grid, 1);
  const zs = axisCoordinates(grid, 2);
  const out = new Float32Array(nx * ny * nz);
  const nr = beam.tableRadii;
  const dr = beam.tableStep;
  const np = beam.z.length;
  for (let k = 0; k < nz; k++) {
    const z = zs[k];
    if (z < beam.z[0] || z > beam.z[np - 1]) continue;
    let lo = 0;
    while (lo < np - 2 && beam.z[lo + 1] < z) lo++;
    const span = beam.z[lo + 1] - beam.z[lo];
    const wz = span > 0 ? Math.min(1, Math.max(0, (z - beam.z[lo]) / span)) : 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const fr = Math.hypot(xs[i], ys[j]) / dr;
        const m = Math.floor(fr);
        if (m >= nr - 1) continue;
        const wr = fr - m;
        const a = beam.heatTable[lo * nr + m] * (1 - wr) + beam.heatTable[lo * nr + m + 1] * wr;
        const b = beam.heatTable[(lo + 1) * nr + m] * (1 - wr) + beam.heatTable[(lo + 1) * nr + m + 1] * wr;
        out[i + nx * (j + ny * k)] = a * (1 - wz) + b * wz;
      }
    }
  }
  return out;
}

/**
 * The nonlinear heat source of a scenario on `grid` (transducer frame), for the thermal solver: the beam solved
 * over the grid's z range (and its radius), then mapped by nonlinearHeatVolume. Returns the beam too.
 */
export async function nonlinearHeatSource(
  scenario: Scenario,
  grid: Grid3D,
  options: NonlinearBeamOptions = {},
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<{ heatSource: Float32Array; beam: NonlinearBeam }> {
  const xs = axisCoordinates(grid, 0);
  const ys = axisCoordinates(grid, 1);
  const zs = axisCoordinates(grid, 2);
  const rMax = Math.hypot(Math.max(Math.abs(xs[0]), Math.abs(xs[xs.length - 1])), Math.max(Math.abs(ys[0]), Math.abs(ys[ys.length - 1])));
  if (!Number.isFinite(rMax)) throw new InputError('grid', 'must be finite');
  const tableStep = Math.min(grid.spacing[0], grid.spacing[1], 1e-4);
  const beam = await computeNonlinearBeam(
    scenario,
    { ...options, zMax: Math.max(zs[zs.length - 1], options.zMax ?? 0), tableRadius: rMax + 2 * tableStep, tableStep },
    executor,
  );
  return { heatSource: nonlinearHeatVolume(beam, grid), beam };
}

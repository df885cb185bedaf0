import type { AngularSpectrum } from '../acoustics/angular-spectrum.js';
import {
  type ApertureScreen,
  MEASURED_WALL_STATISTICS,
  type RandomPlaneField,
  type WallAberrationStatistics,
  gridCoordinate,
  randomFieldOnLattice,
  randomPlaneField,
  validateWallStatistics,
} from '../acoustics/wall-aberration.js';
import { seededRandom } from '../case/seeded-random.js';
import { InputError, requireFinite } from '../errors.js';
import { type Grid3D, type Vec3, rasMmToVoxel } from '../grid/grid3d.js';
import type { Tissue } from '../tissue/tissue-table.js';
import type { BeamAxisLayers } from './beam-layers.js';
import { perpendicularBasis } from './beam-path.js';

/**
 * The abdominal-wall screen of one beam, from the case (issue 11, item 3). Two parts, both at the plane where the
 * beam leaves the wall (the first interface past skin, fat and muscle on the beam axis):
 *  - resolved structure: the straight-ray delay τ(x, y) = ∫ (1/c(P) − 1/c(axis)) ds through the wall slab, from the
 *    label map (trilinear slowness, so partial-volume staircases stay sub-voxel) and the case's tissue sound speeds:
 *    irregular fat–muscle interfaces, a wall thicker on one side, the body surface curving away from the axis. The
 *    flat-layer model already holds the axis's own stack, so the axis ray has τ = 0. A ray that meets gas is
 *    blocked (a = 0);
 *  - unresolved structure (fat lobules, septa, sub-voxel interface roughness): a seeded Gaussian random delay and
 *    energy-level screen with measured statistics (MEASURED_WALL_STATISTICS), variances scaled with the wall
 *    thickness met on the axis; one random field per case in patient coordinates, so neighbouring beams see the
 *    same lobules where their footprints overlap (deterministic per case and beam).
 * `strength` multiplies both parts (delay and log-amplitude): 0 is the flat-layer model exactly.
 */

/** Wall-aberration parameters of a case (all optional; SI). */
export interface WallAberrationParameters {
  /** multiplies the screen (delay and log-amplitude); 0 turns aberration off [1] */
  readonly strength?: number;
  /** seed of the case's random wall structure (integer) [1] */
  readonly seed?: number;
  /** measured statistics [MEASURED_WALL_STATISTICS] */
  readonly statistics?: Partial<WallAberrationStatistics>;
}

/** The wall-aberration model of a case, ready to make screens. */
export interface WallAberrationModel {
  readonly strength: number;
  readonly seed: number;
  readonly statistics: WallAberrationStatistics;
  readonly delayField: RandomPlaneField;
  readonly energyField: RandomPlaneField;
}

/**
 * What a case without `wallAberration` gets: 0, the flat-layer model (today's fields, unchanged). Setting it to {}
 * (strength 1, seed 1) would put every case's beams through the measured wall by default.
 */
export const DEFAULT_CASE_WALL_ABERRATION: WallAberrationParameters | number = 0;

/** Tissues that make up the abdominal wall (by tissue-table name). */
const WALL_TISSUES = new Set(['skin', 'fat', 'muscle']);

/**
 * The model for `p`: `undefined`, `false`, 0 or { strength: 0 } → null (no aberration); a number is the strength;
 * an object is read with the defaults above. InputError names `field`.
 */
export function wallAberrationModel(
  p: WallAberrationParameters | number | boolean | undefined | null,
  field = 'wallAberration',
): WallAberrationModel | null {
  if (p === undefined || p === null || p === false) return null;
  const params: WallAberrationParameters = p === true ? {} : typeof p === 'number' ? { strength: p } : p;
  if (typeof params !== 'object') throw new InputError(field, 'must be a number (strength), a boolean or an object');
  const strength = requireFinite(`${field}.strength`, params.strength ?? 1, 'non-negative');
  if (strength === 0) return null;
  const seed = params.seed ?? 1;
  if (!Number.isInteger(seed)) throw new InputError(`${field}.seed`, `must be an integer, got ${seed}`);
  const statistics = validateWallStatistics({ ...MEASURED_WALL_STATISTICS, ...(params.statistics ?? {}) }, `${field}.statistics`);
  const rng = seededRandom(seed);
  const delayField = randomPlaneField(statistics.delayCorrelationLength, rng.normal, rng.next);
  const energyField = randomPlaneField(statistics.energyCorrelationLength, rng.normal, rng.next);
  return { strength, seed, statistics, delayField, energyField };
}

/** The label map and tissues the screen needs. */
export interface WallScreenCase {
  readonly grid: Grid3D;
  readonly labels: Uint8Array;
  /** structure name → label */
  readonly structures: Record<string, number>;
  readonly tissueOf: (structure: string) => Tissue;
  /** the coupling medium (water), for labels no structure names */
  readonly coupling: Tissue;
}

/** A beam's wall screen and what it holds. */
export interface BeamWallScreen {
  /** layer index (in the beam's medium: water, then the axis stack) whose start plane carries the screen */
  readonly layer: number;
  readonly screen: ApertureScreen;
  /** wall on the axis: skin + fat + muscle thickness met before the screen, m */
  readonly wallThickness: number;
  /** rms (over the beam's footprint at the screen, weighted by |p|²) of the random delay and of the label-map delay, s */
  readonly randomDelayRms: number;
  readonly resolvedDelayRms: number;
  /** rms of ln a over the footprint (|p|²-weighted) */
  readonly logAmplitudeRms: number;
  /** |p|²-weighted share of the footprint whose ray meets gas (blocked) */
  readonly blockedFraction: number;
}

/**
 * The abdominal wall at the front of an axis stack: how many leading layers are skin, fat or muscle (never the
 * focus's own layer) and their total thickness (m). The screen goes on the start plane of medium layer 1 + count.
 */
export function wallOfStack(tissueOf: (structure: string) => Tissue, stack: BeamAxisLayers): { count: number; thickness: number } {
  let count = 0;
  let thickness = 0;
  while (count < stack.layers.length - 1 && WALL_TISSUES.has(tissueOf(stack.layers[count].structure).name)) {
    thickness += stack.layers[count].thickness;
    count++;
  }
  return { count, thickness };
}

/** Margins of the wall slab integrated for the resolved delay: before the axis's skin and past its wall exit, m. */
const SLAB_BEFORE = 15e-3;
const SLAB_AFTER = 5e-3;

/**
 * The wall screen of a beam: focus (RAS m), unit beam direction and its axis stack (transducer frame: x and y
 * along perpendicularBasis(beam), the beam axis through the focus);
 * `asm` is the beam's angular spectrum (its lateral grid carries the screen; `fieldP2` its |p|² on that grid at the
 * screen plane, FFT order, for the footprint and the weights). Null when the axis has no wall layer or nothing past
 * it.
 */
export function beamWallScreen(
  c: WallScreenCase,
  model: WallAberrationModel,
  asm: Pick<AngularSpectrum, 'nx' | 'ny' | 'dx' | 'dy'>,
  fieldP2: Float64Array,
  focus: Vec3,
  beam: Vec3,
  stack: BeamAxisLayers,
): BeamWallScreen | null {
  const { count: k, thickness: wall } = wallOfStack(c.tissueOf, stack);
  if (k === 0) return null;
  const D = stack.depthBelowSkin;
  const sExit = wall - D; // along the beam from the focus (negative: towards the transducer)
  const [u, v] = perpendicularBasis(beam);
  const { nx, ny, dx, dy } = asm;
  const n = nx * ny;
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, fieldP2[i]);
  const floor = 1e-4 * peak; // |p| below 1 % of its peak: the diffraction tail, left unscreened

  // slowness per label (gas: NaN = blocked)
  const slowness = new Float64Array(256).fill(1 / c.coupling.soundSpeed);
  for (const [name, label] of Object.entries(c.structures)) {
    const t = c.tissueOf(name);
    slowness[label] = t.reflector ? Number.NaN : 1 / t.soundSpeed;
  }
  const g = c.grid;
  const [gx, gy, gz] = g.shape;
  // half-voxel steps: the trilinear slowness is piecewise linear along the ray, the midpoint rule resolves it
  const step = 0.5 * Math.min(g.spacing[0], g.spacing[1], g.spacing[2]);
  const s0 = -D - SLAB_BEFORE;
  const s1 = sExit + SLAB_AFTER;
  const nStep = Math.max(1, Math.ceil((s1 - s0) / step));
  const ds = (s1 - s0) / nStep;
  const vox = [0, 0, 0];
  const lab = c.labels;
  const clampI = (i: number, m: number) => (i < 0 ? 0 : i >= m ? m - 1 : i);
  // ∫ slowness ds along the ray through transducer-plane point (x, y); NaN when it meets gas
  const rayIntegral = (x: number, y: number): number => {
    let sum = 0;
    for (let q = 0; q < nStep; q++) {
      const s = s0 + (q + 0.5) * ds;
      const px = focus[0] + x * u[0] + y * v[0] + s * beam[0];
      const py = focus[1] + x * u[1] + y * v[1] + s * beam[1];
      const pz = focus[2] + x * u[2] + y * v[2] + s * beam[2];
      rasMmToVoxel(g, px * 1000, py * 1000, pz * 1000, vox);
      const fx = vox[0];
      const fy = vox[1];
      const fz = vox[2];
      const i0 = Math.floor(fx);
      const j0 = Math.floor(fy);
      const k0 = Math.floor(fz);
      const ax = fx - i0;
      const ay = fy - j0;
      const az = fz - k0;
      const near = lab[clampI(Math.round(fx), gx) + gx * (clampI(Math.round(fy), gy) + gy * clampI(Math.round(fz), gz))];
      if (Number.isNaN(slowness[near])) return Number.NaN;
      let acc = 0;
      let wsum = 0;
      for (let c3 = 0; c3 < 8; c3++) {
        const ii = clampI(i0 + (c3 & 1), gx);
        const jj = clampI(j0 + ((c3 >> 1) & 1), gy);
        const kk = clampI(k0 + ((c3 >> 2) & 1), gz);
        const w = (c3 & 1 ? ax : 1 - ax) * ((c3 >> 1) & 1 ? ay : 1 - ay) * ((c3 >> 2) & 1 ? az : 1 - az);
        const sl = slowness[lab[ii + gx * (jj + gy * kk)]];
        if (Number.isNaN(sl)) continue; // a gas corner: the nearest voxel is tissue, weigh the others
        acc += w * sl;
        wsum += w;
      }
      sum += wsum > 0 ? acc / wsum : slowness[near];
    }
    return sum * ds;
  };
  const axis = rayIntegral(0, 0);
  const st = model.statistics;
  const scale = Math.sqrt(wall / st.referenceThickness);
  const delayRms = model.strength * st.delayRms * scale;
  const sigmaLnA = (model.strength * st.energyLevelRmsDb * scale * Math.LN10) / 20;
  const delay = new Float64Array(n);
  const amplitude = new Float64Array(n).fill(1);
  let w2 = 0;
  let rand2 = 0;
  let res2 = 0;
  let resMean = 0;
  let lnA2 = 0;
  let blocked = 0;
  let a2 = 0;
  // the screen plane's patient coordinates along u and v (the random wall structure is fixed in the patient)
  const eu = focus[0] * u[0] + focus[1] * u[1] + focus[2] * u[2] + sExit * (beam[0] * u[0] + beam[1] * u[1] + beam[2] * u[2]);
  const ev = focus[0] * v[0] + focus[1] * v[1] + focus[2] * v[2] + sExit * (beam[0] * v[0] + beam[1] * v[1] + beam[2] * v[2]);
  const xs = new Float64Array(nx);
  const ys = new Float64Array(ny);
  for (let ix = 0; ix < nx; ix++) xs[ix] = eu + gridCoordinate(ix, nx, dx);
  for (let iy = 0; iy < ny; iy++) ys[iy] = ev + gridCoordinate(iy, ny, dy);
  const inside = (i: number) => fieldP2[i] > floor;
  const delayUnit = delayRms > 0 ? randomFieldOnLattice(model.delayField, xs, ys, inside) : null;
  const energyUnit = sigmaLnA > 0 ? randomFieldOnLattice(model.energyField, xs, ys, inside) : null;
  for (let iy = 0; iy < ny; iy++) {
    const y = gridCoordinate(iy, ny, dy);
    for (let ix = 0; ix < nx; ix++) {
      const i = ix + nx * iy;
      const p2 = fieldP2[i];
      if (!(p2 > floor)) continue;
      const x = gridCoordinate(ix, nx, dx);
      const ray = rayIntegral(x, y);
      if (Number.isNaN(ray)) {
        amplitude[i] = 0;
        blocked += p2;
        w2 += p2;
        continue;
      }
      const resolved = model.strength * (ray - axis);
      const random = delayUnit ? delayRms * delayUnit[i] : 0;
      const lnA = energyUnit ? sigmaLnA * energyUnit[i] : 0;
      delay[i] = resolved + random;
      amplitude[i] = Math.exp(lnA);
      a2 += p2 * amplitude[i] * amplitude[i];
      w2 += p2;
      rand2 += p2 * random * random;
      res2 += p2 * resolved * resolved;
      resMean += p2 * resolved;
      lnA2 += p2 * lnA * lnA;
    }
  }
  const open = w2 - blocked;
  // Energy-level fluctuations redistribute power across the beam; the wall's mean transmission is the flat-layer
  // model's. So a is normalised to a |p|²-weighted mean a² of 1 over this beam's open footprint (not only on
  // average over walls: one realisation's ~100 correlation cells would otherwise gain or lose a few per cent).
  if (a2 > 0 && sigmaLnA > 0) {
    const norm = 1 / Math.sqrt(a2 / open);
    for (let i = 0; i < n; i++) if (amplitude[i] > 0 && fieldP2[i] > floor) amplitude[i] *= norm;
  }
  const rm = open > 0 ? resMean / open : 0;
  return {
    layer: 1 + k,
    screen: { delay, amplitude: sigmaLnA > 0 || blocked > 0 ? amplitude : null },
    wallThickness: wall,
    randomDelayRms: open > 0 ? Math.sqrt(rand2 / open) : 0,
    resolvedDelayRms: open > 0 ? Math.sqrt(Math.max(0, res2 / open - rm * rm)) : 0,
    logAmplitudeRms: open > 0 ? Math.sqrt(lnA2 / open) : 0,
    blockedFraction: w2 > 0 ? blocked / w2 : 0,
  };
}

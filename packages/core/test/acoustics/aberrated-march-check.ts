// The equivalent-beam surrogate (nonlinear-equivalent-beam.ts) against the full 3D nonlinear march through the same
// wall screen: shared by nonlinear-equivalent-beam.test.ts (a small bowl, seconds) and the validation case
// nonlinear-aberrated (clinical-0.8mhz through the default wall, minutes).
import { type AngularSpectrum, asmVolume } from '../../src/acoustics/angular-spectrum.js';
import { layerAcoustics, layerIndexAt } from '../../src/acoustics/medium.js';
import { nonlinearField3D } from '../../src/acoustics/nonlinear-angular-spectrum.js';
import type { NonlinearBeamOptions } from '../../src/acoustics/nonlinear-axisymmetric.js';
import { type EquivalentNonlinearBeam, HeatRatio, equivalentNonlinearBeam } from '../../src/acoustics/nonlinear-equivalent-beam.js';
import type { Scenario } from '../../src/acoustics/scenario.js';
import {
  type ApertureScreen,
  applyScreen,
  gridCoordinate,
  randomFieldOnLattice,
  randomPlaneField,
} from '../../src/acoustics/wall-aberration.js';
import { seededRandom } from '../../src/case/seeded-random.js';

/**
 * A random wall screen on `asm`'s lateral grid as beamWallScreen makes its random part (a flat-layer wall has no
 * label-map delay): delay rms `delayRms` (s) with FWHM correlation `delayLength`, ln-amplitude rms `lnAmplitudeRms`
 * with FWHM `energyLength`, amplitude normalised to a mean a² of 1 over the footprint (|p|² > 1e-4 of its peak at
 * the screen plane, `fieldP2`), unscreened outside it.
 */
export function randomWallScreen(
  asm: Pick<AngularSpectrum, 'nx' | 'ny' | 'dx' | 'dy'>,
  fieldP2: Float64Array,
  s: { delayRms: number; delayLength: number; lnAmplitudeRms: number; energyLength: number; seed: number },
): ApertureScreen {
  const rng = seededRandom(s.seed);
  const delayField = randomPlaneField(s.delayLength, rng.normal, rng.next);
  const energyField = randomPlaneField(s.energyLength, rng.normal, rng.next);
  const { nx, ny, dx, dy } = asm;
  const n = nx * ny;
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, fieldP2[i]);
  const inside = (i: number) => fieldP2[i] > 1e-4 * peak;
  const xs = Float64Array.from({ length: nx }, (_, i) => gridCoordinate(i, nx, dx));
  const ys = Float64Array.from({ length: ny }, (_, i) => gridCoordinate(i, ny, dy));
  const du = randomFieldOnLattice(delayField, xs, ys, inside);
  const eu = randomFieldOnLattice(energyField, xs, ys, inside);
  const delay = new Float64Array(n);
  const amplitude = new Float64Array(n).fill(1);
  let a2 = 0;
  let w2 = 0;
  for (let i = 0; i < n; i++) {
    if (!inside(i)) continue;
    delay[i] = s.delayRms * du[i];
    amplitude[i] = Math.exp(s.lnAmplitudeRms * eu[i]);
    a2 += fieldP2[i] * amplitude[i] ** 2;
    w2 += fieldP2[i];
  }
  const norm = a2 > 0 ? Math.sqrt(w2 / a2) : 1;
  for (let i = 0; i < n; i++) if (inside(i)) amplitude[i] *= norm;
  return { delay, amplitude };
}

export interface MarchCheckOptions {
  /** output lattice: half-width (m), step = spectrum period / latticeDivisions, planes zFrom…zEnd every dz */
  readonly halfWidth: number;
  readonly latticeDivisions: number;
  readonly zFrom: number;
  readonly zEnd: number;
  readonly dz: number;
  /** 3D march knobs */
  readonly harmonics: number;
  readonly stepFraction?: number;
  readonly marginWavelengths?: number;
  /** the equivalent beam's solver options */
  readonly beam: NonlinearBeamOptions;
}

/** Largest value and its index. */
function argMax(v: ArrayLike<number>): { i: number; v: number } {
  let i = 0;
  for (let j = 1; j < v.length; j++) if (v[j] > v[i]) i = j;
  return { i, v: v[i] };
}

export interface MarchCheck {
  /** aberrated linear focus: peak |p| (Pa), gain (|p|² over the flat beam's on the same lattice), −6 dB area ratio */
  readonly linearPeak: number;
  readonly gainRatio: number;
  readonly areaRatio: number;
  /** peak linear heat through the screen, W/m³ */
  readonly linearHeat: number;
  /** the equivalent beam planning uses (the bowl itself at the aberrated focal peak) and the aperture-matched one */
  readonly eq: EquivalentNonlinearBeam;
  readonly apertureMatched: EquivalentNonlinearBeam;
  readonly eqSeconds: number;
  /** the 3D march: peak heat, heat at the linear peak point over the linear heat there, p+ and p− over the lattice */
  readonly march: { heat: number; heatingRatio: number; peakPositive: number; peakNegative: number; seconds: number; steps: number };
  /** the surrogate (linear 3D heat × the equivalent beam's ratio field) and the aperture-matched one: peak heat */
  readonly surrogateHeat: number;
  readonly apertureMatchedHeat: number;
}

/**
 * Both ways for `asm` (the flat-layer spectrum of `sc` at its drive power) screened at the start of medium layer
 * `layer`: the linear lattice of the screened and the flat field, the equivalent beam for the aberrated focus, the
 * surrogate heat on the lattice, and the full 3D march on the same lattice.
 */
export async function aberratedMarchCheck(
  sc: Scenario,
  asm: AngularSpectrum,
  layer: number,
  screen: ApertureScreen,
  o: MarchCheckOptions,
): Promise<MarchCheck> {
  const screened = applyScreen(asm, layer, screen).asm;
  const dl = (asm.nx * asm.dx) / o.latticeDivisions;
  const nl = 2 * Math.ceil(o.halfWidth / dl) + 1;
  const x0 = -((nl - 1) / 2) * dl;
  const np = Math.max(2, Math.ceil((o.zEnd - o.zFrom) / o.dz - 1e-9) + 1);
  const planeZ = Float64Array.from({ length: np }, (_, p) => o.zFrom + ((o.zEnd - o.zFrom) * p) / (np - 1));
  const axis = { n: asm.nx, d: asm.dx, nOut: o.latticeDivisions, stride: 1 };
  const lattice = { x0, y0: x0, dx: dl, dy: dl, nx: nl, ny: nl };
  const p2Of = async (a: AngularSpectrum) => {
    const { re, im } = await asmVolume({ ...a, axisX: axis, axisY: axis }, lattice, planeZ);
    return Float64Array.from(re, (v, i) => v * v + im[i] * im[i]);
  };
  const ab = await p2Of(screened);
  const flat = await p2Of(asm);
  const nn = nl * nl;
  const areaAt = (p2: Float64Array) => {
    const m = argMax(p2);
    const k = Math.floor(m.i / nn);
    let c = 0;
    for (let i = 0; i < nn; i++) if (p2[k * nn + i] >= 0.25 * m.v) c++;
    return { count: c, ...m };
  };
  const A = areaAt(ab);
  const F = areaAt(flat);
  const f = sc.transducer.frequency;
  const heatPerP2 = Float64Array.from(planeZ, (z) => {
    const ac = layerAcoustics(sc.medium.layers[layerIndexAt(sc.medium, z)].tissue, f);
    return ac.absorptionNpPerM / (ac.density * ac.soundSpeed);
  });
  const qLin = Float64Array.from(ab, (v, i) => v * heatPerP2[Math.floor(i / nn)]);
  const kp = Math.floor(A.i / nn);
  const xp = x0 + (A.i % nl) * dl;
  const yp = x0 + Math.floor((A.i - kp * nn) / nl) * dl;
  const zp = planeZ[kp];
  const target = { peakPressure: Math.sqrt(A.v), areaRatio: A.count / F.count };
  const t0 = performance.now();
  const eq = await equivalentNonlinearBeam(sc, { ...target, areaRatio: 1 }, o.beam);
  const eqSeconds = (performance.now() - t0) / 1000;
  const apertureMatched = await equivalentNonlinearBeam(sc, target, o.beam);
  const surrogatePeak = (e: EquivalentNonlinearBeam) => {
    const ratio = new HeatRatio(e);
    let best = 0;
    for (let i = 0; i < qLin.length; i++) {
      const k = Math.floor(i / nn);
      const x = x0 + (i % nl) * dl;
      const y = x0 + Math.floor((i - k * nn) / nl) * dl;
      ratio.reset();
      ratio.add(Math.hypot(x - xp, y - yp), planeZ[k] - zp + e.zFocus);
      const r = ratio.value();
      best = Math.max(best, qLin[i] * (Number.isNaN(r) ? 1 : r));
    }
    return best;
  };
  const t1 = performance.now();
  const m = await nonlinearField3D(screened, sc.medium, sc.transducer, {
    zEnd: o.zEnd,
    harmonics: o.harmonics,
    ...(o.stepFraction !== undefined ? { stepFraction: o.stepFraction } : {}),
    ...(o.marginWavelengths !== undefined ? { marginWavelengths: o.marginWavelengths } : {}),
    output: { x0, dl, nl, zFrom: o.zFrom, dz: (o.zEnd - o.zFrom) / (np - 1) },
    peaks: true,
  });
  const seconds = (performance.now() - t1) / 1000;
  if (m.planeZ.length !== np || Math.abs(m.planeZ[0] - planeZ[0]) > 1e-12) throw new Error('march planes differ from the lattice');
  let neg = 0;
  for (const v of m.peakNegative ?? []) neg = Math.min(neg, v);
  return {
    linearPeak: Math.sqrt(A.v),
    gainRatio: A.v / F.v,
    areaRatio: target.areaRatio,
    linearHeat: qLin[A.i],
    eq,
    apertureMatched,
    eqSeconds,
    march: {
      heat: argMax(m.q).v,
      heatingRatio: m.q[A.i] / qLin[A.i],
      peakPositive: argMax(m.peakPositive ?? []).v,
      peakNegative: neg,
      seconds,
      steps: m.steps,
    },
    surrogateHeat: surrogatePeak(eq),
    apertureMatchedHeat: surrogatePeak(apertureMatched),
  };
}

import { InputError, LimitError } from '../errors.js';
import { type BowlTransducer, bowlArea, capHeight } from './bowl.js';

/** Points on a radiating surface, each standing for an equal area `weight` (m²). Positions in m (transducer frame). */
export interface SurfacePoints {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly z: Float64Array;
  /** area per point, m² (S / N) */
  readonly areaPerPoint: number;
  readonly count: number;
}

/** Most points a bowl may be sampled with (memory and time guard). */
export const MAX_SURFACE_POINTS = 4_000_000;

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

/**
 * Equal-area sampling of a spherical bowl (with its central hole) by a golden-angle (Fibonacci) spiral.
 * On a sphere the area element is R² d(cos θ) dφ, so points uniform in cos θ between the hole's and the rim's
 * polar angles, with φ advancing by the golden angle, are equal-area (Swinbank & Purser 2006). Point i:
 * cos θ_i = c_hole − (i + ½)/N · (c_hole − c_rim), φ_i = i · 2.39996…; position (R sin θ cos φ, R sin θ sin φ, R (1 − cos θ)).
 */
export function sampleBowl(t: BowlTransducer, count: number): SurfacePoints {
  if (!Number.isInteger(count) || count < 1) throw new InputError('transducer.elements', `must be a positive integer, got ${count}`);
  if (count > MAX_SURFACE_POINTS) throw new LimitError(`a bowl sampled with ${count} points exceeds the limit of ${MAX_SURFACE_POINTS}`);
  const r = t.radiusOfCurvature;
  const cRim = 1 - capHeight(r, t.aperture / 2) / r;
  const cHole = 1 - capHeight(r, t.holeDiameter / 2) / r;
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  const z = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const c = cHole - ((i + 0.5) / count) * (cHole - cRim);
    const s = Math.sqrt(Math.max(0, 1 - c * c));
    const phi = i * GOLDEN_ANGLE;
    x[i] = r * s * Math.cos(phi);
    y[i] = r * s * Math.sin(phi);
    z[i] = r * (1 - c);
  }
  return { x, y, z, areaPerPoint: bowlArea(t) / count, count };
}

/**
 * The number of spiral points for a Rayleigh sum at field points no closer than `minDistance` (m) to the
 * surface: point spacing s = sqrt(S/N) of λ/2 where every field point is at least 0.3 R away, shrinking as
 * sqrt(distance / 0.3 R) for nearer points (the phase error of a point standing for an area s² grows as
 * s²/(λ·distance)), never below λ/8; `refine` > 1 divides the spacing further. Measured (convergence table in
 * validation/acoustics.validate.ts): on the axis the spiral is exact to < 1e-5 of the peak already at s = λ;
 * off axis at 0.3–0.5 R from the rim the largest error is about 1 % of the local amplitude at s = λ/2.
 */
export function bowlPointCount(t: BowlTransducer, wavelength: number, minDistance: number, refine = 1): number {
  const ratio = Math.min(1, Math.max(0, minDistance) / (0.3 * t.radiusOfCurvature));
  const spacing = Math.max(wavelength / 8, (wavelength / 2) * Math.sqrt(ratio)) / refine;
  return Math.max(64, Math.ceil(bowlArea(t) / (spacing * spacing)));
}

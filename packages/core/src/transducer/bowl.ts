import { InputError, requireFinite } from '../errors.js';

/** How a transducer is driven: total acoustic power (W), uniform normal surface velocity (m/s, amplitude) or surface pressure (Pa, amplitude, = ρ c u0). */
export type Drive = { readonly power: number } | { readonly surfaceVelocity: number } | { readonly surfacePressure: number };

/**
 * A spherically focused bowl (single element), optionally with a central hole for an imaging probe.
 * Frame: bowl apex at the origin, beam along +z, centre of curvature (geometric focus) at (0, 0, R).
 */
export interface BowlTransducer {
  /** preset name, or 'custom' */
  readonly name: string;
  /** Hz */
  readonly frequency: number;
  /** R, m */
  readonly radiusOfCurvature: number;
  /** outer aperture diameter D, m (D ≤ 2R) */
  readonly aperture: number;
  /** diameter of the central hole, m (0 for none) */
  readonly holeDiameter: number;
  readonly drive: Drive;
}

/** Allowed drive frequencies, Hz. */
export const MIN_FREQUENCY = 0.1e6;
export const MAX_FREQUENCY = 10e6;

/** Checks geometry and drive; InputError names the field (`transducer.aperture` etc.). */
export function validateBowl(t: BowlTransducer, field = 'transducer'): BowlTransducer {
  const f = requireFinite(`${field}.frequency`, t.frequency, 'positive');
  if (f < MIN_FREQUENCY || f > MAX_FREQUENCY) {
    throw new InputError(`${field}.frequency`, `must be within 0.1–10 MHz (1e5–1e7 Hz), got ${f}`);
  }
  const r = requireFinite(`${field}.radiusOfCurvature`, t.radiusOfCurvature, 'positive');
  const d = requireFinite(`${field}.aperture`, t.aperture, 'positive');
  if (d > 2 * r) throw new InputError(`${field}.aperture`, `must be <= 2 × radiusOfCurvature (${2 * r} m), got ${d}`);
  const hole = requireFinite(`${field}.holeDiameter`, t.holeDiameter, 'non-negative');
  if (hole >= d) throw new InputError(`${field}.holeDiameter`, `must be < aperture (${d} m), got ${hole}`);
  const drive = t.drive as Record<string, unknown>;
  const keys = ['power', 'surfaceVelocity', 'surfacePressure'].filter((k) => drive[k] !== undefined);
  if (keys.length !== 1) throw new InputError(field, 'give exactly one of power, surfaceVelocity, surfacePressure');
  requireFinite(`${field}.${keys[0]}`, drive[keys[0]], 'non-negative');
  return t;
}

/** Rim height h = R − sqrt(R² − a²) of a spherical cap of radius of curvature R and aperture radius a (m). */
export function capHeight(radiusOfCurvature: number, apertureRadius: number): number {
  const r = radiusOfCurvature;
  return r - Math.sqrt(Math.max(0, r * r - apertureRadius * apertureRadius));
}

/** Depth of the bowl (z of its rim), m. */
export function rimHeight(t: BowlTransducer): number {
  return capHeight(t.radiusOfCurvature, t.aperture / 2);
}

/** Radiating area S = 2π R (h_outer − h_hole), m². */
export function bowlArea(t: BowlTransducer): number {
  return (
    2 *
    Math.PI *
    t.radiusOfCurvature *
    (capHeight(t.radiusOfCurvature, t.aperture / 2) - capHeight(t.radiusOfCurvature, t.holeDiameter / 2))
  );
}

/**
 * Normal surface velocity amplitude u0 (m/s) in a coupling medium of density ρ (kg/m³) and speed c (m/s):
 * from power, P = ½ ρ c u0² S (plane-wave radiation resistance, exact for ka ≫ 1); from pressure, u0 = p0/(ρ c).
 */
export function surfaceVelocity(t: BowlTransducer, density: number, soundSpeed: number): number {
  const d = t.drive as { power?: number; surfaceVelocity?: number; surfacePressure?: number };
  if (d.surfaceVelocity !== undefined) return d.surfaceVelocity;
  if (d.surfacePressure !== undefined) return d.surfacePressure / (density * soundSpeed);
  return Math.sqrt((2 * (d.power ?? 0)) / (density * soundSpeed * bowlArea(t)));
}

/** Acoustic power (W) radiated for the drive, P = ½ ρ c u0² S. */
export function radiatedPower(t: BowlTransducer, density: number, soundSpeed: number): number {
  const u0 = surfaceVelocity(t, density, soundSpeed);
  return 0.5 * density * soundSpeed * u0 * u0 * bowlArea(t);
}

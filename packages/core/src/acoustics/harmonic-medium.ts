import { InputError } from '../errors.js';
import { type Tissue, absorptionOf } from '../tissue/tissue-table.js';
import { attenuationNpPerM } from '../tissue/units.js';

/**
 * What the harmonics n·f of a finite-amplitude wave see in one tissue: wavenumber with power-law attenuation and
 * its causal dispersion, absorption (what heats), and the Burgers coefficient of the nonlinear term.
 */
export interface HarmonicAcoustics {
  /** kg/m³, m/s */
  readonly density: number;
  readonly soundSpeed: number;
  /** harmonics 1..N at index n − 1: Re k̃ (rad/m) including dispersion, Im part as attenuation α (Np/m, ≥ 0) */
  readonly wavenumber: Float64Array;
  readonly attenuation: Float64Array;
  /** absorbed part of α per harmonic, Np/m */
  readonly absorption: Float64Array;
  /** b = β/(ρ c³), s³/kg: the plane-wave Burgers term ∂p/∂z = b p ∂p/∂τ (τ retarded time) */
  readonly burgers: number;
  /** B/A used */
  readonly nonlinearity: number;
}

/** The coefficient of nonlinearity β = 1 + B/(2A) (Hamilton & Blackstock, Nonlinear Acoustics, 1998, ch. 2). */
export function nonlinearityCoefficient(bOverA: number): number {
  return 1 + bOverA / 2;
}

/**
 * Harmonic acoustics of `tissue` at f, 2f, … N f. Attenuation α(nf) = α0 (nf)^y (the table's power law, as the
 * linear solver uses at f). Dispersion from the Kramers–Kronig relations for a power law (Szabo, JASA 96(1):491,
 * 1994): 1/c(ω) = 1/c(ω1) + α̂0 tan(πy/2)(ω^{y−1} − ω1^{y−1}) for y ≠ 1, 1/c(ω) = 1/c(ω1) − (2/π) α̂0 ln(ω/ω1) for
 * y = 1 (α̂0 = α/ω^y in Np/m/(rad/s)^y); referred to the fundamental, so harmonic 1 keeps k = ω/c exactly as the
 * linear solver has it. No dispersion for y = 2 (tan π = 0) or α = 0. B/A from the tissue (or `bOverA`).
 */
export function harmonicAcoustics(tissue: Tissue, frequency: number, harmonics: number, bOverA?: number): HarmonicAcoustics {
  const ba = bOverA ?? tissue.nonlinearity;
  if (!Number.isFinite(ba) || ba < 0)
    throw new InputError('nonlinearity', `tissue "${tissue.name}" has no B/A (a nonlinear beam cannot cross it); give "nonlinearity"`);
  const c = tissue.soundSpeed;
  const y = tissue.powerLawExponent;
  const w1 = 2 * Math.PI * frequency;
  const a1 = attenuationNpPerM(tissue.attenuationDbPerCmMHz, y, frequency);
  const alphaHat = a1 / w1 ** y;
  const wavenumber = new Float64Array(harmonics);
  const attenuation = new Float64Array(harmonics);
  const absorption = new Float64Array(harmonics);
  for (let n = 1; n <= harmonics; n++) {
    const w = n * w1;
    let slowness = 1 / c;
    if (alphaHat > 0 && Math.abs(y - 2) > 1e-9) {
      if (Math.abs(y - 1) < 1e-9) slowness -= (2 / Math.PI) * alphaHat * Math.log(n);
      else slowness += alphaHat * Math.tan((Math.PI * y) / 2) * (w ** (y - 1) - w1 ** (y - 1));
    }
    wavenumber[n - 1] = w * slowness;
    attenuation[n - 1] = attenuationNpPerM(tissue.attenuationDbPerCmMHz, y, n * frequency);
    absorption[n - 1] = attenuationNpPerM(absorptionOf(tissue), y, n * frequency);
  }
  const beta = nonlinearityCoefficient(ba);
  return {
    density: tissue.density,
    soundSpeed: c,
    wavenumber,
    attenuation,
    absorption,
    burgers: beta / (tissue.density * c ** 3),
    nonlinearity: ba,
  };
}

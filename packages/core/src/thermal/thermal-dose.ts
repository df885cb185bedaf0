/**
 * Thermal dose: cumulative equivalent minutes at 43 °C (Sapareto & Dewey, Int J Radiat Oncol Biol Phys
 * 1984;10:787-800) and Arrhenius damage (Henriques & Moritz 1947; parameters in
 * shared/reference/devices-and-protocol.md).
 *
 * Convention used here (state it wherever the dose is shown):
 * - CEM43 rate R^(43 − T) per minute with R = 0.5 for T ≥ 43 °C and R = 0.25 for 37 °C ≤ T < 43 °C;
 * - no dose below 37 °C (as k-Wave; the rate there would be below 2.4e-4 min per minute anyway);
 * - within a time step the temperature is taken to change linearly from T0 to T1 and the rate is integrated
 *   exactly over that ramp (closed form, split where the ramp crosses 37 and 43 °C), as BabelBrain does,
 *   instead of sampling at the step's end.
 */

/** The usual lethal contour, CEM43 minutes. */
export const LETHAL_CEM43 = 240;
/** Temperature at which water boils (the boiling flag), °C. */
export const BOILING_TEMPERATURE = 100;
/** Below this temperature no dose accrues, °C. */
export const DOSE_FLOOR_TEMPERATURE = 37;

/**
 * Temperatures above this count as this in the dose (°C): R^(43 − T) overflows Float64 above ~1067 °C, and an
 * infinite or NaN dose would make a hotter voxel look unablated. At 1000 °C one second is already ~10^286
 * CEM43 minutes, so the saturation changes no lesion, and dose stays finite and non-decreasing in T.
 */
export const DOSE_SATURATION_TEMPERATURE = 1000;
const TSAT = DOSE_SATURATION_TEMPERATURE;

const LN4 = Math.log(4);
const LN2 = Math.LN2;

/** expm1(x)/x, with its limit 1 at 0 (series below |x| < 1e-3: truncation < 1e-13 relative). */
function phi(x: number): number {
  if (Math.abs(x) < 1e-3) return 1 + x * (0.5 + x * (1 / 6 + x / 24));
  return Math.expm1(x) / x;
}

/** CEM43 rate at temperature T, minutes of dose per second of exposure. */
export function cem43Rate(temperature: number): number {
  if (temperature < DOSE_FLOOR_TEMPERATURE) return 0;
  if (temperature > TSAT) temperature = TSAT;
  const a = temperature >= 43 ? LN2 : LN4;
  return Math.exp(a * (temperature - 43)) / 60;
}

/**
 * ∫ rate dT over [lo, hi] ∩ [37, ∞), piecewise closed form:
 * ∫_u^v e^{a(T−43)} dT = (v − u) e^{a(u−43)} φ(a(v − u)), a = ln 4 on [37, 43), ln 2 on [43, ∞).
 */
function integralOverTemperature(lo: number, hi: number): number {
  let sum = 0;
  if (hi > DOSE_FLOOR_TEMPERATURE && lo < 43) {
    const u = lo > DOSE_FLOOR_TEMPERATURE ? lo : DOSE_FLOOR_TEMPERATURE;
    const v = hi < 43 ? hi : 43;
    const w = v - u;
    sum += w * Math.exp(LN4 * (u - 43)) * phi(LN4 * w);
  }
  if (hi > 43) {
    const u = lo > 43 ? lo : 43;
    const w = hi - u;
    sum += w * Math.exp(LN2 * (u - 43)) * phi(LN2 * w);
  }
  return sum;
}

/**
 * CEM43 minutes accrued over a step of `dt` seconds in which the temperature changes linearly from t0 to t1
 * (°C), exact: dt/(t1 − t0) · ∫_{t0}^{t1} R^(43−T)/60 dT.
 */
export function cem43LinearStep(t0: number, t1: number, dt: number): number {
  if (t0 > TSAT) t0 = TSAT;
  if (t1 > TSAT) t1 = TSAT;
  const lo = t0 < t1 ? t0 : t1;
  const hi = t0 < t1 ? t1 : t0;
  if (hi <= DOSE_FLOOR_TEMPERATURE) return 0;
  const span = hi - lo;
  // common cases first: the whole ramp in one regime (one exp, no division by a small span)
  if (lo >= 43) return (dt * Math.exp(LN2 * (lo - 43)) * phi(LN2 * span)) / 60;
  if (lo >= DOSE_FLOOR_TEMPERATURE && hi < 43) return (dt * Math.exp(LN4 * (lo - 43)) * phi(LN4 * span)) / 60;
  if (span < 1e-9) return dt * cem43Rate(0.5 * (lo + hi));
  return ((dt / span) * integralOverTemperature(lo, hi)) / 60;
}

/** R^(43 − T) (CEM43 minutes per minute at T °C, 0 below 37 °C): the factor cem43RampFromFactors reuses. */
export function cem43Factor(temperature: number): number {
  if (temperature < DOSE_FLOOR_TEMPERATURE) return 0;
  if (temperature > TSAT) temperature = TSAT;
  return Math.exp((temperature >= 43 ? LN2 : LN4) * (temperature - 43));
}

/**
 * cem43LinearStep for a solver that keeps each voxel's factor cem43Factor(T) between steps: `factor[i]` holds
 * cem43Factor(t0) on entry and cem43Factor(t1) on return. Within one regime (k = ln 2 at ≥ 43 °C, ln 4 in
 * [37, 43)) the ramp's dose is dt/60 · f0 · φ(x), x = k·(t1 − t0), φ(x) = (eˣ − 1)/x, and the end factor f0·eˣ.
 * Most voxel-steps of a treatment change little (|x| < 0.05): then φ's series to x⁶ (truncation < 2e-14) gives
 * both without an exponential; faster ramps take one exp; ramps crossing 37 or 43 °C the general path. Same value
 * as cem43LinearStep to ≤ 1e-12 relative; the kept factor telescopes (Π e^{xᵢ} = e^{k(t_n − t_0)}), so it does
 * not drift beyond round-off.
 */
export function cem43RampStep(t0: number, t1: number, factor: Float64Array, i: number, dt: number): number {
  if (t0 > TSAT) t0 = TSAT;
  if (t1 > TSAT) t1 = TSAT;
  let k: number;
  if (t0 >= 43 && t1 >= 43) k = LN2;
  else if (t0 >= DOSE_FLOOR_TEMPERATURE && t1 >= DOSE_FLOOR_TEMPERATURE && t0 < 43 && t1 < 43) k = LN4;
  else {
    factor[i] = cem43Factor(t1);
    return cem43LinearStep(t0, t1, dt);
  }
  const f0 = factor[i];
  const x = k * (t1 - t0);
  if (x < 0.05 && x > -0.05) {
    const p = 1 + x * (1 / 2 + x * (1 / 6 + x * (1 / 24 + x * (1 / 120 + x * (1 / 720 + x / 5040)))));
    factor[i] = f0 * (1 + x * p);
    return (dt * f0 * p) / 60;
  }
  const f1 = Math.exp(k * (t1 - 43));
  factor[i] = f1;
  return (dt * (f1 - f0)) / (x * 60);
}

/** CEM43 of a sampled temperature history (°C at times in s), exact for the piecewise-linear interpolant. */
export function cem43OfHistory(times: ArrayLike<number>, temperatures: ArrayLike<number>): number {
  let dose = 0;
  for (let i = 1; i < times.length; i++) dose += cem43LinearStep(temperatures[i - 1], temperatures[i], times[i] - times[i - 1]);
  return dose;
}

/** Arrhenius damage parameters: Ω = ∫ A exp(−E_a/(R T_K)) dt. */
export interface ArrheniusParameters {
  /** A, 1/s */
  readonly frequencyFactor: number;
  /** E_a, J/mol */
  readonly activationEnergy: number;
}

/** Liver (shared/reference/devices-and-protocol.md): A = 7.39e39 1/s, E_a = 2.577e5 J/mol. */
export const ARRHENIUS_LIVER: ArrheniusParameters = { frequencyFactor: 7.39e39, activationEnergy: 2.577e5 };
/** Fat: A = 4.43e16 1/s, E_a = 1.3e5 J/mol. */
export const ARRHENIUS_FAT: ArrheniusParameters = { frequencyFactor: 4.43e16, activationEnergy: 1.3e5 };
/** Skin (Henriques & Moritz): A = 3.1e98 1/s, E_a = 6.28e5 J/mol. */
export const ARRHENIUS_SKIN: ArrheniusParameters = { frequencyFactor: 3.1e98, activationEnergy: 6.28e5 };

/** Molar gas constant, J/mol/K. */
export const GAS_CONSTANT = 8.314462618;

// 3-point Gauss–Legendre nodes on [0, 1] and weights (sum 1).
const GL_X0 = 0.5 - 0.5 * Math.sqrt(3 / 5);
const GL_X2 = 0.5 + 0.5 * Math.sqrt(3 / 5);
const GL_W0 = 5 / 18;
const GL_W1 = 8 / 18;

/**
 * Arrhenius damage accrued over a linear ramp t0 → t1 (°C) of dt seconds; 3-point Gauss–Legendre on the ramp
 * (the rate has no elementary antiderivative; relative error < 1e-4 for ramps up to 10 K per step).
 * `lnA` = ln(A), `eaOverR` = E_a/R in K.
 */
export function arrheniusLinearStep(t0: number, t1: number, dt: number, lnA: number, eaOverR: number): number {
  const d = t1 - t0;
  const f0 = Math.exp(lnA - eaOverR / (t0 + GL_X0 * d + 273.15));
  const f1 = Math.exp(lnA - eaOverR / (t0 + 0.5 * d + 273.15));
  const f2 = Math.exp(lnA - eaOverR / (t0 + GL_X2 * d + 273.15));
  return dt * (GL_W0 * (f0 + f2) + GL_W1 * f1);
}

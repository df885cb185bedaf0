import { InputError } from '../errors.js';
import { seededRandom } from '../case/seeded-random.js';

/**
 * The learning-curve CUSUM (LC-CUSUM) of Biau DJ, Williams SM, Schlup MM, Nizard RS, Porcher R, "Quantitative and
 * individualized assessment of the learning curve using LC-CUSUM", Br J Surg 2008;95:925–929, with its statistics
 * in Biau DJ, Porcher R, "A method for monitoring a process from an out of control to an in control state:
 * application to the learning curve", Stat Med 2010;29:1900–1909.
 *
 * Unlike the classical CUSUM (which tests "in control" and alarms when performance degrades), the LC-CUSUM's null
 * hypothesis is that the trainee is NOT yet proficient: the failure rate is the unacceptable p0. The chart is the
 * log-likelihood ratio of "acceptable rate p1" against "unacceptable rate p0", reset at 0:
 *   sₜ = max(0, sₜ₋₁ + wₜ),  wₜ = ln(p1/p0) after a failure (< 0), ln((1−p1)/(1−p0)) after a success (> 0),
 * and proficiency is declared at the first exercise where sₜ ≥ h (H0 rejected).
 *
 * Error rates (how this project states them; the chart of a reflected random walk reaches any h eventually, so
 * they are defined over a horizon of N exercises):
 * - alpha: probability that a trainee whose true failure rate is p0 (unacceptable) is declared proficient within N;
 * - beta: probability that a trainee whose true failure rate is p1 (acceptable) is not declared proficient within N.
 * h and N come from `calibrateLcCusum`: a Monte-Carlo simulation of many trainees (seeded, deterministic) finds, for
 * N = 1, 2, …, the lowest h with simulated alpha ≤ the stated alpha, and stops at the first N whose h also gives
 * simulated beta ≤ the stated beta. LC_CUSUM_DEFAULTS holds its result; a test recomputes it and checks both error
 * rates on an independent simulation.
 */
export interface LcCusumParams {
  /** unacceptable failure rate (H0: the trainee is not proficient) */
  p0: number;
  /** acceptable failure rate (H1: proficient); 0 < p1 < p0 < 1 */
  p1: number;
  /** probability of declaring proficiency for a trainee at p0 within `horizon` exercises */
  alpha: number;
  /** probability of not declaring proficiency for a trainee at p1 within `horizon` exercises */
  beta: number;
  /** decision limit: proficiency at the first exercise with sₜ ≥ h */
  h: number;
  /** exercises over which alpha and beta hold */
  horizon: number;
}

/** Seed and size of the simulation behind LC_CUSUM_DEFAULTS.h and .horizon. */
export const LC_CUSUM_CALIBRATION = { seed: 20080925, trainees: 20_000, maxHorizon: 300 } as const;

/**
 * Default parameters. Failure is the technical failure (NPV ratio < 70 % or a major complication, or a
 * failed exercise). p1 = 10 % acceptable, p0 = 30 % unacceptable, alpha = 5 %, beta = 20 % are this project's
 * training-programme choices (the conventional 5 % / 80 % power of a test; the rates are a design choice, not a
 * measurement: change them per programme). h and horizon: calibrateLcCusum(0.3, 0.1, 0.05, 0.2) with
 * LC_CUSUM_CALIBRATION (lc-cusum.test.ts recomputes them).
 */
export const LC_CUSUM_DEFAULTS: LcCusumParams = { p0: 0.3, p1: 0.1, alpha: 0.05, beta: 0.2, h: 3.8, horizon: 37 };

/** The two chart increments: after a failure (negative) and after a success (positive). */
export function lcCusumWeights(p0: number, p1: number): { failure: number; success: number } {
  checkRates(p0, p1);
  return { failure: Math.log(p1 / p0), success: Math.log((1 - p1) / (1 - p0)) };
}

function checkRates(p0: number, p1: number): void {
  if (typeof p0 !== 'number' || !(p0 > 0 && p0 < 1)) throw new InputError('params.p0', `must be in (0, 1), got ${p0}`);
  if (typeof p1 !== 'number' || !(p1 > 0 && p1 < 1)) throw new InputError('params.p1', `must be in (0, 1), got ${p1}`);
  if (!(p1 < p0)) throw new InputError('params.p1', `the acceptable failure rate p1 (${p1}) must be below the unacceptable p0 (${p0})`);
}

/** Checks a full parameter set (InputError naming the bad field). */
export function validateLcCusumParams(p: LcCusumParams): LcCusumParams {
  checkRates(p.p0, p.p1);
  for (const k of ['alpha', 'beta'] as const)
    if (typeof p[k] !== 'number' || !(p[k] > 0 && p[k] < 0.5)) throw new InputError(`params.${k}`, `must be in (0, 0.5), got ${p[k]}`);
  if (typeof p.h !== 'number' || !(p.h > 0) || !Number.isFinite(p.h))
    throw new InputError('params.h', `must be a finite number > 0, got ${p.h}`);
  if (!Number.isInteger(p.horizon) || p.horizon < 1) throw new InputError('params.horizon', `must be an integer ≥ 1, got ${p.horizon}`);
  return p;
}

export interface LcCusumChart {
  /** sₜ after each exercise, in order */
  chart: number[];
  /** 1-based index of the first exercise with sₜ ≥ h, or null */
  proficientAt: number | null;
}

/** The plain LC-CUSUM chart of a sequence of outcomes (true = failed). */
export function lcCusumChart(failed: readonly boolean[], params: LcCusumParams = LC_CUSUM_DEFAULTS): LcCusumChart {
  validateLcCusumParams(params);
  const w = lcCusumWeights(params.p0, params.p1);
  const chart: number[] = [];
  let s = 0;
  let proficientAt: number | null = null;
  failed.forEach((f, i) => {
    if (typeof f !== 'boolean') throw new InputError(`results[${i}].failed`, `must be true or false, got ${JSON.stringify(f)}`);
    s = Math.max(0, s + (f ? w.failure : w.success));
    chart.push(s);
    if (proficientAt === null && s >= params.h) proficientAt = i + 1;
  });
  return { chart, proficientAt };
}

/**
 * Running maxima of the chart for `trainees` simulated trainees with a constant true failure rate, advanced one
 * exercise per call of `step()` (a seeded mulberry32 stream: the same seed gives the same trainees everywhere).
 */
function simulatedTrainees(trueRate: number, w: { failure: number; success: number }, trainees: number, seed: number) {
  const rng = seededRandom(seed);
  const s = new Float64Array(trainees);
  const max = new Float64Array(trainees);
  return {
    max,
    step(): void {
      for (let i = 0; i < trainees; i++) {
        const v = s[i] + (rng.next() < trueRate ? w.failure : w.success);
        s[i] = v > 0 ? v : 0;
        if (s[i] > max[i]) max[i] = s[i];
      }
    },
  };
}

export interface LcCusumErrors {
  /** simulated fraction of p0-trainees declared proficient within the horizon */
  alpha: number;
  /** simulated fraction of p1-trainees not declared proficient within the horizon */
  beta: number;
  trainees: number;
}

/** Error rates of a parameter set, simulated on `trainees` trainees at p0 and as many at p1 (seeded). */
export function simulateLcCusumErrors(params: LcCusumParams, trainees = 20_000, seed = 1): LcCusumErrors {
  validateLcCusumParams(params);
  const w = lcCusumWeights(params.p0, params.p1);
  const bad = simulatedTrainees(params.p0, w, trainees, seed);
  const good = simulatedTrainees(params.p1, w, trainees, seed + 1);
  for (let t = 0; t < params.horizon; t++) {
    bad.step();
    good.step();
  }
  let falseDeclared = 0;
  let missed = 0;
  for (let i = 0; i < trainees; i++) {
    if (bad.max[i] >= params.h) falseDeclared++;
    if (good.max[i] < params.h) missed++;
  }
  return { alpha: falseDeclared / trainees, beta: missed / trainees, trainees };
}

/** The shortest decimal number in the interval (lo, hi]. */
function shortestDecimal(lo: number, hi: number): number {
  for (let d = 0; d < 12; d++) {
    const f = 10 ** d;
    const v = Math.ceil(lo * f + 1e-9) / f;
    if (v > lo && v <= hi) return v;
  }
  return hi;
}

/**
 * Finds h and the horizon N by simulation (see the file comment): for N = 1 … maxHorizon, h is the lowest value
 * such that at most alpha of the p0-trainees have reached it within N exercises (the shortest decimal above the
 * highest chart maximum that more than alpha of them reached); returns the first N where that h leaves at most beta
 * of the p1-trainees below it, with the simulated error rates.
 */
export function calibrateLcCusum(
  p0: number,
  p1: number,
  alpha: number,
  beta: number,
  options: { trainees?: number; seed?: number; maxHorizon?: number } = {},
): LcCusumParams & { simulated: LcCusumErrors } {
  const trainees = options.trainees ?? LC_CUSUM_CALIBRATION.trainees;
  const seed = options.seed ?? LC_CUSUM_CALIBRATION.seed;
  const maxHorizon = options.maxHorizon ?? LC_CUSUM_CALIBRATION.maxHorizon;
  validateLcCusumParams({ p0, p1, alpha, beta, h: 1, horizon: 1 });
  const w = lcCusumWeights(p0, p1);
  const bad = simulatedTrainees(p0, w, trainees, seed);
  const good = simulatedTrainees(p1, w, trainees, seed + 1);
  const sorted = new Float64Array(trainees);
  const allowed = Math.floor(alpha * trainees); // p0-trainees allowed to reach h
  for (let n = 1; n <= maxHorizon; n++) {
    bad.step();
    good.step();
    sorted.set(bad.max);
    sorted.sort(); // ascending
    // h must exceed the value reached by the (allowed + 1)-th highest p0-trainee, and may be any value up to the
    // next higher maximum: all h in (lo, hi] give the same simulated alpha
    const lo = sorted[trainees - 1 - allowed];
    let hi = Number.POSITIVE_INFINITY;
    for (let i = trainees - allowed; i < trainees; i++)
      if (sorted[i] > lo) {
        hi = sorted[i];
        break;
      }
    if (!(lo > 0)) continue; // no p0-trainee above 0 yet beyond the allowed ones: h undetermined
    const h = Number.isFinite(hi) ? shortestDecimal(lo, hi) : shortestDecimal(lo, lo + 1);
    let missed = 0;
    let falseDeclared = 0;
    for (let i = 0; i < trainees; i++) {
      if (good.max[i] < h) missed++;
      if (bad.max[i] >= h) falseDeclared++;
    }
    if (missed / trainees <= beta) {
      return { p0, p1, alpha, beta, h, horizon: n, simulated: { alpha: falseDeclared / trainees, beta: missed / trainees, trainees } };
    }
  }
  throw new InputError(
    'params',
    `no decision limit reaches beta ${beta} within ${maxHorizon} exercises for p0 ${p0}, p1 ${p1}, alpha ${alpha}`,
  );
}

/**
 * Odds ratio of failure per difficulty level, for the risk-adjusted chart: the odds of failing a case of difficulty d
 * are OR^(d − 3) times those of a difficulty-3 case, for the proficient and the non-proficient trainee alike. A
 * training-programme assumption (no published calibration of HIFU case difficulty exists): change it per programme.
 */
export const DIFFICULTY_ODDS_RATIO = 1.5;

/** A failure rate p moved to difficulty d by odds scaling (the risk model of Steiner SH et al., Biostatistics 2000;1:441–452). */
export function adjustedRate(p: number, difficulty: number, oddsRatio = DIFFICULTY_ODDS_RATIO): number {
  const odds = (p / (1 - p)) * oddsRatio ** (difficulty - 3);
  return odds / (1 + odds);
}

/**
 * The risk-adjusted LC-CUSUM: the same chart with each exercise's weights from p0 and p1 moved to its case's
 * difficulty (adjustedRate): failing a hard case costs less, passing it earns more (Steiner et al. 2000's
 * risk-adjusted CUSUM weights, applied to the LC-CUSUM's hypotheses). Same h as the plain chart (its error rates hold
 * for difficulty-3 sequences; for other case mixes they are approximate).
 */
export function riskAdjustedLcCusumChart(
  results: ReadonlyArray<{ failed: boolean; difficulty: number }>,
  params: LcCusumParams = LC_CUSUM_DEFAULTS,
  oddsRatio = DIFFICULTY_ODDS_RATIO,
): LcCusumChart {
  validateLcCusumParams(params);
  if (!(oddsRatio > 0) || !Number.isFinite(oddsRatio)) throw new InputError('oddsRatio', `must be a finite number > 0, got ${oddsRatio}`);
  const chart: number[] = [];
  let s = 0;
  let proficientAt: number | null = null;
  results.forEach((r, i) => {
    if (typeof r.failed !== 'boolean')
      throw new InputError(`results[${i}].failed`, `must be true or false, got ${JSON.stringify(r.failed)}`);
    if (!Number.isInteger(r.difficulty) || r.difficulty < 1 || r.difficulty > 5)
      throw new InputError(`results[${i}].difficulty`, `must be an integer 1–5, got ${JSON.stringify(r.difficulty)}`);
    const p0 = adjustedRate(params.p0, r.difficulty, oddsRatio);
    const p1 = adjustedRate(params.p1, r.difficulty, oddsRatio);
    s = Math.max(0, s + (r.failed ? Math.log(p1 / p0) : Math.log((1 - p1) / (1 - p0))));
    chart.push(s);
    if (proficientAt === null && s >= params.h) proficientAt = i + 1;
  });
  return { chart, proficientAt };
}

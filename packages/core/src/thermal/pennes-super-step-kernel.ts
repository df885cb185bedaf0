import { type KernelArgs, registerKernel } from '../parallel/kernel-registry.js';
import { pennesExplicitKernel } from './pennes-explicit-kernel.js';

/** Name under which one stage of the Chebyshev super-step is registered (run it over `nz` items: z-slices). */
export const PENNES_SUPER_STAGE_KERNEL = 'thermal.pennes-super-stage';

/** Damping of the super-step: every mode with Δt·λ beyond about 1.8 is multiplied by at most this per step. */
export const SUPER_STEP_DAMPING = 0.05;

/** The s-stage damped Chebyshev step's coefficients and the length β of its stability interval [−β, 0] in Δt·λ. */
export interface SuperStepCoefficients {
  readonly stages: number;
  readonly beta: number;
  /** stage j (1-based; index 0 unused): Y_j = μ_j Y_{j−1} + ν_j Y_{j−2} + μ̃_j Δt M Y_{j−1}; Y_1 = Y_0 + μ̃_1 Δt M Y_0 */
  readonly mu: Float64Array;
  readonly nu: Float64Array;
  readonly muTilde: Float64Array;
}

/**
 * The first-order damped Runge–Kutta–Chebyshev step (van der Houwen & Sommeijer, Z Angew Math Mech 1980;60:479;
 * Verwer, Hundsdorfer & Sommeijer, Numer Math 1990;57:157): its stability polynomial is R(z) = T_s(w0 + w1 z)/T_s(w0),
 * T_s the Chebyshev polynomial, with w0 = cosh(acosh(1/δ)/s) so that |R| ≤ δ over the whole interval where
 * w0 + w1 z ∈ [−1, 1], and w1 = T_s(w0)/T_s'(w0) (first order: R'(0) = 1). The three-term recurrence of the stages
 * is internally stable. Stable for Δt·λ ∈ [−β, 0], β = (1 + w0)/w1 ≈ 0.54 s² at δ = 0.05, i.e. about 0.27 s forward-Euler
 * steps per stage; stiff modes are damped (to ≤ δ, unlike the second-order Legendre and Chebyshev steps whose stiff
 * modes keep 40–100 % of their amplitude), which a cooling field with sharp remnants of the last focus needs.
 */
export function superStepCoefficients(s: number, delta = SUPER_STEP_DAMPING): SuperStepCoefficients {
  if (!Number.isInteger(s) || s < 1) throw new RangeError(`a super-step needs an integer number of stages ≥ 1, got ${s}`);
  if (!(delta > 0 && delta < 1)) throw new RangeError(`damping must be in (0, 1), got ${delta}`);
  const w0 = Math.cosh(Math.acosh(1 / delta) / s);
  // T_j(w0) and T_j'(w0) by the Chebyshev recurrence
  const T = new Float64Array(s + 1);
  const dT = new Float64Array(s + 1);
  T[0] = 1;
  T[1] = w0;
  dT[1] = 1;
  for (let j = 2; j <= s; j++) {
    T[j] = 2 * w0 * T[j - 1] - T[j - 2];
    dT[j] = 2 * T[j - 1] + 2 * w0 * dT[j - 1] - dT[j - 2];
  }
  const w1 = T[s] / dT[s];
  const mu = new Float64Array(s + 1);
  const nu = new Float64Array(s + 1);
  const muTilde = new Float64Array(s + 1);
  muTilde[1] = w1 / w0;
  for (let j = 2; j <= s; j++) {
    // b_j = 1/T_j(w0): μ_j = 2 w0 b_j/b_{j−1}, ν_j = −b_j/b_{j−2}, μ̃_j = 2 w1 b_j/b_{j−1} (μ_j + ν_j = 1)
    mu[j] = (2 * w0 * T[j - 1]) / T[j];
    nu[j] = -T[j - 2] / T[j];
    muTilde[j] = (2 * w1 * T[j - 1]) / T[j];
  }
  return { stages: s, beta: (1 + w0) / w1, mu, nu, muTilde };
}

/**
 * The least number of stages whose stability interval holds the step Δt = `tau` of an operator whose forward-Euler
 * step is stable (and monotone) up to `dtLimit`: its eigenvalues lie in [−2/dtLimit, 0] (Gershgorin: the explicit
 * kernel's diagonal is −(Σ c_f + p), its off-diagonals sum to at most Σ c_f), so β ≥ 2·tau/dtLimit.
 */
export function superStepStages(tau: number, dtLimit: number, delta = SUPER_STEP_DAMPING): SuperStepCoefficients {
  const need = (2 * tau) / dtLimit;
  let s = Math.max(1, Math.floor(Math.sqrt(need / 0.6)));
  let co = superStepCoefficients(s, delta);
  while (co.beta < need) co = superStepCoefficients(++s, delta);
  return co;
}

/**
 * One stage of the super-step on z-slices [start, end), built on the reference explicit kernel (pennes-explicit-kernel.ts,
 * its arguments with the tables of the step μ̃_j Δt and no source): the kernel writes T1 = T0 + μ̃_j Δt M T0 with
 * T0 = Y_{j−1}; then each voxel of the block's slices takes the rest of the stage, T1 += (μ_j − 1) T0 + ν_j Y2 with
 * Y2 = Y_{j−2} (stage 1: μ = 1, ν = 0, nothing to add). Each block writes only its own slices (the stencil reads
 * T0 anywhere), so any split is bit-identical.
 */
export function pennesSuperStageKernel(args: KernelArgs, start: number, end: number): void {
  pennesExplicitKernel(args, start, end);
  const mu = args.mu as number;
  const nu = args.nu as number;
  if (mu === 1 && nu === 0) return;
  const nxy = (args.nx as number) * (args.ny as number);
  const T0 = args.T0 as Float64Array;
  const T1 = args.T1 as Float64Array;
  const Y2 = args.Y2 as Float64Array;
  const a = mu - 1;
  for (let i = start * nxy, e = end * nxy; i < e; i++) T1[i] += a * T0[i] + nu * Y2[i];
}

registerKernel(PENNES_SUPER_STAGE_KERNEL, pennesSuperStageKernel);

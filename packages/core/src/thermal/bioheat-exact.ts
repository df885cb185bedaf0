import { InputError, requireFinite } from '../errors.js';
import type { Vec3 } from '../grid/grid3d.js';

/**
 * Exact solutions of Pennes' equation for a homogeneous medium, the references of the solvers' tests.
 *
 * Periodic box (Gao, Langer & Corry 1995; k-Wave bioheatExact): with D = k/(ρC), P = w_b ρ_b C_b/(ρC),
 * S = Q/(ρC) and K² the squared wavenumber of each Fourier mode, a source switched on at t = 0 and off at
 * t_on gives mode by mode û(t) = Ŝ (1 − e^{−λ t})/λ while on and û(t_on) e^{−λ (t − t_on)} after, λ = D K² + P.
 * For a Gaussian source q0·exp(−Σ (x_a − c_a)²/(2σ_a²)) periodised over the box L_a, the Fourier coefficients
 * are analytic, ĝ_n = (√(2π) σ/L) exp(−σ² k_n²/2) with k_n = 2πn/L, and each mode's e^{±ik_n d} pair sums to
 * 2 cos(k_n d); so u(x, t) = S0 Σ_{n1,n2,n3} Π_a ĝ_{n_a} cos(k_{n_a} d_a) · F_n(t), a direct sum over modes
 * (truncated where exp(−σ²k²/2) < 1e-17, no FFT).
 */
export interface PeriodicGaussianProblem {
  /** box edge lengths (periods), m */
  readonly box: Vec3;
  /** Gaussian centre, m (same frame as the evaluation points) */
  readonly centre: Vec3;
  /** σ per axis, m */
  readonly sigma: Vec3;
  /** peak source density, W/m³ */
  readonly peak: number;
  /** k W/m/K, ρ kg/m³, C J/kg/K */
  readonly conductivity: number;
  readonly density: number;
  readonly specificHeat: number;
  /** w_b ρ_b C_b, W/m³/K (0 without perfusion) */
  readonly perfusionCoefficient: number;
  /** source on-time, s */
  readonly onTime: number;
}

/** Temperature rise (K) of the periodic Gaussian problem at point p (m) and time t (s). */
export function periodicGaussianRise(pr: PeriodicGaussianProblem, p: Vec3, t: number): number {
  requireFinite('t', t, 'non-negative');
  const rhoC = pr.density * pr.specificHeat;
  const D = pr.conductivity / rhoC;
  const P = pr.perfusionCoefficient / rhoC;
  const axes = [0, 1, 2].map((a) => {
    const L = pr.box[a];
    const s = pr.sigma[a];
    if (!(L > 0 && s > 0)) throw new InputError('box/sigma', 'must be > 0');
    const kMax = Math.sqrt(2 * 39.2) / s; // exp(−σ²k²/2) < 1e-17
    const N = Math.ceil((kMax * L) / (2 * Math.PI));
    const coef: number[] = [];
    const k2: number[] = [];
    const d = p[a] - pr.centre[a];
    for (let n = -N; n <= N; n++) {
      const k = (2 * Math.PI * n) / L;
      coef.push(((Math.sqrt(2 * Math.PI) * s) / L) * Math.exp(-0.5 * s * s * k * k) * Math.cos(k * d));
      k2.push(k * k);
    }
    return { coef, k2 };
  });
  const [X, Y, Z] = axes;
  const ton = pr.onTime;
  let sum = 0;
  for (let i = 0; i < X.coef.length; i++) {
    for (let j = 0; j < Y.coef.length; j++) {
      const cij = X.coef[i] * Y.coef[j];
      const k2ij = X.k2[i] + Y.k2[j];
      for (let l = 0; l < Z.coef.length; l++) {
        const lambda = D * (k2ij + Z.k2[l]) + P;
        let F: number;
        if (lambda === 0) F = Math.min(t, ton);
        else if (t <= ton) F = -Math.expm1(-lambda * t) / lambda;
        else F = (-Math.expm1(-lambda * ton) / lambda) * Math.exp(-lambda * (t - ton));
        sum += cij * Z.coef[l] * F;
      }
    }
  }
  return (pr.peak / rhoC) * sum;
}

/**
 * Complementary error function, |relative error| < 1.2e-7 (Chebyshev fit; Press et al., Numerical Recipes,
 * 2nd ed., §6.2, erfcc).
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * Point source of power P (W) switched on at t = 0 in an infinite medium without perfusion (Carslaw & Jaeger,
 * Conduction of Heat in Solids, 1959, §10.4): ΔT(r, t) = P/(4π k r) · erfc(r / (2√(κ t))).
 */
export function pointSourceRise(power: number, conductivity: number, diffusivity: number, r: number, t: number): number {
  if (t <= 0) return 0;
  return (power / (4 * Math.PI * conductivity * r)) * erfc(r / (2 * Math.sqrt(diffusivity * t)));
}

/**
 * Isotropic Gaussian source of total power P (W) and width σ switched on at t = 0 in an infinite medium without
 * perfusion (the point-source solution convolved with the Gaussian; integrating the Gaussian-spread Green's
 * function over time gives it in closed form):
 * ΔT(r, t) = P/(4π k r) · [erfc(r/√(2σ² + 4κt)) − erfc(r/(√2 σ))]; → the point source as σ → 0.
 */
export function gaussianSourceRise(power: number, sigma: number, conductivity: number, diffusivity: number, r: number, t: number): number {
  if (t <= 0) return 0;
  return (
    (power / (4 * Math.PI * conductivity * r)) *
    (erfc(r / Math.sqrt(2 * sigma * sigma + 4 * diffusivity * t)) - erfc(r / (Math.SQRT2 * sigma)))
  );
}

import { FuasError } from '../errors.js';

/**
 * An unconditionally stable step of Pennes' equation (θ-method: θ = 1 backward Euler, first order, L-stable, the
 * default for long cooling; θ = ½ Crank–Nicolson, second order in time but lightly damped for steps far beyond
 * the explicit limit), solved with Jacobi-preconditioned conjugate gradients (Hestenes & Stiefel 1952).
 *
 * In terms of the rise u = T − T_a and per unit volume, with the same finite-volume operator as the explicit
 * kernel, (A u)_i = Σ_f k_f (u_i − u_f)/h_f² + s_i w_i ρ_b C_b u_i (ghost u = 0 for the 'body' boundary), the step
 *   (ρC/Δt + θ A) u' = (ρC/Δt − (1 − θ) A) u + Q
 * has a symmetric positive definite matrix, hence CG. Serial (a reference path; the explicit kernel is the
 * parallel one). Stops when ‖r‖ ≤ tol·‖b‖ (default 1e-10), at most 1000 iterations (then FuasError).
 */
export interface ImplicitProblem {
  readonly shape: readonly [number, number, number];
  readonly spacing: readonly [number, number, number];
  readonly labels: Uint8Array;
  readonly L: number;
  readonly rhoC: Float64Array;
  readonly faceConductivity: Float64Array;
  /** w ρ_b C_b per material, W/m³/K */
  readonly perfusionCoefficient: Float64Array;
  /** per-voxel perfusion scale */
  readonly ps: Float32Array;
  /** 0 body (Dirichlet at T_a), 1 adiabatic, 2 periodic */
  readonly bc: number;
}

/** Scratch arrays for implicitStep (allocated once per simulation). */
export class ImplicitWorkspace {
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly ap: Float64Array;
  readonly z: Float64Array;
  readonly b: Float64Array;
  readonly diag: Float64Array;
  readonly u: Float64Array;
  constructor(n: number) {
    this.r = new Float64Array(n);
    this.p = new Float64Array(n);
    this.ap = new Float64Array(n);
    this.z = new Float64Array(n);
    this.b = new Float64Array(n);
    this.diag = new Float64Array(n);
    this.u = new Float64Array(n);
  }
}

// Module-level accumulator of faceTerm: [flux, diagonal]; hot loops never allocate.
const acc = new Float64Array(2);

/** Adds one face's conductance term for voxel i (value vi, material row aL) to acc. */
function faceTerm(
  pr: ImplicitProblem,
  v: Float64Array,
  aL: number,
  a: number,
  vi: number,
  inside: boolean,
  j: number,
  jw: number,
  ih2: number,
): void {
  const kf = pr.faceConductivity;
  if (inside) {
    const c = kf[aL + pr.labels[j]] * ih2;
    acc[0] += c * (vi - v[j]);
    acc[1] += c;
  } else if (pr.bc === 0) {
    const c = kf[aL + a] * ih2;
    acc[0] += c * vi;
    acc[1] += c;
  } else if (pr.bc === 2) {
    const c = kf[aL + pr.labels[jw]] * ih2;
    acc[0] += c * (vi - v[jw]);
    acc[1] += c;
  }
}

/** out = (α·ρC + β·A) v over the whole grid; when diag is given, also writes the matrix diagonal (preconditioner). */
function applyOperator(pr: ImplicitProblem, v: Float64Array, out: Float64Array, alpha: number, beta: number, diag?: Float64Array): void {
  const [nx, ny, nz] = pr.shape;
  const [dx, dy, dz] = pr.spacing;
  const ix2 = 1 / (dx * dx);
  const iy2 = 1 / (dy * dy);
  const iz2 = 1 / (dz * dz);
  const { labels: lab, L, rhoC, perfusionCoefficient: pcoef, ps } = pr;
  const nxy = nx * ny;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        const a = lab[i];
        const aL = a * L;
        const vi = v[i];
        acc[0] = 0;
        acc[1] = 0;
        faceTerm(pr, v, aL, a, vi, x > 0, i - 1, i + nx - 1, ix2);
        faceTerm(pr, v, aL, a, vi, x < nx - 1, i + 1, i - nx + 1, ix2);
        faceTerm(pr, v, aL, a, vi, y > 0, i - nx, i + nxy - nx, iy2);
        faceTerm(pr, v, aL, a, vi, y < ny - 1, i + nx, i - nxy + nx, iy2);
        faceTerm(pr, v, aL, a, vi, z > 0, i - nxy, i + nxy * (nz - 1), iz2);
        faceTerm(pr, v, aL, a, vi, z < nz - 1, i + nxy, i - nxy * (nz - 1), iz2);
        const perf = pcoef[a] * ps[i];
        out[i] = alpha * rhoC[a] * vi + beta * (acc[0] + perf * vi);
        if (diag) diag[i] = alpha * rhoC[a] + beta * (acc[1] + perf);
      }
    }
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Advances T0 → T1 (°C, whole grid) by dt with the θ-method. `addSource(b)` adds the source Q (W/m³, held over
 * the step) to the right-hand side; Ta is the arterial temperature. Returns the CG iteration count.
 */
export function implicitStep(
  pr: ImplicitProblem,
  T0: Float64Array,
  T1: Float64Array,
  addSource: ((b: Float64Array) => void) | null,
  Ta: number,
  dt: number,
  theta: number,
  work: ImplicitWorkspace,
  tol = 1e-10,
): number {
  const n = T0.length;
  const { r, p, ap, z, b, diag, u } = work;
  for (let i = 0; i < n; i++) u[i] = T0[i] - Ta;
  // b = (ρC/Δt) u − (1 − θ) A u + Q
  applyOperator(pr, u, b, 1 / dt, -(1 - theta));
  addSource?.(b);
  // initial guess u' = u; r = b − M u
  applyOperator(pr, u, ap, 1 / dt, theta, diag);
  for (let i = 0; i < n; i++) {
    r[i] = b[i] - ap[i];
    z[i] = r[i] / diag[i];
    p[i] = z[i];
  }
  const bnorm = Math.sqrt(dot(b, b)) || 1;
  let rz = dot(r, z);
  let it = 0;
  while (Math.sqrt(dot(r, r)) > tol * bnorm) {
    if (++it > 1000) throw new FuasError('no-convergence', `implicit bioheat step: CG did not converge in 1000 iterations (dt = ${dt} s)`);
    applyOperator(pr, p, ap, 1 / dt, theta);
    const alpha = rz / dot(p, ap);
    for (let i = 0; i < n; i++) {
      u[i] += alpha * p[i];
      r[i] -= alpha * ap[i];
      z[i] = r[i] / diag[i];
    }
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  for (let i = 0; i < n; i++) T1[i] = u[i] + Ta;
  return it;
}

import { type KernelArgs, registerKernel } from '../parallel/kernel-registry.js';
import { sharedUint8 } from '../parallel/parallel-executor.js';

/**
 * The 'explicit4' scheme of Pennes' equation: fourth order in space where the medium is homogeneous, second order
 * in time, at the explicit scheme's step. With A the bioheat operator (diffusion − perfusion) and s = Q/(ρC),
 * one step is the second-order Taylor (exponential-Euler) step
 *
 *   v = A₄ T + s,    T' = T + Δt·(v + Δt/2 · A₂ v)
 *
 * (the exact step is T' = T + Δt·φ₁(Δt A)(A T + s), φ₁(z) = (e^z − 1)/z = 1 + z/2 + …). A₄ is written in flux
 * form: a face between voxels i and i+1 whose four neighbours i−1 … i+2 are inside the box and of one material
 * takes the fourth-order flux k (T_{i−1} − 15 T_i + 15 T_{i+1} − T_{i+2})/(12 h²), every other face the
 * second-order flux of the reference kernel (harmonic-mean conductivity, the same boundary rules), so heat is
 * conserved face by face and interfaces keep their second-order treatment. A₂ (the correction, already
 * multiplied by Δt) is the reference kernel's second-order operator applied to v, whose ghost values are 0
 * (a held boundary temperature does not change). Stability: with λ₂ the largest eigenvalue of −A₂, the
 * correction needs Δt λ₂/2 ≤ 1, the forward-Euler limit of the reference kernel; A₄'s eigenvalues are at most
 * 4/3 of A₂'s, so the step's amplification 1 − Δtλ₄(1 − Δtλ₂/2) stays in [−1, 1] at that same limit.
 * Against the exact solution (σ = 3-voxel Gaussian, 5 s): 0.015 K at the peak where the reference kernel is
 * 0.84 K off (test/thermal/pennes-references.test.ts).
 *
 * Two kernels over z-slices (each writes only its own slices, reads its input anywhere: any split is
 * bit-identical): PENNES_RATE4_KERNEL writes v, PENNES_TAYLOR_KERNEL writes T' (given the face `mask` too, it spares
 * the label look-ups of voxels inside one material, bit-identically).
 */
export const PENNES_RATE4_KERNEL = 'thermal.pennes-rate4';
export const PENNES_TAYLOR_KERNEL = 'thermal.pennes-taylor';

/** Bits of a voxel's face mask: its x−, x+, y−, y+, z−, z+ faces take the fourth-order flux. */
export const ALL_FOURTH_ORDER = 63;

/**
 * Which faces of each voxel take the fourth-order flux (bits as ALL_FOURTH_ORDER), from the labels: a face
 * (i, i+1) along an axis does when i−1, i, i+1, i+2 are inside the box and share a label. Voxels on the box's
 * faces get 0 (they take the second-order path throughout), so both voxels of every face agree on its flux.
 */
export function fourthOrderFaceMask(labels: Uint8Array, shape: readonly [number, number, number] | readonly number[]): Uint8Array {
  const [nx, ny, nz] = shape;
  const nxy = nx * ny;
  const mask = sharedUint8(nx * ny * nz);
  const face = (i: number, c: number, n: number, s: number): boolean => {
    // the face between i and i+s, i at coordinate c along an axis of n voxels with stride s
    if (c < 1 || c + 2 > n - 1) return false;
    const a = labels[i];
    return labels[i - s] === a && labels[i + s] === a && labels[i + 2 * s] === a;
  };
  for (let z = 1; z < nz - 1; z++)
    for (let y = 1; y < ny - 1; y++)
      for (let x = 1; x < nx - 1; x++) {
        const i = x + nx * (y + ny * z);
        let m = 0;
        if (face(i - 1, x - 1, nx, 1)) m |= 1;
        if (face(i, x, nx, 1)) m |= 2;
        if (face(i - nx, y - 1, ny, nx)) m |= 4;
        if (face(i, y, ny, nx)) m |= 8;
        if (face(i - nxy, z - 1, nz, nxy)) m |= 16;
        if (face(i, z, nz, nxy)) m |= 32;
        mask[i] = m;
      }
  return mask;
}

const TWELFTH = 1 / 12;

/**
 * v = A₄ T + qs·sc·q (K/s). Tables as the reference kernel's for a step of 1 s: cx[a·L+b] = k_ab/(ρ_a C_a dx²),
 * pc[a] = w_a ρ_b C_b/(ρ_a C_a), sc[a] = 1/(ρ_a C_a); `mask` from fourthOrderFaceMask; Ta, Tb, bc as the
 * reference kernel's.
 */
export function pennesRate4Kernel(args: KernelArgs, start: number, end: number): void {
  const T = args.T0 as Float64Array;
  const V = args.V as Float64Array;
  const lab = args.labels as Uint8Array;
  const mask = args.mask as Uint8Array;
  const cx = args.cx as Float64Array;
  const cy = args.cy as Float64Array;
  const cz = args.cz as Float64Array;
  const pc = args.pc as Float64Array;
  const sc = args.sc as Float64Array;
  const ps = args.ps as Float32Array;
  const q = args.q as Float32Array;
  const qs = args.qs as number;
  const nx = args.nx as number;
  const ny = args.ny as number;
  const nz = args.nz as number;
  const L = args.L as number;
  const bc = args.bc as number;
  const Ta = args.Ta as number;
  const Tb = args.Tb as number;
  const nxy = nx * ny;
  const hasQ = qs !== 0;
  for (let z = start; z < end; z++) {
    const zIn = z > 0 && z < nz - 1;
    for (let y = 0; y < ny; y++) {
      const row = nx * (y + ny * z);
      if (!(zIn && y > 0 && y < ny - 1 && nx > 2)) {
        for (let x = 0; x < nx; x++) V[row + x] = rate2(T, lab, cx, cy, cz, pc, sc, ps, q, qs, nx, ny, nz, L, bc, Ta, Tb, x, y, z);
        continue;
      }
      V[row] = rate2(T, lab, cx, cy, cz, pc, sc, ps, q, qs, nx, ny, nz, L, bc, Ta, Tb, 0, y, z);
      const last = row + nx - 1;
      if (L === 1) {
        // one material: the fourth-order sum with the coefficients hoisted (a voxel takes the same path in any split)
        const c0 = cx[0] * TWELFTH;
        const c1 = cy[0] * TWELFTH;
        const c2 = cz[0] * TWELFTH;
        const p0 = pc[0];
        const s0 = sc[0] * qs;
        const nx2 = 2 * nx;
        const nxy2 = 2 * nxy;
        for (let i = row + 1; i < last; i++) {
          const t = T[i];
          let flux: number;
          if (mask[i] === ALL_FOURTH_ORDER) {
            flux =
              c0 * (16 * (T[i - 1] + T[i + 1]) - (T[i - 2] + T[i + 2]) - 30 * t) +
              c1 * (16 * (T[i - nx] + T[i + nx]) - (T[i - nx2] + T[i + nx2]) - 30 * t) +
              c2 * (16 * (T[i - nxy] + T[i + nxy]) - (T[i - nxy2] + T[i + nxy2]) - 30 * t);
          } else flux = mixedFlux(T, lab, cx, cy, cz, 0, t, mask[i], i, nx, nxy);
          const r = flux - p0 * ps[i] * (t - Ta);
          V[i] = hasQ ? r + s0 * q[i] : r;
        }
        V[last] = rate2(T, lab, cx, cy, cz, pc, sc, ps, q, qs, nx, ny, nz, L, bc, Ta, Tb, nx - 1, y, z);
        continue;
      }
      // a run of all-fourth-order voxels lies inside one material (each one's x+ face needs i−1 … i+2 of its label):
      // its coefficients once, the same operations as the per-voxel path (bit-identical)
      let i = row + 1;
      while (i < last) {
        const a = lab[i];
        const aL = a * L;
        if (mask[i] !== ALL_FOURTH_ORDER) {
          const t = T[i];
          const flux = mixedFlux(T, lab, cx, cy, cz, aL, t, mask[i], i, nx, nxy);
          const r = flux - pc[a] * ps[i] * (t - Ta);
          V[i] = hasQ ? r + sc[a] * qs * q[i] : r;
          i++;
          continue;
        }
        // −T_{i−2} + 16 T_{i−1} − 30 T_i + 16 T_{i+1} − T_{i+2}, over 12, per axis
        const c = aL + a;
        const c0 = cx[c];
        const c1 = cy[c];
        const c2 = cz[c];
        const p = pc[a];
        const s = sc[a] * qs;
        let e = i + 1;
        while (e < last && mask[e] === ALL_FOURTH_ORDER) e++;
        for (; i < e; i++) {
          const t = T[i];
          const flux =
            TWELFTH *
            (c0 * (16 * (T[i - 1] + T[i + 1]) - (T[i - 2] + T[i + 2]) - 30 * t) +
              c1 * (16 * (T[i - nx] + T[i + nx]) - (T[i - 2 * nx] + T[i + 2 * nx]) - 30 * t) +
              c2 * (16 * (T[i - nxy] + T[i + nxy]) - (T[i - 2 * nxy] + T[i + 2 * nxy]) - 30 * t));
          const r = flux - p * ps[i] * (t - Ta);
          V[i] = hasQ ? r + s * q[i] : r;
        }
      }
      V[last] = rate2(T, lab, cx, cy, cz, pc, sc, ps, q, qs, nx, ny, nz, L, bc, Ta, Tb, nx - 1, y, z);
    }
  }
}

/** The flux into interior voxel i over its six faces, each fourth or second order as its mask bit says. */
function mixedFlux(
  T: Float64Array,
  lab: Uint8Array,
  cx: Float64Array,
  cy: Float64Array,
  cz: Float64Array,
  aL: number,
  t: number,
  m: number,
  i: number,
  nx: number,
  nxy: number,
): number {
  return (
    face(T, lab, cx, aL, t, m & 1, i, -1) +
    face(T, lab, cx, aL, t, m & 2, i, 1) +
    face(T, lab, cy, aL, t, m & 4, i, -nx) +
    face(T, lab, cy, aL, t, m & 8, i, nx) +
    face(T, lab, cz, aL, t, m & 16, i, -nxy) +
    face(T, lab, cz, aL, t, m & 32, i, nxy)
  );
}

/** The flux into interior voxel i through its face towards i+s: fourth order when `fourth`, else second. */
function face(T: Float64Array, lab: Uint8Array, c: Float64Array, aL: number, t: number, fourth: number, i: number, s: number): number {
  const j = i + s;
  if (fourth !== 0) return TWELFTH * c[aL + lab[i]] * (T[i - s] - 15 * t + 15 * T[j] - T[j + s]);
  return c[aL + lab[j]] * (T[j] - t);
}

/** One face's second-order term c·(T_f − t), with the boundary rule when the face is outside (ghost value g). */
function faceTerm2(
  T: Float64Array,
  lab: Uint8Array,
  c: Float64Array,
  aL: number,
  a: number,
  t: number,
  inside: boolean,
  j: number,
  jWrap: number,
  bc: number,
  g: number,
): number {
  if (inside) return c[aL + lab[j]] * (T[j] - t);
  if (bc === 0) return c[aL + a] * (g - t);
  if (bc === 1) return 0;
  return c[aL + lab[jWrap]] * (T[jWrap] - t);
}

/** The second-order rate at any voxel (the box's faces), boundary rules included. */
function rate2(
  T: Float64Array,
  lab: Uint8Array,
  cx: Float64Array,
  cy: Float64Array,
  cz: Float64Array,
  pc: Float64Array,
  sc: Float64Array,
  ps: Float32Array,
  q: Float32Array,
  qs: number,
  nx: number,
  ny: number,
  nz: number,
  L: number,
  bc: number,
  Ta: number,
  Tb: number,
  x: number,
  y: number,
  z: number,
): number {
  const nxy = nx * ny;
  const i = x + nx * (y + ny * z);
  const a = lab[i];
  const aL = a * L;
  const t = T[i];
  const flux =
    faceTerm2(T, lab, cx, aL, a, t, x > 0, i - 1, i + nx - 1, bc, Tb) +
    faceTerm2(T, lab, cx, aL, a, t, x < nx - 1, i + 1, i - nx + 1, bc, Tb) +
    faceTerm2(T, lab, cy, aL, a, t, y > 0, i - nx, i + nxy - nx, bc, Tb) +
    faceTerm2(T, lab, cy, aL, a, t, y < ny - 1, i + nx, i - nxy + nx, bc, Tb) +
    faceTerm2(T, lab, cz, aL, a, t, z > 0, i - nxy, i + nxy * (nz - 1), bc, Tb) +
    faceTerm2(T, lab, cz, aL, a, t, z < nz - 1, i + nxy, i - nxy * (nz - 1), bc, Tb);
  const src = qs !== 0 ? sc[a] * qs * q[i] : 0;
  return flux - pc[a] * ps[i] * (t - Ta) + src;
}

/**
 * T1 = T0 + dt·(V + dt/2·A₂V), A₂ the reference kernel's second-order operator with ghost value 0 (tables for
 * a step of 1 s, as pennesRate4Kernel's; `dt` the step, s).
 */
export function pennesTaylorKernel(args: KernelArgs, start: number, end: number): void {
  const T = args.T0 as Float64Array;
  const V = args.V as Float64Array;
  const U = args.T1 as Float64Array;
  const lab = args.labels as Uint8Array;
  const cx = args.cx as Float64Array;
  const cy = args.cy as Float64Array;
  const cz = args.cz as Float64Array;
  const pc = args.pc as Float64Array;
  const ps = args.ps as Float32Array;
  const dt = args.dt as number;
  const nx = args.nx as number;
  const ny = args.ny as number;
  const nz = args.nz as number;
  const L = args.L as number;
  const bc = args.bc as number;
  const mask = args.mask as Uint8Array | undefined;
  const nxy = nx * ny;
  const h = dt / 2;
  for (let z = start; z < end; z++) {
    const zIn = z > 0 && z < nz - 1;
    for (let y = 0; y < ny; y++) {
      const row = nx * (y + ny * z);
      if (!(zIn && y > 0 && y < ny - 1 && nx > 2)) {
        for (let x = 0; x < nx; x++) {
          const i = row + x;
          const r = rate2(V, lab, cx, cy, cz, pc, pc, ps, EMPTY, 0, nx, ny, nz, L, bc, 0, 0, x, y, z);
          U[i] = T[i] + dt * (V[i] + h * r);
        }
        continue;
      }
      {
        const r = rate2(V, lab, cx, cy, cz, pc, pc, ps, EMPTY, 0, nx, ny, nz, L, bc, 0, 0, 0, y, z);
        U[row] = T[row] + dt * (V[row] + h * r);
      }
      const last = row + nx - 1;
      if (L === 1) {
        const c0 = cx[0];
        const c1 = cy[0];
        const c2 = cz[0];
        const p0 = pc[0];
        for (let i = row + 1; i < last; i++) {
          const v = V[i];
          const r =
            c0 * (V[i - 1] + V[i + 1] - 2 * v) +
            c1 * (V[i - nx] + V[i + nx] - 2 * v) +
            c2 * (V[i - nxy] + V[i + nxy] - 2 * v) -
            p0 * ps[i] * v;
          U[i] = T[i] + dt * (v + h * r);
        }
      } else {
        // with the face mask (optional): a run of all-fourth-order voxels has all six neighbours of its one material
        // (fourthOrderFaceMask), so one set of coefficients, the labelled sum's operations and values (bit-identical)
        let i = row + 1;
        while (i < last) {
          const a = lab[i];
          const aL = a * L;
          if (!mask || mask[i] !== ALL_FOURTH_ORDER) {
            const v = V[i];
            const r =
              cx[aL + lab[i - 1]] * (V[i - 1] - v) +
              cx[aL + lab[i + 1]] * (V[i + 1] - v) +
              cy[aL + lab[i - nx]] * (V[i - nx] - v) +
              cy[aL + lab[i + nx]] * (V[i + nx] - v) +
              cz[aL + lab[i - nxy]] * (V[i - nxy] - v) +
              cz[aL + lab[i + nxy]] * (V[i + nxy] - v) -
              pc[a] * ps[i] * v;
            U[i] = T[i] + dt * (v + h * r);
            i++;
            continue;
          }
          const c = aL + a;
          const c0 = cx[c];
          const c1 = cy[c];
          const c2 = cz[c];
          const p = pc[a];
          let e = i + 1;
          while (e < last && mask[e] === ALL_FOURTH_ORDER) e++;
          for (; i < e; i++) {
            const v = V[i];
            const r =
              c0 * (V[i - 1] - v) +
              c0 * (V[i + 1] - v) +
              c1 * (V[i - nx] - v) +
              c1 * (V[i + nx] - v) +
              c2 * (V[i - nxy] - v) +
              c2 * (V[i + nxy] - v) -
              p * ps[i] * v;
            U[i] = T[i] + dt * (v + h * r);
          }
        }
      }
      {
        const r = rate2(V, lab, cx, cy, cz, pc, pc, ps, EMPTY, 0, nx, ny, nz, L, bc, 0, 0, nx - 1, y, z);
        U[last] = T[last] + dt * (V[last] + h * r);
      }
    }
  }
}

const EMPTY = new Float32Array(1);

registerKernel(PENNES_RATE4_KERNEL, pennesRate4Kernel);
registerKernel(PENNES_TAYLOR_KERNEL, pennesTaylorKernel);

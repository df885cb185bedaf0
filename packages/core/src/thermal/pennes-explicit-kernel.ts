import { type KernelArgs, registerKernel } from '../parallel/kernel-registry.js';
import { sharedUint8 } from '../parallel/parallel-executor.js';

/** Name under which the explicit Pennes step is registered (run it over `nz` items: z-slices). */
export const PENNES_EXPLICIT_KERNEL = 'thermal.pennes-explicit';

/**
 * One explicit (forward Euler) step of Pennes' bioheat equation with a 7-point heterogeneous stencil
 * (Pennes, J Appl Physiol 1948;1:93; finite volumes as in Patankar 1980):
 *
 *   ρ_i C_i (T_i' − T_i)/Δt = Σ_f k_f (T_f − T_i)/h_f² − s_i w_i ρ_b C_b (T_i − T_a) + Q_i
 *
 * over the six faces f of voxel i, with k_f the harmonic mean of the two voxels' conductivities and s_i the
 * voxel's perfusion scale (1 alive, the shutdown factor once dead). In the precomputed tables (a = label of i,
 * b = label of the neighbour): cx[a·L+b] = Δt k_ab/(ρ_a C_a dx²) (likewise cy, cz), pc[a] = Δt w_a ρ_b C_b/(ρ_a C_a),
 * sc[a] = Δt/(ρ_a C_a); the source is qs·q[i] (W/m³; qs = 0 means no source and q is not read).
 * Boundary (code `bc`): 0 = ghost voxel of the same material held at `Tb` one spacing outside (Dirichlet);
 * 1 = no flux (Neumann); 2 = periodic.
 *
 * Items are z-slices [start, end); each writes only its own slices of T1 and reads T0 anywhere, so any split
 * gives bit-identical results. Interior voxels take the branch-free path (a faster one for a single material);
 * the six faces of the box the general one. Optional `same` (sameLabelVoxels of the labels) spares the label and
 * table look-ups of voxels inside one material, bit-identically.
 */
export function pennesExplicitKernel(args: KernelArgs, start: number, end: number): void {
  const T = args.T0 as Float64Array;
  const U = args.T1 as Float64Array;
  const lab = args.labels as Uint8Array;
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
  const same = args.same as Uint8Array | undefined;
  const nxy = nx * ny;
  const hasQ = qs !== 0;
  for (let z = start; z < end; z++) {
    const zIn = z > 0 && z < nz - 1;
    for (let y = 0; y < ny; y++) {
      const row = nx * (y + ny * z);
      if (!(zIn && y > 0 && y < ny - 1 && nx > 2)) {
        for (let x = 0; x < nx; x++) boundaryVoxel(T, U, lab, cx, cy, cz, pc, sc, ps, q, qs, nx, ny, nz, L, bc, Ta, Tb, x, y, z);
        continue;
      }
      boundaryVoxel(T, U, lab, cx, cy, cz, pc, sc, ps, q, qs, nx, ny, nz, L, bc, Ta, Tb, 0, y, z);
      const last = row + nx - 1;
      if (L === 1) {
        // one material: c·(ΣT_f − 6T) with per-axis c (same value as the labelled sum for a homogeneous medium
        // up to round-off; every voxel always takes the same path, so splits stay bit-identical)
        const c0 = cx[0];
        const c1 = cy[0];
        const c2 = cz[0];
        const p0 = pc[0];
        const s0 = sc[0] * qs;
        for (let i = row + 1; i < last; i++) {
          const t = T[i];
          const flux = c0 * (T[i - 1] + T[i + 1] - 2 * t) + c1 * (T[i - nx] + T[i + nx] - 2 * t) + c2 * (T[i - nxy] + T[i + nxy] - 2 * t);
          U[i] = hasQ ? t + flux - p0 * ps[i] * (t - Ta) + s0 * q[i] : t + flux - p0 * ps[i] * (t - Ta);
        }
      } else if (same) {
        // voxels whose six neighbours share their label (same[i] = 1) read one coefficient per axis: the labelled
        // sum's operations in its order with the same values, so bit-identical to the path below. Consecutive such
        // voxels share one label (each is the other's neighbour), so a run of them takes one set of coefficients.
        let i = row + 1;
        while (i < last) {
          if (same[i] !== 1) {
            const a = lab[i];
            const aL = a * L;
            const t = T[i];
            const flux =
              cx[aL + lab[i - 1]] * (T[i - 1] - t) +
              cx[aL + lab[i + 1]] * (T[i + 1] - t) +
              cy[aL + lab[i - nx]] * (T[i - nx] - t) +
              cy[aL + lab[i + nx]] * (T[i + nx] - t) +
              cz[aL + lab[i - nxy]] * (T[i - nxy] - t) +
              cz[aL + lab[i + nxy]] * (T[i + nxy] - t);
            U[i] = hasQ ? t + flux - pc[a] * ps[i] * (t - Ta) + sc[a] * qs * q[i] : t + flux - pc[a] * ps[i] * (t - Ta);
            i++;
            continue;
          }
          const a = lab[i];
          const c = a * L + a;
          const c0 = cx[c];
          const c1 = cy[c];
          const c2 = cz[c];
          const p = pc[a];
          const s = sc[a] * qs;
          let e = i + 1;
          while (e < last && same[e] === 1) e++;
          if (hasQ)
            for (; i < e; i++) {
              const t = T[i];
              const flux =
                c0 * (T[i - 1] - t) +
                c0 * (T[i + 1] - t) +
                c1 * (T[i - nx] - t) +
                c1 * (T[i + nx] - t) +
                c2 * (T[i - nxy] - t) +
                c2 * (T[i + nxy] - t);
              U[i] = t + flux - p * ps[i] * (t - Ta) + s * q[i];
            }
          else
            for (; i < e; i++) {
              const t = T[i];
              const flux =
                c0 * (T[i - 1] - t) +
                c0 * (T[i + 1] - t) +
                c1 * (T[i - nx] - t) +
                c1 * (T[i + nx] - t) +
                c2 * (T[i - nxy] - t) +
                c2 * (T[i + nxy] - t);
              U[i] = t + flux - p * ps[i] * (t - Ta);
            }
        }
      } else {
        for (let i = row + 1; i < last; i++) {
          const a = lab[i];
          const aL = a * L;
          const t = T[i];
          const flux =
            cx[aL + lab[i - 1]] * (T[i - 1] - t) +
            cx[aL + lab[i + 1]] * (T[i + 1] - t) +
            cy[aL + lab[i - nx]] * (T[i - nx] - t) +
            cy[aL + lab[i + nx]] * (T[i + nx] - t) +
            cz[aL + lab[i - nxy]] * (T[i - nxy] - t) +
            cz[aL + lab[i + nxy]] * (T[i + nxy] - t);
          U[i] = hasQ ? t + flux - pc[a] * ps[i] * (t - Ta) + sc[a] * qs * q[i] : t + flux - pc[a] * ps[i] * (t - Ta);
        }
      }
      boundaryVoxel(T, U, lab, cx, cy, cz, pc, sc, ps, q, qs, nx, ny, nz, L, bc, Ta, Tb, nx - 1, y, z);
    }
  }
}

/** One face's term c·(T_f − t) for voxel i of material row aL, with the boundary rule when the face is outside. */
function faceTerm(
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
  Tb: number,
): number {
  if (inside) return c[aL + lab[j]] * (T[j] - t);
  if (bc === 0) return c[aL + a] * (Tb - t);
  if (bc === 1) return 0;
  return c[aL + lab[jWrap]] * (T[jWrap] - t);
}

/** The update for any voxel, boundary rules included (the path for the six faces of the box). */
function boundaryVoxel(
  T: Float64Array,
  U: Float64Array,
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
): void {
  const nxy = nx * ny;
  const i = x + nx * (y + ny * z);
  const a = lab[i];
  const aL = a * L;
  const t = T[i];
  const flux =
    faceTerm(T, lab, cx, aL, a, t, x > 0, i - 1, i + nx - 1, bc, Tb) +
    faceTerm(T, lab, cx, aL, a, t, x < nx - 1, i + 1, i - nx + 1, bc, Tb) +
    faceTerm(T, lab, cy, aL, a, t, y > 0, i - nx, i + nxy - nx, bc, Tb) +
    faceTerm(T, lab, cy, aL, a, t, y < ny - 1, i + nx, i - nxy + nx, bc, Tb) +
    faceTerm(T, lab, cz, aL, a, t, z > 0, i - nxy, i + nxy * (nz - 1), bc, Tb) +
    faceTerm(T, lab, cz, aL, a, t, z < nz - 1, i + nxy, i - nxy * (nz - 1), bc, Tb);
  const src = qs !== 0 ? sc[a] * qs * q[i] : 0;
  U[i] = t + flux - pc[a] * ps[i] * (t - Ta) + src;
}

/**
 * 1 for the voxels whose six neighbours (all inside the box) share the voxel's label, else 0: the `same` argument
 * of the explicit kernel, computed once per labelled grid.
 */
export function sameLabelVoxels(labels: Uint8Array, shape: readonly number[]): Uint8Array {
  const [nx, ny, nz] = shape;
  const nxy = nx * ny;
  const same = sharedUint8(nx * ny * nz);
  for (let z = 1; z < nz - 1; z++)
    for (let y = 1; y < ny - 1; y++)
      for (let i = nx * (y + ny * z) + 1, e = i + nx - 2; i < e; i++) {
        const a = labels[i];
        same[i] =
          labels[i - 1] === a &&
          labels[i + 1] === a &&
          labels[i - nx] === a &&
          labels[i + nx] === a &&
          labels[i - nxy] === a &&
          labels[i + nxy] === a
            ? 1
            : 0;
      }
  return same;
}

registerKernel(PENNES_EXPLICIT_KERNEL, pennesExplicitKernel);

import type { RadialFieldTable } from '../acoustics/axisymmetric-field.js';
import { InputError } from '../errors.js';
import type { Grid3D, Vec3 } from '../grid/grid3d.js';
import { type KernelArgs, registerKernel } from '../parallel/kernel-registry.js';
import { type ParallelExecutor, SerialExecutor, sharedFloat32, sharedFloat64, sharedInt32 } from '../parallel/parallel-executor.js';
import { perpendicularBasis } from './beam-path.js';

/**
 * Resamples a heat-source volume computed in the transducer frame (apex at the origin, beam along +z,
 * geometric focus at z = R) onto a box aligned with the patient grid's axes, centred on the focus: the beam
 * placed so that its geometric focus sits on the planned focus, its axis along `beam` (RAS), its x and y axes
 * along `perpendicularBasis(beam)`. Trilinear interpolation; zero outside the computed volume.
 *
 * Returns q per watt (the source volume divided by the power it was computed at), the patch shape for
 * `spacing`, and the patch voxel that holds the focus.
 */
export function beamPatch(
  source: { grid: Grid3D; heatSource: Float32Array },
  radiusOfCurvature: number,
  sourcePower: number,
  beam: Vec3,
  spacing: Vec3,
  halfExtent: Vec3,
): { q: Float32Array; shape: Vec3; centre: Vec3 } {
  if (!(sourcePower > 0)) throw new InputError('sourcePower', 'must be > 0');
  const [u, v] = perpendicularBasis(beam);
  const half = [0, 1, 2].map((a) => Math.ceil(halfExtent[a] / spacing[a]));
  const shape: Vec3 = [2 * half[0] + 1, 2 * half[1] + 1, 2 * half[2] + 1];
  const q = new Float32Array(shape[0] * shape[1] * shape[2]);
  const g = source.grid;
  const [sx, sy, sz] = g.shape;
  const field = source.heatSource;
  const scale = 1 / sourcePower;
  for (let k = 0; k < shape[2]; k++) {
    const rz = (k - half[2]) * spacing[2];
    for (let j = 0; j < shape[1]; j++) {
      const ry = (j - half[1]) * spacing[1];
      for (let i = 0; i < shape[0]; i++) {
        const rx = (i - half[0]) * spacing[0];
        // RAS offset from the focus → transducer frame (x along u, y along v, z along the beam, focus at z = R).
        const tx = rx * u[0] + ry * u[1] + rz * u[2];
        const ty = rx * v[0] + ry * v[1] + rz * v[2];
        const tz = radiusOfCurvature + rx * beam[0] + ry * beam[1] + rz * beam[2];
        const fx = (tx - g.origin[0]) / g.spacing[0];
        const fy = (ty - g.origin[1]) / g.spacing[1];
        const fz = (tz - g.origin[2]) / g.spacing[2];
        const x0 = Math.floor(fx),
          y0 = Math.floor(fy),
          z0 = Math.floor(fz);
        if (x0 < 0 || y0 < 0 || z0 < 0 || x0 >= sx - 1 || y0 >= sy - 1 || z0 >= sz - 1) continue;
        const ax = fx - x0,
          ay = fy - y0,
          az = fz - z0;
        const b = x0 + sx * (y0 + sy * z0);
        const sxy = sx * sy;
        const c00 = field[b] * (1 - ax) + field[b + 1] * ax;
        const c10 = field[b + sx] * (1 - ax) + field[b + sx + 1] * ax;
        const c01 = field[b + sxy] * (1 - ax) + field[b + sxy + 1] * ax;
        const c11 = field[b + sxy + sx] * (1 - ax) + field[b + sxy + sx + 1] * ax;
        q[i + shape[0] * (j + shape[1] * k)] = scale * ((c00 * (1 - ay) + c10 * ay) * (1 - az) + (c01 * (1 - ay) + c11 * ay) * az);
      }
    }
  }
  return { q, shape, centre: [half[0], half[1], half[2]] };
}

/** Unit voxel axes of a grid in patient RAS (the affine's columns, normalised); InputError unless orthogonal. */
export function gridAxes(grid: Grid3D): [Vec3, Vec3, Vec3] {
  const m = grid.affine;
  const axes: Vec3[] = [0, 1, 2].map((a) => {
    const c: Vec3 = [m[a], m[4 + a], m[8 + a]];
    const n = Math.hypot(c[0], c[1], c[2]);
    if (!(n > 0)) throw new InputError('grid.affine', `voxel axis ${a} has zero length`);
    return [c[0] / n, c[1] / n, c[2] / n];
  });
  for (let a = 0; a < 3; a++) {
    const b = (a + 1) % 3;
    const dot = axes[a][0] * axes[b][0] + axes[a][1] * axes[b][1] + axes[a][2] * axes[b][2];
    if (Math.abs(dot) > 1e-6) throw new InputError('grid.affine', 'heat-source patches need orthogonal voxel axes (no shear)');
  }
  return [axes[0], axes[1], axes[2]];
}

/**
 * A box of voxels aligned with a grid's axes, placed relative to the focus: voxel (i, j, k) of the patch has its
 * centre at focus + Σ_a (lo[a] + index_a)·spacing[a]·axes[a]; so the patch voxel holding the focus is −lo.
 */
export interface PatchBox {
  /** unit RAS vectors of the patch's i, j, k (the simulation grid's axes) */
  readonly axes: readonly [Vec3, Vec3, Vec3];
  /** m */
  readonly spacing: Vec3;
  /** first and last voxel index along each axis, relative to the focus voxel (lo ≤ 0 ≤ hi) */
  readonly lo: Vec3;
  readonly hi: Vec3;
}

/**
 * The smallest patch box holding the frustum of the beam between `near` (distance in front of the focus, m,
 * towards the transducer) and `far` (beyond it), of radius `nearRadius`, `farRadius` (m) at its two ends: the
 * bounding box of the two end discs, whose half-extent along a unit axis e is ρ·sqrt(1 − (e·beam)²).
 */
export function beamBox(
  beam: Vec3,
  axes: readonly [Vec3, Vec3, Vec3],
  spacing: Vec3,
  near: number,
  far: number,
  nearRadius: number,
  farRadius: number,
): PatchBox {
  const lo: number[] = [0, 0, 0];
  const hi: number[] = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const e = axes[a];
    const c = e[0] * beam[0] + e[1] * beam[1] + e[2] * beam[2];
    const s = Math.sqrt(Math.max(0, 1 - c * c));
    const ends = [
      [-near * c, nearRadius * s],
      [far * c, farRadius * s],
    ];
    const min = Math.min(ends[0][0] - ends[0][1], ends[1][0] - ends[1][1]);
    const max = Math.max(ends[0][0] + ends[0][1], ends[1][0] + ends[1][1]);
    lo[a] = Math.min(0, Math.floor(min / spacing[a] + 0.5));
    hi[a] = Math.max(0, Math.ceil(max / spacing[a] - 0.5));
  }
  return { axes, spacing, lo: lo as unknown as Vec3, hi: hi as unknown as Vec3 };
}

/** An axisymmetric beam ready to sample: its |p|² table and the heat per |p|² of each layer. */
export interface AxisymmetricBeamHeat {
  readonly table: RadialFieldTable;
  /** Q/|p|² = α_abs/(ρ c) of each medium layer (index as table.segLayer), W/m³ per Pa² */
  readonly heatPerP2: Float64Array;
  /** z (m, transducer frame) that maps onto the planned focus (the geometric focus R) */
  readonly zFocus: number;
  /** only points with z in [zRange[0], zRange[1]] heat (default: the table's range) */
  readonly zRange?: readonly [number, number];
}

/**
 * Heat-source patch of an axisymmetric beam on a grid-aligned box: for every patch voxel, the mean of
 * Q = heatPerP2[layer(z)]·|p|²(r, z) over `subsamples[a]` points per axis at the centres of equal sub-cells
 * (midpoint rule: the patch's Σ q·ΔV converges to the integral of Q over the box, so coarse voxels keep the
 * power of a field their spacing cannot resolve). A sub-cell cut by a layer interface or an end of `zRange`
 * is split there with exact volume fractions (see kernel 'radial-beam-patch'), so thin layers and the skin
 * keep their share at any spacing. A point at RAS offset d from the focus is at z = zFocus + d·beam,
 * r = |d − (d·beam) beam| in the transducer frame. `scale` multiplies q (1/power to get q per watt). Sub-cells
 * whose centre lies inside `exclude` (a box in the patch's axes, m from the focus: [lo, hi] per axis) are left
 * out, e.g. the part another, finer patch holds. Runs as kernel 'radial-beam-patch' over the patch's k-slices. Returns q (Float32, shared memory, x fastest),
 * its shape, the voxel holding the focus, and Σ q·ΔV (W at scale).
 */
export async function radialBeamPatch(
  beam: AxisymmetricBeamHeat,
  direction: Vec3,
  box: PatchBox,
  subsamples: Vec3,
  scale = 1,
  executor: ParallelExecutor = new SerialExecutor(),
  exclude?: { lo: Vec3; hi: Vec3 },
): Promise<{ q: Float32Array; shape: Vec3; centre: Vec3; power: number }> {
  const shape: Vec3 = [box.hi[0] - box.lo[0] + 1, box.hi[1] - box.lo[1] + 1, box.hi[2] - box.lo[2] + 1];
  const n = shape[0] * shape[1] * shape[2];
  const ns = subsamples.map((s) => Math.max(1, Math.round(s)));
  // Sample coordinates along each axis (m from the focus): voxel lo + v, sub-cell centres.
  const coords = [0, 1, 2].map((a) => {
    const out = sharedFloat64(shape[a] * ns[a]);
    for (let v = 0; v < shape[a]; v++)
      for (let s = 0; s < ns[a]; s++) out[v * ns[a] + s] = (box.lo[a] + v + (s + 0.5) / ns[a] - 0.5) * box.spacing[a];
    return out;
  });
  const [e0, e1, e2] = box.axes;
  const cos = box.axes.map((e) => e[0] * direction[0] + e[1] * direction[1] + e[2] * direction[2]);
  const { table, heatPerP2 } = beam;
  const nSeg = table.segStart.length;
  const segStart = sharedFloat64(nSeg);
  const segEnd = sharedFloat64(nSeg);
  const segScale = sharedFloat64(nSeg);
  const segBase = sharedInt32(nSeg);
  const segN = sharedInt32(nSeg);
  const segHeat = sharedFloat64(nSeg);
  for (let g = 0; g < nSeg; g++) {
    segStart[g] = table.segStart[g];
    segEnd[g] = table.segEnd[g];
    segN[g] = table.segIntervals[g];
    const len = segEnd[g] - segStart[g];
    segScale[g] = len > 0 ? segN[g] / len : 0;
    segBase[g] = table.segFirst[g] * table.nr;
    segHeat[g] = heatPerP2[table.segLayer[g]];
  }
  // A beam along a patch axis with a box symmetric about it across the beam: the patch is mirror-symmetric in
  // both lateral axes (the field is axisymmetric, the sub-cells symmetric), so only the quadrant on the
  // positive side of the focus is computed and then mirrored.
  const along = cos.findIndex((c) => Math.abs(c) > 1 - 1e-12);
  const mirror = [0, 1, 2].map(
    (a) => along >= 0 && a !== along && box.lo[a] === -box.hi[a] && (!exclude || Math.abs(exclude.lo[a] + exclude.hi[a]) <= 1e-12),
  );
  const ex = exclude ?? { lo: [1, 1, 1], hi: [-1, -1, -1] };
  const first = [0, 1, 2].map((a) => (mirror[a] ? -box.lo[a] : 0));
  const q = sharedFloat32(n);
  await executor.run(
    'radial-beam-patch',
    {
      exLo0: ex.lo[0],
      exLo1: ex.lo[1],
      exLo2: ex.lo[2],
      exHi0: ex.hi[0],
      exHi1: ex.hi[1],
      exHi2: ex.hi[2],
      iFirst: first[0],
      jFirst: first[1],
      kFirst: first[2],
      nx: shape[0],
      ny: shape[1],
      sx: ns[0],
      sy: ns[1],
      sz: ns[2],
      x0: coords[0],
      y0: coords[1],
      z0: coords[2],
      e0x: e0[0],
      e0y: e0[1],
      e0z: e0[2],
      e1x: e1[0],
      e1y: e1[1],
      e1z: e1[2],
      e2x: e2[0],
      e2y: e2[1],
      e2z: e2[2],
      c0: cos[0],
      c1: cos[1],
      c2: cos[2],
      h0: (Math.abs(cos[0]) * box.spacing[0]) / (2 * ns[0]),
      h1: (Math.abs(cos[1]) * box.spacing[1]) / (2 * ns[1]),
      h2: (Math.abs(cos[2]) * box.spacing[2]) / (2 * ns[2]),
      zFocus: beam.zFocus,
      zLo: Math.max(beam.zRange ? beam.zRange[0] : Number.NEGATIVE_INFINITY, table.segStart[0]),
      zHi: Math.min(beam.zRange ? beam.zRange[1] : Number.POSITIVE_INFINITY, table.segEnd[nSeg - 1]),
      nSeg,
      segStart,
      segEnd,
      segScale,
      segBase,
      segN,
      segHeat,
      p2: table.p2,
      nr: table.nr,
      invDr: 1 / table.dr,
      scale: scale / (ns[0] * ns[1] * ns[2]),
      q,
    },
    shape[2] - first[2],
  );
  const [nx, ny, nz] = shape;
  for (let k = 0; k < nz; k++) {
    const kk = mirror[2] && k < first[2] ? 2 * first[2] - k : k;
    for (let j = 0; j < ny; j++) {
      const jj = mirror[1] && j < first[1] ? 2 * first[1] - j : j;
      for (let i = 0; i < nx; i++) {
        const ii = mirror[0] && i < first[0] ? 2 * first[0] - i : i;
        if (ii !== i || jj !== j || kk !== k) q[i + nx * (j + ny * k)] = q[ii + nx * (jj + ny * kk)];
      }
    }
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += q[i];
  return {
    q,
    shape,
    centre: [-box.lo[0], -box.lo[1], -box.lo[2]],
    power: sum * box.spacing[0] * box.spacing[1] * box.spacing[2],
  };
}

/**
 * Kernel 'radial-beam-patch': patch k-slices kFirst + [start, end), voxels i ≥ iFirst, j ≥ jFirst (sub-cells
 * centred inside the box exLo..exHi, in the patch axes, skipped). For each voxel, q = scale · Σ over its sx·sy·sz
 * sub-cells of Q(r, z) = segHeat[g]·|p|²(r, z) (bilinear in the table segment g holding z), the sub-cell at
 * RAS offset d = x·e0 + y·e1 + z·e2 from the focus, axial z = zFocus + d·beam, r = |d − (d·beam) beam|. A sub-cell
 * whose axial span [z − P, z + P] (P = h0 + h1 + h2, the projections of its half-sides on the beam) holds an
 * interface or an end of [zLo, zHi] is split there: each part weighs its exact volume fraction (the CDF of the
 * axial offset, a sum of three uniforms: uniformSum) and is evaluated at its own midpoint; the others are
 * point samples (midpoint rule).
 */
function radialBeamPatchKernel(args: KernelArgs, start: number, end: number): void {
  const nx = args.nx as number;
  const ny = args.ny as number;
  const sx = args.sx as number;
  const sy = args.sy as number;
  const sz = args.sz as number;
  const x0 = args.x0 as Float64Array;
  const y0 = args.y0 as Float64Array;
  const z0 = args.z0 as Float64Array;
  const e0x = args.e0x as number,
    e0y = args.e0y as number,
    e0z = args.e0z as number;
  const e1x = args.e1x as number,
    e1y = args.e1y as number,
    e1z = args.e1z as number;
  const e2x = args.e2x as number,
    e2y = args.e2y as number,
    e2z = args.e2z as number;
  const c0 = args.c0 as number,
    c1 = args.c1 as number,
    c2 = args.c2 as number;
  const zFocus = args.zFocus as number;
  const zLo = args.zLo as number;
  const zHi = args.zHi as number;
  const nSeg = args.nSeg as number;
  const segStart = args.segStart as Float64Array;
  const segEnd = args.segEnd as Float64Array;
  const segScale = args.segScale as Float64Array;
  const segBase = args.segBase as Int32Array;
  const segN = args.segN as Int32Array;
  const segHeat = args.segHeat as Float64Array;
  const p2 = args.p2 as Float32Array;
  const nr = args.nr as number;
  const invDr = args.invDr as number;
  const scale = args.scale as number;
  const q = args.q as Float32Array;
  const span = uniformSum(args.h0 as number, args.h1 as number, args.h2 as number);
  const P = span.halfWidth;
  const exLo0 = args.exLo0 as number,
    exLo1 = args.exLo1 as number,
    exLo2 = args.exLo2 as number;
  const exHi0 = args.exHi0 as number,
    exHi1 = args.exHi1 as number,
    exHi2 = args.exHi2 as number;
  const iFirst = args.iFirst as number;
  const jFirst = args.jFirst as number;
  const kFirst = args.kFirst as number;
  const slab = new Float64Array(nx * ny);
  for (let k = kFirst + start; k < kFirst + end; k++) {
    slab.fill(0);
    for (let mz = k * sz; mz < (k + 1) * sz; mz++) {
      const tz = z0[mz];
      for (let my = jFirst * sy; my < y0.length; my++) {
        const ty = y0[my];
        const row = ((my / sy) | 0) * nx;
        const bx = ty * e1x + tz * e2x;
        const by = ty * e1y + tz * e2y;
        const bz = ty * e1z + tz * e2z;
        const bw = ty * c1 + tz * c2;
        const rowExcluded = ty > exLo1 && ty < exHi1 && tz > exLo2 && tz < exHi2;
        for (let mx = iFirst * sx; mx < x0.length; mx++) {
          const tx = x0[mx];
          if (rowExcluded && tx > exLo0 && tx < exHi0) continue;
          const w = bw + tx * c0;
          const z = zFocus + w;
          if (z + P < zLo || z - P > zHi) continue;
          const dx = bx + tx * e0x;
          const dy = by + tx * e0y;
          const dz = bz + tx * e0z;
          const r2 = dx * dx + dy * dy + dz * dz - w * w;
          const fr = Math.sqrt(r2 > 0 ? r2 : 0) * invDr;
          const m = fr | 0;
          if (m >= nr - 1) continue;
          const wr = fr - m;
          let g = 0;
          while (g < nSeg - 1 && z > segEnd[g]) g++;
          let v: number;
          if ((g > 0 && z - P < segStart[g]) || (g < nSeg - 1 && z + P > segEnd[g]) || z - P < zLo || z + P > zHi) {
            v = 0;
            let u0 = Math.max(z - P, zLo);
            const top = Math.min(z + P, zHi);
            let gg = 0;
            while (gg < nSeg - 1 && u0 >= segEnd[gg]) gg++;
            while (u0 < top && gg < nSeg) {
              const u1 = gg < nSeg - 1 ? Math.min(segEnd[gg], top) : top;
              const frac = span.cdf(u1 - z) - span.cdf(u0 - z);
              if (frac > 0)
                v += frac * segHeat[gg] * radialAt(p2, segBase[gg], segStart[gg], segScale[gg], segN[gg], nr, m, wr, 0.5 * (u0 + u1));
              u0 = u1;
              gg++;
            }
          } else {
            v = segHeat[g] * radialAt(p2, segBase[g], segStart[g], segScale[g], segN[g], nr, m, wr, z);
          }
          slab[row + ((mx / sx) | 0)] += v;
        }
      }
    }
    const base = k * nx * ny;
    for (let i = 0; i < nx * ny; i++) q[base + i] = slab[i] * scale;
  }
}
registerKernel('radial-beam-patch', radialBeamPatchKernel);

/** Bilinear |p|² at radius index m + wr and axial position z inside one segment of a radial table. */
function radialAt(
  p2: Float32Array,
  base: number,
  start: number,
  scale: number,
  intervals: number,
  nr: number,
  m: number,
  wr: number,
  z: number,
): number {
  const fz = (z - start) * scale;
  let k = fz > 0 ? fz | 0 : 0;
  if (k >= intervals) k = intervals - 1;
  const wz = fz - k;
  const i0 = base + k * nr + m;
  const i1 = i0 + nr;
  return (p2[i0] + (p2[i0 + 1] - p2[i0]) * wr) * (1 - wz) + (p2[i1] + (p2[i1 + 1] - p2[i1]) * wr) * wz;
}

/**
 * The distribution of X = U0 + U1 + U2, U_a uniform on [−h_a, h_a] (the axial offsets of the points of a box
 * cell): cdf(t) = P(X ≤ t) by the Irwin–Hall-type formula F(t) = Σ_S (−1)^|S| (t + Σh − Σ_{a∈S} 2h_a)_+^n /
 * (n! Π 2h_a) over the n axes of non-zero width (a zero-width axis is a point mass and drops out).
 */
export function uniformSum(h0: number, h1: number, h2: number): { halfWidth: number; cdf: (t: number) => number } {
  const widths = [h0, h1, h2].filter((h) => h > 1e-15).map((h) => 2 * h);
  const n = widths.length;
  const halfWidth = h0 + h1 + h2;
  if (n === 0) return { halfWidth, cdf: (t) => (t >= 0 ? 1 : 0) };
  let denom = 1;
  for (let i = 0; i < n; i++) denom *= widths[i] * (i + 1);
  const shifts: number[] = [];
  const signs: number[] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    let sh = 0;
    let bits = 0;
    for (let i = 0; i < n; i++)
      if (mask & (1 << i)) {
        sh += widths[i];
        bits++;
      }
    shifts.push(sh);
    signs.push(bits % 2 ? -1 : 1);
  }
  const cdf = (t: number): number => {
    const u = t + halfWidth;
    if (u <= 0) return 0;
    if (u >= 2 * halfWidth) return 1;
    let s = 0;
    for (let i = 0; i < shifts.length; i++) {
      const d = u - shifts[i];
      if (d > 0) s += signs[i] * d ** n;
    }
    return s / denom;
  };
  return { halfWidth, cdf };
}

import { InputError, requireFinite } from '../errors.js';
import { type Grid3D, type Vec3, voxelCount } from '../grid/grid3d.js';
import { sharedFloat32 } from '../parallel/parallel-executor.js';

/**
 * A heat source for the bioheat solvers: volumetric power density q in W/m³ when the transducer emits
 * `referencePower` watts (default 1 W, i.e. q per watt). A segment at power P deposits q·P/referencePower
 * (Q is linear in acoustic power without nonlinear propagation).
 *
 * - 'field': q on every voxel of the simulation grid (from the acoustic engine or a NIfTI file);
 * - 'patch': q on a small box of `shape` voxels (same spacing as the grid) whose voxel (0,0,0) sits on grid voxel
 *   `offset` (integers; parts outside the grid are dropped). The same beam moved with the transducer is the same
 *   patch at another offset (`placePatch`), so a treatment of hundreds of foci stores one patch.
 */
export type HeatSource = FieldHeatSource | PatchHeatSource;

export interface FieldHeatSource {
  readonly kind: 'field';
  /** W/m³ at referencePower, length = grid voxels, shared memory */
  readonly q: Float32Array;
  /** W; default 1 */
  readonly referencePower?: number;
}

export interface PatchHeatSource {
  readonly kind: 'patch';
  /** W/m³ at referencePower, length = shape[0]·shape[1]·shape[2], x fastest */
  readonly q: Float32Array;
  readonly shape: Vec3;
  /** grid voxel index of the patch's voxel (0,0,0) */
  readonly offset: Vec3;
  /** patch voxel (fractional allowed) that is the focus; placePatch puts it on a position */
  readonly centre: Vec3;
  readonly referencePower?: number;
}

function checkValues(q: ArrayLike<number>, field: string): void {
  for (let i = 0; i < q.length; i++) {
    const v = q[i];
    if (!Number.isFinite(v)) throw new InputError(field, `voxel ${i} is ${v}; a heat source must be finite`);
    if (v < 0) throw new InputError(field, `voxel ${i} is ${v} W/m³; a heat source must be >= 0`);
  }
}

/** A whole-grid source, validated (finite, ≥ 0) and copied to shared memory unless already shared. */
export function fieldSource(grid: Grid3D, q: ArrayLike<number>, referencePower?: number, field = 'source'): FieldHeatSource {
  const n = voxelCount(grid);
  if (q.length !== n) throw new InputError(field, `has ${q.length} voxels, the grid has ${n}`);
  checkValues(q, field);
  if (referencePower !== undefined) requireFinite(`${field}.referencePower`, referencePower, 'positive');
  const shared = q instanceof Float32Array && typeof SharedArrayBuffer !== 'undefined' && q.buffer instanceof SharedArrayBuffer;
  let out: Float32Array;
  if (shared) out = q as Float32Array;
  else {
    out = sharedFloat32(n);
    for (let i = 0; i < n; i++) out[i] = q[i];
  }
  return { kind: 'field', q: out, referencePower };
}

/** A patch source, validated. */
export function patchSource(
  q: ArrayLike<number>,
  shape: Vec3,
  centre: Vec3,
  offset: Vec3 = [0, 0, 0],
  referencePower?: number,
  field = 'source',
): PatchHeatSource {
  for (let a = 0; a < 3; a++) {
    if (!Number.isInteger(shape[a]) || shape[a] < 1)
      throw new InputError(`${field}.shape`, `must be positive integers, got ${shape.join('×')}`);
    if (!Number.isInteger(offset[a])) throw new InputError(`${field}.offset`, `must be integers, got ${offset.join(', ')}`);
    requireFinite(`${field}.centre`, centre[a]);
  }
  if (q.length !== shape[0] * shape[1] * shape[2]) throw new InputError(field, `has ${q.length} values for a ${shape.join('×')} patch`);
  checkValues(q, field);
  if (referencePower !== undefined) requireFinite(`${field}.referencePower`, referencePower, 'positive');
  return {
    kind: 'patch',
    q: Float32Array.from(q),
    shape: [...shape] as unknown as Vec3,
    offset: [...offset] as unknown as Vec3,
    centre,
    referencePower,
  };
}

/** The same patch with its focus on the grid voxel nearest to `position` (m, grid frame). Shares q. */
export function placePatch(patch: PatchHeatSource, grid: Grid3D, position: Vec3): PatchHeatSource {
  const offset: number[] = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    requireFinite('position', position[a]);
    offset[a] = Math.round((position[a] - grid.origin[a]) / grid.spacing[a] - patch.centre[a]);
  }
  return { ...patch, offset: offset as unknown as Vec3 };
}

/**
 * A Gaussian (ellipsoidal "cigar") patch: q = peak·exp(−Σ x_a²/(2σ_a²)), sampled on `spacing` out to
 * `extent` σ each side (default 3); its centre voxel is the peak. Total power: peak·(2π)^{3/2}·σxσyσz.
 */
export function gaussianPatch(spacing: Vec3, sigma: Vec3, peak: number, extent = 3, referencePower?: number): PatchHeatSource {
  const half: number[] = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    requireFinite(`sigma[${a}]`, sigma[a], 'positive');
    requireFinite(`spacing[${a}]`, spacing[a], 'positive');
    half[a] = Math.ceil((extent * sigma[a]) / spacing[a]);
  }
  requireFinite('peak', peak, 'non-negative');
  const shape: Vec3 = [2 * half[0] + 1, 2 * half[1] + 1, 2 * half[2] + 1];
  const q = new Float32Array(shape[0] * shape[1] * shape[2]);
  for (let k = 0; k < shape[2]; k++) {
    const gz = ((k - half[2]) * spacing[2]) / sigma[2];
    for (let j = 0; j < shape[1]; j++) {
      const gy = ((j - half[1]) * spacing[1]) / sigma[1];
      for (let i = 0; i < shape[0]; i++) {
        const gx = ((i - half[0]) * spacing[0]) / sigma[0];
        q[i + shape[0] * (j + shape[1] * k)] = peak * Math.exp(-0.5 * (gx * gx + gy * gy + gz * gz));
      }
    }
  }
  return { kind: 'patch', q, shape, offset: [0, 0, 0], centre: [half[0], half[1], half[2]], referencePower };
}

/** Total power of a source on a grid (W, at referencePower): Σ q·V over the voxels inside the grid. */
export function sourcePower(source: HeatSource, grid: Grid3D): number {
  const v = grid.spacing[0] * grid.spacing[1] * grid.spacing[2];
  let s = 0;
  forEachSourceVoxel(source, grid, (_i, q) => {
    s += q;
  });
  return s * v;
}

/**
 * Calls fn(gridIndex, q) for every source voxel inside the grid with q ≠ 0 (a setup-time helper; the stepping
 * code has its own loops).
 */
export function forEachSourceVoxel(source: HeatSource, grid: Grid3D, fn: (index: number, q: number) => void): void {
  const [nx, ny, nz] = grid.shape;
  if (source.kind === 'field') {
    for (let i = 0; i < source.q.length; i++) if (source.q[i] !== 0) fn(i, source.q[i]);
    return;
  }
  const [px, py, pz] = source.shape;
  const [ox, oy, oz] = source.offset;
  for (let k = Math.max(0, -oz); k < Math.min(pz, nz - oz); k++) {
    for (let j = Math.max(0, -oy); j < Math.min(py, ny - oy); j++) {
      const prow = px * (j + py * k);
      const grow = nx * (j + oy + ny * (k + oz)) + ox;
      for (let i = Math.max(0, -ox); i < Math.min(px, nx - ox); i++) {
        const v = source.q[prow + i];
        if (v !== 0) fn(grow + i, v);
      }
    }
  }
}

/**
 * T[i] += scale · sc[label_i] · q (the explicit update's source term for a patch source, added after the
 * source-free stencil; sc[a] = Δt/(ρ_a C_a)). Serial: patches are small.
 */
export function addPatchSource(
  T: Float64Array,
  labels: Uint8Array,
  sc: Float64Array,
  grid: Grid3D,
  patch: PatchHeatSource,
  scale: number,
): void {
  const [nx, ny, nz] = grid.shape;
  const [px, py, pz] = patch.shape;
  const [ox, oy, oz] = patch.offset;
  const q = patch.q;
  for (let k = Math.max(0, -oz); k < Math.min(pz, nz - oz); k++) {
    for (let j = Math.max(0, -oy); j < Math.min(py, ny - oy); j++) {
      const prow = px * (j + py * k);
      const grow = nx * (j + oy + ny * (k + oz)) + ox;
      for (let i = Math.max(0, -ox); i < Math.min(px, nx - ox); i++) {
        const g = grow + i;
        T[g] += scale * sc[labels[g]] * q[prow + i];
      }
    }
  }
}

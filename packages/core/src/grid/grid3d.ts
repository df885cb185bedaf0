import { InputError, LimitError, requireFinite } from '../errors.js';

/** Three numbers along x, y, z. */
export type Vec3 = readonly [number, number, number];

/**
 * A regular 3D grid of voxel centres.
 *
 * - `shape` [nx, ny, nz]; flat index `i = x + nx * (y + ny * z)` (x fastest, as NIfTI stores data).
 * - `spacing` [dx, dy, dz] in metres.
 * - `origin` position of voxel (0, 0, 0)'s centre in the grid's own frame, metres. Solvers work in this
 *   frame (for acoustics: the transducer frame, z along the beam).
 * - `affine` 4×4 row-major matrix taking voxel indices (i, j, k, 1) to patient RAS+ millimetres, as in a
 *   NIfTI sform. For grids that are not tied to a patient it is the axis-aligned map of spacing and origin.
 */
export interface Grid3D {
  readonly shape: Vec3;
  readonly spacing: Vec3;
  readonly origin: Vec3;
  readonly affine: readonly number[];
}

/** Hard ceiling on voxels in one grid (Float32 fields of 2^28 voxels are 1 GiB each). */
export const MAX_GRID_VOXELS = 2 ** 28;

/** Builds and validates a grid. Throws InputError/LimitError naming the bad dimension. */
export function createGrid(shape: Vec3, spacing: Vec3, origin: Vec3 = [0, 0, 0], affine?: readonly number[]): Grid3D {
  const axes = ['x', 'y', 'z'];
  for (let a = 0; a < 3; a++) {
    const n = shape[a];
    if (!Number.isInteger(n) || (n as number) < 1) throw new InputError(`grid.shape[${axes[a]}]`, `must be a positive integer, got ${n}`);
    requireFinite(`grid.spacing[${axes[a]}]`, spacing[a], 'positive');
    requireFinite(`grid.origin[${axes[a]}]`, origin[a]);
  }
  const count = shape[0] * shape[1] * shape[2];
  if (count > MAX_GRID_VOXELS) {
    throw new LimitError(`grid of ${shape.join('×')} = ${count} voxels exceeds the limit of ${MAX_GRID_VOXELS}`);
  }
  const m = affine ?? axisAlignedAffine(spacing, origin);
  if (m.length !== 16 || !m.every(Number.isFinite)) throw new InputError('grid.affine', 'must be 16 finite numbers (4×4, row-major)');
  return {
    shape: [...shape] as unknown as Vec3,
    spacing: [...spacing] as unknown as Vec3,
    origin: [...origin] as unknown as Vec3,
    affine: [...m],
  };
}

/** The voxel→RAS-mm affine of an unrotated grid: diag(spacing·1000), translation origin·1000. */
export function axisAlignedAffine(spacing: Vec3, origin: Vec3): number[] {
  return [
    spacing[0] * 1000,
    0,
    0,
    origin[0] * 1000,
    0,
    spacing[1] * 1000,
    0,
    origin[1] * 1000,
    0,
    0,
    spacing[2] * 1000,
    origin[2] * 1000,
    0,
    0,
    0,
    1,
  ];
}

export function voxelCount(grid: Grid3D): number {
  return grid.shape[0] * grid.shape[1] * grid.shape[2];
}

/** Volume of one voxel in m³. */
export function voxelVolume(grid: Grid3D): number {
  return grid.spacing[0] * grid.spacing[1] * grid.spacing[2];
}

/** Flat index of voxel (i, j, k); no bounds check (hot paths precompute strides instead). */
export function linearIndex(grid: Grid3D, i: number, j: number, k: number): number {
  return i + grid.shape[0] * (j + grid.shape[1] * k);
}

/** Inverse of linearIndex, written into `out` to avoid allocation. */
export function voxelOf(grid: Grid3D, index: number, out: number[] = [0, 0, 0]): number[] {
  const nx = grid.shape[0];
  const nxy = nx * grid.shape[1];
  out[2] = Math.floor(index / nxy);
  const r = index - out[2] * nxy;
  out[1] = Math.floor(r / nx);
  out[0] = r - out[1] * nx;
  return out;
}

export function contains(grid: Grid3D, i: number, j: number, k: number): boolean {
  return i >= 0 && j >= 0 && k >= 0 && i < grid.shape[0] && j < grid.shape[1] && k < grid.shape[2];
}

/** Coordinates (m, grid frame) of the voxel centres along one axis. */
export function axisCoordinates(grid: Grid3D, axis: 0 | 1 | 2): Float64Array {
  const n = grid.shape[axis];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = grid.origin[axis] + i * grid.spacing[axis];
  return out;
}

/** Position (m, grid frame) of voxel (i, j, k); fractional indices allowed. */
export function voxelToPosition(grid: Grid3D, i: number, j: number, k: number, out: number[] = [0, 0, 0]): number[] {
  out[0] = grid.origin[0] + i * grid.spacing[0];
  out[1] = grid.origin[1] + j * grid.spacing[1];
  out[2] = grid.origin[2] + k * grid.spacing[2];
  return out;
}

/** Fractional voxel index of a position (m, grid frame). */
export function positionToVoxel(grid: Grid3D, x: number, y: number, z: number, out: number[] = [0, 0, 0]): number[] {
  out[0] = (x - grid.origin[0]) / grid.spacing[0];
  out[1] = (y - grid.origin[1]) / grid.spacing[1];
  out[2] = (z - grid.origin[2]) / grid.spacing[2];
  return out;
}

/** Patient RAS+ millimetres of voxel (i, j, k) through the grid's affine. */
export function voxelToRasMm(grid: Grid3D, i: number, j: number, k: number, out: number[] = [0, 0, 0]): number[] {
  const m = grid.affine;
  out[0] = m[0] * i + m[1] * j + m[2] * k + m[3];
  out[1] = m[4] * i + m[5] * j + m[6] * k + m[7];
  out[2] = m[8] * i + m[9] * j + m[10] * k + m[11];
  return out;
}

/**
 * Inverse of a voxel→RAS affine (4×4 row-major, last row 0 0 0 1): the RAS→voxel map, same layout.
 * InputError when the 3×3 part is singular.
 */
export function invertAffine(m: readonly number[]): number[] {
  const a = m[0],
    b = m[1],
    c = m[2],
    d = m[4],
    e = m[5],
    f = m[6],
    g = m[8],
    h = m[9],
    l = m[10];
  const det = a * (e * l - f * h) - b * (d * l - f * g) + c * (d * h - e * g);
  if (!(Math.abs(det) > 0)) throw new InputError('grid.affine', 'is singular');
  const r = [
    (e * l - f * h) / det,
    -(b * l - c * h) / det,
    (b * f - c * e) / det,
    -(d * l - f * g) / det,
    (a * l - c * g) / det,
    -(a * f - c * d) / det,
    (d * h - e * g) / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
  const out = new Array<number>(16).fill(0);
  for (let i = 0; i < 3; i++) {
    out[4 * i] = r[3 * i];
    out[4 * i + 1] = r[3 * i + 1];
    out[4 * i + 2] = r[3 * i + 2];
    out[4 * i + 3] = -(r[3 * i] * m[3] + r[3 * i + 1] * m[7] + r[3 * i + 2] * m[11]);
  }
  out[15] = 1;
  return out;
}

/** Inverse affines of grids already asked (grids are immutable values, so the inverse never goes stale). */
const INVERSES = new WeakMap<Grid3D, number[]>();

/** Fractional voxel index of a patient RAS+ mm point (through the grid's inverse affine, computed once per grid). */
export function rasMmToVoxel(grid: Grid3D, x: number, y: number, z: number, out: number[] = [0, 0, 0]): number[] {
  let m = INVERSES.get(grid);
  if (!m) {
    m = invertAffine(grid.affine);
    INVERSES.set(grid, m);
  }
  out[0] = m[0] * x + m[1] * y + m[2] * z + m[3];
  out[1] = m[4] * x + m[5] * y + m[6] * z + m[7];
  out[2] = m[8] * x + m[9] * y + m[10] * z + m[11];
  return out;
}

/** True when two grids have the same shape and (to 1e-9 relative) spacing and affine. */
export function sameGrid(a: Grid3D, b: Grid3D): boolean {
  for (let i = 0; i < 3; i++) {
    if (a.shape[i] !== b.shape[i]) return false;
    if (Math.abs(a.spacing[i] - b.spacing[i]) > 1e-9 * Math.abs(a.spacing[i])) return false;
  }
  for (let i = 0; i < 16; i++) if (Math.abs(a.affine[i] - b.affine[i]) > 1e-6) return false;
  return true;
}

import { InputError } from '../errors.js';
import { type Grid3D, axisCoordinates, voxelCount, voxelVolume } from '../grid/grid3d.js';
import { LETHAL_CEM43 } from './thermal-dose.js';

/** Volume (m³) of the voxels whose dose is at least `threshold` (CEM43 min, default 240). */
export function lesionVolume(dose: ArrayLike<number>, grid: Grid3D, threshold = LETHAL_CEM43): number {
  let c = 0;
  for (let i = 0; i < dose.length; i++) if (dose[i] >= threshold) c++;
  return c * voxelVolume(grid);
}

/** Size of a lesion along an axis (length) and across it (widths), m. */
export interface LesionDimensions {
  /** extent along `axis` through the voxel of highest dose, m (0 when there is no lesion) */
  length: number;
  /** the larger of the two extents across the axis, m */
  width: number;
  /** extents along the two other axes (in x, y, z order), m */
  widths: [number, number];
  /** voxel (i, j, k) of the highest dose */
  peakVoxel: [number, number, number];
}

/**
 * Length and widths of the lesion (dose ≥ threshold) through its highest-dose voxel: along each grid axis the
 * contour is found between the last voxel inside and the first outside by linear interpolation of ln(dose)
 * (dose falls roughly exponentially with distance), so sizes are not quantised to the spacing.
 */
export function lesionDimensions(dose: ArrayLike<number>, grid: Grid3D, threshold = LETHAL_CEM43, axis: 0 | 1 | 2 = 2): LesionDimensions {
  if (dose.length !== voxelCount(grid)) throw new InputError('dose', `has ${dose.length} voxels, the grid has ${voxelCount(grid)}`);
  if (!(threshold > 0)) throw new InputError('threshold', `must be > 0, got ${threshold}`);
  const [nx, ny] = grid.shape;
  let best = 0;
  let bi = -1;
  for (let i = 0; i < dose.length; i++) {
    if (dose[i] > best) {
      best = dose[i];
      bi = i;
    }
  }
  const pv: [number, number, number] = bi < 0 ? [0, 0, 0] : [bi % nx, Math.floor(bi / nx) % ny, Math.floor(bi / (nx * ny))];
  const extents = [0, 0, 0];
  if (best >= threshold) {
    const lt = Math.log(threshold);
    const strides = [1, nx, nx * ny];
    for (let a = 0; a < 3; a++) {
      let total = 0;
      for (const dir of [-1, 1]) {
        let k = 0;
        let idx = bi;
        let pos = pv[a];
        while (pos + dir >= 0 && pos + dir < grid.shape[a] && dose[idx + dir * strides[a]] >= threshold) {
          idx += dir * strides[a];
          pos += dir;
          k++;
        }
        let frac = 0.5; // contour half a voxel out where the lesion reaches the grid's edge
        if (pos + dir >= 0 && pos + dir < grid.shape[a]) {
          const li = Math.log(dose[idx]);
          const lo = Math.log(Math.max(dose[idx + dir * strides[a]], 1e-300));
          frac = (li - lt) / (li - lo);
        }
        total += (k + frac) * grid.spacing[a];
      }
      extents[a] = total;
    }
  }
  const others = [0, 1, 2].filter((a) => a !== axis);
  const widths: [number, number] = [extents[others[0]], extents[others[1]]];
  return { length: extents[axis], width: Math.max(widths[0], widths[1]), widths, peakVoxel: pv };
}

/**
 * Mean coordinate along `axis` (m, the grid's own coordinates) of the voxels whose dose is at least `threshold`,
 * or null without a lesion. With the beam along +axis, a lesion that grows towards the transducer moves it down.
 */
export function lesionCentroid(dose: ArrayLike<number>, grid: Grid3D, threshold = LETHAL_CEM43, axis: 0 | 1 | 2 = 2): number | null {
  if (dose.length !== voxelCount(grid)) throw new InputError('dose', `has ${dose.length} voxels, the grid has ${voxelCount(grid)}`);
  const coord = axisCoordinates(grid, axis);
  const [nx, ny] = grid.shape;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < dose.length; i++) {
    if (!(dose[i] >= threshold)) continue;
    const k = axis === 0 ? i % nx : axis === 1 ? Math.floor(i / nx) % ny : Math.floor(i / (nx * ny));
    sum += coord[k];
    count++;
  }
  return count > 0 ? sum / count : null;
}

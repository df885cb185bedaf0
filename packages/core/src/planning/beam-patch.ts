import { InputError } from '../errors.js';
import type { Grid3D, Vec3 } from '../grid/grid3d.js';
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
        const x0 = Math.floor(fx), y0 = Math.floor(fy), z0 = Math.floor(fz);
        if (x0 < 0 || y0 < 0 || z0 < 0 || x0 >= sx - 1 || y0 >= sy - 1 || z0 >= sz - 1) continue;
        const ax = fx - x0, ay = fy - y0, az = fz - z0;
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

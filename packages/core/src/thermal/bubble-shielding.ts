import { InputError } from '../errors.js';
import type { Grid3D, Vec3 } from '../grid/grid3d.js';
import { sharedFloat32 } from '../parallel/parallel-executor.js';
import { STEAM_DENSITY } from './boiling.js';

/** Speed of sound in saturated steam at 100 °C, m/s (ideal gas, γ = 1.33, R_s = 461.5 J/kg/K: √(γ R_s T) ≈ 478). */
export const STEAM_SOUND_SPEED = 478;
/** Characteristic impedance of soft tissue, Rayl (ρc ≈ 1050 × 1540; Duck 1990). */
const TISSUE_IMPEDANCE = 1.62e6;

/**
 * Intensity reflection coefficient of a tissue–vapour interface at normal incidence, ((Z_t − Z_v)/(Z_t + Z_v))²:
 * 0.9993 with steam at 100 °C against soft tissue. A boiling bubble is a pressure-release mirror.
 */
export const VAPOUR_REFLECTION =
  ((TISSUE_IMPEDANCE - STEAM_DENSITY * STEAM_SOUND_SPEED) / (TISSUE_IMPEDANCE + STEAM_DENSITY * STEAM_SOUND_SPEED)) ** 2;

/**
 * The heat source of a beam that meets bubbles (the tadpole mechanism of Khokhlova TD et al., JASA 2009;125:2420,
 * and of bubble shielding in HIFU: Chavrier F et al., JASA 2000;108:432).
 *
 * Each bubble voxel is a pressure-release mirror across the beam (VAPOUR_REFLECTION of the intensity): tissue in its
 * shadow (further along the beam, within one voxel of its line across the beam) receives nothing, and tissue in
 * front of it receives, besides the incident wave, the reflected one, whose intensity at distance d in front of the
 * mirror is that the incident wave would have had at distance d behind it (the method of images for a plane
 * mirror; phases averaged over the λ/2 standing-wave period, so intensities add). The heat of the absorbed
 * reflection therefore lands in front of the bubble, and the lesion grows towards the transducer.
 *
 * Geometry: `beam` is the unit propagation direction in the grid's axes (x, y, z of the voxel array, metres);
 * bubbles are binned on a lateral map of one voxel pitch; the mirror plane of a column is the front face of its
 * nearest bubble (half a voxel before its centre). Multiple reflections and diffraction round the bubble are
 * neglected (the bubble is a few voxels across, the wavelength ~2 mm: a stated limit).
 */
export function shieldedSource(
  q: Float32Array,
  grid: Grid3D,
  beam: Vec3,
  bubbles: readonly number[],
  out: Float32Array = sharedFloat32(q.length),
  reflection = VAPOUR_REFLECTION,
): Float32Array {
  const len = Math.hypot(beam[0], beam[1], beam[2]);
  if (!(len > 0)) throw new InputError('bubbleShielding.beam', 'must be a non-zero direction');
  const b: Vec3 = [beam[0] / len, beam[1] / len, beam[2] / len];
  const [u, v] = lateralAxes(b);
  const [nx, ny, nz] = grid.shape;
  const [hx, hy, hz] = grid.spacing;
  const h = Math.min(hx, hy, hz);
  // front (axial coordinate of the mirror plane) per lateral cell
  const front = new Map<number, number>();
  const key = (lu: number, lv: number) => Math.round(lu / h) * 1048576 + Math.round(lv / h);
  for (const i of bubbles) {
    const x = (i % nx) * hx;
    const y = (Math.floor(i / nx) % ny) * hy;
    const z = Math.floor(i / (nx * ny)) * hz;
    const k = key(x * u[0] + y * u[1] + z * u[2], x * v[0] + y * v[1] + z * v[2]);
    const s = x * b[0] + y * b[1] + z * b[2] - 0.5 * h;
    const f = front.get(k);
    if (f === undefined || s < f) front.set(k, s);
  }
  out.set(q);
  if (front.size === 0) return out;
  for (let kz = 0; kz < nz; kz++) {
    const z = kz * hz;
    for (let ky = 0; ky < ny; ky++) {
      const y = ky * hy;
      const row = nx * (ky + ny * kz);
      for (let kx = 0; kx < nx; kx++) {
        const x = kx * hx;
        const f = front.get(key(x * u[0] + y * u[1] + z * u[2], x * v[0] + y * v[1] + z * v[2]));
        if (f === undefined) continue;
        const s = x * b[0] + y * b[1] + z * b[2];
        const i = row + kx;
        if (s >= f) {
          out[i] = 0;
          continue;
        }
        const d = 2 * (f - s);
        const mx = Math.round((x + d * b[0]) / hx);
        const my = Math.round((y + d * b[1]) / hy);
        const mz = Math.round((z + d * b[2]) / hz);
        if (mx < 0 || my < 0 || mz < 0 || mx >= nx || my >= ny || mz >= nz) continue;
        out[i] = q[i] + reflection * q[mx + nx * (my + ny * mz)];
      }
    }
  }
  return out;
}

/** Two unit vectors perpendicular to b and to each other. */
function lateralAxes(b: Vec3): [Vec3, Vec3] {
  const a: Vec3 = Math.abs(b[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const n = Math.hypot(a[0] - d * b[0], a[1] - d * b[1], a[2] - d * b[2]);
  const u: Vec3 = [(a[0] - d * b[0]) / n, (a[1] - d * b[1]) / n, (a[2] - d * b[2]) / n];
  const v: Vec3 = [b[1] * u[2] - b[2] * u[1], b[2] * u[0] - b[0] * u[2], b[0] * u[1] - b[1] * u[0]];
  return [u, v];
}

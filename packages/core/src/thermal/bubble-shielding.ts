import { InputError, requireFinite } from '../errors.js';
import type { Grid3D, Vec3 } from '../grid/grid3d.js';
import { sharedFloat32 } from '../parallel/parallel-executor.js';
import { type Tissue, absorptionOf } from '../tissue/tissue-table.js';
import { attenuationNpPerM } from '../tissue/units.js';
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
 * Amplitude absorption coefficient, Np/m at `frequency` (Hz), of each tissue: the `absorption` the bubble-shielding
 * option of ThermalSimulation takes, one per material label (α_abs = α0,abs · f_MHz^y; tissue/tissue-table.ts).
 */
export function shieldingAbsorption(tissues: readonly Tissue[], frequency: number): number[] {
  requireFinite('frequency', frequency, 'positive');
  return tissues.map((t) => attenuationNpPerM(absorptionOf(t), t.powerLawExponent, frequency));
}

/**
 * The heat source of a beam that meets bubbles (the tadpole mechanism of Khokhlova TD et al., JASA 2009;125:2420,
 * and of bubble shielding in HIFU: Chavrier F et al., JASA 2000;108:432).
 *
 * Each bubble voxel is a pressure-release mirror across the beam (VAPOUR_REFLECTION of the intensity), binned on a
 * lateral map of one voxel pitch; a column's mirror plane is the front face of its nearest bubble (half a voxel
 * before its centre). Tissue in the column's shadow (along the beam past the mirror) receives nothing.
 *
 * In front of a mirror the reflected wave is the image of the incident one (method of images for a plane mirror:
 * its intensity at distance d in front is the incident intensity at distance d behind, absorbed with the tissue's
 * own absorption), restricted to what the bubbles intercept:
 * - the image of a converging beam refocuses only the rays that cross the bubbles. With a fraction φ of the beam's
 *   power through the mirror plane intercepted (the incident intensity q/(2α) just before each mirror, summed over
 *   the mirror columns, against the same over the whole plane), the reflected heat is φ × the image's. A cloud that
 *   covers the focal spot (φ → 1) reflects the beam back along its cone and heats the tissue in front (the lesion
 *   grows towards the transducer); a small bubble in the converging cone reflects a few per cent, which a narrow
 *   aperture cannot refocus (its focal gain falls as φ², so φ is an upper bound);
 * - the reflected heat is then capped at R times the intercepted power (energy conservation).
 * Without these two the image method put 2–4× the intercepted power in front of a small bubble, as a full-strength
 * image of the focus, and the boiling front walked to the transducer within a shot (docs/training.md: the virtual
 * tank's 27 mm column). Multiple reflections, diffraction round the bubbles and absorption inside them are
 * neglected.
 *
 * `absorbing` gives α_abs (Np/m) per material label (shieldingAbsorption): the image heat in a voxel is the image
 * point's heat × α(voxel)/α(image point), so water takes none. Without it the mirrors shadow only (the reflected
 * power leaves the grid).
 */
export function shieldedSource(
  q: Float32Array,
  grid: Grid3D,
  beam: Vec3,
  bubbles: readonly number[],
  out: Float32Array = sharedFloat32(q.length),
  reflection = VAPOUR_REFLECTION,
  absorbing?: { labels: Uint8Array; absorption: readonly number[] },
): Float32Array {
  const len = Math.hypot(beam[0], beam[1], beam[2]);
  if (!(len > 0)) throw new InputError('bubbleShielding.beam', 'must be a non-zero direction');
  const b: Vec3 = [beam[0] / len, beam[1] / len, beam[2] / len];
  const [u, v] = lateralAxes(b);
  const [nx, ny, nz] = grid.shape;
  const [hx, hy, hz] = grid.spacing;
  const h = Math.min(hx, hy, hz);
  const area = (hx * hy * hz) / h; // m², a voxel's cross-section across the beam per pitch h along it
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
  // shadow
  forEachColumnVoxel(grid, u, v, b, key, front, (i, _k, s, f) => {
    if (s >= f) out[i] = 0;
  });
  if (!absorbing) return out;
  const alpha = (i: number) => absorbing.absorption[absorbing.labels[i]];
  const intensity = (i: number) => (alpha(i) > 0 ? q[i] / (2 * alpha(i)) : 0);

  // intercepted power: the incident intensity at each column's last voxel before its mirror
  const lastS = new Map<number, number>();
  const lastI = new Map<number, number>();
  let meanFront = 0;
  for (const f of front.values()) meanFront += f / front.size;
  forEachColumnVoxel(grid, u, v, b, key, front, (i, k, s, f) => {
    if (s >= f) return;
    const prev = lastS.get(k);
    if (prev !== undefined && prev >= s) return;
    lastS.set(k, s);
    lastI.set(k, intensity(i));
  });
  let intercepted = 0;
  for (const I of lastI.values()) intercepted += I * area;
  // the beam's power through the mean mirror plane (one voxel pitch thick)
  let through = 0;
  for (let kz = 0; kz < nz; kz++)
    for (let ky = 0; ky < ny; ky++)
      for (let kx = 0; kx < nx; kx++) {
        const s = kx * hx * b[0] + ky * hy * b[1] + kz * hz * b[2];
        if (Math.abs(s - meanFront) <= 0.5 * h) through += intensity(kx + nx * (ky + ny * kz)) * area;
      }
  const phi = through > 0 ? Math.min(1, intercepted / through) : 0;
  if (!(phi > 0)) return out;

  // the image's heat in front of the mirrors, then scaled by φ and capped at R × the intercepted power
  const image = new Map<number, number>();
  let imagePower = 0;
  forEachColumnVoxel(grid, u, v, b, key, front, (i, _k, s, f) => {
    if (s >= f) return;
    const a = alpha(i);
    if (!(a > 0)) return;
    const x = (i % nx) * hx;
    const y = (Math.floor(i / nx) % ny) * hy;
    const z = Math.floor(i / (nx * ny)) * hz;
    const d = 2 * (f - s);
    const mx = Math.round((x + d * b[0]) / hx);
    const my = Math.round((y + d * b[1]) / hy);
    const mz = Math.round((z + d * b[2]) / hz);
    if (mx < 0 || my < 0 || mz < 0 || mx >= nx || my >= ny || mz >= nz) return;
    const m = mx + nx * (my + ny * mz);
    const heat = a * 2 * intensity(m);
    if (!(heat > 0)) return;
    image.set(i, heat);
    imagePower += heat * hx * hy * hz;
  });
  const scale = reflection * phi * Math.min(1, intercepted / (phi * imagePower));
  for (const [i, heat] of image) out[i] = q[i] + scale * heat;
  return out;
}

/** Calls `visit(i, column key, axial position, mirror front)` for every voxel whose lateral column has a mirror. */
function forEachColumnVoxel(
  grid: Grid3D,
  u: Vec3,
  v: Vec3,
  b: Vec3,
  key: (lu: number, lv: number) => number,
  front: Map<number, number>,
  visit: (i: number, k: number, s: number, f: number) => void,
): void {
  const [nx, ny, nz] = grid.shape;
  const [hx, hy, hz] = grid.spacing;
  for (let kz = 0; kz < nz; kz++) {
    const z = kz * hz;
    for (let ky = 0; ky < ny; ky++) {
      const y = ky * hy;
      const row = nx * (ky + ny * kz);
      for (let kx = 0; kx < nx; kx++) {
        const x = kx * hx;
        const k = key(x * u[0] + y * u[1] + z * u[2], x * v[0] + y * v[1] + z * v[2]);
        const f = front.get(k);
        if (f !== undefined) visit(row + kx, k, x * b[0] + y * b[1] + z * b[2], f);
      }
    }
  }
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

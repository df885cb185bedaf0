import { InputError } from '../errors.js';
import type { Grid3D } from '../grid/grid3d.js';

/**
 * Thermal dose (CEM43 min) above which capillary blood flow stops. Local heating of rat rhabdomyosarcoma BA-1112 to
 * > 43 °C for 40 min (40 CEM43) "virtually eliminated" capillary blood flow, with vessel rupture and haemorrhage,
 * while 40–41 °C for 40 min (≤ 2.5 CEM43) reduced it by half, transiently ("Physiological effects of hyperthermia:
 * response of capillary blood flow and structure to local tumor heating", Radiat Res 1980; abstract at
 * https://scilit.net/publications/4d56e277011190ccc7a88169b6adf68e). The measured condition that stopped flow is
 * taken as the threshold; the review of Yarmolenko PS et al. (Int J Hyperthermia 2011;27:320) places vascular
 * damage thresholds of most tissues in the same tens of CEM43. Independent of any fibroid NPV measurement.
 */
export const VASCULAR_SHUTDOWN_DOSE = 40;

/** What the non-perfused-volume model returns (m³) and its mask. */
export interface NonPerfusedVolume {
  /** voxels where capillary flow stops (dose ≥ VASCULAR_SHUTDOWN_DOSE) or the supply is cut (ischaemic target) */
  mask: Uint8Array;
  /** all non-perfused tissue, m³ */
  volume: number;
  /** non-perfused target tissue, m³ */
  targetVolume: number;
  /** of which non-perfused because its feeding vessels crossed shut-down tissue (ischaemia), m³ */
  ischaemicTargetVolume: number;
}

/**
 * The volume a contrast-enhanced MRI would show as non-perfused after a treatment:
 *
 * 1. vascular shutdown: tissue whose thermal dose reached VASCULAR_SHUTDOWN_DOSE;
 * 2. ischaemic extension in the target: a fibroid is fed from its periphery. Corrosion casts of intramural
 *    leiomyomata show a dense peripheral vascular capsule from which vessels run centripetally into the tumour
 *    (Walocha JA, Litwin JA, Miodoński AJ. Hum Reprod 2003;18:1088–1093). A target voxel therefore loses its supply
 *    when the straight path from it outwards to the target's surface, along the ray from the target's centroid,
 *    crosses shut-down tissue: the vessels that fed it ran through there.
 *
 * `exclude` labels (coupling water, air) never count. The marching step is a quarter of the finest spacing.
 */
export function nonPerfusedVolume(input: {
  grid: Grid3D;
  labels: ArrayLike<number>;
  dose: ArrayLike<number>;
  targetLabel: number;
  exclude?: readonly number[];
  shutdownDose?: number;
  /** false: vascular shutdown only (no ischaemic extension) */
  ischaemia?: boolean;
}): NonPerfusedVolume {
  const { grid, labels, dose, targetLabel } = input;
  const [nx, ny, nz] = grid.shape;
  const n = nx * ny * nz;
  if (labels.length !== n || dose.length !== n) throw new InputError('nonPerfusedVolume', `labels and dose must have ${n} voxels`);
  const threshold = input.shutdownDose ?? VASCULAR_SHUTDOWN_DOSE;
  if (!(threshold > 0)) throw new InputError('shutdownDose', `must be > 0, got ${threshold}`);
  const excluded = new Set(input.exclude ?? []);
  const mask = new Uint8Array(n);
  const shut = new Uint8Array(n);
  let cx = 0,
    cy = 0,
    cz = 0,
    targetCount = 0;
  for (let i = 0; i < n; i++) {
    if (excluded.has(labels[i])) continue;
    if (dose[i] >= threshold) {
      shut[i] = 1;
      mask[i] = 1;
    }
    if (labels[i] === targetLabel) {
      cx += i % nx;
      cy += Math.floor(i / nx) % ny;
      cz += Math.floor(i / (nx * ny));
      targetCount++;
    }
  }
  const [hx, hy, hz] = grid.spacing;
  const V = hx * hy * hz;
  let ischaemic = 0;
  if (targetCount > 0 && input.ischaemia !== false) {
    cx /= targetCount;
    cy /= targetCount;
    cz /= targetCount;
    const step = 0.25 * Math.min(hx, hy, hz);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i0 = 0; i0 < nx; i0++) {
          const i = i0 + nx * (j + ny * k);
          if (labels[i] !== targetLabel || shut[i]) continue;
          // direction outwards from the centroid, in metres
          let dx = (i0 - cx) * hx,
            dy = (j - cy) * hy,
            dz = (k - cz) * hz;
          const len = Math.hypot(dx, dy, dz);
          if (len < 1e-12) {
            dx = 1;
            dy = 0;
            dz = 0;
          } else {
            dx /= len;
            dy /= len;
            dz /= len;
          }
          for (let t = step; ; t += step) {
            const a = Math.round(i0 + (t * dx) / hx),
              b = Math.round(j + (t * dy) / hy),
              c = Math.round(k + (t * dz) / hz);
            if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) break;
            const m = a + nx * (b + ny * c);
            if (shut[m]) {
              mask[i] = 1;
              ischaemic++;
              break;
            }
            if (labels[m] !== targetLabel) break;
          }
        }
  }
  let all = 0,
    target = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    all++;
    if (labels[i] === targetLabel) target++;
  }
  return { mask, volume: all * V, targetVolume: target * V, ischaemicTargetVolume: ischaemic * V };
}

import type { Grid3D } from '@openfuas/core';
import { TEMPERATURE_OVERLAY } from '../viewer/temperature-overlay.js';
import { type CaseBox, caseBoxOf, regionOutline, sampleOntoCaseBox } from './resample-to-case.js';

/**
 * A live frame of a running treatment as the page draws it: the box of the case grid that the simulation covers,
 * one colour index per voxel of the box (LIVE_COLOR) and the temperature for the readout under the crosshair.
 * The worker makes it (resampling and colouring there), so the page only copies the indices into the viewer's
 * live layer and uploads one byte per voxel.
 */
export interface LiveFrame extends CaseBox {
  /** colour index per box voxel, x fastest: LIVE_COLOR */
  colors: Uint8Array;
  /** temperature per box voxel, °C */
  temperature: Float32Array;
  /** voxels of the box at or above the lesion dose (inside the 240 CEM43 contour or on it) */
  doseVoxels: number;
}

/**
 * Colour indices of the live layer, drawn like the end-of-run overlays (the dose's translucent fill and solid
 * outline over the temperature): 0 transparent (at or below the temperature overlay's range[0]); firstLevel +
 * 0..levels−1 the temperature from range[0] to range[1] °C (TEMPERATURE_OVERLAY) in equal steps; firstDoseLevel +
 * the same steps for voxels inside the lesion-dose region (240 CEM43), whose fill lies over their temperature;
 * doseInside for voxels of the region at or below range[0]; doseOutline for the region's outline.
 */
export const LIVE_COLOR = { none: 0, firstLevel: 1, levels: 126, firstDoseLevel: 127, doseInside: 253, doseOutline: 254 } as const;

/** Temperature (°C) at the middle of a level of LIVE_COLOR (1..levels). */
export function levelTemperature(level: number): number {
  const [lo, hi] = TEMPERATURE_OVERLAY.range;
  return lo + ((level - LIVE_COLOR.firstLevel + 0.5) / LIVE_COLOR.levels) * (hi - lo);
}

/**
 * Colour indices of a box (LIVE_COLOR): the temperature level, 0 at or below range[0]; in the 240 CEM43 region
 * (dose ≥ threshold) the level's dose twin or doseInside, and doseOutline on its outline (voxels of the region
 * with a 6-neighbour outside it or outside the box). `out` is reused when given (one index per voxel).
 */
export function liveColors(
  shape: readonly [number, number, number],
  temperature: ArrayLike<number>,
  dose: ArrayLike<number> | null,
  doseThreshold: number,
  out = new Uint8Array(shape[0] * shape[1] * shape[2]),
): Uint8Array {
  const [lo, hi] = TEMPERATURE_OVERLAY.range;
  const perDegree = LIVE_COLOR.levels / (hi - lo);
  for (let i = 0; i < out.length; i++) {
    const t = temperature[i];
    // NaN and temperatures at or below the range's floor stay transparent
    out[i] = t > lo ? LIVE_COLOR.firstLevel + Math.min(LIVE_COLOR.levels - 1, Math.floor((t - lo) * perDegree)) : LIVE_COLOR.none;
  }
  if (dose) {
    const outline = regionOutline({ shape: [shape[0], shape[1], shape[2]] }, dose, doseThreshold);
    const toDose = LIVE_COLOR.firstDoseLevel - LIVE_COLOR.firstLevel;
    for (let i = 0; i < out.length; i++) {
      if (outline[i]) out[i] = LIVE_COLOR.doseOutline;
      else if (dose[i] >= doseThreshold) out[i] = out[i] === LIVE_COLOR.none ? LIVE_COLOR.doseInside : out[i] + toDose;
    }
  }
  return out;
}

/**
 * A live frame from the simulation's frame grid (coarse, with its own affine) on the case grid: temperature and
 * dose resampled onto the box the frame grid covers (sampleOntoCaseBox), then coloured (liveColors). Null when the
 * frame grid lies outside the case.
 */
export function makeLiveFrame(
  frameGrid: Grid3D,
  temperature: ArrayLike<number>,
  dose: ArrayLike<number> | null,
  caseGrid: Grid3D,
  doseThreshold: number,
  bodyTemperature: number,
): LiveFrame | null {
  const box = caseBoxOf(frameGrid, caseGrid);
  if (!box) return null;
  const t = sampleOntoCaseBox(frameGrid, temperature, caseGrid, box, bodyTemperature);
  const d = dose ? sampleOntoCaseBox(frameGrid, dose, caseGrid, box, 0) : null;
  const colors = liveColors(box.shape, t, d, doseThreshold);
  let doseVoxels = 0;
  for (let i = 0; i < colors.length; i++) if (colors[i] >= LIVE_COLOR.firstDoseLevel) doseVoxels++;
  return { origin: box.origin, shape: box.shape, colors, temperature: t, doseVoxels };
}

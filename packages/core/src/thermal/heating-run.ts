import { requireFinite } from '../errors.js';
import { voxelCount } from '../grid/grid3d.js';
import { checkHeating } from '../limits/limits.js';
import type { HeatSource } from './heat-source.js';
import { lesionCentroid, lesionDimensions } from './lesion.js';
import type { ThermalMedium } from './thermal-medium.js';
import { type AdvanceOptions, type ThermalOptions, ThermalSimulation } from './thermal-simulation.js';

/** Largest finite Float32: doses beyond it (CEM43 grows as 2^T) are clamped when stored as Float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** One sonication to simulate: a source on for `duration` s (at `power` W, default its reference power), then cooling. */
export interface HeatingInput {
  medium: ThermalMedium;
  source: HeatSource;
  /** s, > 0 */
  duration: number;
  /** s, ≥ 0 (default 0) */
  cooling?: number;
  power?: number;
  /** beam axis for the lesion's length (default 2 = z) */
  axis?: 0 | 1 | 2;
}

/** What `fuas thermal` and `fuas heat` print, plus the fields for writing volumes. */
export interface HeatingResult {
  /** °C, highest anywhere at any time */
  peakTemperature: number;
  /** CEM43 minutes, highest anywhere */
  maxDose: number;
  /** m³ where CEM43 ≥ the threshold (default 240) */
  lesionVolume: number;
  /** peak temperature (°C) after every step, at times t (s) */
  timeline: { t: number[]; peakTemperature: number[] };
  /** lesion length along `axis` and width across it, m (through the highest-dose voxel) */
  lesion: { length: number; width: number };
  /** true where some voxel reached 100 °C */
  boiling: boolean;
  /** first time a voxel reached the boiling temperature, s (null: never; also null with boiling off) */
  boilingOnset: number | null;
  /** hyperechoic region (bubbles, thermal/boiling.ts): first appearance (s or null) and its volume at the end, m³ */
  greyscale: { onset: number | null; volume: number };
  /** mean coordinate of the lesion along `axis`, m (grid coordinates; null without a lesion) */
  lesionCentroid: number | null;
  /** the explicit step used and the stability limit, s; the number of steps */
  dt: number;
  stabilityLimit: number;
  steps: number;
  /** final temperature (°C) and dose (CEM43 min, clamped to the largest Float32) per voxel */
  temperature: Float32Array;
  dose: Float32Array;
}

/**
 * Simulates one sonication (heating then cooling) and summarises it: the convenience entry point for
 * `fuas thermal` and `fuas heat`. Options are those of ThermalSimulation plus advance()'s progress/cancel.
 */
export async function simulateHeating(
  input: HeatingInput,
  options: ThermalOptions & AdvanceOptions & { limits?: { work?: number; memoryBytes?: number } } = {},
): Promise<HeatingResult> {
  const duration = requireFinite('duration', input.duration, 'positive');
  const cooling = requireFinite('cooling', input.cooling ?? 0, 'non-negative');
  const segments = [{ duration, source: input.source, power: input.power }, ...(cooling > 0 ? [{ duration: cooling, source: null }] : [])];
  const sim = new ThermalSimulation(input.medium, segments, options);
  // refuse before stepping: steps at the explicit step bound the work (LimitError naming the input)
  checkHeating(voxelCount(input.medium.grid), duration + cooling, sim.explicitDt, options.limits);
  await sim.advance(Number.POSITIVE_INFINITY, options);
  const dims = lesionDimensions(sim.dose, input.medium.grid, sim.doseThreshold, input.axis ?? 2);
  let boiling = false;
  for (let i = 0; i < sim.boiled.length && !boiling; i++) boiling = sim.boiled[i] !== 0;
  const V = input.medium.grid.spacing[0] * input.medium.grid.spacing[1] * input.medium.grid.spacing[2];
  return {
    peakTemperature: sim.peakTemperature,
    maxDose: sim.maxDose(),
    lesionVolume: sim.lesionVolume(),
    timeline: { t: sim.timeline.t.slice(), peakTemperature: sim.timeline.peakTemperature.slice() },
    lesion: { length: dims.length, width: dims.width },
    boiling,
    boilingOnset: sim.boiling?.boilingOnset ?? null,
    greyscale: { onset: sim.boiling?.onset ?? null, volume: (sim.boiling?.greyscaleVoxels().length ?? 0) * V },
    lesionCentroid: lesionCentroid(sim.dose, input.medium.grid, sim.doseThreshold, input.axis ?? 2),
    dt: sim.explicitDt,
    stabilityLimit: sim.explicitDtLimit,
    steps: sim.steps,
    temperature: Float32Array.from(sim.temperature),
    dose: Float32Array.from(sim.dose, (d) => Math.min(d, FLOAT32_MAX)),
  };
}

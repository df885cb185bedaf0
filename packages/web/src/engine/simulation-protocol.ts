import type { Case, Grid3D, Plan } from '@openfuas/core';

/**
 * Messages between the page and the simulation worker. The page starts a job, the worker reports progress,
 * partial results (a temperature volume on the case grid for the live overlay, the focal temperature and the
 * cumulative energy for the plot) and finally the outcome; the page can cancel at any time. Cancelling sets a
 * shared flag that the worker's loops read between steps (Atomics), so it stops within one step even while busy.
 */

/** Stage names the progress bar shows (translated as `sim.stage.<name>`). */
export type SimulationStage = 'starting' | 'acoustics' | 'thermal' | 'dose' | 'outcome' | 'selftest';

export type SimulationJob =
  | { kind: 'treatment'; case: Case; plan: Plan; threads: number }
  /** runs a core kernel through the Web Worker pool and checks it against the serial executor */
  | { kind: 'selftest'; threads: number; size: number; repeats: number };

export type ToWorker = { type: 'start'; id: number; job: SimulationJob; cancelFlag: Int32Array } | { type: 'cancel'; id: number };

export interface PartialResult {
  /** treatment time, s */
  time: number;
  /** temperature at the current focus, °C */
  focalTemperature: number;
  /** cumulative acoustic energy delivered, J */
  energy: number;
  /** index of the sonication under way */
  sonication?: number;
  /** temperature (°C) on the case grid, for the live overlay (sent at most a few times per second) */
  temperature?: Float32Array;
  /** CEM43 (min) on the case grid, for the 240 CEM43 contour */
  dose?: Float32Array;
}

export interface SelftestResult {
  kind: 'selftest';
  threads: number;
  voxels: number;
  repeats: number;
  /** largest difference between the pool's and the serial executor's results (0 when correct) */
  maxDifference: number;
  poolMs: number;
  serialMs: number;
}

export interface TreatmentResult {
  kind: 'treatment';
  /** the JSON contract of `fuas simulate --json` */
  outcome: Record<string, unknown>;
  /** maximum temperature (°C) and dose (CEM43 min) on the case grid */
  maxTemperature: Float32Array | null;
  dose: Float32Array | null;
  /** focal temperature and cumulative energy against time, for the plot and the report */
  series: { t: number[]; focalTemperature: number[]; energy: number[] };
  /** the fields on the simulation's own (fine) grid, for the NIfTI downloads */
  fine: { grid: Grid3D; dose: Float32Array; maxTemperature: Float32Array };
  /** self-contained HTML report when the core library provides one */
  reportHtml?: string;
}

export type SimulationResult = SelftestResult | TreatmentResult;

export type FromWorker =
  | { type: 'progress'; id: number; fraction: number; stage: SimulationStage; detail?: string }
  | { type: 'partial'; id: number; partial: PartialResult }
  | { type: 'done'; id: number; result: SimulationResult }
  | { type: 'cancelled'; id: number }
  | { type: 'error'; id: number; message: string };

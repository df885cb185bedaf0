import type { Case, Grid3D, Plan, SimulationOutcome, TreatmentReportData, Vec3 } from '@openfuas/core';
import type { CoreErrorData } from './core-error.js';
import type { LiveFrame } from './live-frame.js';
import type { PlanParams, WorkstationPlan } from './planning.js';

/**
 * Messages between the page and the simulation worker. The page starts a job, the worker reports progress,
 * partial results (the focal temperature and the cumulative energy for the plot, and about every 500 ms a live
 * frame: temperature and 240 CEM43 region as colour indices on the box of the case grid the simulation covers)
 * and finally the outcome; the page can cancel at any time. Cancelling sets a shared flag that the worker's loops
 * read between steps (Atomics), so it stops within one step even while busy.
 */

/** Stage names the progress bar shows (translated as `sim.stage.<name>`). */
export type SimulationStage = 'starting' | 'planning' | 'acoustics' | 'thermal' | 'dose' | 'outcome' | 'report' | 'selftest';

/** How finely a treatment is simulated: the core defaults (0.5 mm, near field on) or a coarser quick look. */
export interface SimulationSettings {
  /** thermal spacing around the foci, m (core default 0.5 mm) */
  fineSpacing?: number;
  /** simulate the near field (skin, fat, muscle) on its own grid */
  nearField: boolean;
}

export type SimulationJob =
  | { kind: 'treatment'; case: Case; plan: Plan; threads: number; settings: SimulationSettings }
  /** the core automatic planner (probe sonication, near-field budget, layout) */
  | { kind: 'autoplan'; case: Case; params: PlanParams; threads: number }
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
  /** a live frame (about every 500 ms): the solver's coarse temperature and dose resampled and coloured in the worker */
  frame?: LiveFrame;
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
  outcome: SimulationOutcome;
  settings: SimulationSettings;
  /** maximum temperature (°C) and dose (CEM43 min) on the case grid */
  maxTemperature: Float32Array | null;
  dose: Float32Array | null;
  /** the dose overlay on the case grid: the lesion-dose (240 CEM43) region and its outline (DOSE_MASK, doseMask) */
  doseMask: Uint8Array | null;
  /** focal temperature and cumulative energy against time, for the plot and the report */
  series: { t: number[]; focalTemperature: number[]; energy: number[]; nearFieldTemperature?: number[] };
  /** RAS mm of the voxel of highest thermal dose (where the viewer goes after a run) */
  hottest: Vec3;
  /** the fields on the simulation's own (fine) grid, for the NIfTI downloads */
  fine: { grid: Grid3D; dose: Float32Array; maxTemperature: Float32Array };
  /** the treatment report's data (core treatmentReportData); the page renders it (renderReportHtml) in its language */
  report: TreatmentReportData;
}

export interface AutoPlanJobResult {
  kind: 'autoplan';
  planned: WorkstationPlan;
  ms: number;
}

export type SimulationResult = SelftestResult | TreatmentResult | AutoPlanJobResult;

export type FromWorker =
  | { type: 'progress'; id: number; fraction: number; stage: SimulationStage; detail?: string }
  | { type: 'partial'; id: number; partial: PartialResult }
  | { type: 'done'; id: number; result: SimulationResult }
  | { type: 'cancelled'; id: number }
  /** `error`: the core error's reason and params, so that the page words it in its language */
  | { type: 'error'; id: number; message: string; error?: CoreErrorData };

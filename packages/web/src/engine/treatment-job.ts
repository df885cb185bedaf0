import {
  type Case,
  type Plan,
  type TreatmentDomains,
  type Vec3,
  checkDomainsFor,
  cumulativeEnergy,
  simulatePlan,
  treatmentReportData,
  voxelToRasMm,
} from '@openfuas/core';
import { WebWorkerExecutor } from '../parallel/web-worker-executor.js';
import { type PlanParams, autoPlanCase } from './planning.js';
import { makeLiveFrame } from './live-frame.js';
import { doseMask, maxOntoCaseGrid } from './resample-to-case.js';
import { CancelledError, type JobContext } from './simulation-context.js';
import type { AutoPlanJobResult, SimulationSettings, SimulationStage, TreatmentResult } from './simulation-protocol.js';

const PHASE_STAGE: Record<string, SimulationStage> = {
  acoustics: 'acoustics',
  'near-field': 'thermal',
  treatment: 'thermal',
  outcome: 'outcome',
};
/** Share of the progress bar per phase (acoustics and near field are short next to the treatment heating). */
const PHASE_SPAN: Record<string, [number, number]> = {
  acoustics: [0, 0.3],
  'near-field': [0.3, 0.4],
  treatment: [0.4, 0.9],
  outcome: [0.9, 0.95],
};

/**
 * Wall time between live frames, ms: the page redraws the live layer at most ~2×/s, so a frame every 500 ms is
 * what it shows; each frame costs the worker a snapshot, a resampling and a colouring (a few ms).
 */
export const LIVE_FRAME_INTERVAL_MS = 500;

/** Arterial (body) temperature, °C: what the live readout gives outside the simulated domain (below the colours). */
const BODY_TEMPERATURE = 37;
/** most timeline points sent to the page's plot (uPlot draws this many in a few ms) */
const MAX_PLOT_POINTS = 200_000;

/** A Web Worker kernel pool when shared memory is available and more than one thread is asked for. */
async function kernelPool(threads: number): Promise<WebWorkerExecutor | null> {
  if (!(threads > 1 && typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated)) return null;
  const pool = new WebWorkerExecutor(threads);
  await pool.ready();
  return pool;
}

/** RAS mm of the largest value of a field on a grid. */
function argmaxMm(grid: Case['grid'], values: Float32Array): Vec3 {
  let best = Number.NEGATIVE_INFINITY;
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > best) {
      best = values[i];
      at = i;
    }
  }
  const [nx, ny] = grid.shape;
  const mm = voxelToRasMm(grid, at % nx, Math.floor(at / nx) % ny, Math.floor(at / (nx * ny)));
  return [mm[0], mm[1], mm[2]];
}

/** The acoustics and domains the last auto plan's cooling fit computed in this worker, for a simulation of its foci. */
let fitted: { caseName: string; domains: TreatmentDomains } | null = null;

/** The fit's domains when `plan` has their foci on the same case at the same fine spacing (else computed again). */
function reusableDomains(c: Case, plan: Plan, fineSpacing = 0.5e-3): TreatmentDomains | undefined {
  if (!fitted || fitted.caseName !== c.name || Math.abs(fitted.domains.fine.spacing[0] - fineSpacing) > 1e-12) return undefined;
  try {
    checkDomainsFor(fitted.domains, plan);
    return fitted.domains;
  } catch {
    return undefined; // points were edited, or the scope is a subset
  }
}

/**
 * Whole-treatment simulation of a plan on a case, in the simulation worker: the core library's `simulatePlan`
 * (acoustics per focus, two-level Pennes heating through the timeline, CEM43, outcome) run on a Web Worker kernel
 * pool, adapted to the worker protocol: progress, the focal temperature and energy as they advance (a few times
 * per second), live frames (the solver's coarse temperature and dose resampled here onto the box of the case grid
 * it covers and turned into colour indices with the 240 CEM43 contour, so the page only copies bytes), cancel,
 * the maximum temperature, dose and dose contour carried onto the case grid for the viewer, and the treatment
 * report's data (core treatmentReportData; the page renders it in its language).
 */
export async function runTreatment(
  c: Case,
  plan: Plan,
  threads: number,
  settings: SimulationSettings,
  ctx: JobContext,
): Promise<TreatmentResult> {
  ctx.progress(0, 'starting');
  const pool = await kernelPool(threads);
  try {
    let lastPartial = 0;
    let focalTemperature = BODY_TEMPERATURE;
    const result = await simulatePlan(c, plan, {
      executor: pool ?? undefined,
      // the treatment's coarse level on the pool, its fine window on this worker alongside
      treatmentExecutor: pool ?? undefined,
      signal: ctx.signal,
      nearField: settings.nearField,
      fineSpacing: settings.fineSpacing,
      domains: reusableDomains(c, plan, settings.fineSpacing),
      onProgress: (p) => {
        const [a, b] = PHASE_SPAN[p.phase] ?? [0, 1];
        ctx.progress(
          a + (b - a) * p.fraction,
          PHASE_STAGE[p.phase] ?? 'thermal',
          p.sonication !== undefined ? `${Math.min(p.sonication + 1, plan.sonications.length)}/${plan.sonications.length}` : undefined,
        );
        if (p.peakTemperature !== undefined) focalTemperature = p.peakTemperature;
        const now = performance.now();
        if (p.phase === 'treatment' && p.time !== undefined && p.peakTemperature !== undefined && now - lastPartial > 150) {
          lastPartial = now;
          ctx.partial({
            time: p.time,
            focalTemperature: p.peakTemperature,
            energy: cumulativeEnergy(plan, [p.time])[0],
            sonication: p.sonication,
          });
        }
      },
      frameIntervalMs: LIVE_FRAME_INTERVAL_MS,
      onFrame: (f) => {
        // temperature and dose are copies on the coarse grid (affine to RAS mm): onto the case grid by position
        const frame = makeLiveFrame(f.grid, f.temperature, f.dose, c.grid, plan.constraints.lesionDose, BODY_TEMPERATURE);
        if (!frame) return;
        ctx.partial({ time: f.time, focalTemperature, energy: cumulativeEnergy(plan, [f.time])[0], sonication: f.sonication, frame });
      },
    });
    if (ctx.cancelled) throw new CancelledError();
    ctx.progress(0.95, 'report');
    const maxTemperature = maxOntoCaseGrid(result.grid, result.maxTemperature, c.grid, 37);
    const dose = maxOntoCaseGrid(result.grid, result.dose, c.grid, 0);
    // the report's data (its slices drawn here); the page writes the HTML in its language when it is saved
    const report = treatmentReportData(c, plan, result);
    // the plot (uPlot) draws 10⁵+ points: the timeline goes whole up to MAX_PLOT_POINTS
    const tl = result.timeline;
    const stride = Math.max(1, Math.ceil(tl.t.length / MAX_PLOT_POINTS));
    const pick = (a: number[]) => a.filter((_, i) => i % stride === 0 || i === a.length - 1);
    ctx.progress(1, 'report');
    return {
      kind: 'treatment',
      outcome: result.outcome,
      settings,
      maxTemperature,
      dose,
      // the contour is made here rather than on the page, whose main thread draws
      doseMask: doseMask(c.grid, dose, plan.constraints.lesionDose),
      series: {
        t: pick(tl.t),
        focalTemperature: pick(tl.focalTemperature),
        energy: pick(tl.energy),
        nearFieldTemperature: tl.nearFieldTemperature ? pick(tl.nearFieldTemperature) : undefined,
      },
      hottest: argmaxMm(result.grid, result.dose),
      fine: { grid: result.grid, dose: result.dose, maxTemperature: result.maxTemperature },
      report,
    };
  } catch (e) {
    if (ctx.cancelled) throw new CancelledError();
    throw e;
  } finally {
    await pool?.dispose();
  }
}

/** The automatic planner in the simulation worker, on the kernel pool (its probe sonication is a simulation). */
export async function runAutoPlan(c: Case, params: PlanParams, threads: number, ctx: JobContext): Promise<AutoPlanJobResult> {
  ctx.progress(0, 'starting');
  const t0 = performance.now();
  const pool = await kernelPool(threads);
  try {
    ctx.progress(0.1, 'planning');
    // probe and layout to 20 %, the fit's acoustics to 35 %, its near field to 100 %
    const span = { probe: [0.1, 0.2], acoustics: [0.2, 0.35], 'near-field': [0.35, 1] } as const;
    const stage = { probe: 'planning', acoustics: 'acoustics', 'near-field': 'thermal' } as const;
    const planned = await autoPlanCase(
      c,
      params,
      pool ?? undefined,
      (p) => {
        const [a, b] = span[p.stage];
        ctx.progress(a + (b - a) * p.fraction, stage[p.stage]);
      },
      ctx.signal,
    );
    if (ctx.cancelled) throw new CancelledError();
    // the fit's acoustics stay here for the simulation of these foci; the page does not need its beam patches
    fitted = planned.domains ? { caseName: c.name, domains: planned.domains } : null;
    planned.domains = undefined;
    ctx.progress(1, 'planning');
    return { kind: 'autoplan', planned, ms: performance.now() - t0 };
  } finally {
    await pool?.dispose();
  }
}

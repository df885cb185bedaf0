import type { Case, Plan } from '@openfuas/core';
// TODO(issue 6): import simulatePlan and cumulativeEnergy from '@openfuas/core' once the index exports them.
import { cumulativeEnergy, simulatePlan } from '@openfuas/core/planning/simulate-plan.ts';
import { WebWorkerExecutor } from '../parallel/web-worker-executor.js';
import { maxOntoCaseGrid } from './resample-to-case.js';
import { CancelledError, type JobContext } from './simulation-context.js';
import type { SimulationStage, TreatmentResult } from './simulation-protocol.js';

const PHASE_STAGE: Record<string, SimulationStage> = {
  acoustics: 'acoustics',
  'near-field': 'thermal',
  treatment: 'thermal',
  outcome: 'outcome',
};
/** Share of the progress bar per phase (acoustics and near field are short next to the treatment heating). */
const PHASE_SPAN: Record<string, [number, number]> = {
  acoustics: [0, 0.15],
  'near-field': [0.15, 0.25],
  treatment: [0.25, 0.95],
  outcome: [0.95, 1],
};

/**
 * Whole-treatment simulation of a plan on a case, in the simulation worker: the core library's `simulatePlan`
 * (acoustics per focus, two-level Pennes heating through the timeline, CEM43, outcome) run on a Web Worker kernel
 * pool, adapted to the worker protocol: progress, the focal temperature and energy as they advance (a few times
 * per second), cancel, and the maximum temperature and dose carried onto the case grid for the viewer.
 */
export async function runTreatment(c: Case, plan: Plan, threads: number, ctx: JobContext): Promise<TreatmentResult> {
  ctx.progress(0, 'starting');
  const pool =
    threads > 1 && typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated ? new WebWorkerExecutor(threads) : null;
  try {
    if (pool) await pool.ready();
    let lastPartial = 0;
    const result = await simulatePlan(c, plan, {
      executor: pool ?? undefined,
      signal: ctx.signal,
      onProgress: (p) => {
        const [a, b] = PHASE_SPAN[p.phase] ?? [0, 1];
        ctx.progress(
          a + (b - a) * p.fraction,
          PHASE_STAGE[p.phase] ?? 'thermal',
          p.sonication !== undefined ? `${Math.min(p.sonication + 1, plan.sonications.length)}/${plan.sonications.length}` : undefined,
        );
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
    });
    if (ctx.cancelled) throw new CancelledError();
    const maxTemperature = maxOntoCaseGrid(result.grid, result.maxTemperature, c.grid, 37);
    const dose = maxOntoCaseGrid(result.grid, result.dose, c.grid, 0);
    // at most ~2000 points for the plot
    const tl = result.timeline;
    const stride = Math.max(1, Math.ceil(tl.t.length / 2000));
    const pick = (a: number[]) => a.filter((_, i) => i % stride === 0 || i === a.length - 1);
    return {
      kind: 'treatment',
      outcome: result.outcome as unknown as Record<string, unknown>,
      maxTemperature,
      dose,
      series: { t: pick(tl.t), focalTemperature: pick(tl.focalTemperature), energy: pick(tl.energy) },
      fine: { grid: result.grid, dose: result.dose, maxTemperature: result.maxTemperature },
    };
  } catch (e) {
    if (ctx.cancelled) throw new CancelledError();
    throw e;
  } finally {
    await pool?.dispose();
  }
}

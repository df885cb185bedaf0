import { type AutoPlanOptions, type AutoPlanResult, type Case, type ParallelExecutor, autoPlan } from '@openfuas/core';

/** The Plan tab's inputs (units as shown: W, s, mm). Null overrides mean "as the planner chose". */
export interface PlanParams {
  device: string;
  /** the planner's protocol: 'sized' (power kept below boiling for one shot) or 'clinical' (400 W shots repeated to the greyscale change) */
  pacing: 'sized' | 'clinical';
  /** s per sonication */
  exposureS: number;
  /** W, highest power the planner may choose */
  maxPowerW: number;
  /** lattice pitch / single-shot lesion width */
  pitchFactor: number;
  /** distance between treatment slices along the beam, mm */
  sliceSpacingMm: number;
  /** W for every sonication instead of the probe shot's power */
  powerW: number | null;
  /** s of cooling after every sonication instead of the near-field heat budget's */
  coolingS: number | null;
  /** fit each pause on a near-field simulation of the plan (autoPlan's fitCooling; skipped with an override) */
  fitCooling: boolean;
}

export const DEFAULT_PLAN_PARAMS: PlanParams = {
  device: 'clinical-0.8mhz',
  pacing: 'sized',
  exposureS: 3,
  maxPowerW: 400,
  pitchFactor: 2.5,
  sliceSpacingMm: 5,
  powerW: null,
  coolingS: null,
  fitCooling: true,
};

/** A plan from the automatic planner, with the overrides the user set (what they replaced is kept for display). */
export interface WorkstationPlan extends AutoPlanResult {
  overrides: { powerW: number | null; coolingS: number | null };
}

/**
 * Runs the core automatic fibroid planner (probe sonication → power and point spacing, near-field heat budget →
 * base cooling, slices and points within the protocol's margins, then each pause fitted on a near-field simulation) and applies the manual overrides of power and
 * cooling to every sonication (the device limits are checked again by the simulation).
 */
export async function autoPlanCase(
  c: Case,
  p: PlanParams,
  executor?: ParallelExecutor,
  onProgress?: AutoPlanOptions['onProgress'],
  signal?: AutoPlanOptions['signal'],
): Promise<WorkstationPlan> {
  const r = await autoPlan(c, {
    // the Plan tab starts on the sized protocol (its browser plan and checks are quicker); 'clinical' is autoPlan's default
    pacing: p.pacing,
    device: { preset: p.device },
    exposure: p.exposureS,
    maxPower: p.maxPowerW,
    pitchFactor: p.pitchFactor,
    constraints: { sliceSpacing: p.sliceSpacingMm / 1000 },
    // the fit is for the planner's power and pauses: an override of either replaces what it would fit
    fitCooling: p.fitCooling && p.coolingS === null && p.powerW === null,
    executor,
    onProgress,
    signal,
  });
  return applyOverrides(r, { powerW: p.powerW, coolingS: p.coolingS });
}

/** The Plan tab's exposure (s) and pitch (× lesion width) for each protocol, as autoPlan defaults them. */
export const PACING_DEFAULTS: Record<PlanParams['pacing'], { exposureS: number; pitchFactor: number }> = {
  sized: { exposureS: 3, pitchFactor: 2.5 },
  clinical: { exposureS: 2, pitchFactor: 1 },
};

/** Sets power and/or cooling of every sonication (null: keep the planner's). */
export function applyOverrides(r: AutoPlanResult, o: WorkstationPlan['overrides']): WorkstationPlan {
  if (o.powerW !== null || o.coolingS !== null) {
    for (const s of r.plan.sonications) {
      if (o.powerW !== null) s.power = o.powerW;
      if (o.coolingS !== null) s.cooling = o.coolingS;
    }
  }
  return { ...r, overrides: o };
}

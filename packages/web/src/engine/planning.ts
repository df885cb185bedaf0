import { type PlannedTreatment, getTransducerPreset, planTreatment } from '@openfuas/core';
import type { WorkstationCase } from './workstation-case.js';

/** The Plan tab's inputs (units as shown: W, s, mm). */
export interface PlanParams {
  device: string;
  powerW: number;
  exposureS: number;
  coolingS: number;
  /** lateral spacing of points within a slice, mm (the single-shot lesion width) */
  pointSpacingMm: number;
  /** distance between treatment slices along the beam, mm */
  sliceSpacingMm: number;
}

export const DEFAULT_PLAN_PARAMS: PlanParams = {
  device: 'clinical-0.8mhz',
  powerW: 400,
  exposureS: 3,
  coolingS: 6,
  pointSpacingMm: 4,
  sliceSpacingMm: 5,
};

/** Runs the core automatic fibroid planner on a case (margins are the protocol's defaults). */
export function autoPlan(
  c: Pick<WorkstationCase, 'name' | 'grid' | 'labels' | 'structures' | 'target' | 'beamDirection'>,
  p: PlanParams,
): PlannedTreatment {
  if (!c.labels) throw new Error('the case has no label map');
  const t = getTransducerPreset(p.device);
  return planTreatment(
    { name: c.name, grid: c.grid, labels: c.labels, structures: c.structures, target: c.target, beamDirection: c.beamDirection },
    {
      device: { preset: p.device },
      geometry: { radiusOfCurvature: t.radiusOfCurvature, aperture: t.aperture },
      power: p.powerW,
      exposure: p.exposureS,
      cooling: p.coolingS,
      lesionWidth: p.pointSpacingMm / 1000,
      lesionLength: 0.01,
      constraints: { sliceSpacing: p.sliceSpacingMm / 1000 },
    },
  );
}

import type { Case } from '../case/case.js';
import { structureLabels } from '../case/case.js';
import { InputError } from '../errors.js';
import type { Vec3 } from '../grid/grid3d.js';
import { type ParallelExecutor, SerialExecutor } from '../parallel/parallel-executor.js';
import { caseThermalMedium, gridFrame, outsideMask } from '../planning/case-grids.js';
import { type SimulationOutcome, computeOutcome } from '../planning/outcome.js';
import type { Plan } from '../planning/plan.js';
import type { TreatmentDomains } from '../planning/treatment-domains.js';
import { placeBeamPatch } from '../planning/treatment-sources.js';
import { TreatmentSimulation, type TreatmentSonication } from '../thermal/treatment-simulation.js';
import type { SimulatedPatient } from './simulated-patient.js';

/** An interval of constant output at one point: W into the patient, from `start` for `duration` s. */
export interface DeliveredFragment {
  readonly point: number;
  readonly power: number;
  readonly start: number;
  readonly duration: number;
  /** m, RAS: anatomy displacement while delivered */
  readonly displacement: Vec3;
}

/**
 * The predicted outcome of what a session delivered (the `fuas simulate --json` contract), computed as
 * simulatePlan computes a plan's: the fine two-level solver (TreatmentSimulation, 0.5 mm) over the target with each
 * delivered fragment as a sonication (an interrupted point is several fragments; a moved anatomy shifts the focus),
 * and, for the tissue outside the fine domain, the session's own patient grid (the whole beam path, the near-field
 * role). simulatePlan itself cannot take fragments: it checks every sonication against the device's minimum
 * exposure, which the rest of an interrupted point may undercut (a hook there would remove this copy).
 * `plan.sonications` of the result's totals are the delivered points (power = energy / on-time).
 */
export async function deliveredOutcome(
  c: Case,
  plan: Plan,
  domains: TreatmentDomains,
  fragments: readonly DeliveredFragment[],
  patient: SimulatedPatient,
  endTime: number,
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<SimulationOutcome> {
  const structures = structureLabels(c);
  const targetLabel = structures[c.target];
  if (targetLabel === undefined) throw new InputError('case.target', `no structure "${c.target}"`);
  const grid = domains.fine;
  const { medium, labels } = caseThermalMedium(c, grid);
  const { sources } = domains;
  const frags = fragments.filter((f) => f.duration > 0 && f.power > 0);
  const sonications: TreatmentSonication[] = frags.map((f, k) => {
    const s = plan.sonications[f.point];
    const d = f.displacement;
    const focus: Vec3 = [s.focus[0] - d[0], s.focus[1] - d[1], s.focus[2] - d[2]];
    const src = sources.sources[sources.sourceOfSonication[f.point]];
    const beam = placeBeamPatch(src.focal, grid, focus);
    const next = k + 1 < frags.length ? frags[k + 1].start : endTime;
    const p = domains.nearField.positions[f.point];
    return {
      position: gridFrame(grid, focus),
      power: f.power,
      duration: f.duration,
      cooling: Math.max(0, next - f.start - f.duration),
      beam: { ...beam, offset: [0, 0, 0] },
      ...(src.pathOutsideFocal
        ? { coarseBeam: src.pathOutsideFocal.source, coarsePosition: gridFrame(grid, [p[0] - d[0], p[1] - d[1], p[2] - d[2]]) }
        : {}),
    };
  });
  let dose: Float32Array;
  let maxTemperature: Float32Array;
  if (sonications.length > 0) {
    const t = new TreatmentSimulation(medium, sonications[0].beam as NonNullable<TreatmentSonication['beam']>, sonications, {
      coarseFactor: domains.coarseFactor,
      windowCooling: 3,
      margin: 2e-3,
      executor,
    });
    await t.advance();
    dose = Float32Array.from(t.dose(), (v) => Math.min(v, 3.4e38));
    maxTemperature = t.maxTemperature();
  } else {
    dose = new Float32Array(labels.length);
    maxTemperature = new Float32Array(labels.length).fill(medium.arterialTemperature);
  }
  // the patient grid plays the near field: maxima of the tissue outside the fine domain
  await patient.advance();
  const outside = outsideMask(patient.grid, grid);
  const otherMaxima: Record<string, { maxTemperature: number; maxDose: number }> = {};
  for (const [name, label] of Object.entries(structures)) {
    let tMax = Number.NEGATIVE_INFINITY;
    let dMax = 0;
    for (let i = 0; i < patient.labels.length; i++) {
      if (patient.labels[i] !== label || !outside[i]) continue;
      if (patient.maxTemperature[i] > tMax) tMax = patient.maxTemperature[i];
      if (patient.dose[i] > dMax) dMax = patient.dose[i];
    }
    if (Number.isFinite(tMax)) otherMaxima[name] = { maxTemperature: tMax, maxDose: Math.min(dMax, 3.4e38) };
  }
  // the delivered points as a plan, for the totals (energy, times, count)
  const byPoint = new Map<number, { energy: number; onTime: number; first: number }>();
  for (const f of frags) {
    const e = byPoint.get(f.point) ?? { energy: 0, onTime: 0, first: f.start };
    e.energy += f.power * f.duration;
    e.onTime += f.duration;
    byPoint.set(f.point, e);
  }
  const order = [...byPoint.entries()].sort((a, b) => a[1].first - b[1].first);
  const delivered: Plan = {
    ...plan,
    sonications: order.map(([point, e], k) => ({
      ...plan.sonications[point],
      power: e.energy / e.onTime,
      exposure: e.onTime,
      cooling: Math.max(0, (k + 1 < order.length ? order[k + 1][1].first : endTime) - e.first - e.onTime),
    })),
  };
  const caseVoxel = c.grid.spacing[0] * c.grid.spacing[1] * c.grid.spacing[2];
  let targetVoxels = 0;
  for (let i = 0; i < c.labels.length; i++) if (c.labels[i] === targetLabel) targetVoxels++;
  return computeOutcome({
    plan: delivered,
    grid,
    labels,
    structures,
    target: c.target,
    maxTemperature,
    dose,
    targetVolume: targetVoxels * caseVoxel,
    otherMaxima,
  });
}

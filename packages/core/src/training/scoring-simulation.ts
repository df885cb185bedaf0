import type { Case } from '../case/case.js';
import { structureLabels } from '../case/case.js';
import { InputError } from '../errors.js';
import { type ParallelExecutor, SerialExecutor } from '../parallel/parallel-executor.js';
import { outsideMask } from '../planning/case-grids.js';
import { checkFiniteNearField } from '../planning/finite-fields.js';
import { simulateNearField } from '../planning/near-field.js';
import { type SimulationOutcome, computeOutcome } from '../planning/outcome.js';
import { type Plan, expandShots } from '../planning/plan.js';
import { type PlanSimulationResult, simulatePlan } from '../planning/simulate-plan.js';
import type { TreatmentDomainOptions, TreatmentDomains } from '../planning/treatment-domains.js';

/**
 * A plan's predicted outcome as simulatePlan computes it (near field on), with its two heating runs side by side
 * instead of one after the other: the near field (the whole beam path on a coarse grid, its kernels on the
 * executor's threads) and the treatment heating (the fine window on this thread, its coarse level on the executor's
 * threads). They are independent: each steps the plan's timeline on its own grid, and simulatePlan joins them only
 * in the outcome (per-structure maxima of the near field outside the fine grid, its findings). With two cores the
 * treatment's window, serial, runs while the near field waits for its workers. The outcome is built here from both
 * runs exactly as simulatePlan builds it (scoring-simulation.test.ts: equal to simulatePlan's, field by field).
 */
export async function simulateOutcomeSideBySide(
  c: Case,
  plan: Plan,
  domains: TreatmentDomains,
  options: TreatmentDomainOptions & { executor?: ParallelExecutor; signal?: { readonly aborted: boolean } } = {},
): Promise<{ outcome: SimulationOutcome; stats: PlanSimulationResult['stats'] }> {
  plan = expandShots(plan);
  const executor = options.executor ?? new SerialExecutor();
  const t0 = performance.now();
  // the treatment first: it checks the plan (device limits, couch window, domains) before either run gets far
  const treatment = simulatePlan(c, plan, { ...options, domains, nearField: false, executor, treatmentExecutor: executor });
  const nearField =
    plan.sonications.length === 0
      ? Promise.resolve(null)
      : simulateNearField(c, plan, domains.nearField, { executor, signal: options.signal }).then((run) => ({
          run,
          seconds: (performance.now() - t0) / 1000,
        }));
  // both settle before anything is thrown (neither keeps running, unobserved, after the other failed)
  const [sim, near] = await Promise.allSettled([treatment, nearField]);
  if (sim.status === 'rejected') throw sim.reason;
  if (near.status === 'rejected') throw near.reason;
  const result = sim.value;
  if (!near.value) return { outcome: result.outcome, stats: result.stats };
  const nf = near.value.run;
  checkFiniteNearField(nf);
  // the outcome with the near field, as simulatePlan's step 5 builds it
  const structures = structureLabels(c);
  const targetLabel = structures[c.target];
  if (targetLabel === undefined) throw new InputError('case.target', `no structure "${c.target}"`);
  const caseVoxel = c.grid.spacing[0] * c.grid.spacing[1] * c.grid.spacing[2];
  let targetVoxels = 0;
  for (let i = 0; i < c.labels.length; i++) if (c.labels[i] === targetLabel) targetVoxels++;
  const nearMaxima: Record<string, { maxTemperature: number; maxDose: number }> = {};
  const outside = outsideMask(nf.grid, result.grid);
  for (const [name, label] of Object.entries(structures)) {
    let tMax = Number.NEGATIVE_INFINITY;
    let dMax = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < nf.labels.length; i++) {
      if (nf.labels[i] !== label || !outside[i]) continue;
      if (nf.maxTemperature[i] > tMax) tMax = nf.maxTemperature[i];
      if (nf.dose[i] > dMax) dMax = nf.dose[i];
    }
    if (Number.isFinite(tMax)) nearMaxima[name] = { maxTemperature: tMax, maxDose: dMax };
  }
  // simulatePlan's findings before the outcome's own: the near field's, then the beam-reuse note (its
  // 'near-field-skipped' note does not apply: the near field ran)
  const outcome = computeOutcome({
    plan,
    grid: result.grid,
    labels: result.labels,
    structures,
    target: c.target,
    maxTemperature: result.maxTemperature,
    dose: result.dose,
    targetVolume: targetVoxels * caseVoxel,
    findings: [...nf.findings, ...result.outcome.findings.filter((f) => f.code === 'beam-reuse')],
    otherMaxima: nearMaxima,
  });
  return {
    outcome,
    stats: { ...result.stats, nearFieldSeconds: near.value.seconds, nearFieldVoxels: nf.labels.length },
  };
}

import type { Case } from '../case/case.js';
import type { ParallelExecutor } from '../parallel/parallel-executor.js';
import { autoPlan } from '../planning/auto-plan.js';
import type { SimulationOutcome } from '../planning/outcome.js';
import type { Plan } from '../planning/plan.js';
import { simulatePlan } from '../planning/simulate-plan.js';
import type { NearFieldResult } from '../planning/near-field.js';
import type { TreatmentDomainOptions, TreatmentDomains } from '../planning/treatment-domains.js';

/**
 * Resolution of the training exercises' treatment simulations: a 1 mm fine thermal grid instead of simulatePlan's
 * 0.5 mm default (8× fewer fine voxels), so that scoring a planning exercise stays under 30 s on 2 cores. Measured
 * on a 30 mm anterior T2-type-2 phantom with the clinical autoPlan (docs/training.md): NPV ratio 0.913 at 1 mm
 * against 0.924 at 0.5 mm. Scores compare plans simulated at the same resolution, expert and trainee alike.
 */
export const TRAINING_DOMAINS: TreatmentDomainOptions = { fineSpacing: 1e-3 };

/** The expert reference of a case: the automatic clinical plan and its predicted outcome. */
export interface ExpertReference {
  plan: Plan;
  outcome: SimulationOutcome;
  /** s: planning and simulating it */
  seconds: { plan: number; simulate: number };
  /**
   * the expert plan's acoustics and domains and its near-field run (in memory only): scoring a trainee's plan on this
   * case reuses them (scoring-reuse.ts)
   */
  domains?: TreatmentDomains;
  nearField?: NearFieldResult;
}

/**
 * The expert plan: autoPlan with the clinical pacing (400 W shots of 2 s repeated until the simulated greyscale
 * change, points one lesion width apart, near-field cooling fitted), simulated at TRAINING_DOMAINS.
 */
export async function expertReference(
  c: Case,
  options: { executor?: ParallelExecutor; signal?: { readonly aborted: boolean } } = {},
): Promise<ExpertReference> {
  const t0 = performance.now();
  const planned = await autoPlan(c, { pacing: 'clinical', domains: TRAINING_DOMAINS, executor: options.executor, signal: options.signal });
  const t1 = performance.now();
  const sim = await simulatePlan(c, planned.plan, {
    ...TRAINING_DOMAINS,
    domains: planned.domains,
    nearFieldRun: planned.nearField,
    executor: options.executor,
    signal: options.signal,
  });
  return {
    plan: planned.plan,
    outcome: sim.outcome,
    seconds: { plan: (t1 - t0) / 1000, simulate: (performance.now() - t1) / 1000 },
    ...(planned.domains ? { domains: planned.domains } : {}),
    ...(planned.nearField ? { nearField: planned.nearField } : {}),
  };
}

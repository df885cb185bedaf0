import type { Case } from '../case/case.js';
import { FormatError, InputError } from '../errors.js';
import type { ParallelExecutor } from '../parallel/parallel-executor.js';
import type { SimulationOutcome } from '../planning/outcome.js';
import { type Plan, parsePlan } from '../planning/plan.js';
import { nearFieldRunFits } from '../planning/near-field.js';
import { simulatePlan } from '../planning/simulate-plan.js';
import { type TreatmentDomainOptions, treatmentDomains } from '../planning/treatment-domains.js';
import { decodeLog } from '../console/treatment-log.js';
import { type SessionSettings, type SessionSummary, TreatmentSession } from '../console/treatment-session.js';
import type { ExpertReference } from './expert-reference.js';
import { TRAINING_DOMAINS } from './expert-reference.js';
import { outcomeSafetyEvents, planSafetyEvents, sessionSafetyEvents } from './safety-events.js';
import { type ExerciseScore, scoreExercise } from './score.js';
import { reusedDomains, samePlanAsExpert } from './scoring-reuse.js';

/** How a planning exercise was simulated: the full path, or reusing the expert reference (scoring-reuse.ts). */
export interface PlanScoringStats {
  path: 'full' | 'same-as-expert' | 'reused-acoustics';
  /** beam computations made for the trainee's plan (0: every beam reused) */
  beamComputations: number;
  /** whether the expert's near-field run was taken */
  nearFieldReused: boolean;
  seconds: number;
}

/**
 * A planning exercise: the trainee's plan simulated on the case (simulatePlan at TRAINING_DOMAINS, as the expert's),
 * its margin/beam-path events and the outcome's dose events, scored against the expert reference.
 * With the expert's domains (an ExpertReference computed in this process) the simulation reuses them: a plan that
 * delivers what the expert plan delivers takes the expert's outcome (deterministic simulation), others reuse the
 * expert's beams where their layer stacks agree within SCORING_STACK_TOLERANCE (reusedDomains); `full: true`
 * simulates from scratch (tests compare).
 */
export async function scorePlanExercise(
  caseId: string,
  c: Case,
  planJson: unknown,
  expert: Pick<ExpertReference, 'plan' | 'outcome'> & Partial<Pick<ExpertReference, 'domains' | 'nearField'>>,
  options: { executor?: ParallelExecutor; signal?: { readonly aborted: boolean }; full?: boolean } = {},
): Promise<ExerciseScore & { outcome: SimulationOutcome; stats: PlanScoringStats }> {
  const t0 = performance.now();
  const plan: Plan = parsePlan(planJson);
  if (plan.sonications.length === 0) throw new InputError('plan.sonications', 'is empty: nothing to score');
  let outcome: SimulationOutcome;
  let stats: Omit<PlanScoringStats, 'seconds'>;
  if (!options.full && samePlanAsExpert(plan, expert.plan)) {
    outcome = expert.outcome;
    stats = { path: 'same-as-expert', beamComputations: 0, nearFieldReused: true };
  } else if (!options.full && expert.domains && JSON.stringify(plan.device) === JSON.stringify(expert.plan.device)) {
    // (the expert's beams are its device's: a plan on another transducer computes its own)
    const domains = await reusedDomains(c, plan, expert.domains, TRAINING_DOMAINS, options.executor);
    const near =
      domains === expert.domains && expert.nearField && nearFieldRunFits(expert.nearField, plan, true) ? expert.nearField : undefined;
    // the simulation on this thread: its kernels (near field ≈ 10⁵ voxels a step, the treatment's coarse level) are
    // too small for a worker round trip each; measured on the 45 mm case (docs/training.md), a 2-thread pool took
    // 14–15 CPU s and 15–16 s wall where this thread alone took 9–10 CPU s and 10–14 s wall. The executor computes
    // the beams of foci no expert beam fits.
    const sim = await simulatePlan(c, plan, {
      ...TRAINING_DOMAINS,
      domains,
      ...(near ? { nearFieldRun: near } : {}),
      signal: options.signal,
    });
    outcome = sim.outcome;
    stats = { path: 'reused-acoustics', beamComputations: domains.sources.computations, nearFieldReused: near !== undefined };
  } else {
    const sim = await simulatePlan(c, plan, { ...TRAINING_DOMAINS, executor: options.executor, signal: options.signal });
    outcome = sim.outcome;
    stats = { path: 'full', beamComputations: sim.stats.beamComputations, nearFieldReused: false };
  }
  const events = [...planSafetyEvents(c, plan), ...outcomeSafetyEvents(outcome)];
  return {
    ...scoreExercise(caseId, { outcome, plan, events }, expert),
    outcome,
    stats: { ...stats, seconds: (performance.now() - t0) / 1000 },
  };
}

/**
 * The summary of a console session from its log (treatment-log.ts): with `replay` (default) the session is re-run
 * from the log on the case (TreatmentSession.replay: bit-identical or a FormatError) and its delivered outcome
 * computed again (on `domains`: default those of `fuas treat`); without, the summary the log's `end` event holds (the
 * log's checksums still checked).
 * FormatError for an invalid log, a log of another case, or a session that did not end.
 */
export async function sessionSummaryOfLog(
  c: Case,
  bytes: Uint8Array,
  file: string,
  options: { replay?: boolean; executor?: ParallelExecutor; domains?: TreatmentDomainOptions } = {},
): Promise<{ summary: SessionSummary; plan: Plan }> {
  const d = decodeLog(bytes);
  if (!d.valid || !d.header) throw new FormatError(file, `not a valid treatment log (${d.error ?? 'no header'})`);
  const plan = parsePlan(d.header.plan);
  const end = d.events.find((e) => e.type === 'end');
  if (!end) throw new FormatError(file, 'the session has not ended (no end event): finish or --resume it before scoring');
  if (options.replay === false) {
    const s = end.summary as SessionSummary | undefined;
    if (!s || !s.outcome) throw new FormatError(file, 'the end event holds no outcome');
    return { summary: s, plan };
  }
  // the domains `fuas treat` runs on (default resolution) unless the session ran on others
  const domains = await treatmentDomains(c, plan, options.domains ?? {}, options.executor);
  const session = new TreatmentSession({
    case: c,
    plan,
    domains,
    settings: d.header.settings as SessionSettings,
    executor: options.executor,
  });
  if (session.planHash !== d.header.planHash) throw new FormatError(file, 'the plan in the header does not match its hash');
  if (session.settingsHash !== d.header.settingsHash)
    throw new FormatError(file, 'the log was run on another case or with other settings (settings hash differs)');
  await session.replay(d.events);
  const outcome = await session.outcome();
  await session.finish(outcome); // compared with the logged end event
  return { summary: session.summary(outcome), plan };
}

/**
 * A treatment exercise: a console session's delivered outcome (what was sonicated until it ended or an interlock
 * stopped it), its interlocks and dose events, and the plan's margin/beam-path events, scored against the expert.
 */
export function scoreSessionExercise(
  caseId: string,
  c: Case,
  session: { summary: SessionSummary; plan: Plan },
  expert: Pick<ExpertReference, 'plan' | 'outcome'>,
): ExerciseScore & { outcome: SimulationOutcome } {
  const outcome = session.summary.outcome;
  if (!outcome) throw new InputError('session', 'has no delivered outcome');
  const events = [...planSafetyEvents(c, session.plan), ...outcomeSafetyEvents(outcome), ...sessionSafetyEvents(session.summary)];
  return { ...scoreExercise(caseId, { outcome, plan: session.plan, events }, expert), outcome };
}

/**
 * The training case a console log was treated on: its plan's case name is `training-<id>` (trainingCase names its
 * cases so, and the plan written on a case carries its name), or null (another case, or no valid header).
 */
export function trainingCaseOfLog(bytes: Uint8Array): string | null {
  const d = decodeLog(bytes);
  const name = (d.header?.plan as { caseName?: unknown } | undefined)?.caseName;
  return typeof name === 'string' && name.startsWith('training-') ? name.slice('training-'.length) : null;
}

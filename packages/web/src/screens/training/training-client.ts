import type { Plan, TankResult, TankShot, TrainingCaseEntry } from '@openfuas/core';
import { CoreError } from '../../engine/core-error.js';
import { workerRpc } from '../../engine/worker-rpc.js';
import type { WorkstationCase } from '../../engine/workstation-case.js';
import type { ExpertSummary, ScoredExercise, SessionReview, TrainingReply, TrainingRequest } from './training-protocol.js';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
type Ok = Extract<TrainingReply, { ok: true }>;

const call = workerRpc<TrainingRequest, TrainingReply, Ok>(
  () => new Worker(new URL('./training-worker.ts', import.meta.url), { type: 'module', name: 'training' }),
  (r) => (r.ok ? r : new CoreError(r.error)),
  'training worker',
);
const request = (req: DistributiveOmit<TrainingRequest, 'id'>) => call((id) => ({ ...req, id }) as TrainingRequest);

/** The library entry of a case (its phantom generated in the worker: factors measured, difficulty from them). */
export async function caseEntry(caseId: string): Promise<TrainingCaseEntry> {
  return ((await request({ kind: 'entry', caseId })) as Extract<Ok, { kind: 'entry' }>).entry;
}

/** The case itself, for the planning screen. */
export async function trainingCaseForPlanning(caseId: string): Promise<{ case: WorkstationCase; entry: TrainingCaseEntry }> {
  return (await request({ kind: 'case', caseId })) as Extract<Ok, { kind: 'case' }>;
}

/** Scores a trainee's plan on a case (the expert reference computed first when `expert` is null). */
export async function scorePlan(
  caseId: string,
  plan: Plan,
  expert: ExpertSummary | null,
): Promise<{ scored: ScoredExercise; expert: ExpertSummary }> {
  return (await request({ kind: 'score', caseId, plan, expert })) as Extract<Ok, { kind: 'score' }>;
}

/** One shot into the virtual tank's block (about a second or two in the worker). */
export async function tankShotInWorker(shot: TankShot): Promise<TankResult> {
  return ((await request({ kind: 'tank', shot })) as Extract<Ok, { kind: 'tank' }>).result;
}

/** The expert reference of a case (computed once per case in the worker; a scoring of the case waits for the same one). */
export async function expertInWorker(caseId: string): Promise<ExpertSummary> {
  return ((await request({ kind: 'expert', caseId })) as Extract<Ok, { kind: 'expert' }>).expert;
}

/**
 * Scores a console session's log (exercise 3; the instructor's replay): `replay` re-runs the session from the log
 * (bit-identical, as long as the treatment took), else its end summary is read (checksums checked). `caseId` null:
 * the case its plan names.
 */
export async function scoreLogInWorker(
  caseId: string | null,
  bytes: Uint8Array,
  name: string,
  replay: boolean,
  expert: ExpertSummary | null,
): Promise<{ caseId: string; scored: ScoredExercise; review: SessionReview; expert: ExpertSummary }> {
  return (await request({ kind: 'score-log', caseId, bytes, name, replay, expert })) as Extract<Ok, { kind: 'score-log' }>;
}

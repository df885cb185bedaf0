import type { ExerciseScore, Plan, SimulationOutcome, TankResult, TankShot, TrainingCaseEntry } from '@openfuas/core';
import type { CoreErrorData } from '../../engine/core-error.js';
import type { WorkstationCase } from '../../engine/workstation-case.js';

/** What the scoring screens keep of a predicted outcome (the full outcome holds every structure's maxima). */
export interface OutcomeSummary {
  npvRatio: number;
  /** J/mm³ */
  eef: number;
  /** s */
  treatmentTime: number;
  /** J */
  energy: number;
  sonications: number;
}

/** The expert reference of a case as the page keeps it (plan and predicted outcome), cached per case and core version. */
export interface ExpertSummary {
  plan: Plan;
  outcome: SimulationOutcome;
}

/** A scored planning exercise, with the trainee's outcome and the expert's beside it. */
export interface ScoredExercise {
  score: ExerciseScore;
  outcome: OutcomeSummary;
  expert: OutcomeSummary;
  /** s spent in the worker (expert reference included when it was not cached) */
  seconds: number;
}

export type TrainingRequest =
  | { id: number; kind: 'entry'; caseId: string }
  | { id: number; kind: 'case'; caseId: string }
  | { id: number; kind: 'expert'; caseId: string }
  | { id: number; kind: 'score'; caseId: string; plan: Plan; expert: ExpertSummary | null }
  | { id: number; kind: 'tank'; shot: TankShot }
  | {
      id: number;
      kind: 'score-log';
      caseId: string | null;
      bytes: Uint8Array;
      name: string;
      replay: boolean;
      expert: ExpertSummary | null;
    };

export type TrainingReply =
  | { id: number; ok: true; kind: 'entry'; entry: TrainingCaseEntry }
  | { id: number; ok: true; kind: 'case'; case: WorkstationCase; entry: TrainingCaseEntry }
  | { id: number; ok: true; kind: 'expert'; expert: ExpertSummary }
  | { id: number; ok: true; kind: 'score'; scored: ScoredExercise; expert: ExpertSummary }
  | { id: number; ok: true; kind: 'tank'; result: TankResult }
  | { id: number; ok: true; kind: 'score-log'; caseId: string; scored: ScoredExercise; review: SessionReview; expert: ExpertSummary }
  | { id: number; ok: false; error: CoreErrorData };

/**
 * The review of a console session (exercise 3), shown after it ended: how it ended, its interlocks, and the truth the
 * console hid during the treatment (the simulated patient's delivered outcome).
 */
export interface SessionReview {
  state: string;
  stop: { reason: string; time: number } | null;
  interlocks: Array<{ time: number; code: string; level: 'warning' | 'error' }>;
  delivered: { sonications: number; energy: number; sonicationTime: number };
  /** whether the session was re-run from its log (bit-identical) or its end summary read */
  replayed: boolean;
}

/** The summary of a core outcome. */
export function summarizeOutcome(o: SimulationOutcome): OutcomeSummary {
  return { npvRatio: o.npvRatio, eef: o.eef, treatmentTime: o.treatmentTime, energy: o.energy, sonications: o.sonications };
}

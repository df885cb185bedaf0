import { FormatError } from '../errors.js';
import { type Plan, expandShots, parsePlan } from '../planning/plan.js';
import { contentHash } from './canonical-json.js';
import type { LogHeader } from './treatment-log.js';
import type { SessionSettings, TreatmentSession } from './treatment-session.js';

/**
 * What a log's header says about the session it records, for replay and resume (the CLI's `fuas log replay`,
 * `fuas treat --resume`, the workstation's review): the plan (any plan format version, migrated and expanded as the
 * session runs it), the plan document as written (its hash is the log's plan hash: a log written before plan
 * format v2 holds a version-1 plan and keeps its hash), the settings, and the patient-read pattern of the console
 * that wrote it (the workstation's `run.workstation.patientReadEvery`; 0 for `fuas treat`).
 */
export interface LoggedSession {
  readonly plan: Plan;
  readonly loggedPlan: unknown;
  readonly settings: SessionSettings;
  readonly patientReadEvery: number;
}

/** Reads a log header for replay; FormatError (naming `file`) when its plan does not match its hash or is not a plan. */
export function loggedSession(header: LogHeader, file = 'log'): LoggedSession {
  if (contentHash(header.plan, 'plan') !== header.planHash) throw new FormatError(file, 'the plan in the header does not match its hash');
  let plan: Plan;
  try {
    plan = expandShots(parsePlan(header.plan));
  } catch (e) {
    throw new FormatError(file, `the plan in the header is not a valid plan (${e instanceof Error ? e.message : String(e)})`);
  }
  return {
    plan,
    loggedPlan: header.plan,
    settings: header.settings as SessionSettings,
    patientReadEvery: patientReadEveryOf(header, file),
  };
}

/** The extra patient reads (ticks apart) of the console that wrote a log: the workstation records them in `run`. */
export function patientReadEveryOf(header: LogHeader, file = 'log'): number {
  const run = (header as { run?: { workstation?: { patientReadEvery?: unknown } } }).run;
  const n = run?.workstation?.patientReadEvery ?? 0;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw new FormatError(file, `run.workstation.patientReadEvery must be a whole number ≥ 0, got ${JSON.stringify(n)}`);
  return n;
}

/** Checks that a session built from a log header has the header's plan and settings hashes (FormatError otherwise). */
export function checkLogHashes(session: TreatmentSession, header: LogHeader, file = 'log'): void {
  if (session.planHash !== header.planHash) throw new FormatError(file, 'the plan in the header does not match its hash');
  if (session.settingsHash !== header.settingsHash)
    throw new FormatError(file, 'the log was run on another case or with other settings (settings hash differs)');
}

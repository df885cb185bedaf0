import { InputError } from '../errors.js';

/**
 * xAPI (Experience API) statements for training results, so that a learning management system can take them: plain
 * JSON per ADL's xAPI specification 1.0.3 (https://github.com/adlnet/xAPI-Spec, Data part: Statement, Actor, Verb,
 * Object, Result). Verbs are ADL's registered IRIs (http://adlnet.gov/expapi/verbs/…); result.score.scaled ∈ [−1, 1]
 * (here score / 100), raw/min/max the rubric's points; duration as an ISO 8601 duration.
 */
export const XAPI_VERBS = {
  completed: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
  passed: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { 'en-US': 'passed' } },
  failed: { id: 'http://adlnet.gov/expapi/verbs/failed', display: { 'en-US': 'failed' } },
} as const;

export interface XapiStatement {
  id?: string;
  actor: { objectType: 'Agent'; name?: string; mbox?: string; account?: { homePage: string; name: string } };
  verb: { id: string; display: Record<string, string> };
  object: {
    objectType: 'Activity';
    id: string;
    definition: { name: Record<string, string>; type: string; extensions?: Record<string, unknown> };
  };
  result: {
    score: { scaled: number; raw: number; min: number; max: number };
    success: boolean;
    completion: boolean;
    duration?: string;
    extensions?: Record<string, unknown>;
  };
  timestamp: string;
  version: '1.0.3';
}

/** ISO 8601 duration of s seconds (PT#H#M#S, seconds to 2 decimals as xAPI asks). */
export function isoDuration(s: number): string {
  if (!(s >= 0) || !Number.isFinite(s)) throw new InputError('duration', `must be a finite number ≥ 0 s, got ${s}`);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s - 3600 * h) / 60);
  const sec = Math.round((s - 3600 * h - 60 * m) * 100) / 100;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${sec}S`;
}

/**
 * The statement of one scored exercise. `verb`: 'passed' or 'failed' from the score (default), or 'completed'.
 * Activity ids are IRIs under `activityBase` (default https://openfuas.org/training/case/). The trainee is an
 * account on the workstation's home page (no e-mail needed) or an mbox (mailto:).
 */
export function xapiStatement(input: {
  trainee: { name?: string; account?: { homePage: string; name: string }; mbox?: string };
  caseId: string;
  caseTitle: string;
  score: number;
  passed: boolean;
  verb?: keyof typeof XAPI_VERBS;
  /** s spent on the exercise */
  duration?: number;
  /** ISO 8601 time (default now) */
  timestamp?: string;
  activityBase?: string;
  extensions?: Record<string, unknown>;
}): XapiStatement {
  if (!input.trainee.account && !input.trainee.mbox) throw new InputError('trainee', 'needs an account { homePage, name } or an mbox');
  if (input.trainee.mbox !== undefined && !/^mailto:[^@\s]+@[^@\s]+$/.test(input.trainee.mbox))
    throw new InputError('trainee.mbox', `must be "mailto:name@host", got ${JSON.stringify(input.trainee.mbox)}`);
  if (typeof input.score !== 'number' || !(input.score >= 0 && input.score <= 100))
    throw new InputError('score', `must be 0–100, got ${input.score}`);
  if (!/^[a-z0-9-]+$/.test(input.caseId))
    throw new InputError('caseId', `must be a case id (a-z, 0-9, -), got ${JSON.stringify(input.caseId)}`);
  const verb = input.verb ?? (input.passed ? 'passed' : 'failed');
  if (!(verb in XAPI_VERBS)) throw new InputError('verb', `must be completed, passed or failed, got ${JSON.stringify(verb)}`);
  const base = input.activityBase ?? 'https://openfuas.org/training/case/';
  const actor: XapiStatement['actor'] = { objectType: 'Agent' };
  if (input.trainee.name) actor.name = input.trainee.name;
  if (input.trainee.mbox) actor.mbox = input.trainee.mbox;
  else if (input.trainee.account) actor.account = { ...input.trainee.account };
  return {
    actor,
    verb: { id: XAPI_VERBS[verb].id, display: { ...XAPI_VERBS[verb].display } },
    object: {
      objectType: 'Activity',
      id: `${base}${input.caseId}`,
      definition: {
        name: { 'en-US': input.caseTitle },
        type: 'http://adlnet.gov/expapi/activities/simulation',
        ...(input.extensions ? { extensions: input.extensions } : {}),
      },
    },
    result: {
      score: { scaled: Math.round(input.score * 10) / 1000, raw: input.score, min: 0, max: 100 },
      success: input.passed,
      completion: true,
      ...(input.duration !== undefined ? { duration: isoDuration(input.duration) } : {}),
    },
    timestamp: input.timestamp ?? new Date().toISOString(),
    version: '1.0.3',
  };
}

/// <reference lib="webworker" />
// Training worker: generates the library's cases, computes a case's expert reference and scores the trainee's plan
// off the main thread (a planning exercise simulates two plans: tens of seconds), so the page stays responsive.
import {
  type Case,
  type ExpertReference,
  InputError,
  expertReference,
  scorePlanExercise,
  scoreSessionExercise,
  sessionSummaryOfLog,
  tankShot,
  trainingCase,
  trainingCaseOfLog,
} from '@openfuas/core';
import { errorData } from '../../engine/core-error.js';
import { fromCoreCase } from '../../engine/core-case.js';
import { type ExpertSummary, type TrainingReply, type TrainingRequest, summarizeOutcome } from './training-protocol.js';

/** generated cases, by id (a phantom takes about a second; the same id always gives the same case) */
const cases = new Map<string, ReturnType<typeof trainingCase>>();
const generated = (id: string) => {
  let c = cases.get(id);
  if (!c) {
    c = trainingCase(id);
    cases.set(id, c);
  }
  return c;
};

/**
 * expert references being computed or computed, by case id (one computation per case, shared by its requests); the
 * worker keeps each in full (its beams, domains and near-field run) so that scoring a plan on that case reuses them
 */
const full = new Map<string, ExpertReference>();
const experts = new Map<string, Promise<ExpertSummary>>();
const expertOf = (id: string): Promise<ExpertSummary> => {
  let e = experts.get(id);
  if (!e) {
    e = expertReference(generated(id).case).then((ref) => {
      full.set(id, ref);
      return { plan: ref.plan, outcome: ref.outcome };
    });
    e.catch(() => experts.delete(id));
    experts.set(id, e);
  }
  return e;
};

/** A copy of the core case for the page (the worker keeps its own for scoring). */
function copyOf(c: Case): Case {
  return structuredClone(c);
}

async function handle(req: TrainingRequest): Promise<{ reply: TrainingReply; transfer: Transferable[] }> {
  if (req.kind === 'entry') return { reply: { id: req.id, ok: true, kind: 'entry', entry: generated(req.caseId).entry }, transfer: [] };
  if (req.kind === 'case') {
    const g = generated(req.caseId);
    const wc = fromCoreCase(copyOf(g.case));
    const transfer = [...new Set([wc.image.buffer, wc.labels?.buffer].filter((b) => b && !(b instanceof SharedArrayBuffer)))];
    return { reply: { id: req.id, ok: true, kind: 'case', case: wc, entry: g.entry }, transfer: transfer as Transferable[] };
  }
  if (req.kind === 'tank') {
    const result = await tankShot(req.shot);
    return {
      reply: { id: req.id, ok: true, kind: 'tank', result },
      transfer: [result.plane.temperature.buffer, result.plane.dose.buffer] as Transferable[],
    };
  }
  if (req.kind === 'score-log') {
    // exercise 3 and the instructor's replay: a console log scored against the expert (its truth revealed here)
    const t0 = performance.now();
    const caseId = req.caseId ?? trainingCaseOfLog(req.bytes);
    if (!caseId) throw new InputError(req.name, 'names no training case: choose the case it was treated on');
    const g = generated(caseId);
    const expert: ExpertSummary = req.expert ?? (await expertOf(caseId));
    const session = await sessionSummaryOfLog(g.case, req.bytes, req.name, { replay: req.replay });
    const { outcome, ...score } = scoreSessionExercise(caseId, g.case, session, expert);
    const s = session.summary;
    return {
      reply: {
        id: req.id,
        ok: true,
        kind: 'score-log',
        caseId,
        scored: {
          score,
          outcome: summarizeOutcome(outcome),
          expert: summarizeOutcome(expert.outcome),
          seconds: (performance.now() - t0) / 1000,
        },
        review: {
          state: s.state,
          stop: s.stop ? { reason: s.stop.reason, time: s.stop.time } : null,
          interlocks: s.interlocks,
          delivered: s.delivered,
          replayed: req.replay,
        },
        expert,
      },
      transfer: [],
    };
  }
  if (req.kind === 'expert') return { reply: { id: req.id, ok: true, kind: 'expert', expert: await expertOf(req.caseId) }, transfer: [] };
  const t0 = performance.now();
  const g = generated(req.caseId);
  const expert: ExpertSummary = req.expert ?? (await expertOf(req.caseId));
  // the worker's own reference of this case (same core): its beams are reused; a page-cached summary scores alone
  const own = full.get(req.caseId);
  const scored = await scorePlanExercise(req.caseId, g.case, req.plan, own ?? expert);
  const { outcome, stats: _stats, ...score } = scored;
  return {
    reply: {
      id: req.id,
      ok: true,
      kind: 'score',
      scored: {
        score,
        outcome: summarizeOutcome(outcome),
        expert: summarizeOutcome(expert.outcome),
        seconds: (performance.now() - t0) / 1000,
      },
      expert,
    },
    transfer: [],
  };
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async (e: MessageEvent<TrainingRequest>) => {
  try {
    const { reply, transfer } = await handle(e.data);
    scope.postMessage(reply, transfer);
  } catch (err) {
    const reply: TrainingReply = { id: e.data.id, ok: false, error: errorData(err) };
    scope.postMessage(reply);
  }
};

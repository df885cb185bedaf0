/// <reference lib="webworker" />
// Training worker: generates the library's cases, computes a case's expert reference and scores the trainee's plan
// off the main thread (a planning exercise simulates two plans: tens of seconds), so the page stays responsive.
import { type Case, expertReference, scorePlanExercise, tankShot, trainingCase } from '@openfuas/core';
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

/** expert references being computed or computed, by case id (one computation per case, shared by its requests) */
const experts = new Map<string, Promise<ExpertSummary>>();
const expertOf = (id: string): Promise<ExpertSummary> => {
  let e = experts.get(id);
  if (!e) {
    e = expertReference(generated(id).case).then((ref) => ({ plan: ref.plan, outcome: ref.outcome }));
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
  if (req.kind === 'expert') return { reply: { id: req.id, ok: true, kind: 'expert', expert: await expertOf(req.caseId) }, transfer: [] };
  const t0 = performance.now();
  const g = generated(req.caseId);
  const expert: ExpertSummary = req.expert ?? (await expertOf(req.caseId));
  const scored = await scorePlanExercise(req.caseId, g.case, req.plan, expert);
  const { outcome, ...score } = scored;
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

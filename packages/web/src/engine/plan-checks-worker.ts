/// <reference lib="webworker" />
// Plan-checks worker: checks every point of a new plan (beam path, margins, target, slice) and computes where foci
// may sit (four distance transforms): together about a second on a 1.5 mm case, kept off the page's main thread.
import type { Sonication } from '@openfuas/core';
import { type PlanChecks, type PointCheckContext, checkPlan } from './point-safety.js';

export interface PlanChecksRequest {
  id: number;
  context: PointCheckContext;
  sonications: Sonication[];
}
export type PlanChecksReply = ({ id: number; ok: true } & PlanChecks) | { id: number; ok: false; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (e: MessageEvent<PlanChecksRequest>) => {
  const { id } = e.data;
  try {
    const r = checkPlan(e.data.context, e.data.sonications);
    scope.postMessage({ id, ok: true, ...r } satisfies PlanChecksReply, [r.allowed.buffer]);
  } catch (err) {
    scope.postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies PlanChecksReply);
  }
};

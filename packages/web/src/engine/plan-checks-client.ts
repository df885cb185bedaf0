import type { Sonication } from '@openfuas/core';
import type { PlanChecksReply, PlanChecksRequest } from './plan-checks-worker.js';
import type { PlanChecks, PointCheckContext } from './point-safety.js';

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (r: PlanChecks) => void; reject: (e: Error) => void }>();

function checksWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./plan-checks-worker.ts', import.meta.url), { type: 'module', name: 'plan-checks' });
  worker.onmessage = (e: MessageEvent<PlanChecksReply>) => {
    const p = pending.get(e.data.id);
    if (!p) return;
    pending.delete(e.data.id);
    if (e.data.ok) p.resolve({ allowed: e.data.allowed, warnings: e.data.warnings });
    else p.reject(new Error(e.data.error));
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(new Error(e.message || 'plan-checks worker failed'));
    pending.clear();
    worker?.terminate();
    worker = null;
  };
  return worker;
}

/** checkPlan in a worker (the label map and the points are copied there, the allowed region transferred back). */
export function checkPlanInWorker(context: PointCheckContext, sonications: readonly Sonication[]): Promise<PlanChecks> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const request: PlanChecksRequest = { id, context, sonications: sonications.slice() };
    checksWorker().postMessage(request);
  });
}

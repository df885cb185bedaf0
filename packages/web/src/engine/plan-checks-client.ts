import type { Sonication } from '@openfuas/core';
import type { PlanChecksReply, PlanChecksRequest } from './plan-checks-worker.js';
import type { PlanChecks, PointCheckContext } from './point-safety.js';
import { workerRpc } from './worker-rpc.js';

const call = workerRpc<PlanChecksRequest, PlanChecksReply, PlanChecks>(
  () => new Worker(new URL('./plan-checks-worker.ts', import.meta.url), { type: 'module', name: 'plan-checks' }),
  (r) => (r.ok ? { allowed: r.allowed, warnings: r.warnings } : new Error(r.error)),
  'plan-checks worker',
);

/** checkPlan in a worker (the label map and the points are copied there, the allowed region transferred back). */
export function checkPlanInWorker(context: PointCheckContext, sonications: readonly Sonication[]): Promise<PlanChecks> {
  return call((id) => ({ id, context, sonications: sonications.slice() }));
}

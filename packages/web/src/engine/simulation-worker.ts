/// <reference lib="webworker" />
// Simulation worker: runs one job at a time (treatment simulation or pool self-test) off the page's main
// thread; its own kernel pool is nested inside it. Protocol in simulation-protocol.ts.
import { errorData } from './core-error.js';
import { CancelledError, type JobContext } from './simulation-context.js';
import type { FromWorker, PartialResult, SimulationResult, ToWorker } from './simulation-protocol.js';
import { runSelftest } from './selftest-job.js';
import { runAutoPlan, runTreatment } from './treatment-job.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

/** ArrayBuffers (not shared memory) of the typed arrays in a message, one level deep and in `fine` / `frame`. */
function transferables(p: PartialResult | SimulationResult): Transferable[] {
  const out: Transferable[] = [];
  const add = (o: object) => {
    for (const v of Object.values(o)) {
      if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && !out.includes(v.buffer)) out.push(v.buffer);
    }
  };
  add(p);
  if ('fine' in p && p.fine) add(p.fine);
  if ('frame' in p && p.frame) add(p.frame);
  return out;
}

scope.onmessage = async (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.type === 'cancel') {
    // the shared flag is already set by the page; this message only wakes a job that waits on the event loop
    return;
  }
  const { id, job, cancelFlag } = msg;
  const ctx: JobContext = {
    progress: (fraction, stage, detail) => post({ type: 'progress', id, fraction, stage, detail }),
    partial: (partial) => post({ type: 'partial', id, partial }, transferables(partial)),
    get cancelled() {
      return Atomics.load(cancelFlag, 0) !== 0;
    },
    signal: {
      get aborted() {
        return Atomics.load(cancelFlag, 0) !== 0;
      },
    },
    yield: () => new Promise((resolve) => setTimeout(resolve, 0)),
  };
  try {
    const result =
      job.kind === 'selftest'
        ? await runSelftest(job, ctx)
        : job.kind === 'autoplan'
          ? await runAutoPlan(job.case, job.params, job.threads, ctx)
          : await runTreatment(job.case, job.plan, job.threads, job.settings, ctx);
    if (ctx.cancelled) post({ type: 'cancelled', id });
    else post({ type: 'done', id, result }, transferables(result));
  } catch (err) {
    if (err instanceof CancelledError || ctx.cancelled) post({ type: 'cancelled', id });
    else post({ type: 'error', id, message: err instanceof Error ? err.message : String(err), error: errorData(err) });
  }
};

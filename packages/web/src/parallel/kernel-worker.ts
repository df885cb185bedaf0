/// <reference lib="webworker" />
// Worker entry of WebWorkerExecutor: imports the core index (which registers every kernel) and runs blocks of a
// kernel over SharedArrayBuffer-backed typed arrays, replying when each block is done.
import { getKernel } from '@openfuas/core';

export interface KernelTask {
  job: number;
  name: string;
  args: Record<string, never>;
  start: number;
  end: number;
}
export interface KernelDone {
  job: number;
  error?: string;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (e: MessageEvent<KernelTask | { ping: true }>) => {
  const task = e.data;
  if ('ping' in task) {
    scope.postMessage({ pong: true });
    return;
  }
  try {
    getKernel(task.name)(task.args, task.start, task.end);
    scope.postMessage({ job: task.job } satisfies KernelDone);
  } catch (err) {
    scope.postMessage({ job: task.job, error: err instanceof Error ? err.message : String(err) } satisfies KernelDone);
  }
};

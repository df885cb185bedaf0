// Worker entry of WorkerPoolExecutor: imports the core index (which registers every kernel) and runs blocks.
import { parentPort } from 'node:worker_threads';
import { getKernel } from '@openfuas/core';

parentPort?.on('message', (task: { job: number; name: string; args: Record<string, never>; start: number; end: number }) => {
  try {
    getKernel(task.name)(task.args, task.start, task.end);
    parentPort?.postMessage({ job: task.job });
  } catch (e) {
    parentPort?.postMessage({ job: task.job, error: e instanceof Error ? e.message : String(e) });
  }
});

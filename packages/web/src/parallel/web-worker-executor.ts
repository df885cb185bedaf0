import { FuasError, type KernelArgs, KernelBlockQueue, type ParallelExecutor } from '@openfuas/core';
import type { KernelDone } from './kernel-worker.js';

/** Starts one kernel worker (a module worker that imports the core index). */
export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () => new Worker(new URL('./kernel-worker.ts', import.meta.url), { type: 'module', name: 'kernel' });

/**
 * The browser back end of `ParallelExecutor`: a persistent pool of module Web Workers that run registered core
 * kernels over SharedArrayBuffer (the page must be cross-origin isolated). Blocks of [0, count) are handed out
 * as workers free up (core KernelBlockQueue, as in the Node `WorkerPoolExecutor`). Works inside a worker too (nested workers), which is
 * where the simulation runs it, so the page's main thread stays free.
 */
export class WebWorkerExecutor implements ParallelExecutor {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly blocks: KernelBlockQueue<Worker>;
  private disposed = false;

  constructor(threads = defaultThreads(), factory: WorkerFactory = defaultFactory) {
    this.threads = Math.max(1, Math.floor(threads));
    this.blocks = new KernelBlockQueue<Worker>(this.threads, (worker, task) => worker.postMessage(task));
    for (let i = 0; i < this.threads; i++) {
      const worker = factory();
      worker.onmessage = (e: MessageEvent<KernelDone>) => this.blocks.done(worker, e.data);
      worker.onerror = (e) => {
        e.preventDefault?.();
        this.blocks.failAll(new FuasError('worker-failed', `kernel worker failed: ${e.message || 'could not start'}`));
      };
      this.workers.push(worker);
      this.blocks.addWorker(worker);
    }
  }

  /** Resolves once every worker has loaded the core library (a round trip to each). */
  async ready(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const prev = w.onmessage;
            w.onmessage = (e) => {
              if ((e.data as { pong?: boolean }).pong) {
                w.onmessage = prev;
                resolve();
              }
            };
            w.addEventListener('error', () => reject(new FuasError('worker-failed', 'kernel worker could not start')), { once: true });
            w.postMessage({ ping: true });
          }),
      ),
    );
  }

  run(name: string, args: KernelArgs, count: number): Promise<void> {
    if (this.disposed) return Promise.reject(new FuasError('disposed', 'worker pool already disposed'));
    return this.blocks.run(name, args, count);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.blocks.failAll(new FuasError('disposed', 'worker pool disposed'));
    for (const w of this.workers) w.terminate();
  }
}

/** Threads for the pool: the browser's logical cores (at least 1, at most 16). */
export function defaultThreads(): number {
  const n = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  return Math.max(1, Math.min(16, n));
}

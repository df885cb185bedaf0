import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FuasError, type KernelArgs, type KernelBlockDone, KernelBlockQueue, type ParallelExecutor } from '@openfuas/core';

/**
 * A persistent pool of worker_threads running core kernels over SharedArrayBuffer (start-up costs about
 * 80 ms, so one pool serves a whole command). Blocks are handed out as workers free up.
 */
export class WorkerPoolExecutor implements ParallelExecutor {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly blocks: KernelBlockQueue<Worker>;
  private disposed = false;

  constructor(threads = Math.max(1, availableParallelism())) {
    this.threads = Math.max(1, Math.floor(threads));
    // a worker holds the process open only while it has a task (ref on post, unref when done)
    this.blocks = new KernelBlockQueue<Worker>(this.threads, (worker, task) => {
      worker.ref();
      worker.postMessage(task);
    });
    // compiled: the worker's JavaScript; from sources: a bootstrap that registers the TypeScript loader
    const entry = new URL(import.meta.url.endsWith('.js') ? './kernel-worker.js' : './kernel-worker.mjs', import.meta.url);
    for (let i = 0; i < this.threads; i++) {
      const worker = new Worker(entry);
      worker.on('message', (msg: KernelBlockDone) => {
        worker.unref();
        this.blocks.done(worker, msg);
      });
      worker.on('error', (err) => this.blocks.failAll(err));
      worker.unref();
      this.workers.push(worker);
      this.blocks.addWorker(worker);
    }
  }

  run(name: string, args: KernelArgs, count: number): Promise<void> {
    if (this.disposed) return Promise.reject(new FuasError('disposed', 'worker pool already disposed'));
    return this.blocks.run(name, args, count);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FuasError, type KernelArgs, type ParallelExecutor, assertShared, getKernel, splitRange } from '@openfuas/core';

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
  remaining: number;
  failed: boolean;
}

/**
 * A persistent pool of worker_threads running core kernels over SharedArrayBuffer (start-up costs about
 * 80 ms, so one pool serves a whole command). Blocks are handed out as workers free up.
 */
export class WorkerPoolExecutor implements ParallelExecutor {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private queue: Array<{ job: number; name: string; args: KernelArgs; start: number; end: number }> = [];
  private readonly jobs = new Map<number, Pending>();
  private nextJob = 1;
  private disposed = false;

  constructor(threads = Math.max(1, availableParallelism())) {
    this.threads = Math.max(1, Math.floor(threads));
    const entry = new URL('./kernel-worker.mjs', import.meta.url);
    for (let i = 0; i < this.threads; i++) {
      const worker = new Worker(entry);
      worker.on('message', (msg: { job: number; error?: string }) => this.onDone(worker, msg));
      worker.on('error', (err) => this.failAll(err));
      worker.unref();
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  run(name: string, args: KernelArgs, count: number): Promise<void> {
    if (this.disposed) return Promise.reject(new FuasError('disposed', 'worker pool already disposed'));
    try {
      getKernel(name); // fail fast on a typo, in the caller's thread
      assertShared(name, args);
    } catch (e) {
      return Promise.reject(e);
    }
    if (count <= 0) return Promise.resolve();
    const blocks = splitRange(count, this.threads);
    const job = this.nextJob++;
    return new Promise<void>((resolve, reject) => {
      this.jobs.set(job, { resolve, reject, remaining: blocks.length, failed: false });
      for (const [start, end] of blocks) this.queue.push({ job, name, args, start, end });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      const task = this.queue.shift() as (typeof this.queue)[number];
      worker.ref();
      worker.postMessage(task);
    }
  }

  private onDone(worker: Worker, msg: { job: number; error?: string }): void {
    worker.unref();
    this.idle.push(worker);
    const pending = this.jobs.get(msg.job);
    if (pending) {
      if (msg.error && !pending.failed) {
        pending.failed = true;
        this.queue = this.queue.filter((t) => t.job !== msg.job);
        this.jobs.delete(msg.job);
        pending.reject(new FuasError('kernel-failed', msg.error));
      } else if (!pending.failed && --pending.remaining === 0) {
        this.jobs.delete(msg.job);
        pending.resolve();
      }
    }
    this.pump();
  }

  private failAll(err: Error): void {
    for (const p of this.jobs.values()) p.reject(err);
    this.jobs.clear();
    this.queue = [];
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

import { FuasError, type KernelArgs, type ParallelExecutor, assertShared, getKernel, splitRange } from '@openfuas/core';
import type { KernelDone, KernelTask } from './kernel-worker.js';

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
  remaining: number;
  failed: boolean;
}

/** Starts one kernel worker (a module worker that imports the core index). */
export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () => new Worker(new URL('./kernel-worker.ts', import.meta.url), { type: 'module', name: 'kernel' });

/**
 * The browser back end of `ParallelExecutor`: a persistent pool of module Web Workers that run registered core
 * kernels over SharedArrayBuffer (the page must be cross-origin isolated). Blocks of [0, count) are handed out
 * as workers free up, as in the Node `WorkerPoolExecutor`. Works inside a worker too (nested workers), which is
 * where the simulation runs it, so the page's main thread stays free.
 */
export class WebWorkerExecutor implements ParallelExecutor {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private queue: KernelTask[] = [];
  private readonly jobs = new Map<number, Pending>();
  private nextJob = 1;
  private disposed = false;

  constructor(threads = defaultThreads(), factory: WorkerFactory = defaultFactory) {
    this.threads = Math.max(1, Math.floor(threads));
    for (let i = 0; i < this.threads; i++) {
      const worker = factory();
      worker.onmessage = (e: MessageEvent<KernelDone>) => this.onDone(worker, e.data);
      worker.onerror = (e) => {
        e.preventDefault?.();
        this.failAll(new FuasError('worker-failed', `kernel worker failed: ${e.message || 'could not start'}`));
      };
      this.workers.push(worker);
      this.idle.push(worker);
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
      for (const [start, end] of blocks) this.queue.push({ job, name, args: args as Record<string, never>, start, end });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      worker.postMessage(this.queue.shift() as KernelTask);
    }
  }

  private onDone(worker: Worker, msg: KernelDone): void {
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
    this.failAll(new FuasError('disposed', 'worker pool disposed'));
    for (const w of this.workers) w.terminate();
  }
}

/** Threads for the pool: the browser's logical cores (at least 1, at most 16). */
export function defaultThreads(): number {
  const n = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  return Math.max(1, Math.min(16, n));
}

import { FuasError } from '../errors.js';
import { type KernelArgs, getKernel } from './kernel-registry.js';
import { assertShared, splitRange } from './parallel-executor.js';

/** One block of a kernel run, as posted to a worker. */
export interface KernelBlockTask {
  job: number;
  name: string;
  args: KernelArgs;
  start: number;
  end: number;
}

/** A worker's answer to a task: the job it belonged to, and the error text if the kernel threw. */
export interface KernelBlockDone {
  job: number;
  error?: string;
}

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
  remaining: number;
  failed: boolean;
}

/**
 * The scheduling shared by the worker-pool executors (Node worker_threads, browser Web Workers): a kernel run over
 * [0, count) is split into blocks (splitRange: about four per thread), blocks are handed to workers as they free up, the run resolves
 * when its last block is done and rejects on the first failing block (its queued blocks are dropped). The
 * executors only start workers, post tasks and pass answers back through `done`.
 */
export class KernelBlockQueue<W> {
  private readonly idle: W[] = [];
  private queue: KernelBlockTask[] = [];
  private readonly jobs = new Map<number, Pending>();
  private nextJob = 1;

  constructor(
    private readonly threads: number,
    private readonly post: (worker: W, task: KernelBlockTask) => void,
  ) {}

  /** A worker ready for tasks. */
  addWorker(worker: W): void {
    this.idle.push(worker);
    this.pump();
  }

  run(name: string, args: KernelArgs, count: number): Promise<void> {
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

  /** A worker finished a task: settle its run and give the worker the next block. */
  done(worker: W, msg: KernelBlockDone): void {
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

  /** Rejects every run in flight (a worker died, or the pool is disposed). */
  failAll(err: Error): void {
    for (const p of this.jobs.values()) p.reject(err);
    this.jobs.clear();
    this.queue = [];
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) this.post(this.idle.pop() as W, this.queue.shift() as KernelBlockTask);
  }
}

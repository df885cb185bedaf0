import { CoreError } from './core-error.js';
import type { FromWorker, PartialResult, SimulationJob, SimulationResult, SimulationStage } from './simulation-protocol.js';

export interface RunCallbacks {
  onProgress?: (fraction: number, stage: SimulationStage, detail?: string) => void;
  onPartial?: (p: PartialResult) => void;
}

/** Rejection reason of a cancelled run. */
export class SimulationCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'SimulationCancelled';
  }
}

/** How long a cancelled job may take to stop by itself before its worker is terminated, ms. */
const CANCEL_GRACE_MS = 1500;

/**
 * The page's side of the simulation worker: one job at a time, progress and partial results through callbacks,
 * and a cancel that always returns control: it raises the shared cancel flag, and if the job has not stopped
 * within CANCEL_GRACE_MS the worker (and its kernel pool) is terminated and a fresh one starts next time.
 */
export class SimulationClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private current: {
    id: number;
    flag: Int32Array;
    callbacks: RunCallbacks;
    resolve: (r: SimulationResult) => void;
    reject: (e: Error) => void;
    timer?: ReturnType<typeof setTimeout>;
  } | null = null;

  get running(): boolean {
    return this.current !== null;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./simulation-worker.ts', import.meta.url), { type: 'module', name: 'simulation' });
    w.onmessage = (e: MessageEvent<FromWorker>) => this.onMessage(e.data);
    w.onerror = (e) => {
      e.preventDefault();
      this.finish((c) => c.reject(new Error(e.message || 'simulation worker failed')));
      this.kill();
    };
    this.worker = w;
    return w;
  }

  run(job: SimulationJob, callbacks: RunCallbacks = {}): Promise<SimulationResult> {
    if (this.current) return Promise.reject(new Error('a simulation is already running'));
    const id = this.nextId++;
    const flag = new Int32Array(
      typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated ? new SharedArrayBuffer(4) : new ArrayBuffer(4),
    );
    return new Promise((resolve, reject) => {
      this.current = { id, flag, callbacks, resolve, reject };
      this.ensureWorker().postMessage({ type: 'start', id, job, cancelFlag: flag });
    });
  }

  /** Asks the running job to stop; the run's promise rejects with SimulationCancelled. */
  cancel(): void {
    const c = this.current;
    if (!c || c.timer) return;
    Atomics.store(c.flag, 0, 1);
    this.worker?.postMessage({ type: 'cancel', id: c.id });
    c.timer = setTimeout(() => {
      // the job did not stop in time (or cannot see shared memory): end it the hard way
      this.kill();
      this.finish((cur) => cur.reject(new SimulationCancelled()));
    }, CANCEL_GRACE_MS);
  }

  private kill(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private finish(action: (c: NonNullable<SimulationClient['current']>) => void): void {
    const c = this.current;
    if (!c) return;
    if (c.timer) clearTimeout(c.timer);
    this.current = null;
    action(c);
  }

  private onMessage(m: FromWorker): void {
    const c = this.current;
    if (!c || m.id !== c.id) return;
    switch (m.type) {
      case 'progress':
        c.callbacks.onProgress?.(m.fraction, m.stage, m.detail);
        break;
      case 'partial':
        c.callbacks.onPartial?.(m.partial);
        break;
      case 'done':
        this.finish((cur) => cur.resolve(m.result));
        break;
      case 'cancelled':
        this.finish((cur) => cur.reject(new SimulationCancelled()));
        break;
      case 'error':
        this.finish((cur) => cur.reject(new CoreError(m.error ?? { message: m.message })));
        break;
    }
  }

  dispose(): void {
    this.cancel();
    this.kill();
  }
}

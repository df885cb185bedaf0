import type { PartialResult, SimulationStage } from './simulation-protocol.js';

/** What a job running in the simulation worker can do: report, publish partial results, check for cancel. */
export interface JobContext {
  progress(fraction: number, stage: SimulationStage, detail?: string): void;
  partial(p: PartialResult): void;
  /** true once the page asked to cancel (read from shared memory: no need to yield first) */
  readonly cancelled: boolean;
  /** an abort-signal-like view of the cancel flag, for core APIs that take `{ signal }` */
  readonly signal: { readonly aborted: boolean };
  /** lets the worker's event loop run (timers, messages) */
  yield(): Promise<void>;
}

/** Thrown by jobs that stop because of a cancel. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

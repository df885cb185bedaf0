import { FuasError } from '../errors.js';
import { type KernelArgs, getKernel } from './kernel-registry.js';

/**
 * Runs registered kernels over a range of work items. One interface, several back ends: the serial one here
 * (the reference), worker_threads in Node (packages/cli), Web Workers in the browser (packages/web); later a
 * GPU back end can take the same kernel names.
 */
export interface ParallelExecutor {
  /** Number of threads that run blocks concurrently (1 for the serial executor). */
  readonly threads: number;
  /**
   * Runs kernel `name` over items [0, count), split into blocks. When `threads > 1`, every typed array in
   * `args` must live on a SharedArrayBuffer (see `sharedFloat64` etc.), or results would be lost in copies.
   */
  run(name: string, args: KernelArgs, count: number): Promise<void>;
  /** Releases threads; the executor cannot be used afterwards. */
  dispose(): Promise<void>;
}

/** The reference executor: runs the kernel inline over the whole range. */
export class SerialExecutor implements ParallelExecutor {
  readonly threads = 1;
  async run(name: string, args: KernelArgs, count: number): Promise<void> {
    getKernel(name)(args, 0, count);
  }
  async dispose(): Promise<void> {}
}

/** True when this runtime can share memory between threads (Node, or a cross-origin-isolated page). */
export function canShareMemory(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

function sharedBuffer(bytes: number): ArrayBufferLike {
  return canShareMemory() ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** A Float64Array on shared memory where available (else ordinary memory, fine for the serial executor). */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(sharedBuffer(length * 8));
}

export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(sharedBuffer(length * 4));
}

export function sharedUint8(length: number): Uint8Array {
  return new Uint8Array(sharedBuffer(length));
}

export function sharedInt32(length: number): Int32Array {
  return new Int32Array(sharedBuffer(length * 4));
}

/** Throws unless every typed array in `args` is SharedArrayBuffer-backed (required for threaded runs). */
export function assertShared(name: string, args: KernelArgs): void {
  for (const [key, value] of Object.entries(args)) {
    if (ArrayBuffer.isView(value) && !(typeof SharedArrayBuffer !== 'undefined' && value.buffer instanceof SharedArrayBuffer)) {
      throw new FuasError('not-shared', `kernel "${name}": argument "${key}" must be on a SharedArrayBuffer for a threaded run`);
    }
  }
}

/**
 * Splits [0, count) into about `blocksPerThread` blocks per thread, each at least `minBlock` items, so a
 * pool can balance uneven work by handing out blocks as threads free up.
 */
export function splitRange(count: number, threads: number, blocksPerThread = 4, minBlock = 1): Array<[number, number]> {
  const blocks = Math.max(1, Math.min(Math.ceil(count / minBlock), threads * blocksPerThread));
  const out: Array<[number, number]> = [];
  for (let b = 0; b < blocks; b++) {
    const start = Math.floor((b * count) / blocks);
    const end = Math.floor(((b + 1) * count) / blocks);
    if (end > start) out.push([start, end]);
  }
  return out;
}

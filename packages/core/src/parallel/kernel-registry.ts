import { FuasError } from '../errors.js';

/** Values a kernel receives: numbers, strings, flags and typed arrays (SharedArrayBuffer-backed when threaded). */
export type KernelArg =
  | number
  | string
  | boolean
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Uint8Array
  | Int16Array
  | Uint16Array;
export type KernelArgs = Readonly<Record<string, KernelArg>>;

/**
 * A parallel kernel: a pure function that does items [start, end) of a job of `count` items, reading and
 * writing only the typed arrays in `args`. Blocks must write disjoint output ranges so that any split of
 * [0, count) among threads gives the same result as one call over everything.
 */
export type Kernel = (args: KernelArgs, start: number, end: number) => void;

const kernels = new Map<string, Kernel>();

/**
 * Registers a kernel under a stable name. Modules that own a kernel call this at top level and are reachable
 * from the package index, so a worker that imports the index knows every kernel (the TF.js pattern: one
 * operator name, several back ends).
 */
export function registerKernel(name: string, kernel: Kernel): void {
  const existing = kernels.get(name);
  if (existing && existing !== kernel) throw new FuasError('kernel-conflict', `kernel "${name}" is registered twice`);
  kernels.set(name, kernel);
}

export function getKernel(name: string): Kernel {
  const k = kernels.get(name);
  if (!k) throw new FuasError('unknown-kernel', `no kernel named "${name}" (known: ${[...kernels.keys()].join(', ') || 'none'})`);
  return k;
}

export function kernelNames(): string[] {
  return [...kernels.keys()];
}

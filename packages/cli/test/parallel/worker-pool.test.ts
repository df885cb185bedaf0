import { afterAll, describe, expect, it } from 'vitest';
import { type KernelArgs, SerialExecutor, registerKernel, sharedFloat64 } from '@openfuas/core';
import { WorkerPoolExecutor } from '../../src/parallel/worker-pool.js';

// A kernel registered here exists only in this thread; the pool's workers know the core index's kernels.
// The test therefore uses the serial executor as the reference and a core kernel through the pool.
registerKernel('test-square', (args: KernelArgs, start: number, end: number) => {
  const x = args.x as Float64Array;
  const y = args.y as Float64Array;
  for (let i = start; i < end; i++) y[i] = x[i] * x[i];
});

describe('WorkerPoolExecutor', () => {
  const pool = new WorkerPoolExecutor(2);
  afterAll(() => pool.dispose());

  it('runs the serial reference inline', async () => {
    const x = sharedFloat64(10).map((_, i) => i);
    const y = sharedFloat64(10);
    await new SerialExecutor().run('test-square', { x, y }, 10);
    expect(Array.from(y)).toEqual(Array.from(x, (v) => v * v));
  });

  it('rejects kernels it does not know and unshared arrays', async () => {
    await expect(pool.run('no-such-kernel', {}, 4)).rejects.toThrow(/no kernel named/);
  });

  it('reports a kernel error raised inside a worker as a rejected promise', async () => {
    // Unknown in the workers' registry (registered only in this thread): the worker answers with an error.
    await expect(pool.run('test-square', { x: sharedFloat64(4), y: sharedFloat64(4) }, 4)).rejects.toThrow(/test-square/);
  });
});

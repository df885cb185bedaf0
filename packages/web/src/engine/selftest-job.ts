import { SerialExecutor, THERMAL_DOSE_KERNEL, sharedFloat32, sharedFloat64, sharedUint8 } from '@openfuas/core';
import { WebWorkerExecutor } from '../parallel/web-worker-executor.js';
import { CancelledError, type JobContext } from './simulation-context.js';
import type { SelftestResult } from './simulation-protocol.js';

/**
 * Worker-pool self-test: runs the core thermal-dose kernel (CEM43 over a temperature ramp, z-slices as items)
 * `repeats` times through the Web Worker pool and through the serial reference executor on the same input, and
 * reports the largest difference (0 when the pool is right) and both timings. A long, cancellable job that
 * exercises the whole path: module workers, the core index in each, SharedArrayBuffer, progress and cancel.
 */
export async function runSelftest(job: { threads: number; size: number; repeats: number }, ctx: JobContext): Promise<SelftestResult> {
  const n = job.size;
  const voxels = n * n * n;
  ctx.progress(0, 'starting');
  const pool = new WebWorkerExecutor(job.threads);
  try {
    await pool.ready();
    const serial = new SerialExecutor();
    const T0 = sharedFloat64(voxels);
    const T1 = sharedFloat64(voxels);
    for (let i = 0; i < voxels; i++) {
      T0[i] = 37 + ((i * 7919) % 4000) / 100;
      T1[i] = T0[i] + ((i * 104729) % 1000) / 100;
    }
    const make = () => ({
      T0,
      T1,
      dose: sharedFloat64(voxels),
      ps: sharedFloat32(voxels).fill(1),
      boiled: sharedUint8(voxels),
      zMax: sharedFloat64(n),
      omega: sharedFloat64(1),
      bg0: sharedFloat64(1),
      bg1: sharedFloat64(1),
      dt: 0.05,
      threshold: 240,
      shutdown: 0,
      Toff: 0,
      arr: false,
      lnA: 0,
      eaOverR: 0,
      hasBg: false,
      nx: n,
      ny: n,
    });
    const a = make();
    const b = make();
    let poolMs = 0;
    let serialMs = 0;
    for (let r = 0; r < job.repeats; r++) {
      if (ctx.cancelled) throw new CancelledError();
      let t = performance.now();
      await pool.run(THERMAL_DOSE_KERNEL, a, n);
      poolMs += performance.now() - t;
      t = performance.now();
      await serial.run(THERMAL_DOSE_KERNEL, b, n);
      serialMs += performance.now() - t;
      ctx.progress((r + 1) / job.repeats, 'selftest', `${r + 1}/${job.repeats}`);
      await ctx.yield();
    }
    let maxDifference = 0;
    for (let i = 0; i < voxels; i++) maxDifference = Math.max(maxDifference, Math.abs(a.dose[i] - b.dose[i]));
    return { kind: 'selftest', threads: pool.threads, voxels, repeats: job.repeats, maxDifference, poolMs, serialMs };
  } finally {
    await pool.dispose();
  }
}

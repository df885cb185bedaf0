// STREAM-like copy and triad on Float64Array (McCalpin's STREAM kernels, in plain JS): the ceiling that
// memory-bound kernels (stencils, field sums) are reported against.
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

export interface Bandwidth {
  /** GB/s (1e9 bytes/s) of a[i] = b[i]: 16 bytes moved per element. */
  copyGBs: number;
  /** GB/s of a[i] = b[i] + s·c[i]: 24 bytes moved per element. */
  triadGBs: number;
}

/** Best CPU time (s) of `trials` runs: one thread, so CPU time is its running time without a loaded machine's waits. */
function best(trials: number, fn: () => void): number {
  let bestTime = Number.POSITIVE_INFINITY;
  for (let t = 0; t < trials; t++) {
    const u0 = process.cpuUsage();
    fn();
    const u = process.cpuUsage(u0);
    bestTime = Math.min(bestTime, (u.user + u.system) / 1e6);
  }
  return bestTime;
}

/** Measures single-thread bandwidth on arrays much larger than the caches (default 2^23 doubles = 64 MiB each). */
export function measureBandwidth(length = 2 ** 23, trials = 8): Bandwidth {
  const a = new Float64Array(length);
  const b = new Float64Array(length).fill(1.5);
  const c = new Float64Array(length).fill(2.5);
  const s = 3;
  const copy = () => {
    for (let i = 0; i < length; i++) a[i] = b[i];
  };
  const triad = () => {
    for (let i = 0; i < length; i++) a[i] = b[i] + s * c[i];
  };
  copy();
  triad(); // warm up the JIT before timing
  const tCopy = best(trials, copy);
  const tTriad = best(trials, triad);
  if (a[length - 1] !== 1.5 + 3 * 2.5) throw new Error('triad produced a wrong value');
  return { copyGBs: (16 * length) / tCopy / 1e9, triadGBs: (24 * length) / tTriad / 1e9 };
}

const bench: BenchFile = {
  name: 'memory-bandwidth',
  async run(): Promise<BenchResult[]> {
    const length = 2 ** 23;
    const { copyGBs, triadGBs } = measureBandwidth(length);
    return [{ name: 'memory-bandwidth', parameters: { length, bytesPerArray: length * 8, threads: 1 }, figures: { copyGBs, triadGBs } }];
  },
};
export default bench;

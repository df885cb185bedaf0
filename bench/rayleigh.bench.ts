// Rayleigh integral throughput: source–field pairs per second per thread, serial and with 2 worker threads.
import { parseScenario, rayleighPressure, sampleBowl, sharedFloat64 } from '@openfuas/core';
import { WorkerPoolExecutor } from '../packages/cli/src/parallel/worker-pool.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

const bench: BenchFile = {
  name: 'rayleigh',
  async run(): Promise<BenchResult[]> {
    const sc = parseScenario({ transducer: { preset: 'clinical-0.8mhz' }, medium: 'water' });
    const t = sc.transducer;
    const sources = 40_000;
    const points = 2_000;
    const src = sampleBowl(t, sources);
    const x = sharedFloat64(points);
    const y = sharedFloat64(points);
    const z = sharedFloat64(points);
    for (let i = 0; i < points; i++) {
      x[i] = ((i % 40) - 20) * 2e-4;
      z[i] = 0.14 + Math.floor(i / 40) * 4e-4;
    }
    const medium = { density: 993, soundSpeed: 1524, attenuationNpPerM: 0 };
    const pairs = sources * points;
    const time = async (ex?: WorkerPoolExecutor) => {
      let best = Number.POSITIVE_INFINITY;
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        await rayleighPressure(t, medium, 0.1, src, { x, y, z }, ex);
        best = Math.min(best, (performance.now() - t0) / 1000);
      }
      return best;
    };
    const serial = await time();
    const pool = new WorkerPoolExecutor(2);
    await time(pool); // warm the workers' JIT
    const parallel = await time(pool);
    await pool.dispose();
    return [
      {
        name: 'rayleigh-pairs',
        parameters: { sources, fieldPoints: points, transducer: t.name },
        figures: {
          serialSeconds: serial,
          pairsPerSecondPerThread: pairs / serial,
          twoWorkerSeconds: parallel,
          twoWorkerPairsPerSecond: pairs / parallel,
          speedUp2Workers: serial / parallel,
        },
      },
    ];
  },
};
export default bench;

// Time to the 3D field of clinical-0.8mhz through the default abdominal layers: a 40 × 40 × 60 mm box around
// the geometric focus at λ/6 (λ in the fibroid), by the angular spectrum on 2 worker threads (as `fuas field`).
import { computeFieldVolume, createGrid, defaultAbdominalLayers, focalMetrics, parseScenario } from '@openfuas/core';
import { WorkerPoolExecutor } from '../packages/cli/src/parallel/worker-pool.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

const bench: BenchFile = {
  name: 'acoustic-field',
  async run(): Promise<BenchResult[]> {
    const sc = parseScenario({ transducer: { preset: 'clinical-0.8mhz' }, medium: defaultAbdominalLayers() });
    const step = 1595 / 0.8e6 / 6;
    const n = (w: number) => Math.floor(w / step + 1e-9) + 1;
    const shape: [number, number, number] = [n(0.04), n(0.04), n(0.06)];
    const grid = createGrid(
      shape,
      [step, step, step],
      [(-(shape[0] - 1) / 2) * step, (-(shape[1] - 1) / 2) * step, 0.15 - ((shape[2] - 1) / 2) * step],
    );
    const results: BenchResult[] = [];
    for (const threads of [1, 2]) {
      const ex = threads > 1 ? new WorkerPoolExecutor(threads) : undefined;
      const t0 = performance.now();
      const v = await computeFieldVolume(sc, 'asm', grid, ex);
      const seconds = (performance.now() - t0) / 1000;
      await ex?.dispose();
      const m = focalMetrics(sc, v);
      results.push({
        name: 'acoustic-field-3d',
        parameters: {
          transducer: 'clinical-0.8mhz',
          medium: 'default abdominal layers',
          box: '40x40x60 mm',
          stepMm: step * 1e3,
          shape,
          threads,
        },
        figures: {
          seconds,
          voxelsPerSecond: (shape[0] * shape[1] * shape[2]) / seconds,
          focusZmm: m.position[2] * 1e3,
          focusPressureMPa: m.pressure / 1e6,
          width6dBmm: m.width6dB * 1e3,
          length6dBmm: m.length6dB * 1e3,
        },
      });
    }
    return results;
  },
};
export default bench;

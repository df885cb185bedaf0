// The whole demo pipeline on the default phantom (issue 6's performance target: under 60 s on 2 cores with
// ≤ 0.5 mm thermal resolution around the foci), and its peak memory (resident set size, sampled).
import { autoPlan, generatePhantom, simulatePlan } from '../packages/core/src/index.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

const bench: BenchFile = {
  name: 'treatment',
  async run(): Promise<BenchResult[]> {
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const t0 = performance.now();
    const c = generatePhantom();
    const t1 = performance.now();
    const planned = await autoPlan(c);
    const t2 = performance.now();
    // as fuas demo: the acoustics and near field of the planner's cooling fit are reused
    const r = await simulatePlan(c, planned.plan, { domains: planned.domains, nearFieldRun: planned.nearField });
    const t3 = performance.now();
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return [
      {
        name: 'demo-end-to-end',
        parameters: { case: c.name, sonications: planned.plan.sonications.length, fineSpacing: 0.5e-3, threads: 1 },
        figures: {
          totalSeconds: (t3 - t0) / 1000,
          phantomSeconds: (t1 - t0) / 1000,
          planSeconds: (t2 - t1) / 1000,
          simulateSeconds: (t3 - t2) / 1000,
          acousticsSeconds: r.stats.acousticsSeconds,
          nearFieldSeconds: r.stats.nearFieldSeconds,
          treatmentSeconds: r.stats.treatmentSeconds,
          treatmentVoxelUpdates: r.stats.treatmentVoxelUpdates,
          fineVoxels: r.stats.fineVoxels,
          peakRssMiB: peakRss / 2 ** 20,
          npvRatio: r.outcome.npvRatio,
          treatmentMinutes: r.outcome.treatmentTime / 60,
          fittedCoolingMinutes: (planned.addedCooling?.reduce((a, b) => a + b, 0) ?? 0) / 60,
        },
      },
    ];
  },
};
export default bench;

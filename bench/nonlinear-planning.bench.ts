// The nonlinear heat source in planning (issue 16): the automatic clinical plan of the default phantom
// (clinical-0.8mhz, 400 W shots), its acoustics (treatmentDomains) and the whole autoPlan with the linear source
// forced and with the nonlinear source where it matters; the limit is that the nonlinear source no more than
// doubles planning time. `npm run bench -- nonlinear-planning` (FUAS_BENCH_THREADS sets the pool, default 2;
// FUAS_BENCH_WALL=1 puts the case's beams through its abdominal wall at that aberration strength: the nonlinear
// source of the equivalent axisymmetric beam; FUAS_BENCH_DOMAINS=0 takes the beams' figures from the plan's own
// acoustics instead of timing treatmentDomains again).
import { autoPlan, generatePhantom, treatmentDomains, withWallAberration } from '@openfuas/core';
import { WorkerPoolExecutor } from '../packages/cli/src/parallel/worker-pool.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

const bench: BenchFile = {
  name: 'nonlinear-planning',
  async run(): Promise<BenchResult[]> {
    const threads = Number(process.env.FUAS_BENCH_THREADS ?? 2);
    const executor = new WorkerPoolExecutor(threads);
    const out: BenchResult[] = [];
    try {
      const wall = Number(process.env.FUAS_BENCH_WALL ?? 0);
      const c = withWallAberration(generatePhantom(), wall);
      const seconds: Record<string, number> = {};
      let plan: Awaited<ReturnType<typeof autoPlan>>['plan'] | undefined;
      for (const mode of ['linear', 'nonlinear'] as const) {
        const domains = mode === 'linear' ? { linear: true } : {};
        const t0 = performance.now();
        const planned = await autoPlan(c, { pacing: 'clinical', executor, domains });
        seconds[mode] = (performance.now() - t0) / 1000;
        plan = planned.plan;
        const t1 = performance.now();
        const rerun = process.env.FUAS_BENCH_DOMAINS !== '0';
        const d = rerun ? await treatmentDomains(c, planned.plan, domains, executor) : planned.domains;
        const acoustics = (performance.now() - t1) / 1000;
        const nl = d?.nonlinear;
        out.push({
          name: `auto-plan-clinical-${mode}`,
          parameters: { case: 'default phantom', device: 'clinical-0.8mhz', pacing: 'clinical', threads, wallAberration: wall },
          figures: {
            planSeconds: seconds[mode],
            domainsSeconds: rerun ? acoustics : Number.NaN,
            sonications: planned.plan.sonications.length,
            power: planned.shot.power,
            beamGroups: d ? d.sources.computations : Number.NaN,
            nonlinearBeams: nl ? nl.beams.filter((b) => b.nonlinear).length : 0,
            nonlinearSeconds: nl ? nl.seconds : 0,
            heatingRatioMin: nl ? Math.min(...nl.beams.map((b) => b.heatingRatio)) : Number.NaN,
            heatingRatioMax: nl ? Math.max(...nl.beams.map((b) => b.heatingRatio)) : Number.NaN,
            probeLesionWidthMm: planned.shot.lesionWidth * 1e3,
            probeLesionLengthMm: planned.shot.lesionLength * 1e3,
            probeShots: planned.shot.shots ?? 1,
          },
        });
      }
      out.push({
        name: 'auto-plan-clinical-nonlinear-over-linear',
        parameters: { limit: 2, sonications: plan?.sonications.length ?? 0, wallAberration: wall },
        figures: { ratio: seconds.nonlinear / seconds.linear },
      });
    } finally {
      await executor.dispose();
    }
    return out;
  },
};
export default bench;

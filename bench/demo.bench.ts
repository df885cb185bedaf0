// `npm run bench -- demo`: the time of the library path `fuas demo` runs (autoPlan + simulatePlan on the default
// phantom, the near field of the planner's cooling fit reused) beside a fixed plain-JS reference workload timed
// in the same process, before and after the demo, and their ratio. The machines these run on are shared and
// noisy; the ratio is the figure to compare between runs (issue 12's target: half the ratio of before).
import { WorkerPoolExecutor } from '../packages/cli/src/parallel/worker-pool.ts';
import { SerialExecutor, autoPlan, generatePhantom, simulatePlan } from '../packages/core/src/index.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

/**
 * The fixed reference workload: plain JavaScript, no library code, ≈ 1 s on one core of a 2020s machine.
 * A 7-point stencil sweep over a 96³ Float64Array (memory traffic) and an exp/sqrt loop (arithmetic),
 * fixed sizes and counts, so its time tracks the machine's speed and load, not our code.
 */
export function referenceWorkload(): number {
  const n = 96;
  const N = n * n * n;
  const nxy = n * n;
  let a = new Float64Array(N);
  let b = new Float64Array(N);
  for (let i = 0; i < N; i++) a[i] = (i % 97) * 0.01;
  for (let it = 0; it < 40; it++) {
    for (let i = nxy; i < N - nxy; i++)
      b[i] = a[i] + 0.1 * (a[i - 1] + a[i + 1] + a[i - n] + a[i + n] + a[i - nxy] + a[i + nxy] - 6 * a[i]);
    const t = a;
    a = b;
    b = t;
  }
  let s = 0;
  for (let i = 0; i < 2e7; i++) s += Math.exp(-((i % 1000) * 1e-3)) * Math.sqrt(i % 7);
  return s + a[N >> 1];
}

/** CPU time of this process (all its threads), s. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Best of `trials` wall times and CPU times of the reference workload, s. */
export function timeReference(trials = 3): { wall: number; cpu: number } {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let t = 0; t < trials; t++) {
    const t0 = performance.now();
    const c0 = cpuSeconds();
    referenceWorkload();
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    cpu = Math.min(cpu, cpuSeconds() - c0);
  }
  return { wall, cpu };
}

const bench: BenchFile = {
  name: 'demo',
  async run(): Promise<BenchResult[]> {
    // DEMO_THREADS=N (default 1, as `fuas demo`): N > 1 runs the kernels on a pool of N worker threads, as
    // `fuas demo --threads N` (the planner's executor and the treatment's)
    const threads = Number(process.env.DEMO_THREADS ?? 1);
    // DEMO_PACING=clinical|sized (default sized: the plan issue 12's before-figures were measured on; `fuas demo`
    // plans with clinical pacing since issue 11): named, so that a change of autoPlan's default does not change what
    // this benchmark measures
    const pacing = process.env.DEMO_PACING ?? 'sized';
    if (pacing !== 'sized' && pacing !== 'clinical') throw new Error(`DEMO_PACING must be sized or clinical, got ${pacing}`);
    const executor = threads > 1 ? new WorkerPoolExecutor(threads) : new SerialExecutor();
    const refBefore = timeReference();
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const c = generatePhantom();
    const planned = await autoPlan(c, { executor, pacing });
    const t1 = performance.now();
    const r = await simulatePlan(c, planned.plan, {
      executor,
      treatmentExecutor: executor,
      domains: planned.domains,
      nearFieldRun: planned.nearField,
    });
    const t2 = performance.now();
    const demoCpu = cpuSeconds() - c0;
    await executor.dispose();
    const refAfter = timeReference();
    const demoSeconds = (t2 - t0) / 1000;
    const referenceSeconds = Math.min(refBefore.wall, refAfter.wall);
    const referenceCpu = Math.min(refBefore.cpu, refAfter.cpu);
    return [
      {
        name: 'demo',
        parameters: {
          case: c.name,
          sonications: planned.plan.sonications.length,
          threads,
          pacing,
          reference: '96³ stencil × 40 + 2e7 exp·sqrt, best of 3 before and 3 after the demo',
        },
        figures: {
          demoSeconds,
          referenceSeconds,
          ratio: demoSeconds / referenceSeconds,
          // CPU seconds of all threads: steadier than wall time on a loaded machine (but blind to parallel speed-up)
          demoCpuSeconds: demoCpu,
          referenceCpuSeconds: referenceCpu,
          cpuRatio: demoCpu / referenceCpu,
          referenceBeforeSeconds: refBefore.wall,
          referenceAfterSeconds: refAfter.wall,
          planSeconds: (t1 - t0) / 1000,
          simulateSeconds: (t2 - t1) / 1000,
          acousticsSeconds: r.stats.acousticsSeconds,
          nearFieldSeconds: r.stats.nearFieldSeconds,
          treatmentSeconds: r.stats.treatmentSeconds,
          treatmentVoxelUpdates: r.stats.treatmentVoxelUpdates,
          npvRatio: r.outcome.npvRatio,
          ablatedVolumeMl: r.outcome.ablatedVolume * 1e6,
          peakTemperature: r.outcome.peakTemperature,
        },
      },
    ];
  },
};
export default bench;

// Training (issue 15): scoring a planning exercise (target < 30 s on 2 cores) and a virtual-tank shot (target < 2 s).
// Scoring = simulating the trainee's plan at the training resolution (TRAINING_DOMAINS) + the safety checks + the
// rubric, with the case's expert reference computed in this process (as the workstation's training worker and
// `fuas training score` hold it), so that scoring reuses the expert's beams (scoring-reuse.ts); the expert
// reference's own cost (autoPlan clinical + simulatePlan) is reported beside it.
// Trainee plans: `moved` (every expert focus moved 1.5 mm to the patient's left: new foci, the same amount of work
// as a complete trainee plan), `slices` (moved, and 2.5 mm deeper: new slices between the expert's), `half` (every
// other expert point) and `expert` (the expert plan itself, unchanged); TRAINING_BENCH_FULL=1 also scores `moved`
// and `slices` by the full path (simulatePlan of the plan's own beams: the reference the reuse is compared with).
// Each score records the 1-min load average and `contention` (wall/CPU of a fixed single-thread loop just before:
// 1 on an idle core), so that wall times from a shared machine can be read.
// TRAINING_BENCH_CASES: comma-separated case ids (default: the two largest cases and the smallest);
// TRAINING_BENCH_THREADS: worker threads of the executor (default 2, as `fuas training score`); CPU seconds are
// reported beside wall seconds (on a shared machine wall time includes waiting for a core).
import { loadavg } from 'node:os';
import { WorkerPoolExecutor } from '../packages/cli/src/parallel/worker-pool.ts';
import { SerialExecutor, expertReference, parsePlan, scorePlanExercise, tankShot, trainingCase } from '../packages/core/src/index.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

/**
 * Wall over CPU time of a fixed 0.3 s single-thread loop: 1 on an idle core, about load/cores on a machine loaded
 * by others (their jobs share the cores): the factor by which the wall times beside it are inflated.
 */
function contention(): number {
  const c0 = cpu();
  const t0 = performance.now();
  let x = 0;
  while (cpu() - c0 < 0.3) for (let i = 0; i < 1e5; i++) x += Math.sqrt(i + x);
  return (performance.now() - t0) / 1000 / (cpu() - c0) + (x < 0 ? 1 : 0);
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const bench: BenchFile = {
  name: 'training',
  async run(): Promise<BenchResult[]> {
    const out: BenchResult[] = [];
    const ids = (process.env.TRAINING_BENCH_CASES ?? 'anterior-45-t1,anterior-40-t2,anterior-25-t2').split(',');
    const threads = Number(process.env.TRAINING_BENCH_THREADS ?? 2);
    const full = process.env.TRAINING_BENCH_FULL === '1';
    const executor = threads > 1 ? new WorkerPoolExecutor(threads) : new SerialExecutor();
    try {
      for (const id of ids) {
        const g0 = performance.now();
        const { case: c, entry } = trainingCase(id);
        const generateSeconds = (performance.now() - g0) / 1000;
        const c0 = cpu();
        const e0 = performance.now();
        const expert = await expertReference(c, { executor });
        const expertSeconds = (performance.now() - e0) / 1000;
        const expertCpu = cpu() - c0;
        const moved = parsePlan({
          ...expert.plan,
          sonications: expert.plan.sonications.map((s) => ({ ...s, focus: [s.focus[0] - 1.5e-3, s.focus[1], s.focus[2]] })),
        });
        const half = parsePlan({ ...expert.plan, sonications: expert.plan.sonications.filter((_, i) => i % 2 === 0) });
        // new slices: every focus 1.5 mm to the left and 2.5 mm deeper (half the 5 mm slice spacing)
        const b = expert.plan.placement.beamDirection ?? [0, -1, 0];
        const slices = parsePlan({
          ...expert.plan,
          sonications: expert.plan.sonications.map((s) => ({
            ...s,
            focus: [s.focus[0] - 1.5e-3 + 2.5e-3 * b[0], s.focus[1] + 2.5e-3 * b[1], s.focus[2] + 2.5e-3 * b[2]],
          })),
        });
        const plans: Array<[string, unknown, boolean]> = [
          ['moved', moved, false],
          ['slices', slices, false],
          ['half', half, false],
          ['expert', expert.plan, false],
          ...(full
            ? ([
                ['moved', moved, true],
                ['slices', slices, true],
              ] as Array<[string, unknown, boolean]>)
            : []),
        ];
        for (const [plan, json, fullPath] of plans) {
          const probe = contention();
          const load = loadavg()[0];
          const c1 = cpu();
          const s0 = performance.now();
          const score = await scorePlanExercise(id, c, json, expert, { executor, full: fullPath });
          out.push({
            name: `training-score-${id}-${plan}${fullPath ? '-full' : ''}`,
            parameters: {
              case: id,
              plan,
              path: score.stats.path,
              difficulty: entry.difficulty,
              sonications: (json as { sonications: unknown[] }).sonications.length,
              expertSonications: expert.plan.sonications.length,
              fineSpacing: 1e-3,
              threads,
              components: score.components,
            },
            figures: {
              generateSeconds,
              scoreSeconds: (performance.now() - s0) / 1000,
              scoreCpuSeconds: cpu() - c1,
              beamComputations: score.stats.beamComputations,
              expertSeconds,
              expertCpuSeconds: expertCpu,
              expertPlanSeconds: expert.seconds.plan,
              expertSimulateSeconds: expert.seconds.simulate,
              score: score.score,
              npvRatio: score.npvRatio,
              eef: score.eef,
              loadAverage: load,
              contention: probe,
              expertNpvRatio: expert.outcome.npvRatio,
            },
          });
          process.stderr.write(`${JSON.stringify(out[out.length - 1])}\n`);
        }
      }
    } finally {
      await executor.dispose();
    }
    // virtual tank: the first shot at a depth computes the block's field; later shots (other power/time) reuse it
    const shots: Array<[number, number]> = [
      [100, 1],
      [400, 0.5],
      [400, 2],
      [300, 3],
    ];
    for (const [power, duration] of shots) {
      const c0 = cpu();
      const r = await tankShot({ power, duration });
      out.push({
        name: `training-tank-${power}W-${duration}s`,
        parameters: { power, duration, depth: r.shot.depth, fieldCached: r.fieldCached },
        figures: {
          seconds: r.seconds,
          cpuSeconds: cpu() - c0,
          peakTemperature: r.peakTemperature,
          boilingOnset: r.boilingOnset ?? -1,
          lesionLength: r.lesion.length,
          lesionWidth: r.lesion.width,
        },
      });
    }
    return out;
  },
};
export default bench;

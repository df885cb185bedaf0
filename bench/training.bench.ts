// Training (issue 15): scoring a planning exercise (target < 30 s on 2 cores) and a virtual-tank shot (target < 2 s).
// Scoring = simulating the trainee's plan at the training resolution (TRAINING_DOMAINS) + the safety checks + the
// rubric, with the case's expert reference already computed (`fuas training case` writes it; `fuas training score
// --expert` reuses it); the expert reference's own cost (autoPlan clinical + simulatePlan) is reported beside it.
// The trainee's plan here is the expert plan itself (the same size of work as a complete trainee plan).
// TRAINING_BENCH_CASES: comma-separated case ids (default: the largest case and a small one).
import { scorePlanExercise, tankShot, trainingCase, expertReference } from '../packages/core/src/index.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const bench: BenchFile = {
  name: 'training',
  async run(): Promise<BenchResult[]> {
    const out: BenchResult[] = [];
    const ids = (process.env.TRAINING_BENCH_CASES ?? 'anterior-45-t1,anterior-25-t2').split(',');
    for (const id of ids) {
      const g0 = performance.now();
      const { case: c, entry } = trainingCase(id);
      const generateSeconds = (performance.now() - g0) / 1000;
      const c0 = cpu();
      const e0 = performance.now();
      const expert = await expertReference(c);
      const expertSeconds = (performance.now() - e0) / 1000;
      const expertCpu = cpu() - c0;
      const c1 = cpu();
      const s0 = performance.now();
      const score = await scorePlanExercise(id, c, expert.plan, expert);
      const scoreSeconds = (performance.now() - s0) / 1000;
      out.push({
        name: `training-score-${id}`,
        parameters: { case: id, difficulty: entry.difficulty, sonications: expert.plan.sonications.length, fineSpacing: 1e-3, threads: 1 },
        figures: {
          generateSeconds,
          scoreSeconds,
          scoreCpuSeconds: cpu() - c1,
          expertSeconds,
          expertCpuSeconds: expertCpu,
          expertPlanSeconds: expert.seconds.plan,
          expertSimulateSeconds: expert.seconds.simulate,
          score: score.score,
          npvRatio: score.npvRatio,
          expertNpvRatio: expert.outcome.npvRatio,
        },
      });
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

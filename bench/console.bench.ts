// The treatment console (issue 13): cost of a control tick, and a session at --speed max against `fuas simulate` of
// the same plan (target: ≤ 1.5×). The plan is the first CONSOLE_BENCH_POINTS (default 10) points of the default
// phantom's automatic plan (base pauses); both runs share the plan's acoustics (treatmentDomains), which
// `fuas treat` and `fuas simulate` each compute once.
import { MemoryLogSink, TreatmentSession, autoPlan, generatePhantom, simulatePlan, treatmentDomains } from '../packages/core/src/index.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

const bench: BenchFile = {
  name: 'console',
  async run(): Promise<BenchResult[]> {
    const points = Number(process.env.CONSOLE_BENCH_POINTS ?? 10);
    const c = generatePhantom();
    // the planner's layout and base pauses (no cooling fit: the fit's near field would be one more run to time)
    const planned = await autoPlan(c, { fitCooling: false });
    const plan = { ...planned.plan, sonications: planned.plan.sonications.slice(0, points) };
    const ta = performance.now();
    const domains = await treatmentDomains(c, plan);
    const acousticsSeconds = (performance.now() - ta) / 1000;
    const ts = performance.now();
    const sim = await simulatePlan(c, plan, { domains });
    const simulateSeconds = (performance.now() - ts) / 1000;
    const out: BenchResult[] = [];
    for (const modality of ['us', 'mr'] as const) {
      const t0 = performance.now();
      const s = new TreatmentSession({
        case: c,
        plan,
        domains,
        settings: { modality, operator: 'plan', injections: [], seed: 1 },
        sink: new MemoryLogSink(),
      });
      const t1 = performance.now();
      let slowest = 0;
      while (!s.finished) {
        const a = performance.now();
        await s.step();
        slowest = Math.max(slowest, performance.now() - a);
      }
      const t2 = performance.now();
      const outcome = await s.outcome();
      await s.finish(outcome);
      const t3 = performance.now();
      const consoleSeconds = (t3 - t0) / 1000;
      out.push({
        name: `console-session-${modality}`,
        parameters: { case: c.name, sonications: plan.sonications.length, tick: 0.1, patientVoxels: s.patient.labels.length, threads: 1 },
        figures: {
          treatmentSeconds: s.time,
          ticks: s.tick,
          setupSeconds: (t1 - t0) / 1000,
          ticksSeconds: (t2 - t1) / 1000,
          meanTickMs: (t2 - t1) / s.tick,
          slowestTickMs: slowest,
          outcomeSeconds: (t3 - t2) / 1000,
          consoleSeconds,
          simulateSeconds,
          ratioToSimulate: consoleSeconds / simulateSeconds,
          acousticsSeconds,
          realTimeFactor: s.time / ((t2 - t1) / 1000),
          npvRatioConsole: outcome.npvRatio,
          npvRatioSimulate: sim.outcome.npvRatio,
        },
      });
    }
    return out;
  },
};
export default bench;

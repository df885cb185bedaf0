// Scoring directions on one small case (anterior-25-t2, the fastest of the library): the expert reference is
// planned and simulated once; other plans are simulated at the same training resolution.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case/case.js';
import { MemoryLogSink } from '../../src/console/treatment-log.js';
import { TreatmentSession } from '../../src/console/treatment-session.js';
import { distanceTransform } from '../../src/grid/distance-transform.js';
import { voxelToRasMm } from '../../src/grid/grid3d.js';
import { type Plan, parsePlan } from '../../src/planning/plan.js';
import { treatmentDomains } from '../../src/planning/treatment-domains.js';
import { trainingCase } from '../../src/training/case-library.js';
import { scorePlanExercise, scoreSessionExercise, sessionSummaryOfLog, trainingCaseOfLog } from '../../src/training/exercise.js';
import { type ExpertReference, TRAINING_DOMAINS, expertReference } from '../../src/training/expert-reference.js';
import { outcomeSafetyEvents, planSafetyEvents } from '../../src/training/safety-events.js';
import { samePlanAsExpert } from '../../src/training/scoring-reuse.js';
import { type ExerciseScore, scoreExercise } from '../../src/training/score.js';

const ID = 'anterior-25-t2';
let c: Case;
let expert: ExpertReference;
let expertScore: ExerciseScore;

beforeAll(async () => {
  c = trainingCase(ID).case;
  expert = await expertReference(c);
  const events = [...planSafetyEvents(c, expert.plan), ...outcomeSafetyEvents(expert.outcome)];
  expertScore = scoreExercise(ID, { outcome: expert.outcome, plan: expert.plan, events }, expert);
}, 900_000);

const withSonications = (plan: Plan, sonications: Plan['sonications']): Plan => parsePlan({ ...plan, sonications });

describe('training scores', () => {
  it('the expert plan passes its case with more than half the points, and says so', () => {
    expect(expertScore.passed).toBe(true);
    expect(expertScore.score).toBeGreaterThan(50);
    expect(expertScore.safetyEvents.filter((e) => e.severity === 'major')).toEqual([]);
    expect(expertScore.npvRatio).toBeGreaterThanOrEqual(0.7);
    expect(expertScore.components.efficiency).toBe(15); // its own EEF
  });

  it('a plan with half the expert points scores lower, every focus on an expert beam', async () => {
    const half = withSonications(
      expert.plan,
      expert.plan.sonications.filter((_, i) => i % 2 === 0),
    );
    const s = await scorePlanExercise(ID, c, half, expert);
    expect(s.npvRatio).toBeLessThan(expertScore.npvRatio);
    expect(s.score).toBeLessThan(expertScore.score);
    expect(s.feedbackItems.length).toBeGreaterThan(0);
    // the faster path: every focus takes an expert beam (no beam computed), the near field and heating simulated
    expect(s.stats).toMatchObject({ path: 'reused-acoustics', beamComputations: 0, nearFieldReused: false });
  }, 900_000);

  it("a new plan (every focus 1.5 mm aside, slices 2.5 mm deeper) scored with the expert's beams gives the full simulation's score", async () => {
    // a trainee's own plan: no focus is the expert's, most fall just outside the planner's stack tolerance of every
    // expert beam (SCORING_STACK_TOLERANCE takes them); the full path computes this plan's own beams
    const b = expert.plan.placement.beamDirection ?? [0, -1, 0];
    const moved = withSonications(
      expert.plan,
      expert.plan.sonications.map((x) => ({
        ...x,
        focus: [x.focus[0] - 1.5e-3 + 2.5e-3 * b[0], x.focus[1] + 2.5e-3 * b[1], x.focus[2] + 2.5e-3 * b[2]] as [number, number, number],
      })),
    );
    const s = await scorePlanExercise(ID, c, moved, expert);
    const full = await scorePlanExercise(ID, c, moved, expert, { full: true });
    expect(s.stats.path).toBe('reused-acoustics');
    expect(full.stats.path).toBe('full');
    expect(s.stats.beamComputations).toBeLessThan(full.stats.beamComputations);
    // the same score components (tolerance: 0.5 point each, NPV ratio 0.01, EEF 2 %; measured in docs/training.md)
    for (const k of ['npv', 'efficiency', 'safety', 'time'] as const)
      expect(Math.abs(s.components[k] - full.components[k])).toBeLessThanOrEqual(0.5);
    expect(Math.abs(s.npvRatio - full.npvRatio)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(s.eef / full.eef - 1)).toBeLessThanOrEqual(0.02);
    expect(s.passed).toBe(full.passed);
    expect(s.safetyEvents).toEqual(full.safetyEvents);
    console.log(
      `new plan: reused (${s.stats.beamComputations} beams) ${JSON.stringify(s.components)} ${s.npvRatio} ${s.eef} ${s.stats.seconds.toFixed(1)} s; full (${full.stats.beamComputations} beams) ${JSON.stringify(full.components)} ${full.npvRatio} ${full.eef} ${full.stats.seconds.toFixed(1)} s`,
    );
  }, 900_000);

  it('the expert plan scored as a trainee plan: its own outcome, which a full simulation reproduces exactly', async () => {
    const s = await scorePlanExercise(ID, c, JSON.parse(JSON.stringify(expert.plan)), expert);
    expect(s.stats.path).toBe('same-as-expert');
    expect(s.components).toEqual(expertScore.components);
    const full = await scorePlanExercise(ID, c, expert.plan, expert, { full: true });
    expect(full.npvRatio).toBe(expert.outcome.npvRatio); // deterministic: same plan, same numbers
    expect(full.eef).toBe(expert.outcome.eef);
    expect(full.components).toEqual(s.components);
    // any change to what is delivered is simulated
    const longer = withSonications(
      expert.plan,
      expert.plan.sonications.map((x, i) => (i === 0 ? { ...x, cooling: x.cooling + 1 } : x)),
    );
    expect(samePlanAsExpert(longer, expert.plan)).toBe(false);
    expect(samePlanAsExpert(parsePlan(JSON.parse(JSON.stringify(expert.plan))), expert.plan)).toBe(true);
  }, 900_000);

  it('a point moved inside the endometrium margin fails and scores lower', async () => {
    // the fibroid voxel closest to the endometrium (the phantom's intramural fibroid sits ≈ 5 mm from it, margin 15 mm)
    const endo = c.structures.find((s) => s.name === 'endometrium')!.label;
    const fib = c.structures.find((s) => s.name === 'fibroid')!.label;
    const d = distanceTransform(c.grid, (i) => c.labels[i] === endo);
    let best = -1;
    for (let i = 0; i < c.labels.length; i++) if (c.labels[i] === fib && (best < 0 || d[i] < d[best])) best = i;
    const [nx, ny] = c.grid.shape;
    const mm = voxelToRasMm(c.grid, best % nx, Math.floor(best / nx) % ny, Math.floor(best / (nx * ny)));
    const moved = withSonications(
      expert.plan,
      expert.plan.sonications.map((s, i) => (i === 0 ? { ...s, focus: [mm[0] / 1000, mm[1] / 1000, mm[2] / 1000] } : s)),
    );
    const s = await scorePlanExercise(ID, c, moved, expert);
    expect(s.passed).toBe(false);
    expect(s.safetyEvents).toContainEqual({ code: 'margin-endometrium', severity: 'major' });
    expect(s.score).toBeLessThan(expertScore.score);
    expect(s.feedbackItems.map((f) => f.code)).toContain('move-point-out-of-margin');
  }, 900_000);

  it('a treatment stopped early by an interlock scores lower than the same treatment completed', async () => {
    // three expert points, one 2 s shot each, run in the console (on the training resolution, to keep the test short)
    const plan = parsePlan({
      ...expert.plan,
      caseName: c.name, // as a plan written on the case carries it: the log names its training case
      version: 1,
      sonications: expert.plan.sonications.slice(0, 3).map(({ shots: _s, shotGap: _g, feedback: _f, ...s }) => ({ ...s, cooling: 3 })),
    });
    const domains = await treatmentDomains(c, plan, TRAINING_DOMAINS);
    const run = async (injections: Array<{ fault: 'emergency-stop'; time: number }>) => {
      const sink = new MemoryLogSink();
      const session = new TreatmentSession({
        case: c,
        plan,
        domains,
        settings: { modality: 'us', operator: 'plan', injections, seed: 1 },
        sink,
      });
      await session.runToEnd();
      await session.finish(await session.outcome());
      return sink.bytes;
    };
    const full = await sessionSummaryOfLog(c, await run([]), 'full.log', { replay: false });
    const stoppedLog = await run([{ fault: 'emergency-stop', time: 3 }]);
    const stopped = await sessionSummaryOfLog(c, stoppedLog, 'stopped.log', { domains: TRAINING_DOMAINS }); // replayed from the log
    expect(full.summary.state).toBe('completed');
    expect(stopped.summary.state).toBe('terminated');
    const a = scoreSessionExercise(ID, c, full, expert);
    const b = scoreSessionExercise(ID, c, stopped, expert);
    expect(b.score).toBeLessThan(a.score);
    expect(b.passed).toBe(false);
    expect(b.safetyEvents).toContainEqual({ code: 'session-terminated', severity: 'major' });
    expect(trainingCaseOfLog(stoppedLog)).toBe(ID);
    expect(trainingCaseOfLog(new Uint8Array([1, 2, 3]))).toBeNull();
  }, 900_000);
});

import { beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case/case.js';
import { generatePhantom } from '../../src/case/phantom.js';
import { MemoryLogSink, decodeLog } from '../../src/console/treatment-log.js';
import { GREYSCALE_CHANGE, type SessionSettings, TreatmentSession } from '../../src/console/treatment-session.js';
import { type Plan, parsePlan } from '../../src/planning/plan.js';
import { type TreatmentDomains, treatmentDomains } from '../../src/planning/treatment-domains.js';
import { FOCI } from './console-fixture.js';

// One point of the phantom's deepest slice with 5 planned shots of 1 s, 1 s apart (plan format v2), and a second
// point after it: the feedback rule of the plan (issue 11) ends a point's repeats early, read from the monitored
// B-mode image (greyscale change) or the energy the point has received.
const SHOTS = 5;
function shotPlan(power: number, feedback?: { rule: 'greyscale'; maxEnergy?: number }): Plan {
  return parsePlan({
    format: 'openfuas-plan',
    version: 2,
    device: { preset: 'clinical-0.8mhz' },
    sonications: [FOCI[0], FOCI[1]].map((focus, i) => ({
      focus,
      power,
      exposure: 1,
      cooling: 2,
      slice: 0,
      label: `S1-P${i + 1}`,
      shots: SHOTS,
      shotGap: 1,
      ...(feedback ? { feedback } : {}),
    })),
  });
}

let c: Case;
let domains: TreatmentDomains;
beforeAll(async () => {
  c = generatePhantom();
  domains = await treatmentDomains(c, shotPlan(85)); // the foci's acoustics; power and feedback may differ
}, 240_000);

async function run(plan: Plan, settings: Partial<SessionSettings> = {}) {
  const sink = new MemoryLogSink();
  const s = new TreatmentSession({
    case: c,
    plan,
    domains,
    sink,
    settings: { modality: 'us', operator: 'plan', injections: [], seed: 1, ...settings },
  });
  await s.runToEnd();
  await s.finish(null);
  return { s, events: decodeLog(sink.bytes).events };
}

describe('feedback at a point of repeated shots (plan format v2)', () => {
  it("stops the repeats once the monitored greyscale change appears; the point's own cooling, then the next point; replays", async () => {
    const plan = shotPlan(400, { rule: 'greyscale' });
    const { s, events } = await run(plan);
    expect(s.state).toBe('completed');
    const ends = events.filter((e) => e.type === 'sonication-end');
    const fb = events.filter((e) => e.type === 'feedback');
    // every shot's greyscale change is read (against the frame before the point's first shot)
    expect(ends.every((e) => typeof e.greyChange === 'number')).toBe(true);
    expect(fb.length).toBe(2);
    for (const f of fb) {
      expect(f.rule).toBe('greyscale');
      expect(f.greyChange as number).toBeGreaterThanOrEqual(GREYSCALE_CHANGE);
      const point = f.point as number;
      const first = point < SHOTS ? 0 : SHOTS;
      // the shots before it showed no change; the rest of the point's shots were dropped, never delivered
      for (const e of ends)
        if ((e.point as number) >= first && (e.point as number) < point) expect(e.greyChange as number).toBeLessThan(GREYSCALE_CHANGE);
      expect(f.skipped).toEqual(Array.from({ length: first + SHOTS - 1 - point }, (_, k) => point + 1 + k));
      for (const q of f.skipped as number[]) expect(s.deliveredPerPoint().onTime[q]).toBe(0);
    }
    // at 400 W the first point's change appears before its last shot
    expect(fb[0].point as number).toBeLessThan(SHOTS - 1);
    expect(s.delivered().sonications).toBe(ends.length);
    expect(s.delivered().energy).toBeCloseTo(400 * ends.length, 6);
    // after the point's last delivered shot its cooling (2 s), not the 1 s between shots, before the next point
    const last = s.fragments.filter((f) => f.point === fb[0].point).at(-1);
    const next = s.fragments.find((f) => f.point === SHOTS);
    if (!last || !next) throw new Error('no fragments');
    expect(next.start - (last.start + last.duration)).toBeCloseTo(2, 9);

    // the rule is deterministic: the log replays bit-identically (feedback events included)
    const r = new TreatmentSession({ case: c, plan, domains, settings: s.settings });
    await r.replay(events);
    expect(r.state).toBe('completed');
  }, 240_000);

  it("stops the repeats at the point's energy limit (maxEnergy) when no greyscale change appears", async () => {
    const { s, events } = await run(shotPlan(85, { rule: 'greyscale', maxEnergy: 250 }));
    const fb = events.filter((e) => e.type === 'feedback');
    // 85 J a shot: the third shot reaches 255 J ≥ 250 J; shots 4 and 5 of each point are dropped
    expect(fb.map((f) => [f.rule, f.point, f.skipped])).toEqual([
      ['maxEnergy', 2, [3, 4]],
      ['maxEnergy', 7, [8, 9]],
    ]);
    expect(fb[0].pointEnergy as number).toBeCloseTo(255, 9);
    expect(s.delivered().sonications).toBe(6);
  }, 240_000);

  it('the plan as written without feedback delivers every shot; the auto operator applies the greyscale rule itself', async () => {
    const written = await run(shotPlan(400));
    expect(written.events.some((e) => e.type === 'feedback')).toBe(false);
    expect(written.s.delivered().sonications).toBe(2 * SHOTS);
    const auto = await run(shotPlan(400), { operator: 'auto' });
    const fb = auto.events.filter((e) => e.type === 'feedback');
    expect(fb.length).toBeGreaterThan(0);
    expect(fb.every((f) => f.rule === 'greyscale' && (f.greyChange as number) >= GREYSCALE_CHANGE)).toBe(true);
    expect(auto.s.delivered().sonications).toBeLessThan(2 * SHOTS);
  }, 240_000);
});

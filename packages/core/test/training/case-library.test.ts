import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { type CaseFactors, difficultyOf } from '../../src/training/case-factors.js';
import { TRAINING_CASES, trainingCase } from '../../src/training/case-library.js';
import { planningCaseOf } from '../../src/planning/auto-plan.js';
import { planTreatment } from '../../src/planning/planner.js';
import { getTransducerPreset } from '../../src/transducer/presets.js';

const easy: CaseFactors = {
  fibroidDiameterMm: 40,
  position: 'anterior',
  t2Type: 2,
  perfusionMlPerMinPer100g: 20,
  wallThicknessMm: 27,
  bowelInPath: false,
  bowelBlockedFraction: 0,
  maxDepthMm: 70,
  sacrumDistanceMm: 50,
  endometriumDistanceMm: 5,
};

describe('training case library', () => {
  it('has at least 12 cases with unique ids, titles and goals', () => {
    expect(TRAINING_CASES.length).toBeGreaterThanOrEqual(12);
    expect(new Set(TRAINING_CASES.map((c) => c.id)).size).toBe(TRAINING_CASES.length);
    for (const c of TRAINING_CASES) {
      expect(c.title.length).toBeGreaterThan(0);
      expect(c.goals.length).toBeGreaterThan(0);
    }
  });

  it('difficulty follows the documented rule: one point per hard factor, clamped to 1–5', () => {
    expect(difficultyOf(easy).difficulty).toBe(1);
    expect(difficultyOf({ ...easy, fibroidDiameterMm: 25 }).difficulty).toBe(2);
    expect(difficultyOf({ ...easy, t2Type: 3, wallThicknessMm: 34 }).difficulty).toBe(3);
    expect(difficultyOf({ ...easy, position: 'posterior', sacrumDistanceMm: 30 }).terms.map((t) => t.key)).toEqual(['deep', 'near-sacrum']);
    const all = difficultyOf({
      ...easy,
      fibroidDiameterMm: 20,
      t2Type: 3,
      wallThicknessMm: 40,
      maxDepthMm: 120,
      sacrumDistanceMm: 10,
      bowelInPath: true,
      endometriumDistanceMm: 1,
    });
    expect(all.terms.length).toBe(7);
    expect(all.difficulty).toBe(5);
  });

  it('a case generates with its factors measured on it (posterior: deeper and nearer the sacrum than anterior)', () => {
    const post = trainingCase('posterior-35-t2').entry;
    const ant = trainingCase('anterior-35-t1-thin').entry;
    for (const e of [post, ant]) {
      for (const k of Object.keys(easy)) expect(e.factors).toHaveProperty(k);
      expect(e.difficulty).toBe(difficultyOf(e.factors).difficulty);
      expect(e.keys.goals.length).toBe(e.goals.length);
    }
    expect(post.factors.maxDepthMm).toBeGreaterThan(ant.factors.maxDepthMm);
    expect(post.factors.sacrumDistanceMm).toBeLessThan(ant.factors.sacrumDistanceMm);
    expect(post.difficulty).toBeGreaterThan(ant.difficulty);
    expect(() => trainingCase('no-such-case')).toThrow(InputError);
  });

  it('the bowel-in-path case: gas blocks part of the window, the planner skips those points and says so', () => {
    const { entry, case: c } = trainingCase('anterior-35-bowel');
    expect(entry.factors.bowelInPath).toBe(true);
    expect(entry.factors.bowelBlockedFraction).toBeGreaterThan(0.2);
    expect(entry.factors.bowelBlockedFraction).toBeLessThan(0.9); // part of the window, not all of it
    expect(entry.difficultyTerms.map((t) => t.key)).toContain('bowel-in-path');
    // an easy case of the library has no bowel in its path
    expect(trainingCase('anterior-25-t2').entry.factors.bowelBlockedFraction).toBe(0);
    const bowl = getTransducerPreset('clinical-0.8mhz');
    const planned = planTreatment(planningCaseOf(c), {
      device: { preset: 'clinical-0.8mhz' },
      geometry: { radiusOfCurvature: bowl.radiusOfCurvature, aperture: bowl.aperture },
      power: 400,
      exposure: 2,
      cooling: 6,
      lesionWidth: 4e-3,
      lesionLength: 10e-3,
    });
    const skipped = planned.findings.find((f) => f.code === 'beam-path-gas');
    expect(planned.plan.sonications.length).toBeGreaterThan(20);
    expect(Number(skipped?.params?.count)).toBeGreaterThan(20);
  });
});

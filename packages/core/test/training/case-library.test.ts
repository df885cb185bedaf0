import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { type CaseFactors, difficultyOf } from '../../src/training/case-factors.js';
import { TRAINING_CASES, trainingCase } from '../../src/training/case-library.js';

const easy: CaseFactors = {
  fibroidDiameterMm: 40,
  position: 'anterior',
  t2Type: 2,
  perfusionMlPerMinPer100g: 20,
  wallThicknessMm: 27,
  bowelInPath: false,
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
});

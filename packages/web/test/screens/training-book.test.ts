import { describe, expect, it } from 'vitest';
import { chartOf } from '../../src/screens/training/progress-panel.js';
import { type TrainingBook, type TrainingResult, resultsOf, traineesOf } from '../../src/screens/training/training-book.js';

const result = (trainee: string, workshop: string, passed: boolean, difficulty = 3): TrainingResult =>
  ({
    id: `${trainee}-${Math.random()}`,
    at: new Date().toISOString(),
    trainee,
    workshop,
    caseId: 'anterior-40-t2',
    difficulty,
    exercise: 'planning',
    score: { passed, score: passed ? 80 : 40 },
    outcome: { npvRatio: 0.8, eef: 5, treatmentTime: 3600, energy: 1e5, sonications: 100 },
    expert: { npvRatio: 0.9, eef: 4, treatmentTime: 3000, energy: 9e4, sonications: 120 },
  }) as unknown as TrainingResult;

describe('training results kept in the browser', () => {
  it('charts a trainee’s results in order: each pass adds ln(0.9/0.7), proficient at the 16th straight pass (h 3.8)', () => {
    const passes = Array.from({ length: 20 }, () => result('a', 'w', true));
    const c = chartOf(passes, false);
    // by hand: 15 × 0.2513 = 3.77 < 3.8 ≤ 16 × 0.2513 = 4.02
    expect(c.chart[0]).toBeCloseTo(Math.log(0.9 / 0.7), 12);
    expect(c.proficientAt).toBe(16);
    // a failure pulls the chart down by ln(0.1/0.3) and never below 0
    const mixed = chartOf([result('a', 'w', false), result('a', 'w', true), result('a', 'w', false)], false);
    expect(mixed.chart).toEqual([0, Math.log(0.9 / 0.7), 0]);
  });

  it('weighs a hard case more in the risk-adjusted chart (passing difficulty 5 earns more than difficulty 1)', () => {
    const hard = chartOf([result('a', 'w', true, 5)], true).chart[0];
    const easy = chartOf([result('a', 'w', true, 1)], true).chart[0];
    expect(hard).toBeGreaterThan(easy);
  });

  it('lists a workshop’s trainees in order of their first result, and each trainee’s results', () => {
    const book: TrainingBook = {
      version: 1,
      trainee: 'b',
      workshop: 'Cairo',
      comments: [],
      results: [result('b', 'Cairo', true), result('c', 'Melaka', false), result('a', 'Cairo', true), result('b', 'Cairo', false)],
    };
    expect(traineesOf(book, 'Cairo')).toEqual(['b', 'a']);
    expect(traineesOf(book, '')).toEqual(['b', 'c', 'a']);
    expect(resultsOf(book, 'b').map((r) => r.score.passed)).toEqual([true, false]);
  });
});

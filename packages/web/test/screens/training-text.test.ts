import { readFileSync } from 'node:fs';
import { TRAINING_CASES, difficultyOf } from '@openfuas/core';
import { afterEach, describe, expect, it } from 'vitest';
import { LANGUAGES, setLanguage } from '../../src/i18n/i18n.js';
import { caseGoals, caseTitle, difficultyTerms, eventText, feedbackText } from '../../src/screens/training/training-text.js';

/** The feedback codes the core's scoring emits, read from its source (a code added later without wording fails here). */
const SCORE_SRC = readFileSync(new URL('../../../core/src/training/score.ts', import.meta.url), 'utf8');
const feedbackCodes = [...new Set([...SCORE_SRC.matchAll(/code: '([a-z-]+)'/g)].map((m) => m[1]))];

/** Values for every placeholder a feedback or event template may use. */
const PARAMS = {
  point: 'P3',
  points: 4,
  distance: 0.0042,
  margin: 'serosa',
  structure: 'bowel',
  reason: 'skin-temperature',
  time: 312,
  interlock: 'skin-temperature',
  npvRatio: 0.55,
  required: 0.7,
  expertNpvRatio: 0.9,
  slices: 3,
  expertPoints: 40,
  expertSlices: 5,
  eef: 12.3,
  expertEef: 5.1,
  expertTime: 1800,
  value: 300,
};

afterEach(() => setLanguage('en'));

describe('training texts in the workstation’s four languages', () => {
  it('reads the feedback codes from the core’s scoring', () => {
    expect(feedbackCodes).toEqual(expect.arrayContaining(['npv-low', 'move-point-out-of-margin', 'expert-level', 'eef-high']));
  });

  it('words every feedback code in every language, every placeholder filled', () => {
    for (const { code: lang } of LANGUAGES) {
      setLanguage(lang);
      for (const code of feedbackCodes) {
        const text = feedbackText({ code, params: PARAMS, text: 'ENGLISH FALLBACK' });
        expect(text, `${lang}:${code}`).not.toBe('ENGLISH FALLBACK');
        expect(text, `${lang}:${code}`).not.toMatch(/\{\w+\}|NaN|undefined/);
      }
    }
  });

  it('words the safety events (margins, beam path, dose, interlocks) in Arabic with the values shown', () => {
    setLanguage('ar');
    const margin = eventText({ code: 'margin-serosa', params: { points: 2, distance: 0.004 } });
    expect(margin).toContain('المصلية');
    expect(margin).toContain('4.0');
    expect(eventText({ code: 'bowel-ablated', params: { structure: 'bowel', value: 512 } })).toMatch(/جدار الأمعاء.*512/);
    expect(eventText({ code: 'interlock-skin', params: { time: 12 } })).toContain('skin');
    for (const code of ['margin-bone', 'beam-path-bowel-gas', 'near-field-dose', 'sacrum-temperature', 'session-terminated'])
      expect(eventText({ code, params: PARAMS, message: 'ENGLISH' }), code).not.toBe('ENGLISH');
  });

  it('titles, goals and difficulty factors of every library case in every language', () => {
    const rules = [
      {
        fibroidDiameterMm: 20,
        t2Type: 3,
        wallThicknessMm: 35,
        maxDepthMm: 100,
        position: 'posterior',
        sacrumDistanceMm: 20,
        bowelInPath: true,
        bowelBlockedFraction: 0.5,
        endometriumDistanceMm: 1,
      },
    ] as const;
    const terms = difficultyOf({ ...rules[0], perfusionMlPerMinPer100g: 100 }).terms;
    expect(terms.length).toBe(7);
    for (const { code: lang } of LANGUAGES) {
      setLanguage(lang);
      for (const spec of TRAINING_CASES) {
        const title = caseTitle(spec);
        const goals = caseGoals(spec);
        if (lang !== 'en') expect(title, `${lang}:${spec.id}`).not.toBe(spec.title);
        else expect(title).toBe(spec.title);
        expect(goals.length).toBe(spec.goals.length);
        if (lang !== 'en') for (const [i, g] of goals.entries()) expect(g, `${lang}:${spec.id} goal ${i + 1}`).not.toBe(spec.goals[i]);
      }
      const words = difficultyTerms({ difficultyTerms: terms });
      if (lang !== 'en') for (const [i, w] of words.entries()) expect(w, `${lang}:${terms[i].key}`).not.toBe(terms[i].rule);
    }
  });
});

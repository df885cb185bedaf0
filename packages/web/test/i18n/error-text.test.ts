import { type Finding, InputError, REPORT_WORDS_EN, focusChecker, generatePhantom, renderReportHtml } from '@openfuas/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreError, errorData } from '../../src/engine/core-error.js';
import { errorText } from '../../src/i18n/error-text.js';
import { findingText } from '../../src/i18n/findings.js';
import { setLanguage } from '../../src/i18n/i18n.js';
import { en } from '../../src/i18n/messages.js';
import { reportWords } from '../../src/i18n/report-words.js';
import { temperatureText } from '../../src/ui/temperature-text.js';

afterEach(() => setLanguage('en'));

describe('core errors and skipped points in the workstation’s languages', () => {
  // a focus 0.45 mm past the bowl's reach, as the core reports it (reason + params, SI units)
  const tooDeep = new InputError('plan.sonications[12].focus', 'the focus (1.0, -120.0, 3.0) mm is 123.5 mm below the skin; ...', {
    reason: 'focus-too-deep',
    params: { depth: 0.12345, reach: 0.123 },
  });

  it('words an error from its reason and params after the worker round trip, naming the point', () => {
    const crossed = new CoreError(structuredClone(errorData(tooDeep)));
    expect(errorText(crossed)).toBe('Point 13: The focus is 123.5 mm below the skin; this transducer reaches at most 123.0 mm');
    setLanguage('zh');
    expect(errorText(crossed)).toBe('第 13 点：焦点位于皮肤下 123.5 毫米；该换能器最深只能到达 123.0 毫米');
    setLanguage('fr');
    expect(errorText(crossed)).toMatch(/^Point 13 : Le foyer est à 123.5 mm sous la peau ; ce transducteur atteint au plus 123.0 mm$/);
  });

  it('translates the structure a blocked beam axis crosses, and falls back to the message for an unknown reason', () => {
    const gas = new CoreError({
      message: 'x',
      code: 'invalid-input',
      reason: 'axis-gas',
      params: { structure: 'bowel-gas', depth: 0.042 },
      field: 'focus',
    });
    setLanguage('fr');
    expect(errorText(gas)).toBe('L’axe du faisceau vers le foyer traverse Gaz intestinal (gaz) à 42.0 mm sous la peau');
    setLanguage('en');
    expect(errorText(new CoreError({ message: 'something odd', reason: 'made-up' }))).toBe('something odd');
    expect(errorText(new Error('plain'))).toBe('plain');
  });

  it('words every reason focusChecker can give', () => {
    // the reasons of core FocusProblem (treatment-sources.ts) all have a template, and the target-unreachable error too
    for (const reason of [
      'focus-outside-body',
      'axis-leaves-image',
      'axis-gas',
      'axis-bone',
      'focus-in-skin',
      'focus-too-deep',
      'focus-too-shallow',
      'outside-window',
      'target-unreachable',
    ])
      expect(Object.hasOwn(en, `error.${reason}`), reason).toBe(true);
    const c = generatePhantom({ voxelSizeMm: 2 });
    const check = focusChecker(c, { preset: 'clinical-0.8mhz' }, c.couch.beamDirection);
    const problem = check([0, 0.05, 0]); // in the water bath
    expect(problem).not.toBeNull();
    expect(errorText(new CoreError({ message: problem?.message ?? '', reason: problem?.reason, params: problem?.params }))).not.toBe(
      problem?.message,
    );
  });

  it('words the skipped-point findings of the planner', () => {
    const f: Finding = { severity: 'warning', code: 'skipped-focus-too-deep', message: 'm', params: { count: 5, reach: 0.1237 } };
    expect(findingText(f)).toBe('5 point(s) skipped: deeper than this transducer reaches (123.7 mm below the skin)');
    setLanguage('zh');
    expect(findingText(f)).toBe('跳过 5 个点：超出该换能器的可达深度（皮肤下 123.7 毫米）');
  });
});

describe('temperatureText', () => {
  it('shows a temperature below 100 °C as its number and from 100 °C as boiling (not a prediction)', () => {
    expect(temperatureText(99.94)).toEqual({ text: '99.9 °C', boiling: false });
    expect(temperatureText(100)).toEqual({ text: '100 °C (boiling)', boiling: true });
    expect(temperatureText(355).text).not.toContain('355');
    setLanguage('fr');
    expect(temperatureText(355).text).toBe('100 °C (ébullition)');
  });
});

describe('reportWords', () => {
  it('has every report word in each language, different from English in Chinese', () => {
    for (const lang of ['en', 'zh', 'fr'] as const) {
      setLanguage(lang);
      const w = reportWords();
      for (const key of Object.keys(REPORT_WORDS_EN)) {
        const word = w[key as keyof typeof w];
        expect(word, `${lang}:${key}`).toBeTruthy();
        // a word without a message would show its key
        expect(word, `${lang}:${key}`).not.toMatch(/^(report|results)\./);
      }
      if (lang === 'zh') {
        expect(w.lang).toBe('zh-Hans');
        expect(w.npv).not.toBe(REPORT_WORDS_EN.npv);
      }
      if (lang === 'en') expect(w.npv).toBe(REPORT_WORDS_EN.npv);
    }
    // it renders: a report in French names its language and uses the French words
    setLanguage('fr');
    expect(typeof renderReportHtml).toBe('function');
    expect(reportWords().heading).toBe('Rapport de traitement — {case}');
  });
});

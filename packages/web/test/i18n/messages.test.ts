import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LANGUAGES, direction, isLanguage } from '../../src/i18n/i18n.js';
import { ar } from '../../src/i18n/messages-ar.js';
import { en, fr, zh } from '../../src/i18n/messages.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('workstation messages', () => {
  it('has every English key in Chinese, French and Arabic, and no extra keys', () => {
    const keys = Object.keys(en).sort();
    for (const dict of [zh, fr, ar]) expect(Object.keys(dict).sort()).toEqual(keys);
  });

  it('has a non-empty text for every key in every language', () => {
    for (const code of Object.keys(DICTIONARIES)) {
      for (const [key, text] of Object.entries(DICTIONARIES[code as keyof typeof DICTIONARIES])) {
        expect(text.trim().length, `${code}:${key}`).toBeGreaterThan(0);
      }
    }
  });

  it('keeps the same {placeholders} in every translation', () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(zh[key]), `zh:${key}`).toEqual(placeholders(en[key]));
      expect(placeholders(fr[key]), `fr:${key}`).toEqual(placeholders(en[key]));
      expect(placeholders(ar[key]), `ar:${key}`).toEqual(placeholders(en[key]));
    }
  });

  it('translates the user-facing labels (not copies of the English) for Chinese', () => {
    // units and symbols may be shared; words must not be
    const shared = Object.keys(en).filter((k) => zh[k as keyof typeof en] === en[k as keyof typeof en] && !k.startsWith('unit.'));
    expect(shared).toEqual([]);
  });

  it('translates the user-facing labels for Arabic: every text has Arabic words unless it is only units, numbers and abbreviations', () => {
    // Latin letters may remain for SI units, abbreviations (NPV, EEF, CEM43) and formats; words must be Arabic
    const onlySymbols =
      /^[\s\d.,:;()%×·≥<>=+\-–/°³⌀{}]*(?:(?:W|mm|ml|s|min|kJ|J\/mm³|°C|cm³|EEF|NPV|CEM43)[\s\d.,:;()%×·≥<>=+\-–/°³{}]*)*$/;
    const notArabic = Object.keys(en).filter(
      (k) => !/[\u0600-\u06FF]/.test(ar[k as keyof typeof en]) && !onlySymbols.test(ar[k as keyof typeof en]),
    );
    expect(notArabic).toEqual([]);
  });

  it('writes Arabic right to left and the others left to right', () => {
    expect(direction('ar')).toBe('rtl');
    for (const code of ['en', 'zh', 'fr'] as const) expect(direction(code)).toBe('ltr');
  });

  it('offers English, 简体中文, Français and العربية', () => {
    expect(LANGUAGES.map((l) => l.code)).toEqual(['en', 'zh', 'fr', 'ar']);
    expect(LANGUAGES.find((l) => l.code === 'ar')?.name).toBe('العربية');
    expect(isLanguage('ar')).toBe(true);
    expect(isLanguage('zh')).toBe(true);
    expect(isLanguage('de')).toBe(false);
  });
});

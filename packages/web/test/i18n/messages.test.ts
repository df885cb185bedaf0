import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LANGUAGES, isLanguage } from '../../src/i18n/i18n.js';
import { en, fr, zh } from '../../src/i18n/messages.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('workstation messages', () => {
  it('has every English key in Chinese and French, and no extra keys', () => {
    const keys = Object.keys(en).sort();
    for (const dict of [zh, fr]) expect(Object.keys(dict).sort()).toEqual(keys);
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
    }
  });

  it('translates the user-facing labels (not copies of the English) for Chinese', () => {
    // units and symbols may be shared; words must not be
    const shared = Object.keys(en).filter((k) => zh[k as keyof typeof en] === en[k as keyof typeof en] && !k.startsWith('unit.'));
    expect(shared).toEqual([]);
  });

  it('offers English, 简体中文 and Français', () => {
    expect(LANGUAGES.map((l) => l.code)).toEqual(['en', 'zh', 'fr']);
    expect(isLanguage('zh')).toBe(true);
    expect(isLanguage('de')).toBe(false);
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { type Finding, NEAR_FIELD_STRUCTURES, PROTECTED_STRUCTURES } from '@openfuas/core';
import { afterEach, describe, expect, it } from 'vitest';
import { findingKey, findingText } from '../../src/i18n/findings.js';
import { DICTIONARIES, setLanguage } from '../../src/i18n/i18n.js';

/**
 * Every finding the core can emit, read from its sources: each `code: '…'` (or `code: \`${name}-…\``) in
 * packages/core/src with the keys of the `params` of the same object literal. A code the core gains later
 * without a template here fails this test.
 */
const CORE_SRC = new URL('../../../core/src/', import.meta.url);

function sourceFiles(dir: URL): URL[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(new URL(`${e.name}/`, dir)) : e.name.endsWith('.ts') ? [new URL(e.name, dir)] : [],
  );
}

/** The object literal around position `at`: from its `{` to the matching `}`. */
function enclosingObject(text: string, at: number): string {
  let depth = 0;
  let start = at;
  for (; start >= 0; start--) {
    if (text[start] === '}') depth++;
    else if (text[start] === '{') {
      if (depth === 0) break;
      depth--;
    }
  }
  depth = 0;
  for (let end = start; end < text.length; end++) {
    if (text[end] === '{') depth++;
    else if (text[end] === '}' && --depth === 0) return text.slice(start, end + 1);
  }
  throw new Error('unbalanced braces');
}

/** Top-level keys of `params: { … }` in an object literal's text (shorthand keys included). */
function paramKeys(object: string): string[] {
  const at = object.indexOf('params:');
  if (at < 0) return [];
  const body = enclosingObject(object, object.indexOf('{', at) + 1).slice(1, -1);
  const keys: string[] = [];
  let depth = 0;
  let part = '';
  for (const ch of `${body},`) {
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      const key = part.split(':')[0].trim();
      if (key) keys.push(key);
      part = '';
    } else part += ch;
  }
  return keys;
}

interface EmittedCode {
  /** the code, `${…}` standing for a structure name */
  code: string;
  params: string[];
  file: string;
}

function emittedCodes(): EmittedCode[] {
  const out: EmittedCode[] = [];
  for (const url of sourceFiles(CORE_SRC)) {
    // the console's interlock codes are limits, not plan findings (the Treat screen will word them, issue 13)
    if (url.pathname.includes('/core/src/console/')) continue;
    // training's safety events and score feedback are worded by the Training screen (training-text.test.ts)
    if (url.pathname.includes('/core/src/training/')) continue;
    const text = readFileSync(url, 'utf8');
    for (const m of text.matchAll(/\bcode:\s*(['`])((?:(?!\1).)+)\1/g)) {
      out.push({ code: m[2], params: paramKeys(enclosingObject(text, m.index)), file: url.pathname.split('/core/src/')[1] });
    }
  }
  return out;
}

/** A sample value for a parameter by its name (SI units, as the core gives them). */
function sample(name: string, structure: string): number | string {
  const values: Record<string, number | string> = {
    structure,
    dose: 35_000,
    threshold: 240,
    temperature: 47.26,
    limit: 43,
    npvRatio: 0.456,
    count: 3,
    sonications: 57,
    slices: 6,
    reachableVolume: 41.27e-6,
    targetVolume: 87.1e-6,
    cooling: 'Infinity',
    maxCooling: 9,
    power: 180,
    exposure: 3,
    lesionWidth: 0.00312,
    lesionLength: 0.0114,
    computations: 4,
    pauses: 212,
    addedCooling: 3972,
    longest: 120,
    maxAdded: 120,
    voxels: 5,
  };
  return values[name] ?? 1.5;
}

/** Every finding the core can emit, each structure code once per structure the core checks. */
function allFindings(): Finding[] {
  const structures = [...new Set([...PROTECTED_STRUCTURES, ...NEAR_FIELD_STRUCTURES])];
  return emittedCodes().flatMap((c) => {
    const names = c.code.includes('${') ? structures : ['skin'];
    return names.map((s) => ({
      severity: 'warning' as const,
      code: c.code.replace(/\$\{[^}]+\}/g, s),
      message: `(English message of ${c.code})`,
      params: Object.fromEntries(c.params.map((p) => [p, sample(p, s)])),
    }));
  });
}

afterEach(() => setLanguage('en'));

describe('findingText: the core findings in English, Chinese and French', () => {
  it('finds the codes of the planner, auto-plan, simulation and outcome in the core sources', () => {
    const codes = emittedCodes();
    const byCode = new Map(codes.map((c) => [c.code, c]));
    // the parser sees all five places the core emits findings, with their params
    expect(new Set(codes.map((c) => c.file))).toEqual(
      new Set([
        'planning/outcome.ts',
        'planning/planner.ts',
        'planning/auto-plan.ts',
        'planning/simulate-plan.ts',
        'planning/near-field.ts',
        'planning/reachable-plan.ts',
      ]),
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the code as the core's source writes it
    expect(byCode.get('${name}-ablated')?.params).toEqual(['structure', 'dose', 'threshold']);
    expect(byCode.get('probe-shot')?.params).toEqual([
      'power',
      'exposure',
      'shots',
      'greyscaleOnset',
      'temperature',
      'lesionWidth',
      'lesionLength',
      'cooling',
      'structure',
    ]);
    expect(byCode.get('no-reachable-target')?.params).toEqual([]);
    expect(codes.length).toBeGreaterThanOrEqual(14);
  });

  it('has a template for every code in all three languages, its placeholders filled', () => {
    const findings = allFindings();
    for (const f of findings) {
      const key = findingKey(f);
      expect(key, f.code).not.toBeNull();
      for (const [lang, dict] of Object.entries(DICTIONARIES)) {
        expect(dict[key!], `${lang}: ${key}`).toBeTruthy();
        setLanguage(lang as keyof typeof DICTIONARIES);
        const text = findingText(f);
        expect(text, `${lang}: ${f.code}`).not.toBe(f.message);
        expect(text, `${lang}: ${f.code}`).not.toMatch(/\{\w*\}|undefined|NaN/);
        if (lang === 'zh') expect(text, f.code).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it('words the structure of per-structure findings in the language, numbers formatted for reading', () => {
    const f = (code: string, params: Record<string, number | string>): Finding => ({ severity: 'warning', code, message: 'm', params });
    const bowel = f('bowel-ablated', { structure: 'bowel', dose: 35_000, threshold: 240 });
    const skin = f('skin-temperature', { structure: 'skin', temperature: 47.26, limit: 43 });
    const low = f('low-npv-ratio', { npvRatio: 0.456 });
    const summary = f('plan-summary', { sonications: 57, slices: 6, reachableVolume: 41.27e-6, targetVolume: 87.1e-6 });
    const dose = f('fat-dose', { structure: 'fat', dose: 25.4, threshold: 18 });
    expect(findingText(bowel)).toBe('Bowel wall reaches 3.5 × 10⁴ CEM43 (≥ 240: thermal injury)');
    expect(findingText(dose)).toBe('Subcutaneous fat reaches 25 CEM43 (≥ 18: possible damage)');
    expect(findingText(skin)).toBe('Skin reaches 47.3 °C (limit 43.0 °C): lengthen cooling or lower power');
    expect(findingText(low)).toMatch(/^Predicted NPV ratio 45\.6 % /);
    expect(findingText(summary)).toBe('57 sonications in 6 slices; 41.3 of 87.1 cm³ of target inside the margins');
    setLanguage('zh');
    expect(findingText(bowel)).toBe('肠壁热剂量达 3.5 × 10⁴ CEM43（≥ 240：热损伤）');
    expect(findingText(skin)).toBe('皮肤温度达 47.3 °C（上限 43.0 °C）：请延长冷却时间或降低功率');
    expect(findingText(summary)).toBe('6 层共 57 次辐照；靶区 87.1 cm³ 中有 41.3 cm³ 位于安全边界内');
    setLanguage('fr');
    expect(findingText(bowel)).toBe('Paroi intestinale : dose de 3.5 × 10⁴ CEM43 (≥ 240 : lésion thermique)');
    // a structure outside the core's lists is still named (a second fibroid, scar) or shown as it is
    setLanguage('en');
    expect(findingText(f('scar-dose', { structure: 'scar', dose: 20, threshold: 18 }))).toBe(
      'Scar reaches 20 CEM43 (≥ 18: possible damage)',
    );
    expect(findingText(f('fibroid-2-dose', { structure: 'fibroid-2', dose: 20, threshold: 18 }))).toMatch(/^fibroid-2 reaches 20 CEM43/);
    expect(findingText(f('cooling-capped', { cooling: 'Infinity', structure: 'skin', maxCooling: 9 }))).toMatch(
      /asks for ∞ s of cooling per sonication \(Skin\); capped at 9 s/,
    );
  });

  it('falls back to the English message for unknown codes and for findings missing a value', () => {
    const unknown: Finding = { severity: 'info', code: 'made-up-code', message: 'something the core says' };
    const missing: Finding = { severity: 'warning', code: 'boiling', message: 'peak temperature 104 °C: boiling at the focus' };
    const wrongStructure: Finding = { severity: 'warning', code: 'skin-frozen', message: 'odd', params: { structure: 'skin' } };
    for (const lang of ['en', 'zh', 'fr'] as const) {
      setLanguage(lang);
      expect(findingKey(unknown)).toBeNull();
      expect(findingText(unknown)).toBe('something the core says');
      expect(findingText(missing)).toBe(missing.message);
      expect(findingText(wrongStructure)).toBe('odd');
    }
    // inherited names are not codes
    expect(findingText({ severity: 'info', code: 'toString', message: 'x' })).toBe('x');
  });

  it('follows the current language (the panels re-render on a change)', () => {
    const f: Finding = { severity: 'warning', code: 'boiling', message: 'm', params: { temperature: 101.26 } };
    expect(findingText(f)).toBe('Peak temperature 101.3 °C: boiling at the focus');
    setLanguage('zh');
    expect(findingText(f)).toBe('峰值温度 101.3 °C：焦点处沸腾');
    setLanguage('fr');
    expect(findingText(f)).toBe('Température maximale 101.3 °C : ébullition au foyer');
  });
});

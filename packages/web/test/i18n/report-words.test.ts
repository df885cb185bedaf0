import { afterEach, describe, expect, it } from 'vitest';
import { setLanguage } from '../../src/i18n/i18n.js';
import { ar } from '../../src/i18n/messages-ar.js';
import { reportWords } from '../../src/i18n/report-words.js';

afterEach(() => setLanguage('en'));

describe('the treatment report in the workstation’s language', () => {
  it('is written in Arabic (html lang ar) when the workstation is in Arabic, structures and severities included', () => {
    setLanguage('ar');
    const w = reportWords();
    expect(w.lang).toBe('ar');
    expect(w.heading).toBe(ar['report.heading']);
    expect(w.npv).toBe(ar['report.npv']);
    expect(w.severityWarning).toBe(ar['severity.warning']);
    expect(w.structureName?.('fibroid')).toBe('الورم الليفي');
    setLanguage('fr');
    expect(reportWords().lang).toBe('fr');
  });
});

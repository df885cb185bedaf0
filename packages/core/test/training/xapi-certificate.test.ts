import { describe, expect, it } from 'vitest';
import { certificateHtml } from '../../src/training/certificate.js';
import { isoDuration, xapiStatement } from '../../src/training/xapi.js';

describe('xAPI statements and the certificate', () => {
  it('builds an xAPI 1.0.3 statement with ADL verbs and a scaled score', () => {
    const s = xapiStatement({
      trainee: { name: 'A. Trainee', account: { homePage: 'https://workshop.example', name: 't-17' } },
      caseId: 'anterior-25-t2',
      caseTitle: 'Small anterior 25 mm fibroid',
      score: 72.5,
      passed: true,
      duration: 3725.5,
      timestamp: '2026-12-07T10:00:00Z',
    });
    expect(s.verb.id).toBe('http://adlnet.gov/expapi/verbs/passed');
    expect(s.result.score).toEqual({ scaled: 0.725, raw: 72.5, min: 0, max: 100 });
    expect(s.result.success).toBe(true);
    expect(s.result.duration).toBe('PT1H2M5.5S');
    expect(s.version).toBe('1.0.3');
    expect(s.object.id).toBe('https://openfuas.org/training/case/anterior-25-t2');
    expect(xapiStatement({ trainee: { mbox: 'mailto:a@b.org' }, caseId: 'x', caseTitle: 'x', score: 10, passed: false }).verb.id).toBe(
      'http://adlnet.gov/expapi/verbs/failed',
    );
    expect(
      xapiStatement({ trainee: { mbox: 'mailto:a@b.org' }, caseId: 'x', caseTitle: 'x', score: 10, passed: false, verb: 'completed' }).verb
        .id,
    ).toBe('http://adlnet.gov/expapi/verbs/completed');
    expect(() => xapiStatement({ trainee: {}, caseId: 'x', caseTitle: 'x', score: 10, passed: false })).toThrow(/account/);
    expect(() => xapiStatement({ trainee: { mbox: 'mailto:a@b.org' }, caseId: 'x', caseTitle: 'x', score: 101, passed: true })).toThrow(
      /score/,
    );
    expect(isoDuration(59)).toBe('PT59S');
  });

  it('prints a certificate with every input escaped', () => {
    const html = certificateHtml({
      trainee: '<script>alert(1)</script> & Co',
      course: 'HIFU workshop "Cairo"',
      date: '2026-12-07',
      passed: 11,
      taken: 14,
      proficientAt: 12,
      instructor: "O'Neil",
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(html).toContain('HIFU workshop &quot;Cairo&quot;');
    expect(html).toContain('O&#39;Neil');
    expect(html).toContain('11 / 14');
    expect(html).toContain('at exercise 12');
    const rtl = certificateHtml({
      trainee: 'x',
      course: 'y',
      date: '2026-12-07',
      passed: 0,
      taken: 0,
      proficientAt: null,
      lang: 'ar',
      dir: 'rtl',
    });
    expect(rtl).toContain('<html lang="ar" dir="rtl">');
    expect(() => certificateHtml({ trainee: 'x', course: 'y', date: 'yesterday', passed: 0, taken: 0, proficientAt: null })).toThrow(
      /date/,
    );
    expect(() => certificateHtml({ trainee: 'x', course: 'y', date: '2026-12-07', passed: 3, taken: 2, proficientAt: null })).toThrow(
      /passed/,
    );
  });
});

import { InputError } from '../errors.js';

/** What a certificate of completion says. */
export interface CertificateInput {
  trainee: string;
  /** e.g. "HIFU workshop, Chongqing" */
  course: string;
  /** ISO date of completion */
  date: string;
  /** exercises passed / taken, and the LC-CUSUM's proficiency (1-based exercise or null) */
  passed: number;
  taken: number;
  proficientAt: number | null;
  instructor?: string;
  /** the page's language (html lang) and direction; default en, ltr */
  lang?: string;
  dir?: 'ltr' | 'rtl';
  /** words of the page in its language (defaults: English) */
  words?: Partial<typeof CERTIFICATE_WORDS_EN>;
}

export const CERTIFICATE_WORDS_EN = {
  title: 'Certificate of completion',
  certifies: 'This certifies that',
  completed: 'has completed the simulator training',
  exercises: 'Exercises passed',
  proficient: 'Proficiency (LC-CUSUM) reached at exercise',
  notProficient: 'Proficiency (LC-CUSUM) not yet reached',
  instructor: 'Instructor',
  disclaimer: 'Simulator training with OpenFUAS: research and training software, not a medical device; not a clinical qualification.',
};

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A printable, self-contained HTML certificate (A4 landscape print style); every input is escaped. */
export function certificateHtml(c: CertificateInput): string {
  if (typeof c.trainee !== 'string' || c.trainee.trim() === '') throw new InputError('trainee', 'is required');
  if (typeof c.course !== 'string' || c.course.trim() === '') throw new InputError('course', 'is required');
  if (!/^\d{4}-\d{2}-\d{2}/.test(String(c.date)))
    throw new InputError('date', `must be an ISO date (YYYY-MM-DD), got ${JSON.stringify(c.date)}`);
  if (!Number.isInteger(c.taken) || c.taken < 0 || !Number.isInteger(c.passed) || c.passed < 0 || c.passed > c.taken)
    throw new InputError('passed', `must be integers with 0 ≤ passed ≤ taken, got ${c.passed} / ${c.taken}`);
  if (c.proficientAt !== null && (!Number.isInteger(c.proficientAt) || c.proficientAt < 1 || c.proficientAt > c.taken))
    throw new InputError('proficientAt', `must be null or an exercise number 1–${c.taken}, got ${c.proficientAt}`);
  const w = { ...CERTIFICATE_WORDS_EN, ...c.words };
  const e = escapeHtml;
  const lang = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]+)*$/.test(c.lang ?? 'en') ? (c.lang ?? 'en') : 'en';
  const dir = c.dir === 'rtl' ? 'rtl' : 'ltr';
  return `<!doctype html>
<html lang="${e(lang)}" dir="${dir}">
<head>
<meta charset="utf-8">
<title>${e(w.title)} — ${e(c.trainee)}</title>
<style>
@page { size: A4 landscape; margin: 15mm; }
body { font-family: Georgia, 'Noto Serif', serif; text-align: center; color: #222; }
.frame { border: 6px double #345; padding: 30px 40px; margin: 20px auto; max-width: 900px; }
h1 { font-size: 34px; margin: 10px 0 30px; letter-spacing: 1px; }
.name { font-size: 30px; font-weight: bold; margin: 16px 0; }
.course { font-size: 22px; margin: 10px 0 26px; }
table { margin: 0 auto; font-size: 16px; }
td { padding: 4px 12px; text-align: start; }
.foot { margin-top: 40px; font-size: 12px; color: #666; }
</style>
</head>
<body>
<div class="frame">
<h1>${e(w.title)}</h1>
<p>${e(w.certifies)}</p>
<p class="name">${e(c.trainee)}</p>
<p>${e(w.completed)}</p>
<p class="course">${e(c.course)}</p>
<table>
<tr><td>${e(w.exercises)}</td><td>${c.passed} / ${c.taken}</td></tr>
<tr><td colspan="2">${c.proficientAt === null ? e(w.notProficient) : `${e(w.proficient)} ${c.proficientAt}`}</td></tr>
<tr><td>${e(c.date.slice(0, 10))}</td><td>${c.instructor ? `${e(w.instructor)}: ${e(c.instructor)}` : ''}</td></tr>
</table>
<p class="foot">${e(w.disclaimer)}</p>
</div>
</body>
</html>
`;
}

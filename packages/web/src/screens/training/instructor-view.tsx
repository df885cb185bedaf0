import { certificateHtml, xapiStatement } from '@openfuas/core';
import { useState } from 'preact/hooks';
import { errorText } from '../../i18n/error-text.js';
import { direction, language, t } from '../../i18n/i18n.js';
import { fmt } from '../../ui/dom.js';
import { LogReplay } from './log-replay.js';
import { CusumParams, ProgressPanel, chartOf } from './progress-panel.js';
import { type TrainingResult, addComment, resultsOf, traineesOf, trainingBook } from './training-book.js';
import { caseTitle } from './training-text.js';
import { saveFile } from '../../app/save-file.js';

const fileName = (s: string) => s.replace(/[^\p{L}\p{N}_-]+/gu, '-').slice(0, 60) || 'trainee';

/** The printable certificate of a trainee (core certificateHtml) in the workstation's language and direction. */
export function certificateOf(trainee: string, results: TrainingResult[], course: string, instructor: string): string {
  const c = chartOf(results, false);
  return certificateHtml({
    trainee,
    course: course || t('training.title'),
    date: new Date().toISOString().slice(0, 10),
    passed: results.filter((r) => r.score.passed).length,
    taken: results.length,
    proficientAt: c.proficientAt,
    instructor: instructor || undefined,
    lang: language() === 'zh' ? 'zh-Hans' : language(),
    dir: direction(),
    words: {
      title: t('training.certificate.title'),
      certifies: t('training.certificate.certifies'),
      completed: t('training.certificate.completed'),
      exercises: t('training.certificate.exercises'),
      proficient: t('training.certificate.proficient'),
      notProficient: t('training.certificate.notProficient'),
      instructor: t('training.certificate.instructor'),
      disclaimer: t('training.certificate.disclaimer'),
    },
  });
}

/** The trainee's exercises as xAPI statements (one per scored exercise), for a learning management system. */
export function xapiOf(trainee: string, results: TrainingResult[]): unknown[] {
  const homePage = typeof location === 'undefined' ? 'https://openfuas.org' : location.origin;
  return results.map((r) =>
    xapiStatement({
      trainee: { name: trainee, account: { homePage, name: trainee } },
      caseId: r.caseId,
      caseTitle: caseTitle({ id: r.caseId, title: r.caseId }),
      score: r.score.score,
      passed: r.score.passed,
      timestamp: r.at,
      extensions: { 'https://openfuas.org/xapi/npv-ratio': r.score.npvRatio, 'https://openfuas.org/xapi/difficulty': r.difficulty },
    }),
  );
}

/** Certificate and xAPI export of one trainee. */
function Exports({ trainee, workshop }: { trainee: string; workshop: string }) {
  const [instructor, setInstructor] = useState('');
  const [error, setError] = useState<unknown>(null);
  const results = resultsOf(trainingBook.value, trainee);
  const run = (f: () => void) => {
    setError(null);
    try {
      f();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="training-actions">
      <label>
        {t('training.instructor.name')}{' '}
        <input value={instructor} onInput={(e) => setInstructor((e.target as HTMLInputElement).value)} data-testid="instructor-name" />
      </label>
      <button
        type="button"
        onClick={() =>
          run(() => saveFile(`certificate-${fileName(trainee)}.html`, 'text/html', certificateOf(trainee, results, workshop, instructor)))
        }
        data-testid="instructor-certificate"
      >
        {t('training.instructor.certificate')}
      </button>
      <button
        type="button"
        onClick={() =>
          run(() =>
            saveFile(`xapi-${fileName(trainee)}.json`, 'application/json', `${JSON.stringify(xapiOf(trainee, results), null, 2)}\n`),
          )
        }
        data-testid="instructor-xapi"
      >
        {t('training.instructor.xapi')}
      </button>
      {error ? <p class="error">{errorText(error)}</p> : null}
    </div>
  );
}

/** A trainee's comment box: the instructor's comments so far and a field to add one. */
function Comments({ trainee }: { trainee: string }) {
  const [text, setText] = useState('');
  const comments = trainingBook.value.comments.filter((c) => c.trainee === trainee);
  return (
    <div class="training-comments">
      <h4>{t('training.instructor.comments')}</h4>
      <ul data-testid="trainee-comments">
        {comments.map((c) => (
          <li key={c.at}>
            <span class="hint">{new Date(c.at).toLocaleDateString()}</span> {c.text}
          </li>
        ))}
      </ul>
      <textarea
        rows={2}
        value={text}
        placeholder={t('training.instructor.commentPlaceholder')}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        data-testid="comment-text"
      />
      <button
        type="button"
        disabled={!text.trim()}
        onClick={() => {
          addComment({ at: new Date().toISOString(), trainee, text: text.trim() });
          setText('');
        }}
        data-testid="comment-add"
      >
        {t('training.instructor.addComment')}
      </button>
    </div>
  );
}

/**
 * The instructor's view: the trainees of a workshop (results stored in this browser), each with exercises, passes,
 * mean score, proficiency and their LC-CUSUM chart; comments; certificate and xAPI export.
 */
export function InstructorView() {
  const book = trainingBook.value;
  const workshops = [...new Set(book.results.map((r) => r.workshop))];
  const [workshop, setWorkshop] = useState(book.workshop && workshops.includes(book.workshop) ? book.workshop : '');
  const [open, setOpen] = useState<string | null>(null);
  const trainees = traineesOf(book, workshop);
  return (
    <section class="training-instructor" data-testid="training-instructor">
      <h3>{t('training.instructor.title')}</h3>
      <CusumParams />
      <LogReplay />
      <label>
        {t('training.instructor.filter')}{' '}
        <select value={workshop} onChange={(e) => setWorkshop((e.target as HTMLSelectElement).value)} data-testid="instructor-workshop">
          <option value="">{t('training.instructor.all')}</option>
          {workshops.map((w) => (
            <option key={w} value={w}>
              {w || '–'}
            </option>
          ))}
        </select>
      </label>
      {trainees.length === 0 ? (
        <p class="hint">{t('training.instructor.none')}</p>
      ) : (
        <table class="training-trainees" data-testid="instructor-trainees">
          <thead>
            <tr>
              <th>{t('training.trainee')}</th>
              <th>{t('training.instructor.exercises')}</th>
              <th>{t('training.instructor.passRate')}</th>
              <th>{t('training.instructor.meanScore')}</th>
              <th>{t('training.instructor.proficiency')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {trainees.map((name) => {
              const rs = resultsOf(book, name);
              const c = chartOf(rs, false);
              const mean = rs.reduce((s, r) => s + r.score.score, 0) / rs.length;
              return (
                <tr key={name} data-testid="instructor-trainee" data-trainee={name}>
                  <td>{name}</td>
                  <td class="num">{rs.length}</td>
                  <td class="num">
                    {rs.filter((r) => r.score.passed).length} / {rs.length}
                  </td>
                  <td class="num">{fmt(mean, 1)}</td>
                  <td>
                    {c.proficientAt !== null
                      ? t('training.instructor.proficientAt', { n: c.proficientAt })
                      : t('training.instructor.notYet')}
                  </td>
                  <td>
                    <button type="button" onClick={() => setOpen(open === name ? null : name)} data-testid="instructor-show">
                      {t('training.instructor.select')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {open ? (
        <div class="training-trainee-detail" data-testid="instructor-detail">
          <h4>{open}</h4>
          <ProgressPanel results={resultsOf(book, open)} riskAdjusted={false} testId="instructor-progress" compact />
          <Comments trainee={open} />
          <Exports trainee={open} workshop={resultsOf(book, open)[0]?.workshop ?? workshop} />
        </div>
      ) : null}
    </section>
  );
}

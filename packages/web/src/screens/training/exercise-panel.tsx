import { VERSION } from '@openfuas/core';
import { useEffect, useState } from 'preact/hooks';
import { currentCase, currentPlan } from '../../app/workstation-state.js';
import { errorText } from '../../i18n/error-text.js';
import { t } from '../../i18n/i18n.js';
import { fmt } from '../../ui/dom.js';
import { type TrainingResult, addResult, cacheExpert, cachedExpert, markPushed, trainingBook } from './training-book.js';
import { pushTrainingResult } from './records-push.js';
import { newResultId } from './result-id.js';
import { scorePlan } from './training-client.js';
import type { ScoredExercise } from './training-protocol.js';
import { activeCase, lastScored, scoreError, scoring } from './training-state.js';
import { caseTitle, eventText, feedbackText } from './training-text.js';

/** Scores the trainee's current plan of the active case in the worker and records the result. */
async function scoreActive(): Promise<void> {
  const entry = activeCase.value;
  const plan = currentPlan.value?.plan;
  if (!entry || !plan || scoring.value) return;
  const { trainee, workshop } = trainingBook.value;
  scoring.value = { caseId: entry.id, since: performance.now() };
  scoreError.value = null;
  try {
    const { scored, expert } = await scorePlan(entry.id, plan, cachedExpert(entry.id, VERSION));
    cacheExpert(entry.id, VERSION, expert);
    const result: TrainingResult = {
      id: newResultId(),
      at: new Date().toISOString(),
      trainee,
      workshop,
      caseId: entry.id,
      difficulty: entry.difficulty,
      exercise: 'planning',
      score: scored.score,
      outcome: scored.outcome,
      expert: scored.expert,
    };
    addResult(result);
    lastScored.value = { caseId: entry.id, scored, resultId: result.id };
    markPushed(result.id, await pushTrainingResult(result));
  } catch (e) {
    scoreError.value = e;
  } finally {
    scoring.value = null;
  }
}

/** Seconds since the scoring started, ticking. */
function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(performance.now());
  useEffect(() => {
    const id = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return <>{t('training.exercise.scoring', { s: fmt((now - since) / 1000, 0) })}</>;
}

/** The result of a scored exercise: score and pass, points by component, trainee against expert, events, feedback. */
export function ScoreView({ scored }: { scored: ScoredExercise }) {
  const s = scored.score;
  const rows: Array<[string, string, string]> = [
    [t('training.result.npv'), `${fmt(scored.outcome.npvRatio * 100, 1)} %`, `${fmt(scored.expert.npvRatio * 100, 1)} %`],
    [t('training.result.eef'), fmt(scored.outcome.eef, 1), fmt(scored.expert.eef, 1)],
    [t('training.result.time'), fmt(scored.outcome.treatmentTime / 60, 1), fmt(scored.expert.treatmentTime / 60, 1)],
    [t('training.result.points'), String(scored.outcome.sonications), String(scored.expert.sonications)],
  ];
  return (
    <div
      class="training-score"
      data-testid="training-score"
      data-score={s.score}
      data-passed={String(s.passed)}
      data-seconds={scored.seconds}
    >
      <p class="training-score-line">
        <span class="training-score-value" data-testid="score-value">
          {t('training.result.score')}: {fmt(s.score, 1)} / 100
        </span>
        <span class={s.passed ? 'badge pass' : 'badge fail'} data-testid="score-passed">
          {s.passed ? t('training.result.passed') : t('training.result.failed')}
        </span>
      </p>
      <p class="hint">{t('training.result.passLine', { npv: fmt(s.passNpvRatio * 100, 0) })}</p>
      <h4>{t('training.result.components')}</h4>
      <table class="training-components">
        <tbody>
          {(['npv', 'efficiency', 'safety', 'time'] as const).map((k) => (
            <tr key={k}>
              <th>{t(`training.component.${k}`)}</th>
              <td class="num">{fmt(s.components[k], 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table class="training-compare" data-testid="score-compare">
        <thead>
          <tr>
            <th />
            <th>{t('training.result.you')}</th>
            <th>{t('training.result.expert')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, you, expert]) => (
            <tr key={label}>
              <th>{label}</th>
              <td class="num">{you}</td>
              <td class="num">{expert}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>{t('training.result.events')}</h4>
      {s.events.length === 0 ? (
        <p class="hint">{t('training.result.noEvents')}</p>
      ) : (
        <ul class="findings" data-testid="score-events">
          {s.events.map((ev) => (
            <li key={ev.code} class={ev.severity === 'major' ? 'finding error' : 'finding warning'}>
              <span class="severity">{t(`training.severity.${ev.severity}`)}</span>
              {eventText(ev)}
            </li>
          ))}
        </ul>
      )}
      <h4>{t('training.result.feedback')}</h4>
      <ul class="training-feedback" data-testid="score-feedback">
        {s.feedbackItems.map((f, i) => (
          <li key={`${f.code}-${i}`} data-code={f.code}>
            {feedbackText(f)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The planning exercise: the case open on the planning screen, the button that scores the trainee's plan (in the
 * worker: the page stays usable), then the result against the expert reference.
 */
export function ExercisePanel({ toPlanning }: { toPlanning: () => void }) {
  const entry = activeCase.value;
  const busy = scoring.value;
  const onPlanning = currentCase.value;
  const plan = currentPlan.value;
  const book = trainingBook.value;
  if (!entry)
    return (
      <p class="hint" data-testid="training-no-case">
        {t('training.exercise.none')}
      </p>
    );
  const sameCase = onPlanning?.name === `training-${entry.id}`;
  const problem = !book.trainee
    ? t('training.needsTrainee')
    : !sameCase
      ? t('training.exercise.otherCase')
      : !plan
        ? t('training.exercise.noPlan')
        : null;
  const last = lastScored.value?.caseId === entry.id ? lastScored.value : null;
  const shown = last?.scored ?? null;
  const pushed = last ? book.results.find((r) => r.id === last.resultId)?.pushed : undefined;
  return (
    <section class="training-exercise" data-testid="training-exercise">
      <h3>{t('training.exercise.case', { title: caseTitle(entry) })}</h3>
      <p>{t('training.exercise.steps')}</p>
      <div class="training-actions">
        <button type="button" onClick={toPlanning} data-testid="training-to-planning">
          {t('training.exercise.toPlanning')}
        </button>
        <button
          type="button"
          class="primary"
          disabled={!!problem || !!busy}
          onClick={() => void scoreActive()}
          data-testid="training-score-plan"
        >
          {t('training.exercise.score')}
        </button>
      </div>
      {problem ? (
        <p class="hint" data-testid="training-score-blocked">
          {problem}
        </p>
      ) : null}
      {busy ? (
        <output class="training-busy" data-testid="training-scoring">
          <Elapsed since={busy.since} />
        </output>
      ) : null}
      {scoreError.value ? (
        <p class="error" data-testid="training-score-error">
          {t('training.exercise.failed', { message: errorText(scoreError.value) })}
        </p>
      ) : null}
      {shown ? <ScoreView scored={shown} /> : null}
      {pushed ? (
        <p class="hint" data-testid="training-stored" data-where={pushed}>
          {t(`training.records.${pushed}`)}
        </p>
      ) : null}
    </section>
  );
}

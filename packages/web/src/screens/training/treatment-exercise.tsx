import { VERSION } from '@openfuas/core';
import { useState } from 'preact/hooks';
import { currentCase } from '../../app/workstation-state.js';
import { errorText } from '../../i18n/error-text.js';
import { t } from '../../i18n/i18n.js';
import { fmt } from '../../ui/dom.js';
import * as cons from '../treat/console-client.js';
import { hasOriginStorage, readStoredLog } from '../treat/log-store.js';
import { type TrainingResult, addResult, cacheExpert, cachedExpert, markPushed, trainingBook } from './training-book.js';
import { scoreLogInWorker } from './training-client.js';
import type { ScoredExercise, SessionReview } from './training-protocol.js';
import { pushTrainingResult } from './records-push.js';
import { activeCase } from './training-state.js';
import { ScoreView } from './exercise-panel.js';
import { newResultId } from './result-id.js';

/**
 * The review of a console session, after it ended: how it ended, its interlocks and the truth the console hid during
 * the treatment (the simulated patient's delivered NPV ratio, energy and points).
 */
export function SessionReviewView({ review, scored }: { review: SessionReview; scored: ScoredExercise }) {
  return (
    <div class="training-review" data-testid="session-review" data-state={review.state}>
      <h4>{t('training.treat.review')}</h4>
      <p>
        {t('training.treat.ended', { state: review.state })}
        {review.stop ? ` — ${t('training.treat.stopped', { reason: review.stop.reason, time: fmt(review.stop.time, 0) })}` : ''}
      </p>
      <p data-testid="session-truth">
        {t('training.treat.truth', {
          npv: fmt(scored.outcome.npvRatio * 100, 1),
          points: review.delivered.sonications,
          energy: fmt(review.delivered.energy / 1000, 1),
        })}
      </p>
      <p class="hint">{t(review.replayed ? 'training.treat.replayed' : 'training.treat.fromLog')}</p>
      {review.interlocks.length > 0 ? (
        <ul class="findings" data-testid="session-interlocks">
          {review.interlocks.map((i) => (
            <li key={`${i.code}-${i.time}`} class={i.level === 'error' ? 'finding error' : 'finding warning'}>
              {fmt(i.time, 1)} s: {i.code}
            </li>
          ))}
        </ul>
      ) : null}
      <ScoreView scored={scored} />
    </div>
  );
}

/**
 * Exercise 3: the trainee treats the active case on the Treat screen (the console: monitoring images and readings
 * only, the truth hidden), then its log is scored here and the review shows the truth.
 */
export function TreatmentExercise({ toTreat }: { toTreat: () => void }) {
  const entry = activeCase.value;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [shown, setShown] = useState<{ caseId: string; scored: ScoredExercise; review: SessionReview } | null>(null);
  if (!entry) return null;
  const onConsole = currentCase.value?.name === `training-${entry.id}`;
  const finished = cons.phase.value === 'finished' && cons.outcomeDone.value && cons.session.value;
  const score = async () => {
    const s = cons.session.value;
    if (!s || busy) return;
    setBusy(true);
    setError(null);
    try {
      const bytes = await readStoredLog(s.logName);
      const r = await scoreLogInWorker(entry.id, bytes, s.logName, false, cachedExpert(entry.id, VERSION));
      cacheExpert(entry.id, VERSION, r.expert);
      const { trainee, workshop } = trainingBook.value;
      const result: TrainingResult = {
        id: newResultId(),
        at: new Date().toISOString(),
        trainee,
        workshop,
        caseId: entry.id,
        difficulty: entry.difficulty,
        exercise: 'treatment',
        score: r.scored.score,
        outcome: r.scored.outcome,
        expert: r.scored.expert,
      };
      addResult(result);
      setShown(r);
      markPushed(result.id, await pushTrainingResult(result));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const blocked = !trainingBook.value.trainee
    ? t('training.needsTrainee')
    : !onConsole
      ? t('training.exercise.otherCase')
      : !hasOriginStorage()
        ? t('training.treat.noStorage')
        : !finished
          ? t('training.treat.notFinished')
          : null;
  return (
    <section class="training-exercise" data-testid="training-treatment">
      <h3>{t('training.treat.title')}</h3>
      <p>{t('training.treat.steps')}</p>
      <div class="training-actions">
        <button type="button" onClick={toTreat} data-testid="training-to-console">
          {t('training.treat.toConsole')}
        </button>
        <button
          type="button"
          class="primary"
          disabled={!!blocked || busy}
          onClick={() => void score()}
          data-testid="training-score-session"
        >
          {t('training.treat.score')}
        </button>
      </div>
      {blocked ? <p class="hint">{blocked}</p> : null}
      {busy ? <output class="training-busy">{t('training.treat.scoring')}</output> : null}
      {error ? <p class="error">{t('training.exercise.failed', { message: errorText(error) })}</p> : null}
      {shown && shown.caseId === entry.id ? <SessionReviewView review={shown.review} scored={shown.scored} /> : null}
    </section>
  );
}

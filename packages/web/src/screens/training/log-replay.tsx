import { TRAINING_CASES, VERSION } from '@openfuas/core';
import { useState } from 'preact/hooks';
import { errorText } from '../../i18n/error-text.js';
import { t } from '../../i18n/i18n.js';
import { cacheExpert, cachedExpert } from './training-book.js';
import { scoreLogInWorker } from './training-client.js';
import type { ScoredExercise, SessionReview } from './training-protocol.js';
import { caseTitle } from './training-text.js';
import { SessionReviewView } from './treatment-exercise.js';

/**
 * The instructor's replay of a trainee's console session: a log file (from the Treat screen or `fuas treat`, from any
 * machine) re-run on its training case in the worker (TreatmentSession.replay: bit-identical or an error), scored
 * against the expert, and reviewed with the truth. The case: the one its plan names, or the one chosen here.
 */
export function LogReplay() {
  const [caseId, setCaseId] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [shown, setShown] = useState<{ name: string; caseId: string; scored: ScoredExercise; review: SessionReview } | null>(null);
  const replay = async (file: File) => {
    setBusy(file.name);
    setError(null);
    setShown(null);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const id = caseId || null;
      const r = await scoreLogInWorker(id, bytes, file.name, true, id ? cachedExpert(id, VERSION) : null);
      cacheExpert(r.caseId, VERSION, r.expert);
      setShown({ name: file.name, ...r });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div class="training-log-replay" data-testid="instructor-replay">
      <h4>{t('training.replay.title')}</h4>
      <p class="hint">{t('training.replay.hint')}</p>
      <label>
        {t('training.replay.case')}{' '}
        <select value={caseId} onChange={(e) => setCaseId((e.target as HTMLSelectElement).value)} data-testid="replay-case">
          <option value="">{t('training.replay.fromLog')}</option>
          {TRAINING_CASES.map((c) => (
            <option key={c.id} value={c.id}>
              {caseTitle(c)}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        {t('training.replay.file')}{' '}
        <input
          type="file"
          accept=".fuaslog,.log"
          disabled={!!busy}
          data-testid="replay-file"
          onChange={(e) => {
            const f = (e.target as HTMLInputElement).files?.[0];
            if (f) void replay(f);
          }}
        />
      </label>
      {busy ? <output class="training-busy">{t('training.replay.running', { name: busy })}</output> : null}
      {error ? <p class="error">{t('training.exercise.failed', { message: errorText(error) })}</p> : null}
      {shown ? (
        <>
          <p>{t('training.replay.of', { name: shown.name, case: shown.caseId })}</p>
          <SessionReviewView review={shown.review} scored={shown.scored} />
        </>
      ) : null}
    </div>
  );
}

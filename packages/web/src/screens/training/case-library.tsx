import { TRAINING_CASES, type TrainingCaseEntry } from '@openfuas/core';
import { useState } from 'preact/hooks';
import { errorText } from '../../i18n/error-text.js';
import { t } from '../../i18n/i18n.js';
import { caseGoals, caseTitle, difficultyTerms, factorSummary } from './training-text.js';
import { entries } from './training-state.js';

/** Difficulty as five dots, the filled ones counting. */
function Difficulty({ n }: { n: number }) {
  return (
    <span class="training-difficulty" title={t('training.difficulty', { n })} data-testid="case-difficulty" data-difficulty={n}>
      {'●'.repeat(n)}
      <span class="off">{'○'.repeat(5 - n)}</span>
      <span class="visually-hidden"> {t('training.difficulty', { n })}</span>
    </span>
  );
}

/**
 * The case library: a card per case with its title, difficulty (1–5, measured from its factors), the factors that
 * raised it, its measured factors and its learning goals; "Open in planning" loads it into the planning screen.
 */
export function CaseLibrary({ onOpen, disabled }: { onOpen: (id: string) => Promise<void>; disabled: boolean }) {
  const measured = entries.value;
  const [opening, setOpening] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const open = async (id: string) => {
    setOpening(id);
    setError(null);
    try {
      await onOpen(id);
    } catch (e) {
      setError(e);
    } finally {
      setOpening(null);
    }
  };
  return (
    <section class="training-library" data-testid="training-library">
      <p class="hint">{t('training.library.hint')}</p>
      {error ? (
        <p class="error" data-testid="training-open-error">
          {errorText(error)}
        </p>
      ) : null}
      <div class="training-grid">
        {TRAINING_CASES.map((spec) => {
          const e: TrainingCaseEntry | undefined = measured[spec.id];
          const goals = caseGoals(e ?? spec);
          return (
            <article class="training-card" key={spec.id} data-testid={`training-case-${spec.id}`} data-case={spec.id}>
              <h3 data-testid="case-title">{caseTitle(spec)}</h3>
              {e ? <Difficulty n={e.difficulty} /> : <span class="hint">{t('training.measuring')}</span>}
              {e ? (
                <>
                  <h4>{t('training.factors')}</h4>
                  <ul class="training-factors" data-testid="case-factors">
                    {difficultyTerms(e).map((x) => (
                      <li key={x} class="raised">
                        {x}
                      </li>
                    ))}
                    {e.difficultyTerms.length === 0 ? <li>{t('training.factors.none')}</li> : null}
                  </ul>
                  <p class="training-measured">{factorSummary(e).join(' · ')}</p>
                </>
              ) : null}
              <h4>{t('training.goals')}</h4>
              <ul class="training-goals" data-testid="case-goals">
                {goals.map((g) => (
                  <li key={g}>{g}</li>
                ))}
              </ul>
              <button
                type="button"
                class="primary"
                disabled={disabled || opening !== null}
                onClick={() => void open(spec.id)}
                data-testid="training-open"
              >
                {opening === spec.id ? t('training.opening') : t('training.open')}
              </button>
            </article>
          );
        })}
      </div>
    </section>
  );
}

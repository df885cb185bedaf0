import { VERSION } from '@openfuas/core';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'wouter-preact';
import { caseToOpen } from '../../app/workstation-state.js';
import { type MessageKey, t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';
import { CaseLibrary } from './case-library.js';
import { ExercisePanel } from './exercise-panel.js';
import { TreatmentExercise } from './treatment-exercise.js';
import { InstructorView } from './instructor-view.js';
import { ProgressPanel } from './progress-panel.js';
import { cacheExpert, cachedExpert, resultsOf, setTrainee, trainingBook } from './training-book.js';
import { expertInWorker, trainingCaseForPlanning } from './training-client.js';
import { activeCase, entries, lastScored, measureLibrary } from './training-state.js';
import { VirtualTank } from './virtual-tank.js';
import './training.css';

type Tab = 'library' | 'exercise' | 'progress' | 'tank' | 'instructor';
const TABS: Tab[] = ['library', 'exercise', 'progress', 'tank', 'instructor'];
let lastTab: Tab = 'library';

/**
 * The Training screen (issue 15): the graded case library, the planning exercise (open a case in the planning
 * screen, plan it there, score it here against the expert reference), the trainee's LC-CUSUM proficiency chart,
 * the virtual tank, and the instructor's view of a workshop's trainees. Results stay in this browser.
 */
export function TrainingScreen() {
  useLanguage();
  const [, navigate] = useLocation();
  const [tab, setTabState] = useState<Tab>(lastTab);
  const [riskAdjusted, setRiskAdjusted] = useState(false);
  const setTab = (x: Tab) => {
    lastTab = x;
    setTabState(x);
  };
  useEffect(() => measureLibrary(), []);
  // a new score shows with its feedback
  useEffect(() => lastScored.subscribe((s) => s && setTab('exercise')), []);
  const book = trainingBook.value;
  const [name, setName] = useState(book.trainee);
  const [workshop, setWorkshop] = useState(book.workshop);

  const open = async (id: string) => {
    const { case: c, entry } = await trainingCaseForPlanning(id);
    entries.value = { ...entries.value, [id]: entry };
    activeCase.value = entry;
    setTab('exercise');
    caseToOpen.value = c;
    navigate('/');
    // the expert reference is computed while the trainee plans (the scoring then finds it ready, and reuses its beams
    // and domains, which only the worker's own computation holds: also when the page has its summary cached)
    expertInWorker(id).then(
      (e) => {
        if (!cachedExpert(id, VERSION)) cacheExpert(id, VERSION, e);
      },
      () => {
        // computed again (and its error shown) when the plan is scored
      },
    );
  };

  return (
    <div class="training-screen" data-testid="training-screen">
      <header class="training-header">
        <h2>{t('training.title')}</h2>
        <p class="hint">{t('training.intro')}</p>
        <form
          class="training-identity"
          onSubmit={(e) => {
            e.preventDefault();
            setTrainee(name, workshop);
          }}
        >
          <label>
            {t('training.trainee')}{' '}
            <input
              value={name}
              placeholder={t('training.traineePlaceholder')}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
              onBlur={() => setTrainee(name, workshop)}
              data-testid="trainee-name"
            />
          </label>
          <label>
            {t('training.workshop')}{' '}
            <input
              value={workshop}
              placeholder={t('training.workshopPlaceholder')}
              onInput={(e) => setWorkshop((e.target as HTMLInputElement).value)}
              onBlur={() => setTrainee(name, workshop)}
              data-testid="trainee-workshop"
            />
          </label>
          <button type="submit" data-testid="trainee-save">
            {t('training.save')}
          </button>
        </form>
      </header>
      <div class="tabs training-tabs" role="tablist">
        {TABS.map((x) => (
          <button key={x} type="button" role="tab" aria-selected={x === tab} onClick={() => setTab(x)} data-testid={`training-tab-${x}`}>
            {t(`training.tab.${x}` as MessageKey)}
          </button>
        ))}
      </div>
      <div class="training-body">
        {tab === 'library' ? <CaseLibrary onOpen={open} disabled={!book.trainee} /> : null}
        {tab === 'library' && !book.trainee ? <p class="hint">{t('training.needsTrainee')}</p> : null}
        {tab === 'exercise' ? (
          <>
            <ExercisePanel toPlanning={() => navigate('/')} />
            <TreatmentExercise toTreat={() => navigate('/treat')} />
            <ProgressPanel results={resultsOf(book, book.trainee)} riskAdjusted={riskAdjusted} />
          </>
        ) : null}
        {tab === 'progress' ? (
          <ProgressPanel results={resultsOf(book, book.trainee)} riskAdjusted={riskAdjusted} onRiskAdjusted={setRiskAdjusted} />
        ) : null}
        {tab === 'tank' ? <VirtualTank /> : null}
        {tab === 'instructor' ? <InstructorView /> : null}
      </div>
    </div>
  );
}

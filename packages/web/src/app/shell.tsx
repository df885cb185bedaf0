import { render } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { Link, Router, useLocation } from 'wouter-preact';
import { useHashLocation } from 'wouter-preact/use-hash-location';
import { t } from '../i18n/i18n.js';
import { useLanguage } from '../i18n/language-signal.js';
import { LanguageSelect } from './language-select.js';
import { SCREENS, type Screen } from './screens.js';
import { currentCase } from './workstation-state.js';

/** A lazily loaded screen: its module is fetched on the first visit. */
function LazyScreen({ screen }: { screen: Screen }) {
  const [component, setComponent] = useState<{ C: ComponentType } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    screen.load?.().then(
      (C) => live && setComponent({ C }),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [screen]);
  if (error) return <p class="screen-error">{error}</p>;
  if (!component) return <p class="screen-loading">{t('app.loading.screen')}</p>;
  return <component.C />;
}

function Screens({ planHost }: { planHost: HTMLElement }) {
  const [location] = useLocation();
  useLanguage();
  const current = SCREENS.find((s) => s.path === location) ?? SCREENS[0];
  const hostRef = useRef<HTMLDivElement>(null);
  // Layout effects run inside render(), so the plan screen is in the document before it measures itself.
  useLayoutEffect(() => {
    hostRef.current?.prepend(planHost);
  }, [planHost]);
  useLayoutEffect(() => {
    planHost.hidden = current.id !== 'plan';
  }, [current, planHost]);
  return (
    <>
      <nav class="screen-nav" aria-label={t('screen.navigation')} data-testid="screen-nav">
        <span class="brand screen-brand">OpenFUAS</span>
        {SCREENS.map((s) => (
          <Link
            key={s.id}
            href={s.path}
            class={s.id === current.id ? 'screen-link active' : 'screen-link'}
            aria-current={s.id === current.id ? 'page' : undefined}
            data-testid={`screen-${s.id}`}
          >
            {t(s.title)}
          </Link>
        ))}
        <span class="case-name" data-testid="case-name">
          {currentCase.value?.name ?? ''}
        </span>
        <span class="spacer" />
        <span class="tagline">{t('app.tagline')}</span>
        <LanguageSelect />
      </nav>
      <div class="screen-area" ref={hostRef}>
        {current.load ? <LazyScreen key={current.id} screen={current} /> : null}
      </div>
    </>
  );
}

/**
 * Renders the navigation shell into `root` (hash routes, so `fuas serve` needs no server-side routing) and
 * returns the element the planning workstation builds itself into.
 */
export function mountShell(root: HTMLElement): HTMLElement {
  const planHost = document.createElement('div');
  planHost.className = 'plan-screen';
  planHost.dataset.testid = 'plan-screen';
  render(
    <Router hook={useHashLocation}>
      <Screens planHost={planHost} />
    </Router>,
    root,
  );
  return planHost;
}

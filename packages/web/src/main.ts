import { h, render } from 'preact';
import { startLanguage } from './app/language-select.js';
import { mountShell } from './app/shell.js';
import { onLanguageChange, setLanguage, t } from './i18n/i18n.js';
import { PlanningScreen } from './screens/planning/planning-screen.js';
import './style.css';

// The workstation: the shell (navigation bar, screens) and the planning screen in its plan host, which loads the
// demo phantom in a worker while WebGL starts, then shows it.
const t0 = performance.now();
// #app carries the page's readiness and timings (data-*)
const root = document.getElementById('app') as HTMLElement;
const planHost = mountShell(root);
// the language selector is the shell's (navigation bar); the language chosen before starts the page
setLanguage(startLanguage());
document.title = t('app.title');
onLanguageChange(() => {
  document.title = t('app.title');
});
render(h(PlanningScreen, { root, t0 }), planHost);

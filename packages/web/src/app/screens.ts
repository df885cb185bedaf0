import type { ComponentType } from 'preact';
import type { MessageKey } from '../i18n/messages.js';

/**
 * The workstation's screens, in the order of the navigation bar. The plan screen is the planning workstation
 * (viewer, case, plan, simulate, results); it stays mounted while hidden so that its WebGL viewer and its state
 * survive a visit to another screen. Other screens load on first visit (their code is split from the main
 * bundle) and unmount when left.
 */
export interface Screen {
  id: string;
  /** hash route, e.g. '/treat' (the page URL is `#/treat`) */
  path: string;
  title: MessageKey;
  /** undefined for the always-mounted plan screen */
  load?: () => Promise<ComponentType>;
}

export const SCREENS: Screen[] = [
  { id: 'plan', path: '/', title: 'screen.plan' },
  {
    id: 'records',
    path: '/records',
    title: 'screen.records',
    load: () => import('../screens/records/records-screen.js').then((m) => m.RecordsScreen),
  },
  { id: 'treat', path: '/treat', title: 'screen.treat', load: () => import('../screens/treat/treat-screen.js').then((m) => m.TreatScreen) },
  {
    id: 'review',
    path: '/review',
    title: 'screen.review',
    load: () => import('../screens/review/review-screen.js').then((m) => m.ReviewScreen),
  },
  {
    id: 'training',
    path: '/training',
    title: 'screen.training',
    load: () => import('../screens/training/training-screen.js').then((m) => m.TrainingScreen),
  },
];

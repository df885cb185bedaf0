import type { MessageKey } from '../i18n/i18n.js';
import { h, tx } from './dom.js';

export type TabName = 'case' | 'plan' | 'simulate' | 'results';
export const TABS: TabName[] = ['case', 'plan', 'simulate', 'results'];

/** The elements of the console that other modules fill. */
export interface Layout {
  canvas: HTMLCanvasElement;
  /** CPU-drawn slices shown until the WebGL viewer is ready */
  preview: HTMLCanvasElement;
  viewerMessage: HTMLElement;
  show3d: HTMLInputElement;
  labelOpacity: HTMLInputElement;
  panels: Record<TabName, HTMLElement>;
  selectTab: (tab: TabName) => void;
  status: {
    position: HTMLElement;
    voxel: HTMLElement;
    tissue: HTMLElement;
    depth: HTMLElement;
    image: HTMLElement;
    temperature: HTMLElement;
    message: HTMLElement;
    threads: HTMLElement;
  };
}

function statusField(key: MessageKey, testId: string): [HTMLElement, HTMLElement] {
  const value = h('span', { class: 'value', 'data-testid': testId }, '–');
  return [h('span', { class: 'field' }, tx('span', key, { class: 'label' }), value), value];
}

/** Builds the planning console: viewer area, side panel with tabs, status bar. */
export function buildLayout(root: HTMLElement): Layout {
  const show3d = h('input', { type: 'checkbox', 'data-testid': 'show-3d' });
  const labelOpacity = h('input', { type: 'range', min: 0, max: 1, step: 0.05, value: 0.35, 'data-testid': 'label-opacity' });
  const toolbar = h(
    'div',
    { class: 'viewer-toolbar' },
    h('label', {}, show3d, tx('span', 'viewer.show3d')),
    h('label', {}, tx('span', 'viewer.labelOpacity'), labelOpacity),
    tx('span', 'viewer.orientation', { class: 'hint' }),
  );
  const canvas = h('canvas', { 'data-testid': 'viewer' });
  const viewerMessage = tx('div', 'app.loading', { class: 'viewer-message', 'data-testid': 'viewer-message' });
  const preview = h('canvas', { class: 'preview', 'data-testid': 'viewer-preview', hidden: true });
  const viewer = h('section', { class: 'viewer-area' }, toolbar, h('div', { class: 'viewer-canvas' }, canvas, preview, viewerMessage));

  const tabBar = h('nav', { class: 'tabs', role: 'tablist' });
  const panels = {} as Record<TabName, HTMLElement>;
  const buttons = {} as Record<TabName, HTMLButtonElement>;
  const body = h('div', { class: 'tab-bodies' });
  for (const name of TABS) {
    const b = tx('button', `tab.${name}` as MessageKey, { role: 'tab', 'data-testid': `tab-${name}`, type: 'button' });
    const p = h('div', { class: 'tab-body', role: 'tabpanel', 'data-testid': `panel-${name}` });
    buttons[name] = b;
    panels[name] = p;
    tabBar.append(b);
    body.append(p);
  }
  const selectTab = (tab: TabName) => {
    for (const n of TABS) {
      buttons[n].setAttribute('aria-selected', String(n === tab));
      panels[n].hidden = n !== tab;
    }
  };
  for (const n of TABS) buttons[n].addEventListener('click', () => selectTab(n));
  selectTab('case');
  const side = h('aside', { class: 'side-panel' }, tabBar, body);

  const [fPos, position] = statusField('status.position', 'status-position');
  const [fVox, voxel] = statusField('status.voxel', 'status-voxel');
  const [fTis, tissue] = statusField('status.tissue', 'status-tissue');
  const [fDep, depth] = statusField('status.depth', 'status-depth');
  const [fImg, image] = statusField('status.intensity', 'status-image');
  const [fTmp, temperature] = statusField('status.temperature', 'status-temperature');
  const message = h('span', { class: 'message', 'data-testid': 'status-message' });
  const threads = h('span', { class: 'threads', 'data-testid': 'status-threads' });
  const status = h(
    'footer',
    { class: 'statusbar', 'data-testid': 'statusbar' },
    fPos,
    fVox,
    fTis,
    fDep,
    fImg,
    fTmp,
    h('span', { class: 'spacer' }),
    message,
    threads,
  );
  fTmp.hidden = true;

  root.replaceChildren(h('div', { class: 'workspace' }, viewer, side), status);
  return {
    canvas,
    preview,
    viewerMessage,
    show3d,
    labelOpacity,
    panels,
    selectTab,
    status: { position, voxel, tissue, depth, image, temperature, message, threads },
  };
}

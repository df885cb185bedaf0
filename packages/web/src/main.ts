import { VERSION, canShareMemory } from '@openfuas/core';
import { loadNiftiFiles, loadPhantom } from './engine/case-client.js';
import { depthFromSkin } from './engine/case-geometry.js';
import { DEFAULT_PHANTOM } from './engine/phantom-source.js';
import type { WorkstationCase } from './engine/workstation-case.js';
import { type Language, type MessageKey, isLanguage, onLanguageChange, setLanguage, structureName, t } from './i18n/i18n.js';
import { buildCasePanel } from './ui/case-panel.js';
import { fmt } from './ui/dom.js';
import { buildLayout } from './ui/layout.js';
import { Store } from './ui/store.js';
import { labelColorTable } from './viewer/label-colors.js';
import type { CaseViewer, ViewerLocation } from './viewer/viewer.js';
import './style.css';

// The workstation: builds the console, loads the demo phantom in a worker while WebGL starts, then shows it.
const t0 = performance.now();
const root = document.getElementById('app') as HTMLElement;
const layout = buildLayout(root);
const store = new Store();
document.title = t('app.title');

const savedLang = new URLSearchParams(location.search).get('lang') ?? localStorage.getItem('openfuas.lang') ?? 'en';
if (isLanguage(savedLang)) {
  layout.languageSelect.value = savedLang;
  setLanguage(savedLang);
}
layout.languageSelect.addEventListener('change', () => {
  const lang = layout.languageSelect.value as Language;
  localStorage.setItem('openfuas.lang', lang);
  setLanguage(lang);
});
onLanguageChange(() => {
  document.title = t('app.title');
});
root.dataset.version = VERSION;
layout.status.threads.textContent = canShareMemory() && globalThis.crossOriginIsolated ? t('status.threads', { n: navigator.hardwareConcurrency || 1 }) : t('app.isolation.off');

let viewer: CaseViewer | null = null;
let statusMessage: [MessageKey, Record<string, string | number>] | null = null;

/** Shows a message in the status bar (kept as key + parameters so that it follows language changes). */
function setMessage(key: MessageKey, params: Record<string, string | number> = {}): void {
  statusMessage = [key, params];
  layout.status.message.textContent = t(key, params);
}
let lastLocation: ViewerLocation | null = null;

function showLocation(loc: ViewerLocation): void {
  lastLocation = loc;
  const c = store.case;
  const s = layout.status;
  s.position.textContent = `${loc.mm.map((v) => fmt(v, 1)).join(', ')} ${t('unit.mm')}`;
  s.voxel.textContent = loc.voxel ? loc.voxel.join(', ') : '–';
  s.image.textContent = fmt(loc.image, 0);
  let tissue = '–';
  if (c && loc.label !== null) {
    const name = Object.entries(c.structures).find(([, v]) => v === loc.label)?.[0];
    tissue = name ? structureName(name) : t('tissue.unknown', { n: loc.label });
  }
  s.tissue.textContent = tissue;
  const depth = c && loc.voxel ? depthFromSkin(c, loc.voxel) : null;
  s.depth.textContent = depth === null ? (loc.label !== null ? t('status.depthOutside') : '–') : `${fmt(depth * 1000, 1)} ${t('unit.mm')}`;
  const temp = loc.overlays.temperature;
  s.temperature.parentElement!.hidden = temp === undefined;
  if (temp !== undefined) s.temperature.textContent = `${fmt(temp, 1)} ${t('unit.celsius')}`;
}
onLanguageChange(() => {
  if (lastLocation) showLocation(lastLocation);
  if (statusMessage) setMessage(statusMessage[0], statusMessage[1]);
  layout.status.threads.textContent = canShareMemory() && globalThis.crossOriginIsolated ? t('status.threads', { n: navigator.hardwareConcurrency || 1 }) : t('app.isolation.off');
});

async function showCase(c: WorkstationCase, onImageShown?: () => void): Promise<void> {
  store.setCase(c);
  layout.caseName.textContent = c.name;
  if (!viewer) return;
  await viewer.setVolumes({ grid: c.grid, data: c.image }, c.labels ? { grid: c.grid, data: c.labels } : null, labelColorTable(c.structures), onImageShown);
}

const casePanel = buildCasePanel(layout.panels.case, {
  loadPhantom: async (p) => {
    casePanel.setError(null);
    try {
      const r = await loadPhantom(p);
      await showCase(r.case);
      setMessage('case.loaded', { name: r.case.name });
    } catch (e) {
      casePanel.setError((e as Error).message);
    }
  },
  loadFiles: async (image, labels, map) => {
    casePanel.setError(null);
    try {
      const r = await loadNiftiFiles(image, labels, map);
      await showCase(r.case);
      setMessage('case.loaded', { name: r.case.name });
    } catch (e) {
      casePanel.setError((e as Error).message);
    }
  },
});
store.on('case', (c) => casePanel.show(c));

async function boot(): Promise<void> {
  // the phantom worker starts first; the viewer (NiiVue, most of the code) loads and parses meanwhile
  const demo = loadPhantom(DEFAULT_PHANTOM);
  const timings: Record<string, number> = { script: Math.round(t0) };
  try {
    const { CaseViewer } = await import('./viewer/viewer.js');
    timings.viewerCode = Math.round(performance.now());
    viewer = await CaseViewer.create(layout.canvas);
    timings.webgl = Math.round(performance.now());
    viewer.onLocationChange(showLocation);
  } catch (e) {
    layout.viewerMessage.dataset.i18n = 'viewer.noWebgl';
    layout.viewerMessage.textContent = `${t('viewer.noWebgl')} (${(e as Error).message})`;
  }
  layout.show3d.addEventListener('change', () => viewer?.setShow3D(layout.show3d.checked));
  layout.labelOpacity.addEventListener('input', () => viewer?.setLabelOpacity(Number(layout.labelOpacity.value)));
  const r = await demo;
  timings.caseReady = Math.round(performance.now());
  timings.caseBuild = Math.round(r.ms);
  let ms = 0;
  await showCase(r.case, () => {
    // first meaningful paint: the case image drawn in three slices; time since navigation start
    // (performance.now()'s origin), so that download and parse count too
    ms = Math.round(performance.now());
    layout.viewerMessage.hidden = true;
  });
  timings.shown = ms;
  timings.labelsShown = Math.round(performance.now());
  Object.assign(timings, viewer?.lastTimings ?? {});
  root.dataset.timings = JSON.stringify(timings);
  root.dataset.firstPaintMs = String(ms);
  root.dataset.ready = 'true';
  setMessage('status.firstPaint', { ms });
}

boot().catch((e) => {
  layout.viewerMessage.hidden = false;
  layout.viewerMessage.textContent = t('case.error', { message: (e as Error).message });
});

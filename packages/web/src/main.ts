import { VERSION, canShareMemory } from '@openfuas/core';
import { type Plan, type Vec3, encodeNifti, getTransducerPreset, labelCentroidVoxel } from '@openfuas/core';
import { beamConeMask } from './engine/beam-cone.js';
import { loadNiftiFiles, loadPhantom } from './engine/case-client.js';
import { MARKER, planMarkers } from './engine/plan-markers.js';
import { SimulationCancelled, SimulationClient } from './engine/simulation-client.js';
import type { PartialResult, SimulationSettings, SimulationStage, TreatmentResult } from './engine/simulation-protocol.js';
import type { WorkstationPlan } from './engine/planning.js';
import { DOSE_MASK, doseMask } from './engine/resample-to-case.js';
import { depthFromSkin } from './engine/case-geometry.js';
import { DEFAULT_PHANTOM } from './engine/phantom-source.js';
import type { WorkstationCase } from './engine/workstation-case.js';
import { type Language, type MessageKey, isLanguage, onLanguageChange, setLanguage, structureName, t } from './i18n/i18n.js';
import { buildCasePanel } from './ui/case-panel.js';
import { fmt } from './ui/dom.js';
import { buildLayout } from './ui/layout.js';
import { LiveFrames } from './ui/live-frames.js';
import { buildPlanPanel } from './ui/plan-panel.js';
import { type Download, type RunInfo, buildResultsPanel } from './ui/results-panel.js';
import { buildSimulatePanel } from './ui/simulate-panel.js';
import { Store } from './ui/store.js';
import { labelColorTable } from './viewer/label-colors.js';
import { drawSlicePreview } from './viewer/slice-preview.js';
import { TEMPERATURE_OVERLAY } from './viewer/temperature-overlay.js';
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
layout.status.threads.textContent =
  canShareMemory() && globalThis.crossOriginIsolated
    ? t('status.threads', { n: navigator.hardwareConcurrency || 1 })
    : t('app.isolation.off');

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
  layout.status.threads.textContent =
    canShareMemory() && globalThis.crossOriginIsolated
      ? t('status.threads', { n: navigator.hardwareConcurrency || 1 })
      : t('app.isolation.off');
});

async function showCase(c: WorkstationCase, onImageShown?: () => void): Promise<void> {
  store.setCase(c);
  layout.caseName.textContent = c.name;
  if (!viewer) return;
  await viewer.setVolumes(
    { grid: c.grid, data: c.image },
    c.labels ? { grid: c.grid, data: c.labels } : null,
    labelColorTable(c.structures),
    onImageShown,
  );
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
store.on('case', (c) => {
  casePanel.show(c);
  planned = null;
  planPanel.show(null);
  resultsPanel.show(null);
  lastResult = null;
  updateDownloads();
});

// ---- Results and downloads --------------------------------------------------------------------------------
const resultsPanel = buildResultsPanel(layout.panels.results);
let lastResult: { result: TreatmentResult; plan: Plan } | null = null;

/** The files the user can save now: the case volumes always, the plan once planned, results after a run. */
function updateDownloads(): void {
  const c = store.case;
  const list: Download[] = [];
  if (planned) {
    const plan = planned.plan;
    list.push({
      key: 'results.download.plan',
      testId: 'download-plan',
      make: () => ({ name: `${c?.name ?? 'case'}-plan.json`, type: 'application/json', bytes: `${JSON.stringify(plan, null, 2)}\n` }),
    });
  }
  if (lastResult) {
    const { result } = lastResult;
    const name = c?.name ?? 'case';
    list.push({
      key: 'results.download.outcome',
      testId: 'download-outcome',
      make: () => ({ name: `${name}-outcome.json`, type: 'application/json', bytes: `${JSON.stringify(result.outcome, null, 2)}\n` }),
    });
    list.push({
      key: 'results.download.report',
      testId: 'download-report',
      make: () => ({ name: `${name}-report.html`, type: 'text/html', bytes: result.reportHtml }),
    });
    list.push({
      key: 'results.download.dose',
      testId: 'download-dose',
      make: () => ({
        name: `${name}-dose.nii.gz`,
        type: 'application/gzip',
        bytes: encodeNifti({ grid: result.fine.grid, data: result.fine.dose }, { gzip: true, description: 'CEM43 min' }),
      }),
    });
    list.push({
      key: 'results.download.volumes',
      testId: 'download-tmax',
      make: () => ({
        name: `${name}-temperature-max.nii.gz`,
        type: 'application/gzip',
        bytes: encodeNifti(
          { grid: result.fine.grid, data: result.fine.maxTemperature },
          { gzip: true, description: 'max temperature degC' },
        ),
      }),
    });
  }
  if (c) {
    list.push({
      key: 'results.download.case',
      testId: 'download-case',
      make: () => ({
        name: `${c.name}-image.nii.gz`,
        type: 'application/gzip',
        bytes: encodeNifti({ grid: c.grid, data: c.image }, { gzip: true, description: c.name }),
      }),
    });
    const labels = c.labels;
    if (labels) {
      list.push({
        key: 'results.download.labels',
        testId: 'download-labels',
        make: () => ({
          name: `${c.name}-labels.nii.gz`,
          type: 'application/gzip',
          bytes: encodeNifti({ grid: c.grid, data: labels }, { gzip: true, intent: 'label' }),
        }),
      });
    }
  }
  resultsPanel.setDownloads(list);
}

// ---- Plan -------------------------------------------------------------------------------------------------
let planned: WorkstationPlan | null = null;
let selectedSlice: number | null = null;
let selectedPoint: number | null = null;

async function showMarkers(): Promise<void> {
  const c = store.case;
  if (!viewer || !c) return;
  if (!planned || planned.plan.sonications.length === 0) {
    await viewer.setMaskOverlay('points', null, []);
    await viewer.setMaskOverlay('beam', null, []);
    return;
  }
  // the beam cone to the selected point (or the first point of the selected slice)
  const sons = planned.plan.sonications;
  const current =
    selectedPoint !== null ? sons[selectedPoint] : selectedSlice !== null ? sons.find((s) => s.slice === selectedSlice) : undefined;
  const device = planned.plan.device;
  const bowl = 'preset' in device ? getTransducerPreset(device.preset) : device;
  await viewer.setMaskOverlay(
    'beam',
    current ? beamConeMask(c.grid, current.focus as [number, number, number], c.beamDirection, bowl) : null,
    [{ label: 1, name: 'beam', rgb: [80, 220, 255], alpha: 255 }],
    0.22,
  );
  const mask = planMarkers(c.grid, planned.plan.sonications, c.beamDirection, selectedSlice, selectedPoint);
  await viewer.setMaskOverlay('points', mask, [
    { label: MARKER.other, name: 'planned', rgb: [90, 170, 255], alpha: 150 },
    { label: MARKER.slice, name: 'slice', rgb: [255, 230, 60], alpha: 255 },
    { label: MARKER.selected, name: 'selected', rgb: [60, 255, 120], alpha: 255 },
  ]);
}

const planPanel = buildPlanPanel(layout.panels.plan, {
  plan: async (params) => {
    const c = store.case;
    if (!c?.core || !c.labels) throw new Error(t('plan.needsLabels'));
    if (simulation.running) throw new Error(t('plan.busy'));
    // the planner's probe sonication is a simulation: it runs in the simulation worker on the kernel pool
    const r = await simulation.run(
      { kind: 'autoplan', case: { ...c.core, images: [] }, params, threads: navigator.hardwareConcurrency || 2 },
      { onProgress },
    );
    if (r.kind !== 'autoplan') return;
    planned = r.planned;
    // results of an earlier plan no longer apply
    lastResult = null;
    resultsPanel.show(null);
    simulatePanel.plot.clear();
    simulatePanel.setPlayback(false);
    await viewer?.setOverlay('temperature', null, TEMPERATURE_OVERLAY.colormap, TEMPERATURE_OVERLAY.range);
    await viewer?.setMaskOverlay('dose', null, []);
    simulatePanel.reset();
    selectedSlice = null;
    selectedPoint = null;
    planPanel.show(planned);
    await showMarkers();
    simulatePanel.setCanSimulate(true);
    updateDownloads();
    setMessage('plan.summary', {
      points: planned.plan.sonications.length,
      slices: new Set(planned.plan.sonications.map((s) => s.slice)).size,
    });
  },
  select: (slice, point) => {
    selectedSlice = slice;
    selectedPoint = point;
    const sons = planned?.plan.sonications ?? [];
    const focus = point !== null ? sons[point]?.focus : slice !== null ? sons.find((s) => s.slice === slice)?.focus : undefined;
    if (focus && viewer) viewer.setCrosshair([focus[0] * 1000, focus[1] * 1000, focus[2] * 1000]);
    void showMarkers();
  },
  deletePoint: (index) => {
    if (!planned) return;
    planned.plan.sonications.splice(index, 1);
    if (selectedPoint === index) selectedPoint = null;
    else if (selectedPoint !== null && selectedPoint > index) selectedPoint--;
    planPanel.refresh();
    void showMarkers();
  },
});

// ---- Simulate ---------------------------------------------------------------------------------------------
const simulation = new SimulationClient();
const simulatePanel = buildSimulatePanel(layout.panels.simulate, {
  simulate: () => void runTreatment(),
  selftest: () => void runSelftest(),
  cancel: () => simulation.cancel(),
});
simulatePanel.setCanSimulate(false);

/** The thermal-dose overlay: a translucent red fill inside the 240 CEM43 region, its outline solid. */
const DOSE_COLORS = [
  { label: DOSE_MASK.inside, name: 'ablated', rgb: [255, 40, 40], alpha: 150 },
  { label: DOSE_MASK.outline, name: '240 CEM43', rgb: [255, 40, 40], alpha: 255 },
] as const;

/** Shows a temperature volume on the case grid (°C) as the viewer's temperature overlay, or removes it (null). */
async function showTemperature(temperature: Float32Array | null): Promise<void> {
  const { colormap, range, opacity } = TEMPERATURE_OVERLAY;
  await viewer?.setOverlay('temperature', temperature, colormap, range, opacity);
}

/**
 * Hides the temperature and dose overlays in place (all voxels below range / 0). Their NiiVue volumes are kept:
 * uploading in place costs one layer refresh, while removing a volume and adding it back costs more and, in
 * headless Chromium, held up input events for seconds.
 */
async function hideResultOverlays(): Promise<void> {
  const c = store.case;
  if (!viewer || !c) return;
  const n = c.grid.shape[0] * c.grid.shape[1] * c.grid.shape[2];
  const v = viewer;
  await v.batch(async () => {
    if (v.hasOverlay('dose')) await v.setMaskOverlay('dose', new Uint8Array(n), DOSE_COLORS);
    if (v.hasOverlay('temperature')) await showTemperature(new Float32Array(n));
  });
}

/**
 * The live temperature overlay while a treatment runs: the worker resamples each frame onto the case grid, so the
 * page only uploads it (at most ~2×/s, the latest frame wins). data-live-frames / data-live-ms on the Simulate
 * panel: frames drawn this run and the longest time one took on the main thread.
 */
let liveTotal = 0;
let liveStale = false;
const liveFrames = new LiveFrames<PartialResult>(
  async (p) => {
    if (!viewer) return;
    // the first frame of a run also hides the previous result's dose: one viewer refresh for both
    await viewer.batch(async () => {
      if (liveStale) {
        liveStale = false;
        await hideResultOverlays();
      }
      if (p.temperature) await showTemperature(p.temperature);
    });
  },
  450,
  (p, count) => {
    simulatePanel.live({ time: p.time, sonication: p.sonication, total: liveTotal }, count);
    layout.panels.simulate.dataset.liveFrames = String(count);
    layout.panels.simulate.dataset.liveMs = String(Math.round(liveFrames.maxShowMs));
  },
);

function onProgress(fraction: number, stage: SimulationStage, detail?: string): void {
  simulatePanel.progress(fraction, stage, detail);
}

async function runSelftest(): Promise<void> {
  simulatePanel.setRunning(true);
  simulatePanel.reset();
  simulatePanel.message(null);
  try {
    const r = await simulation.run(
      { kind: 'selftest', threads: navigator.hardwareConcurrency || 2, size: 96, repeats: 60 },
      { onProgress },
    );
    if (r.kind === 'selftest') {
      simulatePanel.message('sim.selftestResult', {
        threads: r.threads,
        diff: r.maxDifference.toExponential(1),
        pool: Math.round(r.poolMs),
        serial: Math.round(r.serialMs),
      });
      layout.panels.simulate.dataset.selftest = r.maxDifference === 0 ? 'ok' : 'mismatch';
    }
  } catch (e) {
    if (e instanceof SimulationCancelled) simulatePanel.message('sim.cancelled');
    else simulatePanel.message('sim.failed', { message: (e as Error).message });
  } finally {
    simulatePanel.setRunning(false);
    simulatePanel.setCanSimulate(planned !== null);
  }
}

/** Points of a quick preview: a cluster of this many around the centre of the slice. */
const QUICK_POINTS = 12;

/** The slice a partial simulation uses: the selected one, else the slice with the most points (mid-target). */
function workingSlice(sons: Plan['sonications']): number {
  if (selectedSlice !== null && sons.some((s) => s.slice === selectedSlice)) return selectedSlice;
  const counts = new Map<number, number>();
  for (const s of sons) counts.set(s.slice, (counts.get(s.slice) ?? 0) + 1);
  let best = sons[0]?.slice ?? 0;
  for (const [slice, n] of counts) if (n > (counts.get(best) ?? 0)) best = slice;
  return best;
}

/**
 * The plan to simulate and how finely: the whole plan or the working slice at the core's resolution (0.5 mm,
 * near field on), or a quick preview: the QUICK_POINTS points nearest the centre of the working slice, in plan
 * order, on a 1 mm thermal grid without the near field (seconds instead of minutes; numbers indicative).
 */
function planToSimulate(): { plan: Plan; settings: SimulationSettings; scope: RunInfo['scope'] } | null {
  if (!planned) return null;
  const all = planned.plan.sonications;
  const scope = simulatePanel.scope();
  if (scope === 'all') return { plan: planned.plan, settings: { nearField: true }, scope };
  const slice = workingSlice(all);
  const inSlice = all.filter((s) => s.slice === slice);
  if (scope === 'slice') return { plan: { ...planned.plan, sonications: inSlice }, settings: { nearField: true }, scope };
  const centre = [0, 1, 2].map((a) => inSlice.reduce((sum, s) => sum + s.focus[a], 0) / Math.max(1, inSlice.length));
  const near = inSlice
    .map((s, i) => ({ i, d: Math.hypot(s.focus[0] - centre[0], s.focus[1] - centre[1], s.focus[2] - centre[2]) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, QUICK_POINTS)
    .map((x) => x.i)
    .sort((a, b) => a - b);
  return {
    plan: { ...planned.plan, sonications: near.map((i) => inSlice[i]) },
    settings: { fineSpacing: 1e-3, nearField: false },
    scope,
  };
}

async function runTreatment(): Promise<void> {
  const c = store.case;
  const job = planToSimulate();
  if (!c?.core || !job || job.plan.sonications.length === 0) {
    simulatePanel.message('sim.needsPlan');
    return;
  }
  const { plan, settings, scope } = job;
  simulatePanel.setRunning(true);
  simulatePanel.reset();
  simulatePanel.message(null);
  simulatePanel.plot.clear();
  simulatePanel.setPlayback(false);
  resultsPanel.show(null);
  delete layout.panels.results.dataset.done;
  // the slices go through the first focus simulated, so that the live temperature of its treatment slice shows (the
  // user may move them meanwhile); the previous result's overlays stay until the first live frame replaces them
  liveStale = true;
  const first = plan.sonications[0].focus;
  viewer?.setCrosshair([first[0] * 1000, first[1] * 1000, first[2] * 1000]);
  liveTotal = plan.sonications.length;
  simulatePanel.live(null, 0);
  layout.panels.simulate.dataset.liveFrames = '0';
  layout.panels.simulate.dataset.liveMs = '0';
  liveFrames.start();
  const started = performance.now();
  try {
    // the whole core case travels (a copy): the report draws its slices on the case image
    const r = await simulation.run(
      { kind: 'treatment', case: c.core, plan, threads: navigator.hardwareConcurrency || 2, settings },
      {
        onProgress,
        onPartial: (p) => {
          // a live frame repeats the last plotted point with the temperature volume
          if (p.temperature) liveFrames.push(p);
          else simulatePanel.plot.append(p.time, p.focalTemperature, p.energy / 1000);
        },
      },
    );
    // no live frame may land on the result's overlays
    await liveFrames.stop();
    simulatePanel.live(null);
    if (r.kind !== 'treatment') return;
    simulatePanel.plot.set(
      r.series.t,
      r.series.focalTemperature,
      r.series.energy.map((e) => e / 1000),
    );
    simulatePanel.setPlayback(true);
    const seconds = (performance.now() - started) / 1000;
    simulatePanel.message('sim.done', { s: seconds.toFixed(1) });
    layout.panels.simulate.dataset.seconds = seconds.toFixed(2);
    lastResult = { result: r, plan };
    if (viewer && r.maxTemperature && r.dose) {
      // the result replaces the plan's markers on the slices (selecting a slice or point in the Plan tab shows them again)
      await viewer.setMaskOverlay('beam', null, []);
      await viewer.setMaskOverlay('points', null, []);
      await showTemperature(r.maxTemperature);
      await viewer.setMaskOverlay('dose', doseMask(c.grid, r.dose, plan.constraints.lesionDose), DOSE_COLORS);
      // the slices through the hottest (highest-dose) point show the lesion
      viewer.setCrosshair(r.hottest as Vec3);
    }
    resultsPanel.show(r.outcome, {
      scope,
      simulated: plan.sonications.length,
      planned: planned?.plan.sonications.length ?? plan.sonications.length,
      fineSpacing: settings.fineSpacing ?? 0.5e-3,
      nearField: settings.nearField,
    });
    updateDownloads();
    layout.panels.results.dataset.done = 'true';
  } catch (e) {
    // a partial heating map is no result: the live overlay goes with the run
    await liveFrames.stop();
    simulatePanel.live(null);
    await hideResultOverlays();
    if (e instanceof SimulationCancelled) simulatePanel.message('sim.cancelled');
    else simulatePanel.message('sim.failed', { message: (e as Error).message });
  } finally {
    simulatePanel.setRunning(false);
    simulatePanel.setCanSimulate(planned !== null);
  }
}

async function boot(): Promise<void> {
  // the phantom worker starts first; the viewer (NiiVue, most of the code) loads and parses meanwhile; the case
  // is drawn by the CPU preview as soon as it arrives, then by WebGL once its volumes are uploaded
  const demo = loadPhantom(DEFAULT_PHANTOM);
  let previewMs = 0;
  let webglShown = false;
  void demo.then((r) => {
    if (webglShown) return;
    const c = r.case;
    const centre = c.labels ? centroidVoxel(c) : null;
    drawSlicePreview(layout.preview, c, centre ?? [c.grid.shape[0] >> 1, c.grid.shape[1] >> 1, c.grid.shape[2] >> 1]);
    layout.preview.hidden = false;
    layout.viewerMessage.hidden = true;
    previewMs = Math.round(performance.now());
  });
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
  await showCase(r.case, () => {
    webglShown = true;
    timings.shown = Math.round(performance.now());
    layout.preview.hidden = true;
    layout.viewerMessage.hidden = true;
  });
  // first meaningful paint: the case in three slices, by the CPU preview (while WebGL starts) or by the viewer;
  // time since navigation start (performance.now()'s origin), so that download and parse count too
  timings.preview = previewMs;
  const ms = previewMs > 0 ? previewMs : timings.shown;
  timings.labelsShown = Math.round(performance.now());
  Object.assign(timings, viewer?.lastTimings ?? {});
  root.dataset.timings = JSON.stringify(timings);
  root.dataset.firstPaintMs = String(ms);
  root.dataset.ready = 'true';
  setMessage('status.firstPaint', { ms });
}

/** Voxel of the target's centroid (for the preview's slices). */
function centroidVoxel(c: WorkstationCase): [number, number, number] | null {
  const label = c.structures[c.target];
  if (label === undefined || !c.labels) return null;
  const v = labelCentroidVoxel(c.labels, c.grid, label);
  return v ? [Math.round(v[0]), Math.round(v[1]), Math.round(v[2])] : null;
}

boot().catch((e) => {
  layout.viewerMessage.hidden = false;
  layout.viewerMessage.textContent = t('case.error', { message: (e as Error).message });
});

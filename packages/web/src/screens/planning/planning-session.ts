import { type Plan, VERSION, type Vec3, encodeNifti, labelCentroidVoxel, renderReportHtml } from '@openfuas/core';
import { signal } from '@preact/signals';
import { caseToOpen, currentCase, currentPlan, lastTreatment } from '../../app/workstation-state.js';
import { loadDicomFiles, loadNiftiFiles, loadPhantom } from '../../engine/case-client.js';
import { checkPlanInWorker } from '../../engine/plan-checks-client.js';
import { pickPoint } from '../../engine/plan-edits.js';
import type { WorkstationPlan } from '../../engine/planning.js';
import { DEFAULT_PHANTOM } from '../../engine/phantom-source.js';
import { SimulationCancelled, SimulationClient } from '../../engine/simulation-client.js';
import type { PartialResult, SimulationSettings, SimulationStage, TreatmentResult } from '../../engine/simulation-protocol.js';
import type { WorkstationCase } from '../../engine/workstation-case.js';
import { errorText } from '../../i18n/error-text.js';
import { type MessageKey, t } from '../../i18n/i18n.js';
import { reportWords } from '../../i18n/report-words.js';
import { LiveFrames } from './live-frames.js';
import { showPlanOverlays } from './plan-overlays.js';
import { PlanState } from './plan-state.js';
import { DOSE_COLORS } from '../../viewer/dose-overlay.js';
import { labelColorTable } from '../../viewer/label-colors.js';
import { drawSlicePreview } from '../../viewer/slice-preview.js';
import { TEMPERATURE_OVERLAY } from '../../viewer/temperature-overlay.js';
import type { CaseViewer, ViewerLocation } from '../../viewer/viewer.js';
import type { CasePanelActions } from './case-panel.js';
import { caseError } from './case-panel.js';
import type { PlanPanelActions } from './plan-panel.js';
import { type Download, type RunInfo, downloads, markResultsStale, showResults } from './results-state.js';
import type { SimulatePanelActions } from './simulate-panel.js';
import { resetProgress, setPlayback, showProgress, showSimMessage, simulation as simState, timePlot } from './simulate-state.js';
import { crosshairLocation, setMessage } from './status-bar.js';
import { previewShown, viewerMessage } from './viewer-area.js';

/*
 * The planning workstation's session: the case shown, the plan and its edits, the simulation runs and their
 * results, the viewer's overlays and the files to save. The panels render its signals and call its actions.
 */

/** The elements of the planning screen the session draws into or marks (data-* for tests and profiling). */
export interface PlanningElements {
  /** #app: the page's readiness and timings */
  root: HTMLElement;
  canvas: HTMLCanvasElement;
  preview: HTMLCanvasElement;
  simulatePanel: HTMLElement;
  resultsPanel: HTMLElement;
}

/** The tab shown in the side panel. */
export type TabName = 'case' | 'plan' | 'simulate' | 'results';
export const TABS: TabName[] = ['case', 'plan', 'simulate', 'results'];
export const activeTab = signal<TabName>('case');

let els: PlanningElements;
let viewer: CaseViewer | null = null;
let lastLocation: ViewerLocation | null = null;

function showLocation(loc: ViewerLocation): void {
  lastLocation = loc;
  crosshairLocation.value = loc;
}

async function showCase(c: WorkstationCase, onImageShown?: () => void): Promise<void> {
  caseShown(c);
  if (!viewer) return;
  await viewer.setVolumes(
    { grid: c.grid, data: c.image },
    c.labels ? { grid: c.grid, data: c.labels } : null,
    labelColorTable(c.structures),
    onImageShown,
  );
}

export const caseActions: CasePanelActions = {
  loadPhantom: async (p) => {
    caseError.value = null;
    try {
      const r = await loadPhantom(p);
      await showCase(r.case);
      setMessage('case.loaded', { name: r.case.name });
    } catch (e) {
      caseError.value = e as Error;
    }
  },
  loadFiles: async (image, labels, map) => {
    caseError.value = null;
    try {
      const r = await loadNiftiFiles(image, labels, map);
      await showCase(r.case);
      setMessage('case.loaded', { name: r.case.name });
    } catch (e) {
      caseError.value = (e as Error).message;
    }
  },
  loadDicom: async (files) => {
    caseError.value = null;
    try {
      const r = await loadDicomFiles(files);
      await showCase(r.case);
      setMessage(r.case.labels ? 'case.loaded' : 'case.loadedImageOnly', { name: r.case.name });
    } catch (e) {
      caseError.value = e as Error;
    }
  },
};
// a case opened from another screen (training library) is shown like a loaded one
caseToOpen.subscribe((c) => {
  if (!c) return;
  caseToOpen.value = null;
  void showCase(c).then(() => setMessage('case.loaded', { name: c.name }));
});
/** A new case: the screens share it; its plan, results and downloads start afresh. */
function caseShown(c: WorkstationCase): void {
  currentCase.value = c;
  lastTreatment.value = null;
  planState.setPlan(null, null);
  showResults(null);
  lastResult = null;
  updateDownloads();
}

// ---- Results and downloads --------------------------------------------------------------------------------
let lastResult: { result: TreatmentResult; plan: Plan } | null = null;

/** The files the user can save now: the case volumes always, the plan once planned, results after a run. */
function updateDownloads(): void {
  const c = currentCase.value;
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
      // written when saved, in the language the workstation shows then
      make: () => ({ name: `${name}-report.html`, type: 'text/html', bytes: renderReportHtml(result.report, reportWords()) }),
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
  downloads.value = list;
}

// ---- Plan -------------------------------------------------------------------------------------------------
/** The plan, its selection and its edits live in planState; these mirror it for the simulation and downloads below. */
export const planState = new PlanState();
let planned: WorkstationPlan | null = null;
let selectedSlice: number | null = null;

/** Redraws the plan's viewer overlays, one update at a time (a request during one runs once more after it). */
let markersBusy = false;
let markersAgain = false;
function showMarkers(): void {
  if (markersBusy) {
    markersAgain = true;
    return;
  }
  markersBusy = true;
  void (async () => {
    try {
      do {
        markersAgain = false;
        const c = currentCase.value;
        if (viewer && c) await showPlanOverlays(viewer, c, planState);
      } while (markersAgain);
    } finally {
      markersBusy = false;
    }
  })();
}

/** The crosshair follows the current point when it is selected or moved. */
let crosshairAt = '';
function followCurrentPoint(): void {
  const i = planState.currentPoint();
  const focus = i === null ? undefined : planState.sonications[i].focus;
  const key = focus ? focus.join(',') : '';
  if (focus && viewer && key !== crosshairAt) viewer.setCrosshair([focus[0] * 1000, focus[1] * 1000, focus[2] * 1000]);
  crosshairAt = key;
}
planState.on('plan', () => {
  planned = planState.planned;
  currentPlan.value = planned;
  // results of the plan before an edit no longer describe it (a new auto plan clears them before this)
  markResultsStale();
  updateDownloads();
  // a selected point that moved takes the crosshair with it (after a delete the crosshair stays at the gap)
  if (planState.point !== null) followCurrentPoint();
  showMarkers();
});
planState.on('selection', () => {
  const sliceChanged = planState.slice !== selectedSlice;
  selectedSlice = planState.slice;
  if (planState.point !== null || sliceChanged) {
    crosshairAt = '';
    followCurrentPoint();
  }
  showMarkers();
});
planState.on('checks', showMarkers);
// Ctrl+Z undoes the last plan edit, Ctrl+Shift+Z or Ctrl+Y redoes it (⌘ on macOS); typing fields keep their own undo
document.addEventListener('keydown', (e) => {
  if (!(e.ctrlKey || e.metaKey) || e.altKey || !planState.planned) return;
  const key = e.key.toLowerCase();
  if (key !== 'z' && key !== 'y') return;
  const target = e.target as HTMLElement | null;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
    const type = (target as HTMLInputElement).type;
    if (target.tagName !== 'INPUT' || !['checkbox', 'radio', 'range', 'button'].includes(type)) return;
  }
  const redo = key === 'y' || e.shiftKey;
  if (redo ? planState.redo() : planState.undo()) e.preventDefault();
});
// a click on the slices near a point selects it (the Plan tab open); elsewhere it only moves the crosshair
function pickOnSlices(): void {
  if (activeTab.value !== 'plan' || !lastLocation || !planState.planned) return;
  const i = pickPoint(planState.sonications, lastLocation.mm, planState.beam());
  if (i !== null && i !== planState.point) planState.select(null, i);
}

export const planActions: PlanPanelActions = {
  plan: async (params, progress) => {
    const c = currentCase.value;
    if (!c?.core || !c.labels) throw new Error(t('plan.needsLabels'));
    if (simulation.running) throw new Error(t('plan.busy'));
    // the planner's probe sonication is a simulation: it runs in the simulation worker on the kernel pool
    const r = await simulation.run(
      { kind: 'autoplan', case: { ...c.core, images: [] }, params, threads: navigator.hardwareConcurrency || 2 },
      {
        onProgress: (fraction, stage, detail) => {
          onProgress(fraction, stage, detail);
          progress(fraction, `sim.stage.${stage}` as MessageKey);
        },
      },
    );
    if (r.kind !== 'autoplan') return;
    // results of an earlier plan no longer apply
    lastResult = null;
    showResults(null);
    timePlot.clear();
    setPlayback(false);
    await viewer?.setOverlay('temperature', null, TEMPERATURE_OVERLAY.colormap, TEMPERATURE_OVERLAY.range);
    await viewer?.setMaskOverlay('dose', null, []);
    resetProgress();
    planState.setPlan(r.planned, c);
    void planState.runChecks(checkPlanInWorker);
    simState.canSimulate.value = true;
    setMessage('plan.summary', {
      points: r.planned.plan.sonications.length,
      slices: new Set(r.planned.plan.sonications.map((s) => s.slice)).size,
    });
  },
  crosshair: () => lastLocation?.mm ?? null,
  currentCase: () => currentCase.value,
};

// ---- Simulate ---------------------------------------------------------------------------------------------
const simulation = new SimulationClient();
export const simulateActions: SimulatePanelActions = {
  simulate: () => void runTreatment(),
  selftest: () => void runSelftest(),
  cancel: () => simulation.cancel(),
};
/** The viewer's 3D view and label opacity (its toolbar). */
export const viewerControls = {
  setShow3D: (on: boolean) => viewer?.setShow3D(on),
  setLabelOpacity: (opacity: number) => viewer?.setLabelOpacity(opacity),
};

/** Shows a temperature volume on the case grid (°C) as the viewer's temperature overlay, or removes it (null). */
async function showTemperature(temperature: Float32Array | null): Promise<void> {
  const { colormap, range, opacity } = TEMPERATURE_OVERLAY;
  await viewer?.setOverlay('temperature', temperature, colormap, range, opacity);
}

/**
 * Hides the temperature and dose overlays. Their NiiVue volumes are kept, drawn fully transparent (NiiVue skips
 * them): the next result only uploads its data, while removing a volume and adding it back costs more and, in
 * headless Chromium, held up input events for seconds.
 */
async function hideResultOverlays(): Promise<void> {
  const v = viewer;
  if (!v) return;
  await v.batch(async () => {
    v.hideOverlay('dose');
    v.hideOverlay('temperature');
  });
}

/**
 * The live view while a treatment runs: temperature and the 240 CEM43 contour, resampled and coloured in the
 * worker, so the page only copies bytes into the viewer's live layer (at most ~2×/s, the latest frame wins).
 * data-live-frames / data-live-ms on the Simulate panel: frames drawn this run and the longest time one took on
 * the main thread.
 */
let liveTotal = 0;
const liveFrames = new LiveFrames<PartialResult>(
  (p) => {
    if (p.frame) viewer?.showLive(p.frame);
  },
  450,
  (p, count) => {
    simState.live.value = { time: p.time, sonication: p.sonication, total: liveTotal };
    simState.liveFrames.value = count;
    els.simulatePanel.dataset.liveFrames = String(count);
    els.simulatePanel.dataset.liveMs = String(Math.round(liveFrames.maxShowMs));
    els.simulatePanel.dataset.liveDose = String(p.frame?.doseVoxels ?? 0);
  },
);

function onProgress(fraction: number, stage: SimulationStage, detail?: string): void {
  showProgress(fraction, stage, detail);
}

async function runSelftest(): Promise<void> {
  simState.running.value = true;
  resetProgress();
  showSimMessage(null);
  try {
    const r = await simulation.run(
      { kind: 'selftest', threads: navigator.hardwareConcurrency || 2, size: 96, repeats: 60 },
      { onProgress },
    );
    if (r.kind === 'selftest') {
      showSimMessage('sim.selftestResult', {
        threads: r.threads,
        diff: r.maxDifference.toExponential(1),
        pool: Math.round(r.poolMs),
        serial: Math.round(r.serialMs),
      });
      els.simulatePanel.dataset.selftest = r.maxDifference === 0 ? 'ok' : 'mismatch';
    }
  } catch (e) {
    if (e instanceof SimulationCancelled) showSimMessage('sim.cancelled');
    else showSimMessage('sim.failed', { message: errorText(e) });
  } finally {
    simState.running.value = false;
    simState.canSimulate.value = planned !== null;
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
  const scope = simState.scope.value;
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
  const c = currentCase.value;
  const job = planToSimulate();
  if (!c?.core || !job || job.plan.sonications.length === 0) {
    showSimMessage('sim.needsPlan');
    return;
  }
  const { plan, settings, scope } = job;
  simState.running.value = true;
  resetProgress();
  showSimMessage(null);
  timePlot.clear();
  setPlayback(false);
  showResults(null);
  delete els.resultsPanel.dataset.done;
  // the previous result's overlays go before the worker starts (the page has the cores to itself for that one
  // refresh); the slices go through the first focus simulated, so that the live view of its treatment slice shows
  // (the user may move them meanwhile)
  await hideResultOverlays();
  viewer?.startLive();
  const first = plan.sonications[0].focus;
  viewer?.setCrosshair([first[0] * 1000, first[1] * 1000, first[2] * 1000]);
  liveTotal = plan.sonications.length;
  simState.live.value = null;
  simState.liveFrames.value = 0;
  els.simulatePanel.dataset.liveFrames = '0';
  els.simulatePanel.dataset.liveMs = '0';
  els.simulatePanel.dataset.liveDose = '0';
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
          if (p.frame) liveFrames.push(p);
          else timePlot.append(p.time, p.focalTemperature, p.energy / 1000);
        },
      },
    );
    // the simulation is over (its result is here): what follows draws the result (a mark for the live-view test)
    performance.mark('openfuas:simulation-result');
    // no live frame may land on the result's overlays
    await liveFrames.stop();
    simState.live.value = null;
    if (r.kind !== 'treatment') return;
    timePlot.set(
      r.series.t,
      r.series.focalTemperature,
      r.series.energy.map((e) => e / 1000),
    );
    setPlayback(true);
    const seconds = (performance.now() - started) / 1000;
    showSimMessage('sim.done', { s: seconds.toFixed(1) });
    els.simulatePanel.dataset.seconds = seconds.toFixed(2);
    lastResult = { result: r, plan };
    lastTreatment.value = lastResult;
    if (viewer && r.maxTemperature && r.dose) {
      // the result replaces the plan's markers on the slices (selecting a slice or point in the Plan tab shows them again)
      const [v, maxTemperature] = [viewer, r.maxTemperature];
      await v.batch(async () => {
        v.clearLive();
        await v.setMaskOverlay('beam', null, []);
        await v.setMaskOverlay('points', null, []);
        await showTemperature(maxTemperature);
        await v.setMaskOverlay('dose', r.doseMask, DOSE_COLORS);
      });
      // the slices through the hottest (highest-dose) point show the lesion
      viewer.setCrosshair(r.hottest as Vec3);
    } else viewer?.clearLive();
    showResults(r.outcome, {
      scope,
      simulated: plan.sonications.length,
      planned: planned?.plan.sonications.length ?? plan.sonications.length,
      fineSpacing: settings.fineSpacing ?? 0.5e-3,
      nearField: settings.nearField,
    });
    updateDownloads();
    els.resultsPanel.dataset.done = 'true';
  } catch (e) {
    // a partial heating map is no result: the live overlay goes with the run
    await liveFrames.stop();
    simState.live.value = null;
    viewer?.clearLive();
    await hideResultOverlays();
    if (e instanceof SimulationCancelled) showSimMessage('sim.cancelled');
    else showSimMessage('sim.failed', { message: errorText(e) });
  } finally {
    simState.running.value = false;
    simState.canSimulate.value = planned !== null;
  }
}

async function boot(t0: number): Promise<void> {
  // the phantom worker starts first; the viewer (NiiVue, most of the code) loads and parses meanwhile; the case
  // is drawn by the CPU preview as soon as it arrives, then by WebGL once its volumes are uploaded
  const demo = loadPhantom(DEFAULT_PHANTOM);
  let previewMs = 0;
  let webglShown = false;
  void demo.then((r) => {
    if (webglShown) return;
    const c = r.case;
    const centre = c.labels ? centroidVoxel(c) : null;
    drawSlicePreview(els.preview, c, centre ?? [c.grid.shape[0] >> 1, c.grid.shape[1] >> 1, c.grid.shape[2] >> 1]);
    previewShown.value = true;
    viewerMessage.value = { ...viewerMessage.value, hidden: true };
    previewMs = Math.round(performance.now());
  });
  const timings: Record<string, number> = { script: Math.round(t0) };
  try {
    const { CaseViewer } = await import('../../viewer/viewer.js');
    timings.viewerCode = Math.round(performance.now());
    viewer = await CaseViewer.create(els.canvas);
    timings.webgl = Math.round(performance.now());
    viewer.onLocationChange(showLocation);
  } catch (e) {
    viewerMessage.value = { key: 'viewer.noWebgl', detail: (e as Error).message, hidden: viewerMessage.value.hidden };
  }
  const r = await demo;
  timings.caseReady = Math.round(performance.now());
  timings.caseBuild = Math.round(r.ms);
  await showCase(r.case, () => {
    webglShown = true;
    timings.shown = Math.round(performance.now());
    previewShown.value = false;
    viewerMessage.value = { ...viewerMessage.value, hidden: true };
  });
  // first meaningful paint: the case in three slices, by the CPU preview (while WebGL starts) or by the viewer;
  // time since navigation start (performance.now()'s origin), so that download and parse count too
  timings.preview = previewMs;
  const ms = previewMs > 0 ? previewMs : timings.shown;
  timings.labelsShown = Math.round(performance.now());
  Object.assign(timings, viewer?.lastTimings ?? {});
  els.root.dataset.timings = JSON.stringify(timings);
  els.root.dataset.firstPaintMs = String(ms);
  els.root.dataset.ready = 'true';
  setMessage('status.firstPaint', { ms });
}

/** Voxel of the target's centroid (for the preview's slices). */
function centroidVoxel(c: WorkstationCase): [number, number, number] | null {
  const label = c.structures[c.target];
  if (label === undefined || !c.labels) return null;
  const v = labelCentroidVoxel(c.labels, c.grid, label);
  return v ? [Math.round(v[0]), Math.round(v[1]), Math.round(v[2])] : null;
}

/**
 * Starts the planning workstation in its screen's elements: loads the demo phantom in a worker while WebGL starts,
 * then shows it. `t0`: when the page's script started (the timings count from there).
 */
export function startPlanning(elements: PlanningElements, t0: number): void {
  els = elements;
  els.root.dataset.version = VERSION;
  // a click on the slices near a point selects it (the Plan tab open); elsewhere it only moves the crosshair
  els.canvas.addEventListener('click', pickOnSlices);
  // for the browser tests (?test): the time plot, to draw a 10⁵-point timeline without simulating one
  if (new URLSearchParams(location.search).has('test')) Object.assign(globalThis, { openfuasTest: { plot: timePlot } });
  boot(t0).catch((e) => {
    viewerMessage.value = { key: 'case.error', params: { message: (e as Error).message }, hidden: false };
  });
}

import type { Plan } from '../planning/plan.js';
import type { SimulationOutcome } from '../planning/outcome.js';
import { toBase64 } from './png.js';
import { REPORT_WORDS_EN, type ReportWords, fillWords } from './report-words.js';
import { linePlot } from './svg-plot.js';

/** Everything a treatment report shows; the same numbers are embedded as JSON in the page. */
export interface TreatmentReportData {
  caseName: string;
  /** ISO date-time */
  generatedAt: string;
  version: string;
  caseSummary: {
    shape: readonly number[];
    /** m */
    spacing: readonly number[];
    /** m, min and max depth of the target below the skin along the beam */
    depthFromSkin?: readonly [number, number];
    /** m³ per structure */
    structureVolumes: Record<string, number>;
  };
  plan: Plan;
  outcome: SimulationOutcome;
  /** time series over the whole treatment (s, °C, J) */
  timeline: { t: number[]; focalTemperature: number[]; energy: number[]; nearFieldTemperature?: number[] };
  /** PNG images of slices with the dose contour */
  slices: Array<{ title: string; png: Uint8Array; width: number; height: number; plane?: 'axial' | 'coronal' | 'sagittal' }>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number, digits = 3) => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : '—');

/** Temperatures at or above this are shown as boiling: the model has no phase change, so its value is not a prediction. */
export const BOILING_DISPLAY_LIMIT = 100;

/**
 * A self-contained HTML report (opens offline: inline CSS, SVG plots, PNG slices as data URLs, no script
 * loaded from anywhere) with the case summary, predicted outcome, findings, slices with the 240 CEM43 contour,
 * temperature-time and energy curves and the plan table, in the language of `words` (default English).
 */
export function renderReportHtml(d: TreatmentReportData, words: ReportWords = REPORT_WORDS_EN): string {
  const w = words;
  const o = d.outcome;
  const structureName = w.structureName ?? ((n: string) => n);
  const celsius = (v: number) => (v >= BOILING_DISPLAY_LIMIT ? w.boiling : `${num(v)} °C`);
  const rows = (pairs: Array<[string, string]>) => pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  const outcomeRows = rows([
    [w.npv, `${num(o.npvRatio * 100, 3)} %`],
    [w.targetVolume, `${num(o.target.volume * 1e6)} cm³`],
    [w.ablatedTarget, `${num(o.ablatedTargetVolume * 1e6)} cm³`],
    [w.ablatedAll, `${num(o.ablatedVolume * 1e6)} cm³`],
    [w.eef, `${num(o.eef)} J/mm³`],
    [w.energy, `${num(o.energy / 1000)} kJ`],
    [w.sonications, String(o.sonications)],
    [w.sonicationTime, `${num(o.sonicationTime / 60)} min`],
    [w.treatmentTime, `${num(o.treatmentTime / 60)} min`],
    [w.peak, celsius(o.peakTemperature)],
  ]);
  const structureRows = Object.entries(o.structures)
    .map(([name, s]) => {
      const computed = s.simulated !== false;
      const t = computed ? (s.maxTemperature >= BOILING_DISPLAY_LIMIT ? w.boiling : num(s.maxTemperature)) : w.notComputed;
      const dose = computed ? num(s.maxDose) : w.notComputed;
      return `<tr><td>${esc(structureName(name))}</td><td>${num((d.caseSummary.structureVolumes[name] ?? 0) * 1e6)}</td><td>${esc(t)}</td><td>${esc(dose)}</td></tr>`;
    })
    .join('');
  const severity = { info: w.severityInfo, warning: w.severityWarning, error: w.severityError };
  const findingText = w.findingText ?? ((f: { message: string }) => f.message);
  const findings = o.findings.length
    ? o.findings
        .map((f) => `<li class="${f.severity}"><b>${esc(severity[f.severity])}</b> <code>${esc(f.code)}</code> ${esc(findingText(f))}</li>`)
        .join('')
    : `<li class="info">${esc(w.none)}</li>`;
  const sliceTitle = { axial: w.sliceAxial, coronal: w.sliceCoronal, sagittal: w.sliceSagittal };
  const slices = d.slices
    .map((s) => {
      const title = s.plane ? sliceTitle[s.plane] : s.title;
      return `<figure><img alt="${esc(title)}" width="${s.width}" height="${s.height}" src="data:image/png;base64,${toBase64(s.png)}"><figcaption>${esc(title)}</figcaption></figure>`;
    })
    .join('');
  const tl = d.timeline;
  const tempSeries = [{ label: w.focalTemperature, x: tl.t, y: tl.focalTemperature }];
  if (tl.nearFieldTemperature) tempSeries.push({ label: w.nearFieldMax, x: tl.t, y: tl.nearFieldTemperature });
  const tempPlot = linePlot({ title: w.temperaturePlot, xLabel: w.time, yLabel: '°C', series: tempSeries });
  const energyPlot = linePlot({
    title: w.energyPlot,
    xLabel: w.time,
    yLabel: 'kJ',
    series: [{ label: w.energy, x: tl.t, y: tl.energy.map((e) => e / 1000) }],
  });
  const planRows = d.plan.sonications
    .map(
      (s, i) =>
        `<tr><td>${i + 1}</td><td>${s.slice + 1}</td><td>${s.focus.map((v) => (v * 1000).toFixed(1)).join(', ')}</td><td>${num(s.power)}</td><td>${num(s.exposure)}</td><td>${num(s.cooling)}</td></tr>`,
    )
    .join('');
  const depth = d.caseSummary.depthFromSkin
    ? `${num(d.caseSummary.depthFromSkin[0] * 1000)}–${num(d.caseSummary.depthFromSkin[1] * 1000)} mm`
    : '—';
  const json = JSON.stringify({ caseName: d.caseName, generatedAt: d.generatedAt, version: d.version, outcome: o, plan: d.plan }).replace(
    /</g,
    '\\u003c',
  );
  const device = 'preset' in d.plan.device ? d.plan.device.preset : w.customBowl;
  const c = d.plan.constraints;
  return `<!doctype html>
<html lang="${esc(w.lang)}"${/^(ar|fa|he|ur)\b/.test(w.lang) ? ' dir="rtl"' : ''}><head><meta charset="utf-8"><title>${esc(fillWords(w.title, { case: d.caseName }))}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:62rem;color:#1b2a36;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:0}h2{font-size:1.15rem;border-bottom:1px solid #c9d3db;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d5dde3;padding:.25rem .6rem;text-align:start;font-variant-numeric:tabular-nums}
th{background:#f2f5f7;font-weight:600}.meta{color:#5a6b78}.disclaimer{background:#fff6db;border:1px solid #e6cf80;padding:.5rem .8rem}
li.error{color:#a4161a}li.warning{color:#8a5a00}li.info{color:#2b4f6b}figure{display:inline-block;margin-block:.5rem;margin-inline:0 1rem}
figure img{image-rendering:pixelated;border:1px solid #999}figcaption{font-size:.85rem;color:#5a6b78}
.plots svg{max-width:100%;height:auto}.plan{max-height:30rem;overflow:auto;display:block}
</style></head><body>
<h1>${esc(fillWords(w.heading, { case: d.caseName }))}</h1>
<p class="meta">${esc(fillWords(w.meta, { version: d.version, date: d.generatedAt, device }))}</p>
<p class="disclaimer">${esc(w.disclaimer)}</p>
<h2>${esc(w.outcome)}</h2><table>${outcomeRows}</table>
<h2>${esc(w.findings)}</h2><ul>${findings}</ul>
<h2>${esc(w.slices)}</h2><p class="meta">${esc(w.slicesLegend)}</p>${slices}
<h2>${esc(w.curves)}</h2><div class="plots">${tempPlot}${energyPlot}</div>
<h2>${esc(w.case)}</h2><table>${rows([
    [
      w.grid,
      fillWords(w.gridValue, {
        shape: d.caseSummary.shape.join(' × '),
        spacing: d.caseSummary.spacing.map((s) => num(s * 1000)).join(' × '),
      }),
    ],
    [w.depth, depth],
  ])}</table>
<table><tr><th>${esc(w.structure)}</th><th>${esc(w.volume)}</th><th>${esc(w.maxTemperature)}</th><th>${esc(w.maxDose)}</th></tr>${structureRows}</table>
<h2>${esc(w.plan)}</h2><p class="meta">${esc(
    fillWords(w.planMeta, {
      n: d.plan.sonications.length,
      serosa: num(c.serosaMargin * 1000),
      endo: num(c.endometriumMargin * 1000),
      bone: num(c.boneMargin * 1000),
      bowel: num(c.bowelMargin * 1000),
    }),
  )}</p>
<table class="plan"><tr><th>#</th><th>${esc(w.slice)}</th><th>${esc(w.focus)}</th><th>${esc(w.power)}</th><th>${esc(w.exposure)}</th><th>${esc(w.cooling)}</th></tr>${planRows}</table>
<script type="application/json" id="openfuas-report">${json}</script>
</body></html>
`;
}

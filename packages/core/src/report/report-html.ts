import type { Plan } from '../planning/plan.js';
import type { SimulationOutcome } from '../planning/outcome.js';
import { toBase64 } from './png.js';
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
  slices: Array<{ title: string; png: Uint8Array; width: number; height: number }>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number, digits = 3) => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : '—');

/**
 * A self-contained HTML report (opens offline: inline CSS, SVG plots, PNG slices as data URLs, no script
 * loaded from anywhere) with the case summary, predicted outcome, findings, slices with the 240 CEM43 contour,
 * temperature-time and energy curves and the plan table.
 */
export function renderReportHtml(d: TreatmentReportData): string {
  const o = d.outcome;
  const rows = (pairs: Array<[string, string]>) => pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  const outcomeRows = rows([
    ['NPV ratio (predicted)', `${num(o.npvRatio * 100, 3)} %`],
    ['Target volume', `${num(o.target.volume * 1e6)} cm³`],
    ['Ablated target volume (CEM43 ≥ 240)', `${num(o.ablatedTargetVolume * 1e6)} cm³`],
    ['Ablated volume, all tissue', `${num(o.ablatedVolume * 1e6)} cm³`],
    ['Energy efficiency factor EEF', `${num(o.eef)} J/mm³`],
    ['Acoustic energy', `${num(o.energy / 1000)} kJ`],
    ['Sonications', String(o.sonications)],
    ['Sonication time', `${num(o.sonicationTime / 60)} min`],
    ['Treatment time', `${num(o.treatmentTime / 60)} min`],
    ['Peak temperature', `${num(o.peakTemperature)} °C`],
  ]);
  const structureRows = Object.entries(o.structures)
    .map(
      ([name, s]) =>
        `<tr><td>${esc(name)}</td><td>${num((d.caseSummary.structureVolumes[name] ?? 0) * 1e6)}</td><td>${num(s.maxTemperature)}</td><td>${num(s.maxDose)}</td></tr>`,
    )
    .join('');
  const findings = o.findings.length
    ? o.findings.map((f) => `<li class="${f.severity}"><b>${f.severity}</b> <code>${esc(f.code)}</code> ${esc(f.message)}</li>`).join('')
    : '<li class="info">none</li>';
  const slices = d.slices
    .map(
      (s) =>
        `<figure><img alt="${esc(s.title)}" width="${s.width}" height="${s.height}" src="data:image/png;base64,${toBase64(s.png)}"><figcaption>${esc(s.title)}</figcaption></figure>`,
    )
    .join('');
  const tl = d.timeline;
  const tempSeries = [{ label: 'focal temperature', x: tl.t, y: tl.focalTemperature }];
  if (tl.nearFieldTemperature) tempSeries.push({ label: 'near-field max', x: tl.t, y: tl.nearFieldTemperature });
  const tempPlot = linePlot({ title: 'Temperature', xLabel: 'time (s)', yLabel: '°C', series: tempSeries });
  const energyPlot = linePlot({
    title: 'Cumulative acoustic energy',
    xLabel: 'time (s)',
    yLabel: 'kJ',
    series: [{ label: 'energy', x: tl.t, y: tl.energy.map((e) => e / 1000) }],
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
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OpenFUAS treatment report — ${esc(d.caseName)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:62rem;color:#1b2a36;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:0}h2{font-size:1.15rem;border-bottom:1px solid #c9d3db;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d5dde3;padding:.25rem .6rem;text-align:left;font-variant-numeric:tabular-nums}
th{background:#f2f5f7;font-weight:600}.meta{color:#5a6b78}.disclaimer{background:#fff6db;border:1px solid #e6cf80;padding:.5rem .8rem}
li.error{color:#a4161a}li.warning{color:#8a5a00}li.info{color:#2b4f6b}figure{display:inline-block;margin:.5rem 1rem .5rem 0}
figure img{image-rendering:pixelated;border:1px solid #999}figcaption{font-size:.85rem;color:#5a6b78}
.plots svg{max-width:100%;height:auto}.plan{max-height:30rem;overflow:auto;display:block}
</style></head><body>
<h1>Treatment report — ${esc(d.caseName)}</h1>
<p class="meta">OpenFUAS ${esc(d.version)} · generated ${esc(d.generatedAt)} · device ${esc('preset' in d.plan.device ? d.plan.device.preset : 'custom bowl')}</p>
<p class="disclaimer">Predicted by simulation (acoustic field, Pennes bioheat, CEM43 thermal dose). Research and training use only: not a medical device, not for clinical decisions.</p>
<h2>Predicted outcome</h2><table>${outcomeRows}</table>
<h2>Findings</h2><ul>${findings}</ul>
<h2>Slices with the 240 CEM43 contour</h2><p class="meta">Red: 240 CEM43 (ablation); orange: 18 CEM43 (possible damage); yellow: target outline.</p>${slices}
<h2>Temperature and energy</h2><div class="plots">${tempPlot}${energyPlot}</div>
<h2>Case</h2><table>${rows([
    ['Grid', `${d.caseSummary.shape.join(' × ')} voxels of ${d.caseSummary.spacing.map((s) => num(s * 1000)).join(' × ')} mm`],
    ['Target depth below skin', depth],
  ])}</table>
<table><tr><th>structure</th><th>volume (cm³)</th><th>max temperature (°C)</th><th>max dose (CEM43 min)</th></tr>${structureRows}</table>
<h2>Plan</h2><p class="meta">${d.plan.sonications.length} sonications; margins: serosa ${num(d.plan.constraints.serosaMargin * 1000)} mm, endometrium ${num(d.plan.constraints.endometriumMargin * 1000)} mm, bone ${num(d.plan.constraints.boneMargin * 1000)} mm, bowel ${num(d.plan.constraints.bowelMargin * 1000)} mm.</p>
<table class="plan"><tr><th>#</th><th>slice</th><th>focus RAS (mm)</th><th>power (W)</th><th>exposure (s)</th><th>cooling (s)</th></tr>${planRows}</table>
<script type="application/json" id="openfuas-report">${json}</script>
</body></html>
`;
}

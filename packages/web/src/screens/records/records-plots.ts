import type uPlot from 'uplot';
import type { FunnelAnswer, LearningCurvesAnswer, PredictedVsObservedAnswer } from './records-client.js';

/**
 * The Records screen's three plots as uPlot data and options (uPlot draws lines over one shared x array;
 * scattered points, which may share an x, are drawn in a draw hook at their own coordinates):
 * - funnel plot (Spiegelhalter, Stat Med 2005): mean observed NPV ratio per centre against its number of
 *   treatments, with the target and the 95 % and 99.8 % control limits the server computed;
 * - predicted against observed NPV ratio, one point per treatment of the user's centre, with the identity line;
 * - LC-CUSUM learning curve per operator with the decision limit h (the same chart as training).
 */

export interface PlotText {
  title: string;
  x: string;
  y: string;
  /** series labels, in the order of the series */
  series: string[];
}

export interface ScatterPoint {
  x: number;
  y: number;
  /** drawn in the highlight colour (the user's own centre) */
  own?: boolean;
  label?: string;
}

export interface PlotSpec {
  data: uPlot.AlignedData;
  series: Array<{ stroke: string; dash?: number[]; width?: number }>;
  x: { min: number; max: number; log?: boolean };
  y: { min: number; max: number };
  points: ScatterPoint[];
}

export const PLOT_COLORS = {
  axis: '#93a5b4',
  grid: '#2b3843',
  target: '#e3eaf0',
  limit95: '#f0c040',
  limit998: '#ff6b5a',
  point: '#38c7e8',
  own: '#ff8a3d',
  curves: ['#38c7e8', '#ff8a3d', '#7bd88f', '#c792ea', '#f0c040', '#ff6b5a'],
} as const;

/** Funnel plot: x = treatments with an observed NPV ratio (log axis), y = NPV ratio. Null without a funnel. */
export function funnelSpec(a: FunnelAnswer): PlotSpec | null {
  const f = a.funnel;
  if (!f || f.limits.length === 0) return null;
  const n = f.limits.map((l) => l.n);
  const data: uPlot.AlignedData = [
    n,
    n.map(() => f.target),
    f.limits.map((l) => l.lower95),
    f.limits.map((l) => l.upper95),
    f.limits.map((l) => l.lower998),
    f.limits.map((l) => l.upper998),
  ];
  const nMax = Math.max(n[n.length - 1], ...f.points.map((p) => p.n));
  return {
    data,
    series: [
      { stroke: PLOT_COLORS.target, width: 1.5 },
      { stroke: PLOT_COLORS.limit95, dash: [6, 4] },
      { stroke: PLOT_COLORS.limit95, dash: [6, 4] },
      { stroke: PLOT_COLORS.limit998, dash: [2, 3] },
      { stroke: PLOT_COLORS.limit998, dash: [2, 3] },
    ],
    // a little room left of n = 1 for a one-treatment centre's point and label
    x: { min: 0.8, max: Math.max(2, nMax * 1.25), log: true },
    y: { min: 0, max: 1 },
    points: f.points.map((p) => ({ x: p.n, y: p.mean, own: p.own, label: p.centre })),
  };
}

/** Predicted (x) against observed (y) NPV ratio, 0–1 both, with the identity line. */
export function predictedVsObservedSpec(a: PredictedVsObservedAnswer): PlotSpec {
  return {
    data: [
      [0, 1],
      [0, 1],
    ],
    series: [{ stroke: PLOT_COLORS.target, dash: [4, 4] }],
    x: { min: 0, max: 1 },
    y: { min: 0, max: 1 },
    points: a.pairs.map((p) => ({ x: p.predicted, y: p.observed, own: true })),
  };
}

/**
 * LC-CUSUM chart per operator: x = case number (1…), y = sₜ; one line per operator and the decision limit h.
 * A chart that reaches h shows the operator performing at the acceptable failure rate (Biau et al. 2008).
 */
export function learningCurveSpec(a: LearningCurvesAnswer): PlotSpec {
  const cases = Math.max(1, ...a.operators.map((o) => o.chart.length));
  const x = Array.from({ length: cases + 1 }, (_, i) => i);
  const data: uPlot.AlignedData = [
    x,
    x.map(() => a.params.h),
    // every chart starts at 0 before the first case
    ...a.operators.map((o) => x.map((i) => (i === 0 ? 0 : i <= o.chart.length ? o.chart[i - 1] : null))),
  ];
  const top = Math.max(a.params.h, ...a.operators.flatMap((o) => o.chart));
  return {
    data,
    series: [
      { stroke: PLOT_COLORS.limit998, dash: [6, 4] },
      ...a.operators.map((_, i) => ({ stroke: PLOT_COLORS.curves[i % PLOT_COLORS.curves.length], width: 2 })),
    ],
    x: { min: 0, max: Math.max(1, cases) },
    y: { min: 0, max: top * 1.1 },
    points: a.operators.flatMap((o) => (o.chart.length ? [{ x: o.chart.length, y: o.chart[o.chart.length - 1], label: o.name }] : [])),
  };
}

/** uPlot options for a spec (fixed scales, the point layer in a draw hook). */
export function plotOptions(spec: PlotSpec, text: PlotText, width: number, height: number): uPlot.Options {
  const axis = { stroke: PLOT_COLORS.axis, grid: { stroke: PLOT_COLORS.grid, width: 1 }, ticks: { stroke: PLOT_COLORS.grid } };
  return {
    title: text.title,
    width,
    height,
    scales: {
      x: { time: false, distr: spec.x.log ? 3 : 1, range: () => [spec.x.min, spec.x.max] },
      y: { range: () => [spec.y.min, spec.y.max] },
    },
    legend: { show: true, live: false },
    cursor: { show: false },
    axes: [
      { ...axis, label: text.x },
      { ...axis, label: text.y },
    ],
    series: [
      { label: text.x },
      ...spec.series.map((s, i) => ({
        label: text.series[i] ?? '',
        stroke: s.stroke,
        width: s.width ?? 1,
        dash: s.dash,
        points: { show: false },
        spanGaps: false,
      })),
    ],
    hooks: { draw: [(u: uPlot) => drawPoints(u, spec.points)] },
  };
}

function drawPoints(u: uPlot, points: ScatterPoint[]): void {
  const ctx = u.ctx;
  const dpr = devicePixelRatio || 1;
  ctx.save();
  ctx.font = `${Math.round(11 * dpr)}px system-ui, sans-serif`;
  for (const p of points) {
    const x = u.valToPos(p.x, 'x', true);
    const y = u.valToPos(p.y, 'y', true);
    ctx.fillStyle = p.own ? PLOT_COLORS.own : PLOT_COLORS.point;
    ctx.beginPath();
    ctx.arc(x, y, (p.own ? 6 : 4.5) * dpr, 0, 2 * Math.PI);
    ctx.fill();
    if (p.label) {
      ctx.fillStyle = PLOT_COLORS.axis;
      ctx.fillText(p.label, x + 7 * dpr, y - 5 * dpr);
    }
  }
  ctx.restore();
}

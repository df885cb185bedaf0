import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** uPlot, loaded after the first paint (the plot is not needed before a run). */
let library: Promise<typeof uPlot> | null = null;
const loadUPlot = () => {
  library ??= import('uplot').then((m) => m.default);
  return library;
};

/**
 * The treatment timeline through uPlot (a small, fast chart library for time series): focal temperature (°C, left
 * axis) and cumulative energy (kJ, right axis) against time (s). uPlot picks readable tick steps (1, 2, 5 × 10ⁿ),
 * draws 10⁵+ points in a few ms, and zooms: drag across the plot to zoom into a time span, double-click to see
 * the whole treatment again. Reference lines (43 °C, 60 °C) and the playback cursor are drawn in a draw hook.
 */
export interface PlotLabels {
  title: string;
  x: string;
  left: string;
  right: string;
}

const TEMPERATURE_COLOR = '#ff8a3d';
const ENERGY_COLOR = '#38c7e8';
const AXIS_COLOR = '#93a5b4';
const GRID_COLOR = '#2b3843';
const HEIGHT = 260;
/** width used until the plot's container has been laid out (a hidden tab has none) */
const DEFAULT_WIDTH = 420;

export class TimePlot {
  /** the plot's element (uPlot's root inside a wrapper with data-testid="time-plot") */
  readonly element: HTMLDivElement;
  private t: number[] = [];
  private a: number[] = [];
  private b: number[] = [];
  private labels: PlotLabels;
  private marks: Array<{ value: number; label: string }> = [];
  private cursor: number | null = null;
  private plot: uPlot | null = null;
  private UPlot: typeof uPlot | null = null;
  /** a redraw for live appends waits for the next frame (many appends in one frame redraw once) */
  private pending = 0;

  constructor(labels: PlotLabels) {
    this.labels = labels;
    this.element = document.createElement('div');
    this.element.className = 'time-plot';
    this.element.dataset.testid = 'time-plot';
    if (typeof ResizeObserver !== 'undefined') {
      new ResizeObserver(() => {
        const w = this.width();
        if (this.plot && w !== this.plot.width) this.plot.setSize({ width: w, height: HEIGHT });
      }).observe(this.element);
    }
    void loadUPlot().then((U) => {
      this.UPlot = U;
      this.build();
    });
  }

  private width(): number {
    const w = Math.floor(this.element.clientWidth);
    return w > 50 ? w : this.plot?.width || DEFAULT_WIDTH;
  }

  /** (Re)creates the chart: on construction and when the labels change (uPlot's axis labels are fixed at creation). */
  private build(): void {
    const U = this.UPlot;
    if (!U) return;
    const scaleX = this.plot?.scales.x;
    this.plot?.destroy();
    const opts: uPlot.Options = {
      title: this.labels.title,
      width: this.width(),
      height: HEIGHT,
      scales: {
        x: { time: false },
        // at least 30–60 °C, so that a short run is not a flat band of noise
        temperature: { range: (_u, min, max) => [Math.min(30, Math.floor(min ?? 30)), Math.max(60, Math.ceil((max ?? 60) + 5))] },
        energy: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] },
      },
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false, setScale: true } },
      axes: [
        { label: this.labels.x, stroke: AXIS_COLOR, grid: { stroke: GRID_COLOR, width: 1 }, ticks: { stroke: GRID_COLOR } },
        {
          scale: 'temperature',
          label: this.labels.left,
          stroke: TEMPERATURE_COLOR,
          grid: { stroke: GRID_COLOR, width: 1 },
          ticks: { stroke: GRID_COLOR },
        },
        { scale: 'energy', side: 1, label: this.labels.right, stroke: ENERGY_COLOR, grid: { show: false }, ticks: { stroke: GRID_COLOR } },
      ],
      series: [
        { label: this.labels.x, value: (_u, v) => (v === null ? '–' : v.toFixed(1)) },
        {
          label: this.labels.left,
          scale: 'temperature',
          stroke: TEMPERATURE_COLOR,
          width: 1.5,
          value: (_u, v) => (v === null ? '–' : v.toFixed(1)),
        },
        {
          label: this.labels.right,
          scale: 'energy',
          stroke: ENERGY_COLOR,
          width: 1.5,
          value: (_u, v) => (v === null ? '–' : v.toFixed(2)),
        },
      ],
      hooks: {
        draw: [(u) => this.drawOverlay(u)],
        // the x range shown, for tests and for the playback readout (a zoom changes it)
        setScale: [
          (u, key) => {
            if (key !== 'x') return;
            this.element.dataset.xMin = String(u.scales.x.min ?? '');
            this.element.dataset.xMax = String(u.scales.x.max ?? '');
          },
        ],
      },
    };
    this.plot = new U(opts, this.data(), this.element);
    // a zoomed view stays zoomed across a relabel (language change)
    if (scaleX && scaleX.min !== undefined && scaleX.max !== undefined && this.t.length > 1)
      this.plot.setScale('x', { min: scaleX.min, max: scaleX.max });
    this.element.dataset.points = String(this.t.length);
  }

  private data(): uPlot.AlignedData {
    return [this.t, this.a, this.b];
  }

  /** Reference lines on the temperature axis and the playback cursor, on uPlot's canvas (device pixels). */
  private drawOverlay(u: uPlot): void {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const dpr = devicePixelRatio || 1;
    ctx.save();
    ctx.font = `${Math.round(11 * dpr)}px system-ui, sans-serif`;
    for (const m of this.marks) {
      const y = u.valToPos(m.value, 'temperature', true);
      if (!(y >= top && y <= top + height)) continue;
      ctx.strokeStyle = '#5b6b78';
      ctx.setLineDash([6 * dpr, 5 * dpr]);
      ctx.lineWidth = dpr;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = AXIS_COLOR;
      ctx.fillText(m.label, left + width - ctx.measureText(m.label).width - 4 * dpr, y - 3 * dpr);
    }
    const at = this.cursor === null ? null : this.valuesAt(this.cursor);
    if (this.cursor !== null && at) {
      const x = u.valToPos(this.cursor, 'x', true);
      if (x >= left && x <= left + width) {
        ctx.strokeStyle = '#e3eaf0';
        ctx.lineWidth = dpr;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        for (const [v, scale, color] of [
          [at.a, 'temperature', TEMPERATURE_COLOR],
          [at.b, 'energy', ENERGY_COLOR],
        ] as const) {
          ctx.fillStyle = color;
          ctx.beginPath();
          ctx.arc(x, u.valToPos(v, scale, true), 4 * dpr, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
    }
    ctx.restore();
  }

  setLabels(labels: PlotLabels): void {
    const same =
      labels.title === this.labels.title &&
      labels.x === this.labels.x &&
      labels.left === this.labels.left &&
      labels.right === this.labels.right;
    this.labels = labels;
    if (!same) this.build();
  }

  /** Horizontal reference lines on the left axis (e.g. 43 °C, 60 °C). */
  setMarks(marks: Array<{ value: number; label: string }>): void {
    this.marks = marks;
    this.plot?.redraw(false, false);
  }

  /** A vertical cursor at time `t` (s) with dots on both curves (timeline playback); null removes it. */
  setCursor(t: number | null): void {
    this.cursor = t;
    this.plot?.redraw(false, false);
  }

  /** Both series interpolated linearly at time `t` (s), or null when empty. */
  valuesAt(t: number): { a: number; b: number } | null {
    const n = this.t.length;
    if (n === 0) return null;
    if (t <= this.t[0]) return { a: this.a[0], b: this.b[0] };
    if (t >= this.t[n - 1]) return { a: this.a[n - 1], b: this.b[n - 1] };
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid] <= t) lo = mid;
      else hi = mid;
    }
    const w = (t - this.t[lo]) / (this.t[hi] - this.t[lo] || 1);
    return { a: this.a[lo] + w * (this.a[hi] - this.a[lo]), b: this.b[lo] + w * (this.b[hi] - this.b[lo]) };
  }

  /** Last time of the series, s (0 when empty). */
  get duration(): number {
    return this.t.length ? this.t[this.t.length - 1] : 0;
  }

  /** The x range shown, s (after a zoom, a part of the timeline). */
  get view(): { min: number; max: number } {
    const x = this.plot?.scales.x;
    return { min: x?.min ?? 0, max: x?.max ?? 0 };
  }

  /** Shows the time span [min, max] (s), as a drag across the plot does. */
  zoom(min: number, max: number): void {
    this.plot?.setScale('x', { min, max });
  }

  clear(): void {
    this.cursor = null;
    this.t = [];
    this.a = [];
    this.b = [];
    this.update();
  }

  set(t: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): void {
    this.t = Array.from(t);
    this.a = Array.from(a);
    this.b = Array.from(b);
    this.update();
  }

  append(t: number, a: number, b: number): void {
    this.t.push(t);
    this.a.push(a);
    this.b.push(b);
    if (this.pending) return;
    const later = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (f: () => void) => setTimeout(f, 16);
    this.pending = later(() => {
      this.pending = 0;
      this.update();
    }) as number;
  }

  get length(): number {
    return this.t.length;
  }

  private update(): void {
    this.plot?.setData(this.data(), true);
    if (this.element) this.element.dataset.points = String(this.t.length);
  }
}

/**
 * A small canvas plot of two time series with their own y axes (left: focal temperature in °C, right:
 * cumulative energy in kJ), redrawn on every append; cheap enough for live updates during a simulation.
 */
export interface PlotLabels {
  title: string;
  x: string;
  left: string;
  right: string;
}

export class TimePlot {
  readonly canvas: HTMLCanvasElement;
  private t: number[] = [];
  private a: number[] = [];
  private b: number[] = [];
  private labels: PlotLabels;
  private marks: Array<{ value: number; label: string }> = [];
  private cursor: number | null = null;

  constructor(labels: PlotLabels) {
    this.labels = labels;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'time-plot';
    this.canvas.dataset.testid = 'time-plot';
    this.canvas.width = 720;
    this.canvas.height = 340;
    this.draw();
  }

  setLabels(labels: PlotLabels): void {
    this.labels = labels;
    this.draw();
  }

  /** Horizontal reference lines on the left axis (e.g. 43 °C, 60 °C). */
  setMarks(marks: Array<{ value: number; label: string }>): void {
    this.marks = marks;
    this.draw();
  }

  /** A vertical cursor at time `t` (s) with dots on both curves (timeline playback); null removes it. */
  setCursor(t: number | null): void {
    this.cursor = t;
    this.draw();
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

  clear(): void {
    this.cursor = null;
    this.t = [];
    this.a = [];
    this.b = [];
    this.draw();
  }

  set(t: number[], a: number[], b: number[]): void {
    this.t = [...t];
    this.a = [...a];
    this.b = [...b];
    this.draw();
  }

  append(t: number, a: number, b: number): void {
    this.t.push(t);
    this.a.push(a);
    this.b.push(b);
    this.draw();
  }

  get length(): number {
    return this.t.length;
  }

  draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const W = this.canvas.width;
    const H = this.canvas.height;
    const L = 62;
    const R = 62;
    const T = 34;
    const B = 44;
    ctx.fillStyle = '#11171c';
    ctx.fillRect(0, 0, W, H);
    ctx.font = '20px system-ui, sans-serif';
    ctx.fillStyle = '#e3eaf0';
    ctx.fillText(this.labels.title, L, 24);
    const tMax = Math.max(1, ...this.t);
    const aMin = 30;
    const aMax = Math.max(60, ...this.a.map((v) => v + 5));
    const bMax = Math.max(1, ...this.b) * 1.05;
    const x = (v: number) => L + ((W - L - R) * v) / tMax;
    const ya = (v: number) => H - B - ((H - T - B) * (v - aMin)) / (aMax - aMin);
    const yb = (v: number) => H - B - ((H - T - B) * v) / bMax;
    ctx.strokeStyle = '#2b3843';
    ctx.lineWidth = 1;
    ctx.strokeRect(L, T, W - L - R, H - T - B);
    ctx.font = '16px system-ui, sans-serif';
    ctx.fillStyle = '#93a5b4';
    for (let i = 0; i <= 4; i++) {
      const va = aMin + ((aMax - aMin) * i) / 4;
      const vb = (bMax * i) / 4;
      const yy = ya(va);
      ctx.fillText(va.toFixed(0), 8, yy + 5);
      ctx.fillText(vb.toFixed(vb < 10 ? 1 : 0), W - R + 6, yy + 5);
      const vt = (tMax * i) / 4;
      ctx.fillText(vt.toFixed(tMax < 8 ? 1 : 0), x(vt) - 8, H - B + 20);
    }
    ctx.fillText(this.labels.x, (W - ctx.measureText(this.labels.x).width) / 2, H - 6);
    ctx.fillStyle = '#ff8a3d';
    ctx.fillText(this.labels.left, L + 6, T + 18);
    ctx.fillStyle = '#38c7e8';
    const rw = ctx.measureText(this.labels.right).width;
    ctx.fillText(this.labels.right, W - R - rw - 6, T + 18);
    for (const m of this.marks) {
      if (m.value < aMin || m.value > aMax) continue;
      ctx.strokeStyle = '#5b6b78';
      ctx.setLineDash([6, 5]);
      ctx.beginPath();
      ctx.moveTo(L, ya(m.value));
      ctx.lineTo(W - R, ya(m.value));
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#93a5b4';
      ctx.fillText(m.label, W - R - ctx.measureText(m.label).width - 6, ya(m.value) - 4);
    }
    const line = (ys: number[], y: (v: number) => number, color: string) => {
      if (ys.length === 0) return;
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (let i = 0; i < ys.length; i++) {
        if (i === 0) ctx.moveTo(x(this.t[i]), y(ys[i]));
        else ctx.lineTo(x(this.t[i]), y(ys[i]));
      }
      ctx.stroke();
    };
    line(this.a, ya, '#ff8a3d');
    line(this.b, yb, '#38c7e8');
    const at = this.cursor === null ? null : this.valuesAt(this.cursor);
    if (this.cursor !== null && at) {
      const cx = x(this.cursor);
      ctx.strokeStyle = '#e3eaf0';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(cx, T);
      ctx.lineTo(cx, H - B);
      ctx.stroke();
      for (const [v, y, color] of [
        [at.a, ya, '#ff8a3d'],
        [at.b, yb, '#38c7e8'],
      ] as const) {
        ctx.fillStyle = color;
        ctx.beginPath();
        ctx.arc(cx, y(v), 5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
}

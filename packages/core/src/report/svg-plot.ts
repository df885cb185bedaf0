// A small, dependency-free SVG line plot for reports (validation and treatment): deterministic output, isomorphic.

export interface PlotSeries {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** 'line' (default) or 'points' (markers, for references sampled sparsely) */
  style?: 'line' | 'points';
}

export interface LinePlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: PlotSeries[];
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
};

/** "Nice" tick positions covering [lo, hi]. */
function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) if (e >= lo - 1e-9 && e <= hi + 1e-9) out.push(e);
    return out.length >= 2 ? out : [lo, hi];
  }
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

/** Renders series as an SVG line chart with axes, ticks and a legend. Non-finite points are skipped. */
export function linePlot(o: LinePlotOptions): string {
  const W = o.width ?? 640;
  const H = o.height ?? 400;
  const m = { l: 70, r: 20, t: 36, b: 50 };
  const tx = (v: number) => (o.logX ? Math.log10(v) : v);
  const ty = (v: number) => (o.logY ? Math.log10(v) : v);
  let x0 = Number.POSITIVE_INFINITY,
    x1 = Number.NEGATIVE_INFINITY,
    y0 = Number.POSITIVE_INFINITY,
    y1 = Number.NEGATIVE_INFINITY;
  for (const s of o.series) {
    for (let i = 0; i < s.x.length; i++) {
      const X = tx(s.x[i]),
        Y = ty(s.y[i]);
      if (!Number.isFinite(X) || !Number.isFinite(Y)) continue;
      x0 = Math.min(x0, X);
      x1 = Math.max(x1, X);
      y0 = Math.min(y0, Y);
      y1 = Math.max(y1, Y);
    }
  }
  if (!Number.isFinite(x0)) {
    x0 = 0;
    x1 = 1;
    y0 = 0;
    y1 = 1;
  }
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) {
    y1 = y0 + (Math.abs(y0) || 1) * 0.1;
    y0 -= (Math.abs(y0) || 1) * 0.1;
  }
  if (!o.logY) {
    const pad = (y1 - y0) * 0.05;
    y0 -= pad;
    y1 += pad;
  }
  const px = (X: number) => m.l + ((X - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (Y: number) => H - m.b - ((Y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(o.title)}</text>`);
  for (const t of ticks(x0, x1, !!o.logX)) {
    const X = px(t).toFixed(1);
    parts.push(`<line x1="${X}" x2="${X}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/>`);
    parts.push(`<text x="${X}" y="${H - m.b + 16}" text-anchor="middle">${fmt(o.logX ? 10 ** t : t)}</text>`);
  }
  for (const t of ticks(y0, y1, !!o.logY)) {
    const Y = py(t).toFixed(1);
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y}" y2="${Y}" stroke="#eee"/>`);
    parts.push(`<text x="${m.l - 6}" y="${Y}" text-anchor="end" dominant-baseline="middle">${fmt(o.logY ? 10 ** t : t)}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  o.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    const pts: string[] = [];
    for (let i = 0; i < s.x.length; i++) {
      const X = tx(s.x[i]),
        Y = ty(s.y[i]);
      if (Number.isFinite(X) && Number.isFinite(Y)) pts.push(`${px(X).toFixed(1)},${py(Y).toFixed(1)}`);
    }
    if (s.style === 'points') {
      for (const p of pts) {
        const [cx, cy] = p.split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="none" stroke="${color}"/>`);
      }
    } else if (pts.length > 0) {
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
    }
    const ly = m.t + 14 + k * 16;
    parts.push(`<line x1="${W - m.r - 150}" x2="${W - m.r - 130}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${W - m.r - 125}" y="${ly}" dominant-baseline="middle">${esc(s.label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

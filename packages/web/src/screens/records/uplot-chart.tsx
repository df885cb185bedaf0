import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';
import { type PlotSpec, type PlotText, plotOptions } from './records-plots.js';

let library: Promise<typeof uPlot> | null = null;
const loadUPlot = () => {
  library ??= import('uplot').then((m) => m.default);
  return library;
};

const HEIGHT = 260;

/**
 * One uPlot chart of a PlotSpec, rebuilt when the spec or its text changes and destroyed with the component.
 * `data-points` carries how many points it draws (and `data-drawn` is set once drawn), for tests and scripts.
 */
export function UPlotChart({ spec, text, testid }: { spec: PlotSpec; text: PlotText; testid: string }) {
  const host = useRef<HTMLDivElement>(null);
  const key = JSON.stringify(text);
  useEffect(() => {
    let plot: uPlot | null = null;
    let live = true;
    const el = host.current;
    if (!el) return;
    el.dataset.drawn = 'false';
    void loadUPlot().then((U) => {
      if (!live) return;
      const width = Math.max(320, Math.floor(el.clientWidth) || 480);
      const text = JSON.parse(key) as PlotText;
      plot = new U(plotOptions(spec, text, width, HEIGHT), spec.data, el);
      // a series without a label of its own (the lower limit of a pair) has no legend entry; the legend is not live,
      // so uPlot gives the x series no row and row i is series i + 1
      el.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((row, i) => {
        if (!text.series[i]) row.style.display = 'none';
      });
      el.dataset.drawn = 'true';
    });
    const resize =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver(() => {
            const w = Math.floor(el.clientWidth);
            if (plot && w > 50 && w !== plot.width) plot.setSize({ width: w, height: HEIGHT });
          });
    resize?.observe(el);
    return () => {
      live = false;
      resize?.disconnect();
      plot?.destroy();
    };
  }, [spec, key]);
  return <div class="records-plot" ref={host} data-testid={testid} data-points={spec.points.length} />;
}

import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const CHART_COLOR = '#38c7e8';
const LIMIT_COLOR = '#ff8a3d';
const AXIS_COLOR = '#93a5b4';
const GRID_COLOR = '#2b3843';

export interface CusumChartProps {
  /** sₜ after each exercise */
  chart: number[];
  /** the decision limit */
  h: number;
  labels: { x: string; y: string; chart: string; limit: string };
  width?: number;
  height?: number;
  testId?: string;
}

/**
 * An LC-CUSUM chart through uPlot: sₜ against the exercise number (1, 2, …) and the decision limit h as a dashed
 * line; the chart crossing h is proficiency. Rebuilt when the data or the labels change (a few points).
 */
export function CusumChart({ chart, h, labels, width = 460, height = 220, testId = 'cusum-chart' }: CusumChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let plot: uPlot | null = null;
    let live = true;
    void import('uplot').then(({ default: UPlot }) => {
      if (!live || !host.current) return;
      const n = chart.length;
      const x = Array.from({ length: Math.max(n, 1) + 1 }, (_, i) => i);
      const s = [0, ...chart];
      while (s.length < x.length) s.push(Number.NaN);
      const limit = x.map(() => h);
      const axis = { stroke: AXIS_COLOR, grid: { stroke: GRID_COLOR, width: 1 }, ticks: { stroke: GRID_COLOR } };
      plot = new UPlot(
        {
          width,
          height,
          legend: { show: true },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(h * 1.15, max * 1.05)] } },
          axes: [
            { ...axis, label: labels.x, incrs: [1, 2, 5, 10, 20, 50] },
            { ...axis, label: labels.y },
          ],
          series: [
            { label: labels.x },
            { label: labels.chart, stroke: CHART_COLOR, width: 2, points: { show: true, size: 5 } },
            { label: labels.limit, stroke: LIMIT_COLOR, width: 1.5, dash: [6, 4], points: { show: false } },
          ],
        },
        [x, s, limit],
        host.current,
      );
    });
    return () => {
      live = false;
      plot?.destroy();
    };
  }, [chart.join(','), h, labels.x, labels.y, labels.chart, labels.limit, width, height]);
  return <div class="cusum-chart" ref={host} data-testid={testId} data-points={chart.length} data-h={h} />;
}

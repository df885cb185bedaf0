import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';

/** One curve of a plot: its label, colour and axis (left or right). */
export interface Curve {
  label: string;
  color: string;
  side: 'left' | 'right';
  values: Array<number | null>;
}

let library: Promise<typeof uPlot> | null = null;
const loadUPlot = () => {
  library ??= import('uplot').then((m) => m.default);
  return library;
};

const AXIS = '#93a5b4';
const GRID = '#2b3843';

/**
 * Curves against treatment time through uPlot (readable ticks, zoom by dragging, many points): rebuilt when the
 * labels change, updated in place when only the values grow.
 */
export function CurvePlot(props: {
  title: string;
  x: number[];
  xLabel: string;
  left: string;
  right?: string;
  curves: Curve[];
  testid: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const key = [props.title, props.xLabel, props.left, props.right ?? '', ...props.curves.map((c) => c.label)].join('|');
  useEffect(() => {
    let live = true;
    void loadUPlot().then((U) => {
      if (!live || !host.current) return;
      plot.current?.destroy();
      const width = Math.max(280, Math.floor(host.current.clientWidth) || 480);
      const opts: uPlot.Options = {
        title: props.title,
        width,
        height: 170,
        scales: { x: { time: false } },
        legend: { show: true },
        cursor: { drag: { x: true, y: false, setScale: true } },
        axes: [
          { label: props.xLabel, stroke: AXIS, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID } },
          { scale: 'left', label: props.left, stroke: AXIS, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID } },
          ...(props.right
            ? [{ scale: 'right', side: 1, label: props.right, stroke: AXIS, grid: { show: false }, ticks: { stroke: GRID } }]
            : []),
        ],
        series: [
          { label: props.xLabel },
          ...props.curves.map((c) => ({
            label: c.label,
            stroke: c.color,
            width: 1.5,
            scale: c.side === 'left' ? 'left' : 'right',
            spanGaps: true,
          })),
        ],
      };
      plot.current = new U(opts, [props.x, ...props.curves.map((c) => c.values)] as uPlot.AlignedData, host.current);
    });
    return () => {
      live = false;
      plot.current?.destroy();
      plot.current = null;
    };
  }, [key]);
  useEffect(() => {
    plot.current?.setData([props.x, ...props.curves.map((c) => c.values)] as uPlot.AlignedData);
  }, [props.x, props.curves]);
  return <div class="console-plot" ref={host} data-testid={props.testid} data-points={props.x.length} />;
}

import { useLayoutEffect, useRef } from 'preact/hooks';
import type { TimePlot } from './time-plot.js';

/** Hosts a TimePlot: uPlot keeps its own DOM, moved into this box (a layout-neutral wrapper) and kept across renders. */
export function TimePlotView({ plot }: { plot: TimePlot }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    ref.current?.append(plot.element);
  }, [plot]);
  return <div class="time-plot-host" style={{ display: 'contents' }} ref={ref} />;
}

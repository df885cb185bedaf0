// The validation report's plots come from the core library's SVG plotter (also used by treatment reports).
export type { LinePlotOptions, PlotSeries } from '../packages/core/src/report/svg-plot.ts';
export { linePlot } from '../packages/core/src/report/svg-plot.ts';

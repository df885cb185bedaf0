import type { OverlayColormap } from './viewer.js';

/**
 * How the viewer draws temperature (°C) on the case: the live frames while a treatment runs and the maximum
 * temperature after it, with the same colour map so that the live view and the result read alike. Below 43 °C
 * (no thermal dose to speak of) transparent; orange at 43 °C to yellow at 90 °C and above.
 */
export const TEMPERATURE_OVERLAY: { colormap: OverlayColormap; range: [number, number]; opacity: number } = {
  colormap: 'warm',
  range: [43, 90],
  opacity: 0.5,
};

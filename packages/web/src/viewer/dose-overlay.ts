import { DOSE_MASK } from '../engine/resample-to-case.js';
import type { LabelColor } from './label-colors.js';

/**
 * How the viewer draws the thermal dose (the 240 CEM43 region): a translucent red fill inside, its outline solid.
 * The end-of-run dose overlay (values DOSE_MASK) and the live layer's contour use these colours.
 */
export const DOSE_COLORS: readonly [LabelColor, LabelColor] = [
  { label: DOSE_MASK.inside, name: 'ablated', rgb: [255, 40, 40], alpha: 150 },
  { label: DOSE_MASK.outline, name: '240 CEM43', rgb: [255, 40, 40], alpha: 255 },
];

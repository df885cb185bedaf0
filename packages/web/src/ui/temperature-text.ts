import { BOILING_DISPLAY_LIMIT } from '@openfuas/core';
import { t } from '../i18n/i18n.js';
import { fmt } from './dom.js';

/**
 * A predicted temperature as the workstation shows it. The model has no boiling (no phase change, no vapour), so a
 * value at or above 100 °C is not a prediction of tissue temperature: it is shown as boiling, not as its number. A
 * display rule only, so it holds whatever model produced the value.
 */
export function temperatureText(celsius: number, decimals = 1): { text: string; boiling: boolean } {
  if (celsius >= BOILING_DISPLAY_LIMIT) return { text: t('results.boiling'), boiling: true };
  return { text: `${fmt(celsius, decimals)} ${t('unit.celsius')}`, boiling: false };
}

import { BOILING_DISPLAY_LIMIT } from '@openfuas/core';
import { t } from '../i18n/i18n.js';
import { fmt } from './dom.js';

/**
 * A predicted temperature as the workstation shows it. Tissue water boils at 100 °C (latent heat holds it there while it
 * vaporises, thermal/boiling.ts), so a value at 100 °C is shown as boiling; a display rule, so it also holds for a run
 * with boiling turned off, whose temperatures past 100 °C are not tissue temperatures.
 */
export function temperatureText(celsius: number, decimals = 1): { text: string; boiling: boolean } {
  if (celsius >= BOILING_DISPLAY_LIMIT) return { text: t('results.boiling'), boiling: true };
  return { text: `${fmt(celsius, decimals)} ${t('unit.celsius')}`, boiling: false };
}

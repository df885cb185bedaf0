import { FormatError, parseLabelMap } from '@openfuas/core';

/** Default names of label values when no label-name file is given (the phantom's and issue 5's numbering). */
export const DEFAULT_LABEL_NAMES: Record<number, string> = {
  0: 'air',
  1: 'water',
  2: 'skin',
  3: 'fat',
  4: 'muscle',
  5: 'uterus',
  6: 'endometrium',
  7: 'fibroid',
  8: 'bladder',
  9: 'bowel',
  10: 'bowel-gas',
  11: 'bone',
  12: 'soft-tissue',
};

/** What `importCase` is told about label names when no JSON is given. */
export const DEFAULT_LABEL_MAP_NAME = 'phantom label numbering';

/**
 * Label value → structure name, from a JSON label-name file (`{"1": "fibroid", ...}`, as `fuas case import
 * --label-map` takes) or, without one, the phantom's numbering (0 is unsegmented tissue).
 */
export function labelNames(labelMap?: { name: string; text: string }): Map<number, string | null> {
  if (!labelMap) return new Map(Object.entries(DEFAULT_LABEL_NAMES).map(([k, v]) => [Number(k), Number(k) === 0 ? null : v]));
  let parsed: unknown;
  try {
    parsed = JSON.parse(labelMap.text);
  } catch (e) {
    throw new FormatError(labelMap.name, `is not JSON (${(e as Error).message})`);
  }
  return parseLabelMap(parsed, labelMap.name);
}

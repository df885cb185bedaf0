import type { CoreErrorData } from '../engine/core-error.js';
import { LocalizedError } from '../engine/localized-error.js';
import { fmt } from '../ui/dom.js';
import { type MessageKey, structureName, t } from './i18n.js';
import { en } from './messages.js';

/**
 * An error as the page shows it, in the current language: known core reasons are worded from `error.<reason>`
 * with their params; an error naming a plan point says which; anything else shows its message as the core wrote it.
 */
/** Display values of an error's params: lengths (m) in mm, structure names translated. */
function shownParams(p: Record<string, number | string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) {
    if (typeof v === 'number')
      out[k] = ['depth', 'reach', 'waterPath', 'maxWaterPath', 'offset', 'coneRadius', 'windowRadius'].includes(k)
        ? fmt(v * 1000, 1)
        : fmt(v, 1);
    else out[k] = k === 'structure' ? structureName(v) : v;
  }
  return out;
}

/** An error in the current language (see the module comment). */
export function errorText(e: unknown): string {
  if (e instanceof LocalizedError) return t(e.key, e.params);
  const d = e instanceof Error || (e && typeof e === 'object') ? (e as CoreErrorData) : { message: String(e) };
  const message = typeof d.message === 'string' ? d.message : String(e);
  const key = d.reason ? (`error.${d.reason}` as MessageKey) : null;
  let text = message;
  if (key && key in en) {
    text = t(key, shownParams(d.params ?? {}));
    // a placeholder left open: the error lacks a value its template needs
    if (/\{\w+\}/.test(text)) text = message;
  }
  const point = d.field?.match(/sonications\[(\d+)\]/);
  if (point && text !== message) return t('error.where.point', { n: Number(point[1]) + 1, message: text });
  if (text === message && d.code === 'invalid-input' && d.field)
    return t('error.invalid-input', { field: d.field, message: message.replace(`${d.field}: `, '') });
  return text;
}

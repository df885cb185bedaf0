import type { MessageKey } from '../i18n/i18n.js';
import { t } from '../i18n/i18n.js';

/** Creates an element with attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Array<Node | string | null | undefined>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/** An element whose text is the translated `key`, retranslated on every language change (data-i18n). */
export function tx<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  key: MessageKey,
  attrs: Record<string, string | number | boolean | undefined> = {},
): HTMLElementTagNameMap[K] {
  const el = h(tag, { ...attrs, 'data-i18n': key });
  el.textContent = t(key);
  return el;
}

/** Formats a number with a fixed number of decimals, or an en dash for null/NaN. */
export function fmt(v: number | null | undefined, decimals = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const text = v.toFixed(decimals);
  // no "-0.0": a value that rounds to zero is shown without a sign
  return text.startsWith('-') && Number(text) === 0 ? text.slice(1) : text;
}

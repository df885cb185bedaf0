import { ar } from './messages-ar.js';
import { type MessageKey, type Messages, en, fr, zh } from './messages.js';

/** The languages of the workstation, with their names as their speakers write them. */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'zh', name: '简体中文' },
  { code: 'fr', name: 'Français' },
  { code: 'ar', name: 'العربية' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const DICTIONARIES: Record<Language, Messages> = { en, zh, fr, ar };
const HTML_LANG: Record<Language, string> = { en: 'en', zh: 'zh-Hans', fr: 'fr', ar: 'ar' };
/** Languages written right to left: the page's `dir` follows the language. */
const RIGHT_TO_LEFT: ReadonlySet<Language> = new Set<Language>(['ar']);

/** 'rtl' for a language written right to left (Arabic), 'ltr' otherwise. */
export function direction(lang: Language = current): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(lang) ? 'rtl' : 'ltr';
}

let current: Language = 'en';
const listeners = new Set<(lang: Language) => void>();

export function isLanguage(code: string): code is Language {
  return code in DICTIONARIES;
}

export function language(): Language {
  return current;
}

/** The message for `key` in the current language with `{name}` placeholders filled. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = DICTIONARIES[current][key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (params[name] === undefined ? m : String(params[name])));
}

/** Switches the language (and the page's direction), retranslates every `data-i18n` element under `document` and tells the listeners. */
export function setLanguage(lang: Language): void {
  current = lang;
  if (typeof document !== 'undefined') {
    document.documentElement.lang = HTML_LANG[lang];
    document.documentElement.dir = direction(lang);
    translateTree(document.body);
  }
  for (const l of listeners) l(lang);
}

/** Calls `listener` after every language change; returns the unsubscribe function. */
export function onLanguageChange(listener: (lang: Language) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Fills elements marked `data-i18n="key"` (text), `data-i18n-title` (tooltip) and `data-i18n-aria` (aria-label).
 * Static markup declares its strings this way; dynamic parts re-render on `onLanguageChange`.
 */
export function translateTree(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as MessageKey);
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle as MessageKey);
  for (const el of root.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]'))
    el.placeholder = t(el.dataset.i18nPlaceholder as MessageKey);
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-aria]'))
    el.setAttribute('aria-label', t(el.dataset.i18nAria as MessageKey));
}

/** Name of a structure of the case in the current language (unknown names are shown as they are). */
export function structureName(name: string): string {
  const key = `tissue.${name}` as MessageKey;
  return key in en ? t(key) : name;
}

export type { MessageKey };
export { DICTIONARIES };

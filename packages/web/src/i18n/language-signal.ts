import { signal } from '@preact/signals';
import { type Language, language, onLanguageChange } from './i18n.js';

/**
 * The current language as a signal: a component that reads `languageSignal.value` (directly or through
 * `useLanguage()`) re-renders when the language changes, so `t()` calls in its body follow the switch.
 */
export const languageSignal = signal<Language>(language());
onLanguageChange((lang) => {
  languageSignal.value = lang;
});

/** Subscribes the calling component to language changes and returns the current language. */
export function useLanguage(): Language {
  return languageSignal.value;
}

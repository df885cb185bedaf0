import { LANGUAGES, type Language, isLanguage, setLanguage, t } from '../i18n/i18n.js';
import { useLanguage } from '../i18n/language-signal.js';

/** Where the chosen language is remembered between visits. */
export const LANGUAGE_STORAGE_KEY = 'openfuas.lang';

/** Switches the workstation's language and remembers it. */
export function chooseLanguage(lang: Language): void {
  localStorage.setItem(LANGUAGE_STORAGE_KEY, lang);
  setLanguage(lang);
}

/** The language chosen at start: `?lang=` in the address, else the remembered one, else English. */
export function startLanguage(): Language {
  const saved = new URLSearchParams(location.search).get('lang') ?? localStorage.getItem(LANGUAGE_STORAGE_KEY) ?? 'en';
  return isLanguage(saved) ? saved : 'en';
}

/** The language selector of the navigation bar (every screen), each language named as its speakers write it. */
export function LanguageSelect() {
  const lang = useLanguage();
  return (
    <label class="lang screen-lang">
      <span class="label">{t('app.language')}</span>
      <select
        value={lang}
        aria-label={t('app.language')}
        data-testid="language"
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          if (isLanguage(v)) chooseLanguage(v);
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

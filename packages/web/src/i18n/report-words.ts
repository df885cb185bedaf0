import { REPORT_WORDS_EN, type ReportWords } from '@openfuas/core';
import { findingText } from './findings.js';
import { type MessageKey, language, structureName, t } from './i18n.js';

const HTML_LANG = { en: 'en', zh: 'zh-Hans', fr: 'fr', ar: 'ar' } as const;

/**
 * The treatment report's words in the workstation's current language (`report.<word>` messages), with structure
 * names and findings worded as the workstation words them.
 */
export function reportWords(): ReportWords {
  const words = { ...REPORT_WORDS_EN } as ReportWords;
  const texts = words as unknown as Record<string, string>;
  // "not computed", boiling and the severities read as in the Results tab
  const shared: Record<string, MessageKey> = {
    notComputed: 'results.notComputed',
    boiling: 'results.boiling',
    severityInfo: 'severity.info',
    severityWarning: 'severity.warning',
    severityError: 'severity.error',
  };
  for (const key of Object.keys(REPORT_WORDS_EN)) {
    if (key === 'lang') continue;
    texts[key] = t(shared[key] ?? (`report.${key}` as MessageKey));
  }
  words.lang = HTML_LANG[language()];
  words.structureName = structureName;
  words.findingText = findingText;
  return words;
}

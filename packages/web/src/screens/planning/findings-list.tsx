import type { Finding } from '@openfuas/core';
import { findingText } from '../../i18n/findings.js';
import { type MessageKey, t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';

/** A list of findings, each with its severity, in the current language. */
export function FindingsList({ findings, testId }: { findings: readonly Finding[]; testId: string }) {
  useLanguage();
  if (findings.length === 0)
    return (
      <p class="hint" data-testid={testId}>
        {t('results.noFindings')}
      </p>
    );
  return (
    <ul class="findings" data-testid={testId}>
      {findings.map((f, i) => (
        <li key={i} class={`finding ${f.severity}`} data-code={f.code}>
          <span class="severity">{t(`severity.${f.severity}` as MessageKey)}</span>
          {findingText(f)}
        </li>
      ))}
    </ul>
  );
}

import type { Finding } from '@openfuas/core';
import { findingText } from '../i18n/findings.js';
import { type MessageKey, t } from '../i18n/i18n.js';
import { h, tx } from './dom.js';

/** A list of findings, each with its severity, in the current language (call again after a language change). */
export function findingsList(findings: readonly Finding[], testId: string): HTMLElement {
  if (findings.length === 0) return tx('p', 'results.noFindings', { class: 'hint', 'data-testid': testId });
  return h(
    'ul',
    { class: 'findings', 'data-testid': testId },
    ...findings.map((f) =>
      h(
        'li',
        { class: `finding ${f.severity}`, 'data-code': f.code },
        h('span', { class: 'severity' }, t(`severity.${f.severity}` as MessageKey)),
        findingText(f),
      ),
    ),
  );
}

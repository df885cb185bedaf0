import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../../i18n/i18n.js';
import { t } from '../../i18n/i18n.js';
import type { PushReport } from './outbox.js';
import { outbox, outboxVersion, session } from './records-session.js';
import { pushOutbox, stopReason } from './send-record.js';

/** How often a signed-in page with waiting records tries the server again, ms. */
const RETRY_MS = 15_000;

/**
 * The records waiting to be sent, a button that sends them now, and automatic sending: when the browser comes
 * back online and every RETRY_MS while records wait and the user is signed in.
 */
export function OutboxPanel() {
  outboxVersion.value;
  const entries = outbox.value.entries();
  const signedIn = session.value !== null;
  const [report, setReport] = useState<PushReport | null>(null);
  const [busy, setBusy] = useState(false);

  const push = async () => {
    setBusy(true);
    try {
      setReport(await pushOutbox());
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (!signedIn || entries.length === 0) return;
    const retry = () => void pushOutbox().then(setReport);
    const timer = setInterval(retry, RETRY_MS);
    addEventListener('online', retry);
    return () => {
      clearInterval(timer);
      removeEventListener('online', retry);
    };
  }, [signedIn, entries.length]);

  return (
    <section class="records-panel" data-testid="records-outbox" data-count={entries.length}>
      <h3>{t('records.outbox')}</h3>
      <p class="records-hint">{t('records.outbox.storage')}</p>
      {entries.length === 0 ? (
        <p data-testid="records-outbox-empty">{t('records.outbox.empty')}</p>
      ) : (
        <>
          <p>{t('records.outbox.count', { n: entries.length })}</p>
          <ul class="records-outbox-list">
            {entries.map((e) => (
              <li key={e.seq} class={e.conflict ? 'records-error' : ''}>
                {t(`records.entity.${e.entity}` as MessageKey)} · {new Date(e.createdAt).toLocaleString()}
                {e.error ? ` · ${e.error}` : ''}
              </li>
            ))}
          </ul>
          <button type="button" disabled={busy || !signedIn} onClick={push} data-testid="records-outbox-push">
            {t('records.outbox.push')}
          </button>
        </>
      )}
      {report && (
        <p data-testid="records-outbox-report">
          {t('records.outbox.report', {
            pushed: report.pushed,
            there: report.alreadyThere,
            conflicts: report.conflicts,
            failed: report.failed,
            remaining: report.remaining,
          })}
          {report.stopped ? ` (${stopReason(report)})` : ''}
        </p>
      )}
    </section>
  );
}

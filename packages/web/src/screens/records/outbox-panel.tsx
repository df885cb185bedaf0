import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../../i18n/i18n.js';
import { t } from '../../i18n/i18n.js';
import { existingStore, offlineError, pending } from './offline-store.js';
import { session } from './records-session.js';
import { type PushResult, pushOutbox } from './records-writer.js';

/** How often a signed-in page with waiting records tries the server again, ms. */
const RETRY_MS = 15_000;

const ENTITIES = new Set(['patient', 'treatment', 'outcome', 'adverse_event', 'follow_up', 'training_result']);

/**
 * The records waiting in the browser's offline store, a button that sends them now, and automatic sending: on
 * sign-in, when the browser comes back online, and every RETRY_MS while records wait and the user is signed in.
 */
export function OutboxPanel() {
  const entries = pending.value;
  const signedIn = session.value !== null;
  const [result, setResult] = useState<PushResult | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // opens the store if an earlier visit left one in IndexedDB, so that what waits there shows
    void existingStore();
  }, []);

  const push = async () => {
    setBusy(true);
    try {
      setResult(await pushOutbox());
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (!signedIn || entries.length === 0) return;
    const retry = () => void pushOutbox().then(setResult);
    const timer = setInterval(retry, RETRY_MS);
    addEventListener('online', retry);
    return () => {
      clearInterval(timer);
      removeEventListener('online', retry);
    };
  }, [signedIn, entries.length]);

  const r = result?.report;
  return (
    <section class="records-panel" data-testid="records-outbox" data-count={entries.length}>
      <h3>{t('records.outbox')}</h3>
      <p class="records-hint">{t('records.outbox.storage')}</p>
      {offlineError.value !== null && (
        <p class="records-error" data-testid="records-offline-error">
          {t('records.offline.unavailable', { message: offlineError.value })}
        </p>
      )}
      {entries.length === 0 ? (
        <p data-testid="records-outbox-empty">{t('records.outbox.empty')}</p>
      ) : (
        <>
          <p>{t('records.outbox.count', { n: entries.length })}</p>
          <ul class="records-outbox-list" data-testid="records-outbox-list">
            {entries.map((e) => (
              <li key={e.seq} class={e.error ? 'records-error' : ''} data-entity={e.entity}>
                {ENTITIES.has(e.entity) ? t(`records.entity.${e.entity}` as MessageKey) : e.entity} · {e.id.slice(0, 8)}
                {e.error ? ` · ${e.error}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      <button type="button" disabled={busy || !signedIn || entries.length === 0} onClick={push} data-testid="records-outbox-push">
        {t('records.outbox.push')}
      </button>
      {result && (r || result.note) && (
        <p data-testid="records-outbox-report">
          {r &&
            t('records.outbox.report', {
              pushed: r.pushed,
              there: r.alreadyThere,
              conflicts: r.conflicts.length,
              failed: r.failed.length,
              remaining: r.remaining,
            })}
          {result.note ? ` (${result.note})` : ''}
        </p>
      )}
    </section>
  );
}

import { useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import { RecordsHttpError, RecordsUnreachable } from './records-client.js';
import { DEFAULT_RECORDS_URL, client, serverUrl, session, setServerUrl, setSession } from './records-session.js';

/** Server URL, its health, and sign-in (the token kept in sessionStorage for this tab). */
export function ConnectPanel({ onSignedIn }: { onSignedIn: () => void }) {
  const [url, setUrl] = useState(serverUrl.value);
  const [health, setHealth] = useState<{ ok: boolean; text: string } | null>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const s = session.value;

  const check = async () => {
    setServerUrl(url);
    setHealth(null);
    try {
      const h = await client.value.health();
      setHealth({ ok: true, text: t('records.server.ok', { storage: h.storage, version: h.schemaVersion ?? '–' }) });
    } catch (e) {
      setHealth({ ok: false, text: t('records.server.unreachable', { message: (e as Error).message }) });
    }
  };

  const signIn = async (ev: Event) => {
    ev.preventDefault();
    setServerUrl(url);
    setError('');
    setBusy(true);
    try {
      const r = await client.value.signIn(username.trim(), password);
      setPassword('');
      setSession({ token: r.token, username: username.trim(), expiresAt: r.expiresAt });
      onSignedIn();
    } catch (e) {
      if (e instanceof RecordsUnreachable) setError(t('records.server.unreachable', { message: e.message }));
      else if (e instanceof RecordsHttpError) setError(t('records.signIn.failed', { message: e.message }));
      else setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="records-panel" data-testid="records-connect">
      <h3>{t('records.server')}</h3>
      <div class="records-row">
        <input
          type="url"
          value={url}
          placeholder={t('records.server.sameOrigin')}
          onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
          data-testid="records-url"
          aria-label={t('records.server')}
        />
        <button type="button" onClick={check} data-testid="records-check">
          {t('records.server.check')}
        </button>
      </div>
      <p class="records-hint">{t('records.server.hint', { url: DEFAULT_RECORDS_URL })}</p>
      {health && (
        <p class={health.ok ? 'records-ok' : 'records-error'} data-testid="records-health">
          {health.text}
        </p>
      )}
      {s ? (
        <div class="records-row">
          <span data-testid="records-signed-in">
            {t('records.signedIn', { user: s.username, time: new Date(s.expiresAt).toLocaleTimeString() })}
          </span>
          <button type="button" onClick={() => setSession(null)} data-testid="records-sign-out">
            {t('records.signOut')}
          </button>
        </div>
      ) : (
        <form class="records-row" onSubmit={signIn} data-testid="records-sign-in-form">
          <input
            autocomplete="username"
            value={username}
            placeholder={t('records.username')}
            aria-label={t('records.username')}
            onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
            data-testid="records-username"
            required
          />
          <input
            type="password"
            autocomplete="current-password"
            value={password}
            placeholder={t('records.password')}
            aria-label={t('records.password')}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            data-testid="records-password"
            required
          />
          <button type="submit" disabled={busy} data-testid="records-sign-in">
            {t('records.signIn')}
          </button>
        </form>
      )}
      {!s && <p class="records-hint">{t('records.signIn.needed')}</p>}
      {error && (
        <p class="records-error" data-testid="records-sign-in-error">
          {error}
        </p>
      )}
    </section>
  );
}

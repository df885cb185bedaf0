import { computed, signal } from '@preact/signals';
import { RecordsClient } from './records-client.js';

/**
 * The Records screen's connection: the records server's URL (kept in localStorage; '' is the workstation's own
 * origin, where `fuas serve --records URL` forwards /api/v1/), the signed-in session (token in sessionStorage:
 * it ends with the browser tab, and expires on the server after 8 h).
 */
export interface RecordsSession {
  token: string;
  username: string;
  expiresAt: string;
}

const SERVER_KEY = 'openfuas.records.server';
const SESSION_KEY = 'openfuas.records.session';

/** Where a records server runs when the workstation is not served with --records (fuas records serve's default). */
export const DEFAULT_RECORDS_URL = 'http://127.0.0.1:8090';

function stored(storage: () => Storage, key: string): string | null {
  try {
    return storage().getItem(key);
  } catch {
    return null;
  }
}

function store(storage: () => Storage, key: string, value: string | null): void {
  try {
    if (value === null) storage().removeItem(key);
    else storage().setItem(key, value);
  } catch {
    // storage disabled: the session lasts as long as the page
  }
}

export const serverUrl = signal<string>(stored(() => localStorage, SERVER_KEY) ?? '');

function readSession(): RecordsSession | null {
  try {
    const s = JSON.parse(stored(() => sessionStorage, `${SESSION_KEY}:${serverUrl.value}`) ?? 'null') as RecordsSession | null;
    return s && typeof s.token === 'string' && new Date(s.expiresAt).getTime() > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export const session = signal<RecordsSession | null>(readSession());

export const client = computed(() => new RecordsClient(serverUrl.value, session.value?.token ?? null));

export function setServerUrl(url: string): void {
  const u = url.trim().replace(/\/+$/, '');
  store(() => localStorage, SERVER_KEY, u);
  serverUrl.value = u;
  session.value = readSession();
}

export function setSession(s: RecordsSession | null): void {
  store(() => sessionStorage, `${SESSION_KEY}:${serverUrl.value}`, s && JSON.stringify(s));
  session.value = s;
}

import { signal } from '@preact/signals';
import type { OfflineRecords } from '@openfuas/server/browser';

/**
 * The workstation's own records store for when the records server cannot be reached: `@openfuas/server/browser`
 * (the server's schema, row-level security, audit and outbox over PGlite) kept in IndexedDB, so records survive a
 * reload and a closed tab. What is recorded there waits in its outbox until `sync` pushes it to the server with
 * the records' own ids (pushing twice stores nothing twice; a conflict is kept and reported, never overwritten).
 * PGlite (about 15 MB of WebAssembly and data) is fetched only when the store is first needed.
 */

/** IndexedDB database of the store (one per browser profile and origin). */
export const OFFLINE_STORE = 'idb://openfuas-records';

export interface PendingEntry {
  seq: string;
  entity: string;
  id: string;
  error: string | null;
}

/** entries waiting in the store's outbox (refreshed after every change) */
export const pending = signal<PendingEntry[]>([]);
/** why the store could not be opened (no IndexedDB, WebAssembly refused …), or null */
export const offlineError = signal<string | null>(null);

let opening: Promise<OfflineRecords | null> | null = null;

/** The store, opened (and migrated) on first use; null when this browser cannot keep one. */
export function offlineStore(dataDir: string = OFFLINE_STORE): Promise<OfflineRecords | null> {
  opening ??= import('@openfuas/server/browser')
    .then((m) => m.openOfflineRecords({ dataDir }))
    .then(
      async (store) => {
        pending.value = await store.pending();
        return store;
      },
      (e: Error) => {
        offlineError.value = e.message;
        return null;
      },
    );
  return opening;
}

/**
 * The store if this browser has one already (opened in this page, or left in IndexedDB by an earlier visit), else
 * null without creating it: PGlite starts on the page's main thread (seconds, more for a new database), so a page
 * that has never been offline does not pay for it.
 */
export async function existingStore(): Promise<OfflineRecords | null> {
  if (opening) return opening;
  const name = OFFLINE_STORE.replace(/^idb:\/\//, '');
  const names = await (globalThis.indexedDB?.databases?.() ?? Promise.resolve([])).catch(() => []);
  return names.some((d) => d.name?.includes(name)) ? offlineStore() : null;
}

/** Re-reads the outbox into `pending`. */
export async function refreshPending(): Promise<void> {
  const store = await existingStore();
  if (store) pending.value = await store.pending();
}

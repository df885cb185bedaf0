import type { SyncReport } from '@openfuas/server/browser';
import { t } from '../../i18n/i18n.js';
import { existingStore, offlineError, offlineStore, refreshPending } from './offline-store.js';
import { type Outcome, RecordsHttpError, RecordsUnreachable, type TreatmentRequest } from './records-client.js';
import { client, serverUrl, session } from './records-session.js';
import { analyticsStamp, knownPatients, patientsStamp } from './records-state.js';

/**
 * Where each record the Records screen makes goes. Signed in and the server answering: straight to the server
 * (after the outbox, so that a treatment never arrives before its patient). Otherwise: into the browser's
 * offline store, whose outbox pushes it later with the same id. Each function answers what happened in the
 * user's language.
 */
export type WriteResult =
  | { where: 'server'; id: string; existed: boolean }
  | { where: 'offline'; id: string }
  | { where: 'refused'; text: string };

export interface PushResult {
  report: SyncReport | null;
  /** why nothing or not everything was pushed, in the user's language ('' when all went) */
  note: string;
}

/** The records server's origin for the offline store's sync (it needs an absolute URL). */
function syncBase(): string {
  return serverUrl.value || location.origin;
}

const refused = (e: unknown): WriteResult => {
  const fields = e instanceof RecordsHttpError ? e.fields.map((f) => `${f.path}: ${f.message}`).join('; ') : '';
  return { where: 'refused', text: t('records.error', { message: `${(e as Error).message}${fields ? ` (${fields})` : ''}` }) };
};

/** Pushes the offline store's outbox (signed in only); server-side views refetch when something arrived. */
export async function pushOutbox(): Promise<PushResult> {
  const s = session.value;
  if (!s) return { report: null, note: t('records.outbox.notSignedIn') };
  const store = await existingStore();
  if (!store) return { report: null, note: '' };
  if ((await store.pending()).length === 0) return { report: null, note: '' };
  try {
    const report = await store.sync(syncBase(), s.token);
    if (report.pushed + report.alreadyThere > 0) {
      analyticsStamp.value++;
      patientsStamp.value++;
    }
    const unreachable = report.failed.some((f) => /^50[234] /.test(f.message));
    return { report, note: unreachable ? t('records.outbox.unreachable') : '' };
  } catch (e) {
    // fetch itself failed (no network, server stopped), or the server refused the token (sync throws on 401)
    return {
      report: null,
      note: /refused/.test((e as Error).message) ? t('records.outbox.unauthorized') : t('records.outbox.unreachable'),
    };
  } finally {
    await refreshPending();
  }
}

/** Sends `post` to the server when signed in and the outbox is empty; null when the record must go offline. */
async function online(post: () => Promise<{ status: number; json: unknown }>): Promise<WriteResult | null> {
  if (!session.value) return null;
  const store = await existingStore();
  if (store && (await store.pending()).length > 0) {
    await pushOutbox();
    if ((await store.pending()).length > 0) return null;
  }
  try {
    const r = await post();
    analyticsStamp.value++;
    patientsStamp.value++;
    return { where: 'server', id: (r.json as { id?: string }).id ?? '', existed: r.status === 200 };
  } catch (e) {
    if (e instanceof RecordsUnreachable) return null;
    if (e instanceof RecordsHttpError && e.status === 401) return null;
    return refused(e);
  }
}

const noStore = (): WriteResult => ({ where: 'refused', text: t('records.offline.unavailable', { message: offlineError.value ?? '' }) });

/** Adds a patient, or finds her by local identifier (the server answers a known one with its id). */
export async function addPatient(localId: string, birthYear: number): Promise<WriteResult> {
  const r = await online(() => client.value.post('patients', { localId, birthYear }));
  const result = r ?? (await addPatientOffline({ localId, birthYear }));
  if (result.where !== 'refused') knownPatients.set(result.id, { localId, birthYear });
  return result;
}

async function addPatientOffline(input: { id?: string; localId: string; birthYear: number }): Promise<WriteResult> {
  const store = await offlineStore();
  if (!store) return noStore();
  try {
    const c = await store.createPatient(input);
    await refreshPending();
    if (c.status === 'created' || c.status === 'exists') return { where: 'offline', id: c.id };
    return { where: 'refused', text: t('records.offline.conflict') };
  } catch (e) {
    return refused(e);
  }
}

/** Records a treatment (its id chosen by the caller, so a repeated push stores it once). */
export async function recordTreatment(body: TreatmentRequest): Promise<WriteResult> {
  const r = await online(() => client.value.post('treatments', body));
  if (r) return r;
  const store = await offlineStore();
  if (!store) return noStore();
  try {
    // the patient must be in the offline store: one added here is; one found on the server is copied in under the
    // same id from the local identifier typed in this page (the push then finds her there: 200, nothing new)
    if (!(await store.getPatient(body.patient))) {
      const known = knownPatients.get(body.patient);
      if (!known) return { where: 'refused', text: t('records.offline.needLocalId') };
      const p = await addPatientOffline({ id: body.patient, ...known });
      if (p.where === 'refused') return p;
    }
    const c = await store.createTreatment(body);
    await refreshPending();
    if (c.status === 'created' || c.status === 'exists') return { where: 'offline', id: c.id };
    return { where: 'refused', text: t('records.offline.conflict') };
  } catch (e) {
    return refused(e);
  }
}

/** Adds the observed outcome of a treatment (fields already recorded with another value are a conflict). */
export async function recordOutcome(treatment: string, outcome: Outcome): Promise<WriteResult> {
  const r = await online(() => client.value.post(`treatments/${encodeURIComponent(treatment)}/outcome`, outcome));
  if (r) return r.where === 'server' ? { ...r, id: treatment } : r;
  const store = await offlineStore();
  if (!store) return noStore();
  try {
    if (!(await store.getTreatment(treatment))) return { where: 'refused', text: t('records.offline.treatmentNotHere') };
    const c = await store.recordOutcome(treatment, outcome);
    await refreshPending();
    if (c.status === 'conflict') return { where: 'refused', text: t('records.offline.conflict') };
    return { where: 'offline', id: treatment };
  } catch (e) {
    return refused(e);
  }
}

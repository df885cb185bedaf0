import { InputError } from '@openfuas/core';
import type { RecordsDb } from './database/records-store.js';

// Browser-safe (fetch and Kysely only): the workstation's offline store pushes its outbox with it too.

/**
 * Pushes the outbox (records created here while offline or before a network server existed: patients,
 * treatments, outcomes filled in later, adverse events, follow-up visits, training results) to another
 * records server, oldest first, with the records' own ids: pushing twice stores nothing twice (the server
 * answers 200 for a record it has), and a different record under the same id or local identifier is a
 * conflict (409) that is reported and kept in the outbox, never overwritten on either side.
 */
export interface SyncReport {
  pushed: number;
  alreadyThere: number;
  conflicts: Array<{ entity: string; id: string; message: string }>;
  failed: Array<{ entity: string; id: string; message: string }>;
  remaining: number;
}

/** The request that pushes one outbox entry: the API path under /api/v1 and the JSON body. */
export function outboxRequest(entity: string, entityId: string, payload: unknown): { path: string; body: unknown } {
  switch (entity) {
    case 'patient':
      return { path: 'patients', body: payload };
    case 'treatment':
      return { path: 'treatments', body: payload };
    case 'follow_up':
      return { path: 'follow-ups', body: payload };
    case 'training_result':
      return { path: 'training/results', body: payload };
    case 'outcome':
      return { path: `treatments/${entityId}/outcome`, body: payload };
    case 'adverse_event': {
      const { treatment, ...event } = payload as { treatment: string };
      return { path: `treatments/${treatment}/adverse-events`, body: event };
    }
    default:
      throw new Error(`outbox entry of unknown kind ${entity}`);
  }
}

export async function syncOutbox(owner: RecordsDb, to: string, token: string, fetchImpl: typeof fetch = fetch): Promise<SyncReport> {
  const base = to.replace(/\/+$/, '');
  const report: SyncReport = { pushed: 0, alreadyThere: 0, conflicts: [], failed: [], remaining: 0 };
  const rows = await owner.selectFrom('outbox').selectAll().where('pushed_at', 'is', null).orderBy('seq').execute();
  for (const row of rows) {
    const { path, body } = outboxRequest(row.entity, row.entity_id, row.payload);
    const res = await fetchImpl(`${base}/api/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const answer = (await res.json().catch(() => ({}))) as { error?: string };
    if (res.status === 201 || res.status === 200) {
      if (res.status === 201) report.pushed++;
      else report.alreadyThere++;
      // pushed: the local identifier leaves the outbox (the record itself keeps only its pseudonym)
      await owner.updateTable('outbox').set({ pushed_at: new Date(), payload: null, error: null }).where('seq', '=', row.seq).execute();
      continue;
    }
    const message = `${res.status} ${answer.error ?? res.statusText}`;
    await owner.updateTable('outbox').set({ error: message }).where('seq', '=', row.seq).execute();
    if (res.status === 401) throw new InputError('token', `sync refused by ${base}: ${message} (is the token valid?)`);
    (res.status === 409 ? report.conflicts : report.failed).push({ entity: row.entity, id: row.entity_id, message });
  }
  report.remaining = report.conflicts.length + report.failed.length;
  return report;
}

import { t } from '../../i18n/i18n.js';
import type { OutboxEntity, PushReport } from './outbox.js';
import { analyticsStamp, patientsStamp } from './records-state.js';
import { client, outbox, outboxVersion, session } from './records-session.js';

/** What became of a record: on the server, or kept in the outbox and why. */
export type SendResult = { sent: true } | { sent: false; reason: string; conflict: boolean };

/** Pushes the outbox now (signed in only); the panels that show server data refetch when something arrived. */
export async function pushOutbox(): Promise<PushReport | null> {
  if (!session.value) return null;
  const report = await outbox.value.push(client.value);
  outboxVersion.value++;
  if (report.pushed + report.alreadyThere > 0) {
    analyticsStamp.value++;
    patientsStamp.value++;
  }
  return report;
}

/** Why a push left entries behind, in the user's language. */
export function stopReason(report: PushReport | null): string {
  if (!report) return t('records.outbox.notSignedIn');
  if (report.stopped === 'unreachable') return t('records.outbox.unreachable');
  if (report.stopped === 'unauthorized') return t('records.outbox.unauthorized');
  return '';
}

/**
 * Queues one record in the outbox (with its id, chosen here) and pushes: the record is on the server when its
 * entry has left the outbox; otherwise it waits there (server unreachable, not signed in) or was refused.
 */
export async function sendRecord(entity: OutboxEntity, entityId: string, body: unknown): Promise<SendResult> {
  const entry = outbox.value.add(entity, entityId, body);
  outboxVersion.value++;
  const report = await pushOutbox();
  const left = outbox.value.entries().find((e) => e.seq === entry.seq);
  if (!left) return { sent: true };
  return { sent: false, reason: left.error ?? stopReason(report), conflict: left.conflict === true };
}

import { canonicalHash } from './canonical-hash.js';
import type { RecordsTx } from './database/records-store.js';
import { type AdverseEventInput, type Created, type OutcomeInput, audit, queue } from './records.js';

/**
 * What is learnt about a treatment after the day: the post-treatment imaging (observed NPV ratio and volumes, to
 * set beside the prediction) and adverse events of late onset. Values already recorded are never overwritten: a
 * different value is a conflict, the same value is nothing new.
 */

const OUTCOME_COLUMNS = {
  npvRatioPredicted: 'npv_ratio_predicted',
  npvRatioObserved: 'npv_ratio_observed',
  targetVolume: 'target_volume',
  npvVolumePredicted: 'npv_volume_predicted',
  npvVolumeObserved: 'npv_volume_observed',
  imagingDate: 'imaging_date',
} as const;

export interface RecordedOutcome {
  npvRatioPredicted: number | null;
  npvRatioObserved: number | null;
  targetVolume: number | null;
  npvVolumePredicted: number | null;
  npvVolumeObserved: number | null;
  imagingDate: string | null;
}

export type OutcomeUpdate =
  | { status: 'updated' | 'unchanged'; outcome: RecordedOutcome }
  | { status: 'conflict'; fields: string[] }
  | { status: 'no-treatment' };

/** Fills in the outcome of a treatment: fields still empty are set; a field recorded with another value is a conflict. */
export async function recordOutcome(
  tx: RecordsTx,
  userId: string,
  centreId: string,
  treatmentId: string,
  input: OutcomeInput,
  outbox = true,
): Promise<OutcomeUpdate> {
  const row = await tx.selectFrom('outcome').selectAll().where('treatment_id', '=', treatmentId).executeTakeFirst();
  if (!row) return { status: 'no-treatment' };
  const given = { ...input, ...(input.imagingDate ? { imagingDate: input.imagingDate.slice(0, 10) } : {}) };
  const set: Record<string, number | string> = {};
  const conflicts: string[] = [];
  for (const [key, column] of Object.entries(OUTCOME_COLUMNS) as Array<
    [keyof typeof OUTCOME_COLUMNS, (typeof OUTCOME_COLUMNS)[keyof typeof OUTCOME_COLUMNS]]
  >) {
    const v = given[key];
    if (v === undefined) continue;
    const stored = row[column];
    if (stored === null) set[column] = v;
    else if (stored !== v) conflicts.push(`outcome.${key}`);
  }
  await audit(tx, userId, centreId, 'read', 'outcome', treatmentId);
  if (conflicts.length) return { status: 'conflict', fields: conflicts };
  if (Object.keys(set).length) {
    await tx.updateTable('outcome').set(set).where('id', '=', row.id).execute();
    await audit(tx, userId, centreId, 'update', 'outcome', treatmentId);
    if (outbox) await queue(tx, centreId, 'outcome', treatmentId, given);
  }
  const merged = { ...row, ...set };
  const outcome = Object.fromEntries(
    Object.entries(OUTCOME_COLUMNS).map(([k, c]) => [k, merged[c] as number | string | null]),
  ) as unknown as RecordedOutcome;
  return { status: Object.keys(set).length ? 'updated' : 'unchanged', outcome };
}

/** Adds an adverse event to a treatment after the fact (graded by SIR and Clavien–Dindo). */
export async function addAdverseEvent(
  tx: RecordsTx,
  userId: string,
  centreId: string,
  treatmentId: string,
  input: AdverseEventInput & { id?: string },
  outbox = true,
): Promise<Created> {
  const t = await tx.selectFrom('treatment_session').select('id').where('id', '=', treatmentId).executeTakeFirst();
  if (!t) return { status: 'no-treatment' };
  const { id: _id, ...event } = input;
  const content = canonicalHash({ treatment: treatmentId, ...event, onsetDate: event.onsetDate?.slice(0, 10) });
  if (input.id) {
    const existing = await tx.selectFrom('adverse_event').select(['id', 'content_sha256']).where('id', '=', input.id).executeTakeFirst();
    if (existing) {
      await audit(tx, userId, centreId, 'read', 'adverse_event', existing.id);
      return { status: existing.content_sha256 === content ? 'exists' : 'conflict', id: existing.id };
    }
  }
  const id = input.id ?? crypto.randomUUID();
  await tx
    .insertInto('adverse_event')
    .values({
      id,
      centre_id: centreId,
      treatment_id: treatmentId,
      description: event.description,
      sir_grade: event.sirGrade ?? null,
      clavien_dindo: event.clavienDindo ?? null,
      onset_date: event.onsetDate?.slice(0, 10) ?? null,
      content_sha256: content,
    })
    .execute();
  await audit(tx, userId, centreId, 'create', 'adverse_event', id);
  if (outbox) await queue(tx, centreId, 'adverse_event', id, { ...input, id, treatment: treatmentId });
  return { status: 'created', id };
}

import { canonicalHash } from './canonical-hash.js';
import type { RecordsTx } from './database/records-store.js';
import { type Created, audit, queue } from './records.js';

/** A follow-up visit: symptoms (UFS-QOL), fibroid volume (m³) and whether a re-intervention was needed. */
export interface FollowUpInput {
  /** client-chosen id (offline outbox): the same visit pushed twice is stored once */
  id?: string;
  patient: string;
  /** the treatment the visit follows, when known */
  treatment?: string;
  /** YYYY-MM-DD */
  date: string;
  /** UFS-QOL transformed scores, 0–100 (Spies JB et al., Obstet Gynecol 2002;99:290–300) */
  ufsQol?: { symptomSeverity?: number; hrql?: number };
  /** m³ */
  fibroidVolume?: number;
  reintervention: boolean;
  /** e.g. "myomectomy", "hysterectomy", "UAE", "repeat HIFU" */
  reinterventionType?: string;
}

export interface FollowUp {
  id: string;
  patient: string;
  treatment: string | null;
  date: string;
  ufsQol: { symptomSeverity: number | null; hrql: number | null };
  fibroidVolume: number | null;
  reintervention: boolean;
  reinterventionType: string | null;
}

const contentOf = (input: FollowUpInput) => {
  const { id: _id, ...rest } = input;
  return canonicalHash({ ...rest, date: input.date.slice(0, 10) });
};

export async function createFollowUp(
  tx: RecordsTx,
  userId: string,
  centreId: string,
  input: FollowUpInput,
  outbox = true,
): Promise<Created> {
  const patient = await tx.selectFrom('patient').select('id').where('id', '=', input.patient).executeTakeFirst();
  if (!patient) return { status: 'no-patient' };
  if (input.treatment) {
    const t = await tx
      .selectFrom('treatment_session')
      .select('id')
      .where('id', '=', input.treatment)
      .where('patient_id', '=', input.patient)
      .executeTakeFirst();
    if (!t) return { status: 'no-treatment' };
  }
  const content = contentOf(input);
  if (input.id) {
    const existing = await tx.selectFrom('follow_up').select(['id', 'content_sha256']).where('id', '=', input.id).executeTakeFirst();
    if (existing) {
      await audit(tx, userId, centreId, 'read', 'follow_up', existing.id);
      return { status: existing.content_sha256 === content ? 'exists' : 'conflict', id: existing.id };
    }
  }
  const id = input.id ?? crypto.randomUUID();
  await tx
    .insertInto('follow_up')
    .values({
      id,
      centre_id: centreId,
      patient_id: input.patient,
      treatment_id: input.treatment ?? null,
      visit_date: input.date.slice(0, 10),
      ufs_qol_symptom_severity: input.ufsQol?.symptomSeverity ?? null,
      ufs_qol_hrql: input.ufsQol?.hrql ?? null,
      fibroid_volume: input.fibroidVolume ?? null,
      reintervention: input.reintervention,
      reintervention_type: input.reinterventionType ?? null,
      content_sha256: content,
    })
    .execute();
  await audit(tx, userId, centreId, 'create', 'follow_up', id);
  if (outbox) await queue(tx, centreId, 'follow_up', id, { ...input, id });
  return { status: 'created', id };
}

/** A patient's follow-up visits, oldest first (null when the patient is not the centre's). */
export async function listFollowUps(tx: RecordsTx, userId: string, centreId: string, patientId: string): Promise<FollowUp[] | null> {
  const patient = await tx.selectFrom('patient').select('id').where('id', '=', patientId).executeTakeFirst();
  if (!patient) return null;
  const rows = await tx
    .selectFrom('follow_up')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('visit_date')
    .orderBy('created_at')
    .execute();
  await audit(tx, userId, centreId, 'list', 'follow_up', patientId);
  return rows.map((r) => ({
    id: r.id,
    patient: r.patient_id,
    treatment: r.treatment_id,
    date: r.visit_date,
    ufsQol: { symptomSeverity: r.ufs_qol_symptom_severity, hrql: r.ufs_qol_hrql },
    fibroidVolume: r.fibroid_volume,
    reintervention: r.reintervention,
    reinterventionType: r.reintervention_type,
  }));
}

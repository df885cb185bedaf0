import { type Plan, parsePlan } from '@openfuas/core';
import { canonicalHash } from './canonical-hash.js';
import type { RecordsTx } from './database/records-store.js';
import { pseudonymOf } from './pseudonym.js';

/**
 * What the API reads and writes, each in the caller's transaction (row-level security already set for the
 * actor's centre) and each recorded in the audit in that same transaction: no read or write without its entry.
 */

export interface PatientInput {
  id?: string;
  localId: string;
  birthYear: number;
}

export interface OutcomeInput {
  npvRatioPredicted?: number;
  npvRatioObserved?: number;
  targetVolume?: number;
  npvVolumePredicted?: number;
  npvVolumeObserved?: number;
  imagingDate?: string;
}

export interface AdverseEventInput {
  description: string;
  sirGrade?: string;
  clavienDindo?: string;
  onsetDate?: string;
}

export interface TreatmentInput {
  id?: string;
  patient: string;
  date: string;
  plan: unknown;
  outcome: OutcomeInput;
  adverseEvents?: AdverseEventInput[];
  delivered?: { energy?: number; sonicationTime?: number; treatmentTime?: number };
  consoleLog?: unknown;
}

/** The result of a create: a new record, the same one pushed again, or a different one under that id. */
export type Created =
  | { status: 'created' | 'exists'; id: string }
  | { status: 'conflict'; id: string }
  | { status: 'no-patient' }
  | { status: 'no-treatment' };

export async function audit(
  tx: RecordsTx,
  userId: string,
  centreId: string | null,
  action: string,
  entity: string,
  entityId: string | null = null,
) {
  await tx.insertInto('audit').values({ user_id: userId, centre_id: centreId, action, entity, entity_id: entityId }).execute();
}

export async function createPatient(tx: RecordsTx, userId: string, centreId: string, input: PatientInput, outbox = true): Promise<Created> {
  const centre = await tx.selectFrom('centre').select('pseudonym_key').where('id', '=', centreId).executeTakeFirstOrThrow();
  const pseudonym = pseudonymOf(centre.pseudonym_key, input.localId);
  const content = canonicalHash({ pseudonym, birthYear: input.birthYear });
  const byPseudonym = await tx.selectFrom('patient').select(['id', 'content_sha256']).where('pseudonym', '=', pseudonym).executeTakeFirst();
  const byId = input.id
    ? await tx.selectFrom('patient').select(['id', 'content_sha256']).where('id', '=', input.id).executeTakeFirst()
    : undefined;
  const existing = byId ?? byPseudonym;
  if (existing) {
    await audit(tx, userId, centreId, 'read', 'patient', existing.id);
    const same = existing.content_sha256 === content && (!input.id || existing.id === input.id);
    return { status: same ? 'exists' : 'conflict', id: existing.id };
  }
  const id = input.id ?? crypto.randomUUID();
  await tx
    .insertInto('patient')
    .values({ id, centre_id: centreId, pseudonym, birth_year: input.birthYear, content_sha256: content, created_by: userId })
    .execute();
  await audit(tx, userId, centreId, 'create', 'patient', id);
  if (outbox) await queue(tx, centreId, 'patient', id, { ...input, id });
  return { status: 'created', id };
}

export async function listPatients(tx: RecordsTx, userId: string, centreId: string) {
  const rows = await tx
    .selectFrom('patient')
    .select(['id', 'pseudonym', 'birth_year', 'created_at'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  await audit(tx, userId, centreId, 'list', 'patient');
  return rows.map((r) => ({ id: r.id, pseudonym: r.pseudonym, birthYear: r.birth_year, createdAt: new Date(r.created_at).toISOString() }));
}

export async function getPatient(tx: RecordsTx, userId: string, centreId: string, id: string) {
  const r = await tx.selectFrom('patient').select(['id', 'pseudonym', 'birth_year', 'created_at']).where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  const treatments = await tx.selectFrom('treatment_session').select('id').where('patient_id', '=', id).orderBy('date').execute();
  await audit(tx, userId, centreId, 'read', 'patient', id);
  return {
    id: r.id,
    pseudonym: r.pseudonym,
    birthYear: r.birth_year,
    createdAt: new Date(r.created_at).toISOString(),
    treatments: treatments.map((t) => t.id),
  };
}

/** Energy (J) and times (s) the plan prescribes: the delivered values when no console log says otherwise. */
export function planTotalsOf(plan: Plan) {
  let energy = 0;
  let sonicationTime = 0;
  let treatmentTime = 0;
  for (const s of plan.sonications) {
    energy += s.power * s.exposure;
    sonicationTime += s.exposure;
    treatmentTime += s.exposure + s.cooling;
  }
  return { energy, sonicationTime, treatmentTime };
}

export async function createTreatment(
  tx: RecordsTx,
  userId: string,
  centreId: string,
  input: TreatmentInput,
  outbox = true,
): Promise<Created> {
  const plan = parsePlan(input.plan); // InputError names the bad field: the route answers 400
  const patient = await tx.selectFrom('patient').select('id').where('id', '=', input.patient).executeTakeFirst();
  if (!patient) return { status: 'no-patient' };
  const date = input.date.slice(0, 10);
  const delivered = { ...planTotalsOf(plan), ...input.delivered };
  const content = canonicalHash({
    patient: input.patient,
    date,
    plan,
    outcome: input.outcome,
    adverseEvents: input.adverseEvents ?? [],
    delivered,
    consoleLog: input.consoleLog ?? null,
  });
  if (input.id) {
    const existing = await tx
      .selectFrom('treatment_session')
      .select(['id', 'content_sha256'])
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (existing) {
      await audit(tx, userId, centreId, 'read', 'treatment', existing.id);
      return { status: existing.content_sha256 === content ? 'exists' : 'conflict', id: existing.id };
    }
  }
  const id = input.id ?? crypto.randomUUID();
  const planId = crypto.randomUUID();
  await tx
    .insertInto('plan')
    .values({ id: planId, centre_id: centreId, patient_id: input.patient, case_id: null, document: JSON.stringify(plan) })
    .execute();
  const log = input.consoleLog === undefined ? null : JSON.stringify(input.consoleLog);
  await tx
    .insertInto('treatment_session')
    .values({
      id,
      centre_id: centreId,
      patient_id: input.patient,
      plan_id: planId,
      operator_id: userId,
      date,
      delivered_energy: delivered.energy,
      sonication_time: delivered.sonicationTime,
      treatment_time: delivered.treatmentTime,
      console_log: log,
      console_log_sha256: log === null ? null : canonicalHash(input.consoleLog),
      content_sha256: content,
    })
    .execute();
  const o = input.outcome;
  await tx
    .insertInto('outcome')
    .values({
      id: crypto.randomUUID(),
      centre_id: centreId,
      treatment_id: id,
      npv_ratio_predicted: o.npvRatioPredicted ?? null,
      npv_ratio_observed: o.npvRatioObserved ?? null,
      target_volume: o.targetVolume ?? null,
      npv_volume_predicted: o.npvVolumePredicted ?? null,
      npv_volume_observed: o.npvVolumeObserved ?? null,
      imaging_date: o.imagingDate?.slice(0, 10) ?? null,
    })
    .execute();
  for (const ae of input.adverseEvents ?? []) {
    await tx
      .insertInto('adverse_event')
      .values({
        id: crypto.randomUUID(),
        centre_id: centreId,
        treatment_id: id,
        description: ae.description,
        sir_grade: ae.sirGrade ?? null,
        clavien_dindo: ae.clavienDindo ?? null,
        onset_date: ae.onsetDate?.slice(0, 10) ?? null,
      })
      .execute();
  }
  await audit(tx, userId, centreId, 'create', 'treatment', id);
  if (outbox) await queue(tx, centreId, 'treatment', id, { ...input, id });
  return { status: 'created', id };
}

export async function getTreatment(tx: RecordsTx, userId: string, centreId: string, id: string) {
  const t = await tx
    .selectFrom('treatment_session as t')
    .innerJoin('plan as p', 'p.id', 't.plan_id')
    .select([
      't.id',
      't.patient_id',
      't.date',
      't.delivered_energy',
      't.sonication_time',
      't.treatment_time',
      't.console_log_sha256',
      'p.document',
    ])
    .where('t.id', '=', id)
    .executeTakeFirst();
  if (!t) return null;
  const o = await tx.selectFrom('outcome').selectAll().where('treatment_id', '=', id).executeTakeFirst();
  const aes = await tx.selectFrom('adverse_event').selectAll().where('treatment_id', '=', id).orderBy('id').execute();
  await audit(tx, userId, centreId, 'read', 'treatment', id);
  return {
    id: t.id,
    patient: t.patient_id,
    date: t.date,
    plan: t.document as Record<string, unknown>,
    delivered: { energy: t.delivered_energy, sonicationTime: t.sonication_time, treatmentTime: t.treatment_time },
    consoleLogSha256: t.console_log_sha256,
    outcome: {
      npvRatioPredicted: o?.npv_ratio_predicted ?? null,
      npvRatioObserved: o?.npv_ratio_observed ?? null,
      targetVolume: o?.target_volume ?? null,
      npvVolumePredicted: o?.npv_volume_predicted ?? null,
      npvVolumeObserved: o?.npv_volume_observed ?? null,
      imagingDate: o?.imaging_date ?? null,
    },
    adverseEvents: aes.map((a) => ({
      description: a.description,
      sirGrade: a.sir_grade,
      clavienDindo: a.clavien_dindo,
      onsetDate: a.onset_date,
    })),
  };
}

/** Queues a created record for `fuas records sync` (the same transaction as the record: both or neither). */
export async function queue(tx: RecordsTx, centreId: string, entity: string, entityId: string, payload: unknown) {
  await tx
    .insertInto('outbox')
    .values({ centre_id: centreId, entity, entity_id: entityId, payload: JSON.stringify(payload), pushed_at: null, error: null })
    .execute();
}

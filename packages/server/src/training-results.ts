import { canonicalHash } from './canonical-hash.js';
import type { RecordsTx } from './database/records-store.js';
import { type Created, audit, queue } from './records.js';

/**
 * A trainee's scored exercise (issue 15's `fuas training score` result), stored as a record of the trainee's
 * centre. Units as in that contract: npvRatio 0–1, eef J/mm³, time s; stored in SI (eef in J/m³).
 */
export interface TrainingResultInput {
  /** client-chosen id (offline outbox): the same result pushed twice is stored once */
  id?: string;
  /** the trainee's username */
  trainee: string;
  /** the training case's id */
  case: string;
  /** 0–100 */
  score: number;
  passed: boolean;
  npvRatio?: number;
  /** energy efficiency factor, J/mm³ */
  eef?: number;
  safetyEvents?: Array<{ code: string; severity: string }>;
  /** s */
  time?: number;
  /** when the exercise ended (ISO 8601); now when absent */
  at?: string;
}

export interface TrainingResult {
  id: string;
  trainee: string;
  case: string;
  score: number;
  passed: boolean;
  npvRatio: number | null;
  eef: number | null;
  safetyEvents: Array<{ code: string; severity: string }>;
  time: number | null;
  at: string;
}

const MM3 = 1e-9; // m³ per mm³

export async function createTrainingResult(
  tx: RecordsTx,
  userId: string,
  centreId: string,
  input: TrainingResultInput,
  /** the trainee's user id where the store knows its users (a server); null in an offline store */
  traineeUserId: string | null,
  outbox = true,
): Promise<Created> {
  const at = new Date(input.at ?? Date.now()).toISOString();
  const { id: _id, ...rest } = input;
  const record = { ...rest, safetyEvents: input.safetyEvents ?? [], at };
  const content = canonicalHash(record);
  if (input.id) {
    const existing = await tx.selectFrom('training_result').select(['id', 'content_sha256']).where('id', '=', input.id).executeTakeFirst();
    if (existing) {
      await audit(tx, userId, centreId, 'read', 'training_result', existing.id);
      return { status: existing.content_sha256 === content ? 'exists' : 'conflict', id: existing.id };
    }
  }
  const id = input.id ?? crypto.randomUUID();
  await tx
    .insertInto('training_result')
    .values({
      id,
      centre_id: centreId,
      user_id: traineeUserId,
      trainee: input.trainee,
      exercise: input.case,
      score: input.score,
      passed: input.passed,
      npv_ratio: input.npvRatio ?? null,
      eef: input.eef === undefined ? null : input.eef / MM3,
      safety_events: JSON.stringify(record.safetyEvents),
      duration: input.time ?? null,
      recorded_by: userId,
      content_sha256: content,
      at,
    })
    .execute();
  await audit(tx, userId, centreId, 'create', 'training_result', id);
  if (outbox) await queue(tx, centreId, 'training_result', id, { ...record, id });
  return { status: 'created', id };
}

/** The centre's training results (one trainee's when given), in the order the exercises ended. */
export async function listTrainingResults(tx: RecordsTx, userId: string, centreId: string, trainee?: string): Promise<TrainingResult[]> {
  let q = tx.selectFrom('training_result').selectAll().orderBy('at').orderBy('id');
  if (trainee !== undefined) q = q.where('trainee', '=', trainee);
  const rows = await q.execute();
  await audit(tx, userId, centreId, 'list', 'training_result', null);
  return rows.map((r) => ({
    id: r.id,
    trainee: r.trainee ?? '',
    case: r.exercise,
    score: r.score,
    passed: r.passed,
    npvRatio: r.npv_ratio,
    eef: r.eef === null ? null : r.eef * MM3,
    safetyEvents: r.safety_events as TrainingResult['safetyEvents'],
    time: r.duration,
    at: new Date(r.at).toISOString(),
  }));
}

import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { InputError } from '@openfuas/core';
import type { z } from '@hono/zod-openapi';
import { Kysely, PostgresDialect } from 'kysely';
import {
  FollowUpRequest,
  LateAdverseEventRequest,
  OutcomeSchema,
  PatientRequest,
  TrainingResultRequest,
  TreatmentRequest,
} from './api/schemas.js';
import { migrate } from './database/migrations.js';
import { PGlitePool } from './database/pglite-pool.js';
import { type RecordsDatabase, type RecordsTx, recordsDatabaseOver } from './database/records-store.js';
import type { RecordsSchema } from './database/tables.js';
import { type FollowUpInput, createFollowUp, listFollowUps } from './follow-ups.js';
import { newCentreKey } from './pseudonym.js';
import {
  type AdverseEventInput,
  type Created,
  type OutcomeInput,
  type PatientInput,
  type TreatmentInput,
  createPatient,
  createTreatment,
  getPatient,
  getTreatment,
  listPatients,
} from './records.js';
import { type SyncReport, syncOutbox } from './sync.js';
import { type TrainingResultInput, createTrainingResult, listTrainingResults } from './training-results.js';
import { addAdverseEvent, recordOutcome } from './treatment-updates.js';

/**
 * `@openfuas/server/browser`: the records store for the workstation offline (issue 14), with no Node import
 * anywhere below it (a test bundles it for the browser). The same schema, migrations, row-level security, audit
 * and outbox as the server, over a PGlite the page opens on IndexedDB (`idb://NAME`); what is recorded here is
 * pushed to the centre's server by `sync` (the same protocol as `fuas records sync`): pushing twice stores
 * nothing twice, a conflict is reported and kept, never overwritten.
 *
 * The store holds one local centre (code LOCAL, its own pseudonymisation key) and one local user: the server
 * pseudonymises the local identifiers again under its own key when they arrive.
 */

export type { SyncReport } from './sync.js';
export type { Created } from './records.js';
export { MIGRATIONS, MIN_CELL, migrate, schemaVersion } from './database/migrations.js';
export { RECORD_TABLES, ROLES } from './database/tables.js';
export type { RecordsDatabase } from './database/records-store.js';

/** PGlite options the store needs (DATE columns as YYYY-MM-DD strings): pass them when you create the PGlite yourself. */
export const RECORDS_PGLITE_OPTIONS: PGliteOptions = { parsers: { 1082: (v: string) => v } };

const LOCAL_CENTRE = 'LOCAL';
const LOCAL_USER = 'local';

export interface OfflineRecordsOptions {
  /** PGlite data directory: `idb://openfuas-records` in a browser (IndexedDB), none for memory */
  dataDir?: string;
  /** a PGlite the caller opened (with RECORDS_PGLITE_OPTIONS); closed by `close()` */
  pglite?: PGlite;
}

export interface OfflineRecords {
  readonly db: RecordsDatabase;
  readonly centreId: string;
  readonly userId: string;
  createPatient(input: PatientInput): Promise<Created>;
  listPatients(): ReturnType<typeof listPatients>;
  getPatient(id: string): ReturnType<typeof getPatient>;
  createTreatment(input: TreatmentInput): Promise<Created>;
  getTreatment(id: string): ReturnType<typeof getTreatment>;
  recordOutcome(treatment: string, input: OutcomeInput): ReturnType<typeof recordOutcome>;
  addAdverseEvent(treatment: string, input: AdverseEventInput & { id?: string }): Promise<Created>;
  createFollowUp(input: FollowUpInput): Promise<Created>;
  listFollowUps(patient: string): ReturnType<typeof listFollowUps>;
  createTrainingResult(input: TrainingResultInput): Promise<Created>;
  listTrainingResults(trainee?: string): ReturnType<typeof listTrainingResults>;
  /** entries not pushed yet (conflicts and failures of earlier pushes included, with their `error`) */
  pending(): Promise<Array<{ seq: string; entity: string; id: string; error: string | null }>>;
  /** pushes the outbox to a records server (`url` without /api/v1) with a bearer token from POST /api/v1/session */
  sync(url: string, token: string, fetchImpl?: typeof fetch): Promise<SyncReport>;
  close(): Promise<void>;
}

/** The request schema's verdict as the server would give it: an InputError naming the first failing field. */
function valid<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new InputError(issue.path.map(String).join('.'), issue.message);
}

/** Opens (creating and migrating on first use) the offline records store. */
export async function openOfflineRecords(options: OfflineRecordsOptions = {}): Promise<OfflineRecords> {
  const pg = options.pglite ?? (await PGlite.create(options.dataDir, RECORDS_PGLITE_OPTIONS));
  const owner = new Kysely<RecordsSchema>({ dialect: new PostgresDialect({ pool: new PGlitePool(pg) }) });
  await migrate(owner);
  let centre = await owner.selectFrom('centre').select('id').where('code', '=', LOCAL_CENTRE).executeTakeFirst();
  if (!centre) {
    centre = { id: crypto.randomUUID() };
    await owner
      .insertInto('centre')
      .values({ id: centre.id, code: LOCAL_CENTRE, name: 'This workstation (offline)', pseudonym_key: newCentreKey() })
      .execute();
  }
  let user = await owner.selectFrom('app_user').select('id').where('username', '=', LOCAL_USER).executeTakeFirst();
  if (!user) {
    user = { id: crypto.randomUUID() };
    // no password: nobody signs in to the local store, the page itself is the only client
    await owner
      .insertInto('app_user')
      .values({ id: user.id, username: LOCAL_USER, role: 'physician', centre_id: centre.id, password_hash: '!' })
      .execute();
  }
  const db = recordsDatabaseOver(owner, 'pglite', undefined);
  const centreId = centre.id;
  const userId = user.id;
  const as = <T>(fn: (tx: RecordsTx) => Promise<T>) => db.asActor({ userId, centreId }, fn);
  return {
    db,
    centreId,
    userId,
    createPatient: (input) => as((tx) => createPatient(tx, userId, centreId, valid(PatientRequest, input))),
    listPatients: () => as((tx) => listPatients(tx, userId, centreId)),
    getPatient: (id) => as((tx) => getPatient(tx, userId, centreId, id)),
    createTreatment: (input) => as((tx) => createTreatment(tx, userId, centreId, valid(TreatmentRequest, input))),
    getTreatment: (id) => as((tx) => getTreatment(tx, userId, centreId, id)),
    recordOutcome: (treatment, input) => as((tx) => recordOutcome(tx, userId, centreId, treatment, valid(OutcomeSchema, input))),
    addAdverseEvent: (treatment, input) =>
      as((tx) => addAdverseEvent(tx, userId, centreId, treatment, valid(LateAdverseEventRequest, input))),
    createFollowUp: (input) => as((tx) => createFollowUp(tx, userId, centreId, valid(FollowUpRequest, input))),
    listFollowUps: (patient) => as((tx) => listFollowUps(tx, userId, centreId, patient)),
    createTrainingResult: (input) => as((tx) => createTrainingResult(tx, userId, centreId, valid(TrainingResultRequest, input), null)),
    listTrainingResults: (trainee) => as((tx) => listTrainingResults(tx, userId, centreId, trainee)),
    async pending() {
      const rows = await owner
        .selectFrom('outbox')
        .select(['seq', 'entity', 'entity_id', 'error'])
        .where('pushed_at', 'is', null)
        .orderBy('seq')
        .execute();
      return rows.map((r) => ({ seq: String(r.seq), entity: r.entity, id: r.entity_id, error: r.error }));
    },
    sync: (url, token, fetchImpl) => syncOutbox(owner, url, token, fetchImpl),
    close: () => db.close(),
  };
}

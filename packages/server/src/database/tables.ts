import type { ColumnType, Generated } from 'kysely';

/**
 * The records schema as Kysely sees it. SI units throughout: volumes in m³, energy in J, times in s; dates are
 * ISO strings (YYYY-MM-DD), instants `timestamptz`. Every table holding patient data carries `centre_id` and is
 * filtered by row-level security (see migrations.ts).
 */

type Instant = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export const ROLES = ['admin', 'physician', 'instructor', 'trainee', 'researcher'] as const;
export type Role = (typeof ROLES)[number];

/** SIR adverse-event classification (Society of Interventional Radiology, Sacks et al., JVIR 2003): A–F. */
export const SIR_GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
/** Clavien–Dindo classification of surgical complications (Dindo et al., Ann Surg 2004). */
export const CLAVIEN_DINDO_GRADES = ['I', 'II', 'IIIa', 'IIIb', 'IVa', 'IVb', 'V'] as const;

export interface CentreTable {
  id: string;
  code: string;
  name: string;
  /** hex, 32 random bytes: the key of the HMAC that pseudonymises local patient identifiers */
  pseudonym_key: string;
  created_at: Generated<Date>;
}

export interface AppUserTable {
  id: string;
  username: string;
  role: Role;
  centre_id: string | null;
  /** scrypt$N$r$p$salt$hash (hex) */
  password_hash: string;
  created_at: Generated<Date>;
}

export interface AuthSessionTable {
  /** SHA-256 of the bearer token (hex); the token itself is never stored */
  token_hash: string;
  user_id: string;
  expires_at: Instant;
}

export interface PatientTable {
  id: string;
  centre_id: string;
  /** HMAC-SHA256(centre key, local identifier), hex; no name or local identifier is stored */
  pseudonym: string;
  birth_year: number;
  /** SHA-256 of the canonical request, to tell a repeated push from a conflicting one */
  content_sha256: string;
  created_by: string;
  created_at: Generated<Date>;
}

export interface ImagingCaseTable {
  id: string;
  centre_id: string;
  patient_id: string;
  /** [{ role: "T2", sha256 }]: images by content hash, the pixels stay at the centre */
  images: Json;
  /** structure name → volume (m³) */
  structures: Json;
  created_at: Generated<Date>;
}

export interface PlanTable {
  id: string;
  centre_id: string;
  patient_id: string;
  case_id: string | null;
  /** the openfuas-plan document (validated by core's parsePlan) */
  document: Json;
  created_at: Generated<Date>;
}

export interface TreatmentSessionTable {
  id: string;
  centre_id: string;
  patient_id: string;
  plan_id: string;
  operator_id: string;
  /** YYYY-MM-DD */
  date: string;
  /** J, acoustic energy delivered (from the console log, or the plan's total when no log) */
  delivered_energy: number | null;
  /** s, total sonication (beam-on) time */
  sonication_time: number | null;
  /** s, from first to last sonication */
  treatment_time: number | null;
  console_log: Json | null;
  console_log_sha256: string | null;
  content_sha256: string;
  created_at: Generated<Date>;
}

export interface OutcomeTable {
  id: string;
  centre_id: string;
  treatment_id: string;
  /** non-perfused volume ratio predicted by the simulation, 0–1 */
  npv_ratio_predicted: number | null;
  /** non-perfused volume ratio observed on contrast-enhanced MRI, 0–1 */
  npv_ratio_observed: number | null;
  /** m³ */
  target_volume: number | null;
  /** m³ */
  npv_volume_predicted: number | null;
  /** m³ */
  npv_volume_observed: number | null;
  imaging_date: string | null;
}

export interface AdverseEventTable {
  id: string;
  centre_id: string;
  treatment_id: string;
  description: string;
  sir_grade: string | null;
  clavien_dindo: string | null;
  onset_date: string | null;
  /** SHA-256 of the canonical request of an event added after the treatment (null: recorded with it) */
  content_sha256: string | null;
  created_at: Generated<Date>;
}

export interface FollowUpTable {
  id: string;
  centre_id: string;
  patient_id: string;
  treatment_id: string | null;
  visit_date: string;
  /** UFS-QOL symptom severity score, 0–100 (Spies et al., Obstet Gynecol 2002) */
  ufs_qol_symptom_severity: number | null;
  /** UFS-QOL health-related quality of life score, 0–100 */
  ufs_qol_hrql: number | null;
  /** m³ */
  fibroid_volume: number | null;
  reintervention: boolean;
  reintervention_type: string | null;
  content_sha256: string | null;
  created_at: Generated<Date>;
}

export interface TrainingResultTable {
  id: string;
  centre_id: string;
  /** the trainee's user id on a server; null in an offline store, which knows the trainee by name only */
  user_id: string | null;
  /** the trainee's username */
  trainee: string | null;
  /** the training case's id (issue 15), e.g. "fibroid-anterior-01" */
  exercise: string;
  /** 0–100 */
  score: number;
  passed: boolean;
  /** NPV ratio the exercise reached, 0–1 */
  npv_ratio: number | null;
  /** energy efficiency factor, J/m³ (SI; the CLI's J/mm³ × 1e9) */
  eef: number | null;
  /** [{ code, severity }] */
  safety_events: Json;
  /** s, the exercise's duration */
  duration: number | null;
  recorded_by: string | null;
  content_sha256: string | null;
  at: Instant;
}

export interface AuditTable {
  seq: Generated<string>;
  at: Generated<Date>;
  centre_id: string | null;
  user_id: string;
  /** read | create | list | export */
  action: string;
  entity: string;
  entity_id: string | null;
}

export interface OutboxTable {
  seq: Generated<string>;
  centre_id: string;
  /** patient | treatment */
  entity: string;
  entity_id: string;
  /** the API request body to push; cleared once pushed */
  payload: Json | null;
  pushed_at: Instant | null;
  /** the last push's answer when it was refused (a conflict), for the report */
  error: string | null;
}

export interface RecordsSchema {
  centre: CentreTable;
  app_user: AppUserTable;
  auth_session: AuthSessionTable;
  patient: PatientTable;
  imaging_case: ImagingCaseTable;
  plan: PlanTable;
  treatment_session: TreatmentSessionTable;
  outcome: OutcomeTable;
  adverse_event: AdverseEventTable;
  follow_up: FollowUpTable;
  training_result: TrainingResultTable;
  audit: AuditTable;
  outbox: OutboxTable;
  centre_outcomes: CentreOutcomesView;
  npv_calibration: NpvCalibrationView;
  npv_prediction_summary: NpvPredictionSummaryView;
}

/**
 * De-identified aggregates per centre across all centres (views owned by the schema owner, readable by the
 * request role). Small cells are withheld in the database itself (MIN_CELL in migrations.ts): a centre with
 * fewer than 5 treatments shows only `suppressed`, counts of 1–4 and statistics over fewer than 5 records are null.
 */
export interface CentreOutcomesView {
  centre_code: string;
  suppressed: boolean;
  treatments: number | null;
  with_observed_npv: number | null;
  mean_npv_ratio_observed: number | null;
  sd_npv_ratio_observed: number | null;
  mean_npv_ratio_predicted: number | null;
  mean_abs_prediction_error: number | null;
  adverse_events: number | null;
  major_adverse_events: number | null;
}

/** Observed NPV ratio by bins of 0.1 of the predicted ratio, all centres (small bins withheld). */
export interface NpvCalibrationView {
  bin_lower: number;
  bin_upper: number;
  suppressed: boolean;
  n: number | null;
  mean_predicted: number | null;
  mean_observed: number | null;
  sd_observed: number | null;
}

/** Observed − predicted NPV ratio over all centres' treatments that have both. */
export interface NpvPredictionSummaryView {
  suppressed: boolean;
  n: number | null;
  mean_error: number | null;
  sd_error: number | null;
  mean_abs_error: number | null;
  correlation: number | null;
}

/** Tables in foreign-key order (for backup, restore, CSV export). */
export const RECORD_TABLES = [
  'centre',
  'app_user',
  'patient',
  'imaging_case',
  'plan',
  'treatment_session',
  'outcome',
  'adverse_event',
  'follow_up',
  'training_result',
  'audit',
  'outbox',
] as const;
export type RecordTable = (typeof RECORD_TABLES)[number];

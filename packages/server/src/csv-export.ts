import type { RecordsTx } from './database/records-database.js';

/** Tables a centre may export as CSV, and the columns (never keys, hashes of passwords or raw identifiers). */
export const CSV_TABLES = {
  patient: ['id', 'pseudonym', 'birth_year', 'created_at'],
  treatment_session: [
    'id',
    'patient_id',
    'plan_id',
    'operator_id',
    'date',
    'delivered_energy',
    'sonication_time',
    'treatment_time',
    'console_log_sha256',
  ],
  outcome: [
    'id',
    'treatment_id',
    'npv_ratio_predicted',
    'npv_ratio_observed',
    'target_volume',
    'npv_volume_predicted',
    'npv_volume_observed',
    'imaging_date',
  ],
  adverse_event: ['id', 'treatment_id', 'description', 'sir_grade', 'clavien_dindo', 'onset_date'],
  follow_up: [
    'id',
    'patient_id',
    'treatment_id',
    'visit_date',
    'ufs_qol_symptom_severity',
    'ufs_qol_hrql',
    'fibroid_volume',
    'reintervention',
    'reintervention_type',
  ],
  training_result: ['id', 'user_id', 'trainee', 'exercise', 'score', 'passed', 'npv_ratio', 'eef', 'duration', 'at'],
  audit: ['seq', 'at', 'user_id', 'action', 'entity', 'entity_id'],
} as const;
export type CsvTable = keyof typeof CSV_TABLES;

/** One RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function tableCsv(tx: RecordsTx, table: CsvTable): Promise<string> {
  const columns = CSV_TABLES[table] as readonly string[];
  // biome-ignore lint/suspicious/noExplicitAny: the table name is one of CSV_TABLES, checked by the route
  const rows = (await (tx as any).selectFrom(table).select(columns).orderBy(columns[0]).execute()) as Record<string, unknown>[];
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => field(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

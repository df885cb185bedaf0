import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { RecordsSchema } from './tables.js';

/**
 * The role every request runs as (`SET LOCAL ROLE`): not a superuser, not the tables' owner, so PostgreSQL's
 * row-level security applies to it. The owner (the role that runs migrations: PGlite's superuser, or the
 * DATABASE_URL user) is used only for migrations, logins and administration (centre/user add, backup).
 */
export const APP_ROLE = 'openfuas_app';

/** Tables holding a centre's records: row-level security by `centre_id`. */
const CENTRE_TABLES = ['patient', 'imaging_case', 'plan', 'treatment_session', 'outcome', 'adverse_event', 'follow_up', 'training_result'];

type Db = Kysely<unknown>;
const run = async (db: Db, statements: string[]) => {
  for (const s of statements) await sql.raw(s).execute(db);
};

/** Version 1: the tables (SI units; see tables.ts for the meaning of each column). */
const v0001: Migration = {
  async up(db) {
    await run(db, [
      `create table centre (
        id uuid primary key, code text not null unique check (code ~ '^[A-Za-z0-9_-]{1,32}$'),
        name text not null check (length(name) between 1 and 200), pseudonym_key text not null,
        created_at timestamptz not null default now())`,
      `create table app_user (
        id uuid primary key, username text not null unique check (username ~ '^[A-Za-z0-9_.@-]{1,64}$'),
        role text not null check (role in ('admin','physician','instructor','trainee','researcher')),
        centre_id uuid references centre(id), password_hash text not null,
        created_at timestamptz not null default now(),
        check (role = 'researcher' or centre_id is not null))`,
      `create table auth_session (
        token_hash text primary key, user_id uuid not null references app_user(id), expires_at timestamptz not null)`,
      `create table patient (
        id uuid primary key, centre_id uuid not null references centre(id), pseudonym text not null,
        birth_year integer not null check (birth_year between 1900 and 2100), content_sha256 text not null,
        created_by uuid not null, created_at timestamptz not null default now(), unique (centre_id, pseudonym))`,
      `create table imaging_case (
        id uuid primary key, centre_id uuid not null references centre(id), patient_id uuid not null references patient(id),
        images jsonb not null, structures jsonb not null, created_at timestamptz not null default now())`,
      `create table plan (
        id uuid primary key, centre_id uuid not null references centre(id), patient_id uuid not null references patient(id),
        case_id uuid references imaging_case(id), document jsonb not null, created_at timestamptz not null default now())`,
      `create table treatment_session (
        id uuid primary key, centre_id uuid not null references centre(id), patient_id uuid not null references patient(id),
        plan_id uuid not null references plan(id), operator_id uuid not null, date date not null,
        delivered_energy double precision check (delivered_energy >= 0), sonication_time double precision check (sonication_time >= 0),
        treatment_time double precision check (treatment_time >= 0), console_log jsonb, console_log_sha256 text,
        content_sha256 text not null, created_at timestamptz not null default now())`,
      `create table outcome (
        id uuid primary key, centre_id uuid not null references centre(id), treatment_id uuid not null unique references treatment_session(id),
        npv_ratio_predicted double precision check (npv_ratio_predicted between 0 and 1),
        npv_ratio_observed double precision check (npv_ratio_observed between 0 and 1),
        target_volume double precision check (target_volume >= 0), npv_volume_predicted double precision check (npv_volume_predicted >= 0),
        npv_volume_observed double precision check (npv_volume_observed >= 0), imaging_date date)`,
      `create table adverse_event (
        id uuid primary key, centre_id uuid not null references centre(id), treatment_id uuid not null references treatment_session(id),
        description text not null, sir_grade text check (sir_grade in ('A','B','C','D','E','F')),
        clavien_dindo text check (clavien_dindo in ('I','II','IIIa','IIIb','IVa','IVb','V')), onset_date date)`,
      `create table follow_up (
        id uuid primary key, centre_id uuid not null references centre(id), patient_id uuid not null references patient(id),
        treatment_id uuid references treatment_session(id), visit_date date not null,
        ufs_qol_symptom_severity double precision check (ufs_qol_symptom_severity between 0 and 100),
        ufs_qol_hrql double precision check (ufs_qol_hrql between 0 and 100), fibroid_volume double precision check (fibroid_volume >= 0),
        reintervention boolean not null default false, reintervention_type text)`,
      `create table training_result (
        id uuid primary key, centre_id uuid not null references centre(id), user_id uuid not null references app_user(id),
        exercise text not null, score double precision not null, passed boolean not null, at timestamptz not null default now())`,
      `create table audit (
        seq bigint generated by default as identity primary key, at timestamptz not null default now(), centre_id uuid,
        user_id uuid not null, action text not null, entity text not null, entity_id text)`,
      `create table outbox (
        seq bigint generated by default as identity primary key, centre_id uuid not null, entity text not null, entity_id uuid not null,
        payload jsonb, pushed_at timestamptz, error text)`,
      'create index patient_centre on patient (centre_id)',
      'create index treatment_centre on treatment_session (centre_id, date)',
      'create index audit_centre on audit (centre_id, seq)',
      // Append-only audit: no UPDATE, DELETE or TRUNCATE, whoever asks (the owner included).
      `create function audit_refuse() returns trigger language plpgsql as $$
        begin raise exception 'audit is append-only (% refused)', tg_op; end $$`,
      'create trigger audit_no_change before update or delete on audit for each row execute function audit_refuse()',
      'create trigger audit_no_truncate before truncate on audit for each statement execute function audit_refuse()',
    ]);
  },
};

/**
 * Version 2: row-level security. The request role sees and writes only rows of the centre set for the
 * transaction (`set_config('app.centre', id, true)`); unset, `current_centre()` is null and nothing matches
 * (fail closed). The role gets no access at all to users, sessions or the centre keys of other centres.
 */
const v0002: Migration = {
  async up(db) {
    await run(db, [
      `do $$ begin
        if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then create role ${APP_ROLE} nologin; end if;
        if not pg_has_role(current_user, '${APP_ROLE}', 'MEMBER') then execute format('grant ${APP_ROLE} to %I', current_user); end if;
        execute format('grant usage on schema %I to ${APP_ROLE}', current_schema());
      end $$`,
      `create function current_centre() returns uuid language sql stable as
        $$ select nullif(current_setting('app.centre', true), '')::uuid $$`,
      ...CENTRE_TABLES.flatMap((t) => [
        `alter table ${t} enable row level security`,
        `create policy ${t}_centre on ${t} using (centre_id = current_centre()) with check (centre_id = current_centre())`,
        `grant select, insert, update on ${t} to ${APP_ROLE}`,
      ]),
      'alter table centre enable row level security',
      'create policy centre_own on centre for select using (id = current_centre())',
      `grant select on centre to ${APP_ROLE}`,
      // Audit: insert rows of one's own centre (or none, for a researcher), read one's centre's; never change.
      'alter table audit enable row level security',
      `create policy audit_insert on audit for insert with check (centre_id is not distinct from current_centre())`,
      'create policy audit_read on audit for select using (centre_id = current_centre())',
      `grant select, insert on audit to ${APP_ROLE}`,
      'alter table outbox enable row level security',
      'create policy outbox_centre on outbox using (centre_id = current_centre()) with check (centre_id = current_centre())',
      `grant select, insert, update on outbox to ${APP_ROLE}`,
      `do $$ begin execute format('grant usage on all sequences in schema %I to ${APP_ROLE}', current_schema()); end $$`,
    ]);
  },
};

/**
 * Version 3: de-identified aggregates per centre for researchers. A view runs with its owner's rights, and the
 * owner is not subject to the policies, so it sums over all centres; the request role may read the view but
 * not the rows under it. Only counts and means leave it: no patient, date or identifier.
 */
const v0003: Migration = {
  async up(db) {
    await run(db, [
      `create view centre_outcomes as
        select c.code as centre_code,
          count(t.id)::int as treatments,
          count(o.npv_ratio_observed)::int as with_observed_npv,
          avg(o.npv_ratio_observed) as mean_npv_ratio_observed,
          avg(o.npv_ratio_predicted) as mean_npv_ratio_predicted,
          avg(abs(o.npv_ratio_observed - o.npv_ratio_predicted)) as mean_abs_prediction_error,
          coalesce(sum(ae.n), 0)::int as adverse_events,
          coalesce(sum(ae.major), 0)::int as major_adverse_events
        from centre c
        left join treatment_session t on t.centre_id = c.id
        left join outcome o on o.treatment_id = t.id
        left join (select treatment_id, count(*) as n,
                     count(*) filter (where sir_grade in ('C','D','E','F') or clavien_dindo in ('IIIa','IIIb','IVa','IVb','V')) as major
                   from adverse_event group by treatment_id) ae on ae.treatment_id = t.id
        group by c.code`,
      `grant select on centre_outcomes to ${APP_ROLE}`,
      `create view outcome_pairs as
        select c.code as centre_code, o.npv_ratio_predicted as predicted, o.npv_ratio_observed as observed
        from outcome o join centre c on c.id = o.centre_id
        where o.npv_ratio_predicted is not null and o.npv_ratio_observed is not null
        order by c.code, o.npv_ratio_predicted, o.npv_ratio_observed`,
      `grant select on outcome_pairs to ${APP_ROLE}`,
    ]);
  },
};

/**
 * Smallest cell a researcher (or another centre) may see: counts 1–4 and any mean, SD or rate over fewer than
 * MIN_CELL records are withheld (null, `suppressed`). The threshold of the UK Office for National Statistics'
 * and NHS Digital's small-number rules for health statistics (counts below 5 suppressed); see docs/records.md.
 */
export const MIN_CELL = 5;

const cell = (count: string, value = count) => `case when ${count} >= ${MIN_CELL} then ${value} end`;
const smallCount = (count: string) => `case when ${count} = 0 or ${count} >= ${MIN_CELL} then ${count} end`;
const MAJOR_AE = `sir_grade in ('C','D','E','F') or clavien_dindo in ('IIIa','IIIb','IVa','IVb','V')`;

/**
 * Version 4: follow-up, late adverse events and training results as records of their own (client ids, content
 * hashes for idempotent pushes, the trainee by name so an offline store can record them), and the researcher
 * views rebuilt with small-cell suppression (version 3's views showed counts and means of any size, and the
 * NPV pairs one by one: both dropped).
 */
const v0004: Migration = {
  async up(db) {
    await run(db, [
      'drop view outcome_pairs',
      'drop view centre_outcomes',
      'alter table training_result alter column user_id drop not null',
      `alter table training_result
        add column trainee text, add column npv_ratio double precision check (npv_ratio between 0 and 1),
        add column eef double precision check (eef >= 0), add column safety_events jsonb not null default '[]'::jsonb,
        add column duration double precision check (duration >= 0), add column recorded_by uuid, add column content_sha256 text,
        add constraint training_score check (score between 0 and 100)`,
      'create index training_result_trainee on training_result (centre_id, trainee, at)',
      `alter table adverse_event add column content_sha256 text, add column created_at timestamptz not null default now()`,
      `alter table follow_up add column content_sha256 text, add column created_at timestamptz not null default now()`,
      'create index follow_up_patient on follow_up (centre_id, patient_id, visit_date)',
      `create view centre_outcomes as
        with per_treatment as (
          select t.centre_id, o.npv_ratio_observed as obs, o.npv_ratio_predicted as pred,
            coalesce(ae.n, 0) as n_ae, coalesce(ae.major, 0) as n_major
          from treatment_session t
          left join outcome o on o.treatment_id = t.id
          left join (select treatment_id, count(*) as n, count(*) filter (where ${MAJOR_AE}) as major
                     from adverse_event group by treatment_id) ae on ae.treatment_id = t.id
        ), per_centre as (
          select c.code, count(p.centre_id)::int as n, count(p.obs)::int as n_obs, count(p.pred)::int as n_pred,
            count(p.obs - p.pred)::int as n_pairs, avg(p.obs) as mean_obs, stddev_samp(p.obs) as sd_obs, avg(p.pred) as mean_pred,
            avg(abs(p.obs - p.pred)) as mae, coalesce(sum(p.n_ae), 0)::int as ae, coalesce(sum(p.n_major), 0)::int as major
          from centre c left join per_treatment p on p.centre_id = c.id group by c.code
        )
        select code as centre_code, n < ${MIN_CELL} as suppressed,
          ${cell('n')} as treatments,
          case when n >= ${MIN_CELL} then ${smallCount('n_obs')} end as with_observed_npv,
          case when n >= ${MIN_CELL} then ${cell('n_obs', 'mean_obs')} end as mean_npv_ratio_observed,
          case when n >= ${MIN_CELL} then ${cell('n_obs', 'sd_obs')} end as sd_npv_ratio_observed,
          case when n >= ${MIN_CELL} then ${cell('n_pred', 'mean_pred')} end as mean_npv_ratio_predicted,
          case when n >= ${MIN_CELL} then ${cell('n_pairs', 'mae')} end as mean_abs_prediction_error,
          case when n >= ${MIN_CELL} then ${smallCount('ae')} end as adverse_events,
          case when n >= ${MIN_CELL} then ${smallCount('major')} end as major_adverse_events
        from per_centre`,
      `grant select on centre_outcomes to ${APP_ROLE}`,
      // calibration of the predicted NPV ratio: bins of 0.1 in the prediction, across all centres
      `create view npv_calibration as
        with pairs as (
          select least(floor(npv_ratio_predicted * 10), 9)::int as bin, npv_ratio_predicted as pred, npv_ratio_observed as obs
          from outcome where npv_ratio_predicted is not null and npv_ratio_observed is not null
        ), bins as (
          select bin, count(*)::int as n, avg(pred) as mean_pred, avg(obs) as mean_obs, stddev_samp(obs) as sd_obs from pairs group by bin
        )
        select bin / 10.0 as bin_lower, (bin + 1) / 10.0 as bin_upper, n < ${MIN_CELL} as suppressed, ${cell('n')} as n,
          ${cell('n', 'mean_pred')} as mean_predicted, ${cell('n', 'mean_obs')} as mean_observed, ${cell('n', 'sd_obs')} as sd_observed
        from bins`,
      `grant select on npv_calibration to ${APP_ROLE}`,
      `create view npv_prediction_summary as
        with pairs as (
          select npv_ratio_predicted as pred, npv_ratio_observed as obs from outcome
          where npv_ratio_predicted is not null and npv_ratio_observed is not null
        ), s as (
          select count(*)::int as n, avg(obs - pred) as bias, stddev_samp(obs - pred) as sd, avg(abs(obs - pred)) as mae,
            corr(pred, obs) as r from pairs
        )
        select n < ${MIN_CELL} as suppressed, ${cell('n')} as n, ${cell('n', 'bias')} as mean_error, ${cell('n', 'sd')} as sd_error,
          ${cell('n', 'mae')} as mean_abs_error, ${cell('n', 'r')} as correlation
        from s`,
      `grant select on npv_prediction_summary to ${APP_ROLE}`,
    ]);
  },
};

/** Every migration by version name; names sort in the order they apply. Never edit one that has shipped. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-schema': v0001,
  '0002-row-security': v0002,
  '0003-researcher-aggregates': v0003,
  '0004-follow-up-training-suppression': v0004,
};

class StaticProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations() {
    return this.migrations;
  }
}

/** Brings the schema to `target` (default: the latest version); returns the names applied now. */
export async function migrate(db: Kysely<RecordsSchema>, target?: string, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider(MIGRATIONS), ...(schema ? { migrationTableSchema: schema } : {}) });
  const r = target ? await migrator.migrateTo(target) : await migrator.migrateToLatest();
  if (r.error) throw r.error instanceof Error ? r.error : new Error(String(r.error));
  return (r.results ?? []).filter((m) => m.status === 'Success').map((m) => m.migrationName);
}

/** The applied version (the last migration's name), or null on an empty database. */
export async function schemaVersion(db: Kysely<RecordsSchema>, schema?: string): Promise<string | null> {
  const migrator = new Migrator({ db, provider: new StaticProvider(MIGRATIONS), ...(schema ? { migrationTableSchema: schema } : {}) });
  const all = await migrator.getMigrations();
  const applied = all.filter((m) => m.executedAt);
  return applied.length ? applied[applied.length - 1].name : null;
}

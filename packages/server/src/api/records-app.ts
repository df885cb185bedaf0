import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { FuasError, InputError } from '@openfuas/core';
import { sql } from 'kysely';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { LoginLimiter } from '../auth/login-limiter.js';
import { DUMMY_HASH, verifyPassword } from '../auth/password.js';
import { TOKEN_TTL_MS, issueToken, resolveToken } from '../auth/session-tokens.js';
import { CSV_TABLES, type CsvTable, tableCsv } from '../csv-export.js';
import { schemaVersion } from '../database/migrations.js';
import type { RecordsDatabase } from '../database/records-store.js';
import { fhirBundle } from '../fhir-bundle.js';
import { registerAnalyticsRoutes } from './analytics-routes.js';
import { registerFollowUpRoutes } from './follow-up-routes.js';
import {
  CLINICAL,
  type Env,
  WRITERS,
  bearer,
  conflictOnDuplicate,
  errors,
  forbidden,
  isUuid,
  json,
  childWriteAnswer,
  notFound,
  writeAnswer,
} from './route-kit.js';
import { registerTrainingRoutes } from './training-routes.js';
import { audit, createPatient, createTreatment, getPatient, getTreatment, listPatients } from '../records.js';
import {
  ErrorSchema,
  IdParam,
  IdSchema,
  PatientRequest,
  PatientSchema,
  SessionRequest,
  SessionResponse,
  TreatmentRequest,
  TreatmentSchema,
} from './schemas.js';

export interface RecordsAppOptions {
  /** largest accepted request body, bytes (default 2 MiB: a plan of a few thousand sonications) */
  maxBodyBytes?: number;
  tokenTtlMs?: number;
  limiter?: LoginLimiter;
}

/**
 * The records API, /api/v1 (see the issue's contract). Every answer is JSON, errors included
 * `{ error, fields? }`; a record of another centre is answered 404 exactly as one that does not exist.
 */
export function createRecordsApp(db: RecordsDatabase, options: RecordsAppOptions = {}) {
  const limiter = options.limiter ?? new LoginLimiter();
  const maxBody = options.maxBodyBytes ?? 2 * 1024 * 1024;
  const app = new OpenAPIHono<Env>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const fields = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
        return c.json({ error: 'invalid input', fields }, 400);
      }
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  app.use(
    '/api/v1/*',
    bodyLimit({
      maxSize: maxBody,
      onError: (c) => c.json({ error: 'invalid input', fields: [{ path: '', message: `body larger than ${maxBody} bytes` }] }, 400),
    }),
  );
  const open = new Set(['/api/v1/session', '/api/v1/health', '/api/v1/openapi.json']);
  app.use('/api/v1/*', async (c, next) => {
    if (open.has(c.req.path)) return next();
    const m = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '');
    const user = m ? await resolveToken(db.owner, m[1]) : null;
    if (!user) return c.json({ error: 'unauthorized: sign in with POST /api/v1/session, then send Authorization: Bearer TOKEN' }, 401);
    c.set('user', user);
    return next();
  });

  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((e, c) => {
    if (e instanceof HTTPException) return c.json({ error: e.message || 'bad request' }, e.status);
    if (e instanceof InputError) return c.json({ error: 'invalid input', fields: [{ path: e.field, message: e.message }] }, 400);
    if (e instanceof FuasError) return c.json({ error: e.message }, 400);
    console.error(e);
    return c.json({ error: 'internal error' }, 500);
  });

  // ---- session
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/session',
      request: { body: { content: { 'application/json': { schema: SessionRequest } }, required: true } },
      responses: {
        200: json(SessionResponse, 'a bearer token'),
        400: errors[400],
        401: errors[401],
        429: json(ErrorSchema, 'too many failed attempts'),
      },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      const wait = limiter.retryAfter(username);
      if (wait > 0) {
        c.header('Retry-After', String(Math.ceil(wait / 1000)));
        return c.json({ error: 'too many failed sign-ins for this user: try again later' }, 429);
      }
      const user = await db.owner
        .selectFrom('app_user')
        .select(['id', 'password_hash'])
        .where('username', '=', username)
        .executeTakeFirst();
      const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      if (!user || !ok) {
        limiter.fail(username);
        return c.json({ error: 'unknown user or wrong password' }, 401);
      }
      limiter.succeed(username);
      const { token, expiresAt } = await issueToken(db.owner, user.id, options.tokenTtlMs ?? TOKEN_TTL_MS);
      return c.json({ token, expiresAt: expiresAt.toISOString() }, 200);
    },
  );

  // ---- patients
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/patients',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: PatientRequest } }, required: true } },
      responses: {
        201: json(IdSchema, 'created'),
        200: json(IdSchema, 'the same record was stored before'),
        409: json(ErrorSchema, 'conflict'),
        ...errors,
      },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(WRITERS, user);
      if (no) return c.json({ error: no }, 403);
      const r = await db
        .asActor({ userId: user.id, centreId: user.centreId }, (tx) => createPatient(tx, user.id, user.centreId!, c.req.valid('json')))
        .catch(conflictOnDuplicate);
      return writeAnswer(c, r, 'conflict: a different patient record exists with this id or local identifier');
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/patients',
      security: bearer,
      responses: { 200: json(z.object({ patients: z.array(PatientSchema) }), 'the centre’s patients'), ...errors },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(CLINICAL, user);
      if (no) return c.json({ error: no }, 403);
      const patients = await db.asActor({ userId: user.id, centreId: user.centreId }, (tx) => listPatients(tx, user.id, user.centreId!));
      return c.json({ patients }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/patients/{id}',
      security: bearer,
      request: { params: IdParam },
      responses: { 200: json(PatientSchema, 'a patient'), ...errors, ...notFound },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(CLINICAL, user);
      if (no) return c.json({ error: no }, 403);
      const { id } = c.req.valid('param');
      const p = isUuid(id)
        ? await db.asActor({ userId: user.id, centreId: user.centreId }, (tx) => getPatient(tx, user.id, user.centreId!, id))
        : null;
      return p ? c.json(p, 200) : c.json({ error: 'not found' }, 404);
    },
  );

  // ---- treatments
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/treatments',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: TreatmentRequest } }, required: true } },
      responses: {
        201: json(IdSchema, 'created'),
        200: json(IdSchema, 'the same record was stored before'),
        409: json(ErrorSchema, 'conflict'),
        ...errors,
        ...notFound,
      },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(WRITERS, user);
      if (no) return c.json({ error: no }, 403);
      const r = await db
        .asActor({ userId: user.id, centreId: user.centreId }, (tx) => createTreatment(tx, user.id, user.centreId!, c.req.valid('json')))
        .catch(conflictOnDuplicate);
      return childWriteAnswer(c, r, 'conflict: a different treatment record exists with this id', { 'no-patient': 'patient not found' });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/treatments/{id}',
      security: bearer,
      request: { params: IdParam },
      responses: { 200: json(TreatmentSchema, 'a treatment with its plan, delivery, outcome and adverse events'), ...errors, ...notFound },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(CLINICAL, user);
      if (no) return c.json({ error: no }, 403);
      const { id } = c.req.valid('param');
      const t = isUuid(id)
        ? await db.asActor({ userId: user.id, centreId: user.centreId }, (tx) => getTreatment(tx, user.id, user.centreId!, id))
        : null;
      return t ? c.json(t, 200) : c.json({ error: 'not found' }, 404);
    },
  );

  // ---- audit (admin)
  const AuditEntry = z.object({
    seq: z.string(),
    at: z.string(),
    user: z.string(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string().nullable(),
  });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/audit',
      security: bearer,
      request: {
        query: z.object({
          after: z
            .string()
            .regex(/^\d{1,18}$/)
            .optional(),
          limit: z.coerce.number().int().min(1).max(10000).optional(),
        }),
      },
      responses: { 200: json(z.object({ entries: z.array(AuditEntry) }), 'the centre’s audit trail, oldest first'), ...errors },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(['admin'], user);
      if (no) return c.json({ error: no }, 403);
      const q = c.req.valid('query');
      const rows = await db.asActor({ userId: user.id, centreId: user.centreId }, async (tx) => {
        let query = tx
          .selectFrom('audit')
          .selectAll()
          .orderBy('seq')
          .limit(q.limit ?? 1000);
        if (q.after) query = query.where('seq', '>', q.after);
        const r = await query.execute();
        await audit(tx, user.id, user.centreId, 'list', 'audit');
        return r;
      });
      const entries = rows.map((r) => ({
        seq: String(r.seq),
        at: new Date(r.at).toISOString(),
        user: r.user_id,
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
      }));
      return c.json({ entries }, 200);
    },
  );

  // ---- exports
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/export/fhir',
      security: bearer,
      responses: { 200: json(z.record(z.string(), z.unknown()), 'FHIR R5 Bundle (collection)'), ...errors },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(['admin', 'physician'], user);
      if (no) return c.json({ error: no }, 403);
      const bundle = await db.asActor({ userId: user.id, centreId: user.centreId }, async (tx) => {
        const b = await fhirBundle(tx, user.centreId!);
        await audit(tx, user.id, user.centreId, 'export', 'fhir');
        return b;
      });
      c.header('Content-Type', 'application/fhir+json');
      return c.json(bundle, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/export/csv/{table}',
      security: bearer,
      request: { params: z.object({ table: z.enum(Object.keys(CSV_TABLES) as [CsvTable, ...CsvTable[]]) }) },
      responses: { 200: { content: { 'text/csv': { schema: z.string() } }, description: 'the table as CSV (RFC 4180)' }, ...errors },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(['admin', 'physician'], user);
      if (no) return c.json({ error: no }, 403);
      const { table } = c.req.valid('param');
      const csv = await db.asActor({ userId: user.id, centreId: user.centreId }, async (tx) => {
        const s = await tableCsv(tx, table);
        await audit(tx, user.id, user.centreId, 'export', `csv:${table}`);
        return s;
      });
      return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    },
  );

  registerFollowUpRoutes(app, db);
  registerTrainingRoutes(app, db);
  registerAnalyticsRoutes(app, db);

  // ---- health and the document
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/health',
      responses: {
        200: json(
          z.object({ status: z.literal('ok'), storage: z.string(), schemaVersion: z.string().nullable() }),
          'the server and its store answer',
        ),
      },
    }),
    async (c) => {
      await sql`select 1`.execute(db.owner);
      return c.json({ status: 'ok' as const, storage: db.kind, schemaVersion: await schemaVersion(db.owner, db.schema) }, 200);
    },
  );

  app.doc31('/api/v1/openapi.json', { openapi: '3.1.0', info: { title: 'OpenFUAS records', version: '1' } });
  return app;
}

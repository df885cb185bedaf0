import type { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { SessionUser } from '../auth/session-tokens.js';
import type { Created } from '../records.js';
import { ErrorSchema } from './schemas.js';

/** What the routes of /api/v1 share: the app's type, response declarations for the OpenAPI document, role checks. */

export type Env = { Variables: { user: SessionUser } };
export type RecordsApi = OpenAPIHono<Env>;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
export const errors = {
  400: json(ErrorSchema, 'bad input: the failing fields'),
  401: json(ErrorSchema, 'no valid token'),
  403: json(ErrorSchema, 'the role may not do this'),
};
export const notFound = { 404: json(ErrorSchema, 'no such record in your centre (another centre’s records are not found either)') };
export const conflict = { 409: json(ErrorSchema, 'a different record exists under this id: nothing was changed') };
export const bearer = [{ bearer: [] }];

/** Roles that may read a centre's patient records; researchers see aggregates only. */
export const CLINICAL = ['admin', 'physician', 'instructor'] as const;
/** Roles that may write them. */
export const WRITERS = ['admin', 'physician'] as const;
/** Roles that may read the cross-centre analytics (suppressed small cells). */
export const ANALYSTS = ['admin', 'physician', 'instructor', 'researcher'] as const;

/** Why `user` may not do this (a role not allowed, or a centre role without a centre), or null. */
export const forbidden = (allowed: readonly string[], user: SessionUser, needsCentre = true) =>
  !allowed.includes(user.role) || (needsCentre && !user.centreId)
    ? `a ${user.role} may not do this (allowed: ${allowed.join(', ')})`
    : null;

export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** A client-chosen id already taken (by another centre's record, invisible here): a conflict, nothing more said. */
export const conflictOnDuplicate = (e: unknown): { status: 'conflict'; id: string } => {
  if ((e as { code?: string }).code === '23505') return { status: 'conflict', id: '' };
  throw e;
};

/**
 * The answer to an idempotent write (records.ts Created): "created" 201 {id}, "exists" (the same record pushed
 * again) 200 {id}, anything else (a different record under the id) 409 with `conflictMessage`.
 */
export function writeAnswer(c: Context<Env>, r: Created, conflictMessage: string) {
  if (r.status === 'created') return c.json({ id: r.id }, 201);
  if (r.status === 'exists') return c.json({ id: r.id }, 200);
  return c.json({ error: conflictMessage }, 409);
}

/** writeAnswer for a record under a patient or treatment: a missing parent is 404 with its message in `missing`. */
export function childWriteAnswer(
  c: Context<Env>,
  r: Created,
  conflictMessage: string,
  missing: { 'no-patient': string; 'no-treatment'?: string },
) {
  if (r.status === 'no-patient' || r.status === 'no-treatment') return c.json({ error: missing[r.status] ?? missing['no-patient'] }, 404);
  return writeAnswer(c, r, conflictMessage);
}

import { createRoute, z } from '@hono/zod-openapi';
import type { RecordsDatabase } from '../database/records-store.js';
import { createFollowUp, listFollowUps } from '../follow-ups.js';
import { addAdverseEvent, recordOutcome } from '../treatment-updates.js';
import {
  CLINICAL,
  type RecordsApi,
  WRITERS,
  bearer,
  conflict,
  conflictOnDuplicate,
  errors,
  forbidden,
  isUuid,
  json,
  childWriteAnswer,
  notFound,
} from './route-kit.js';
import {
  ErrorSchema,
  FollowUpRequest,
  FollowUpSchema,
  IdParam,
  IdSchema,
  LateAdverseEventRequest,
  OutcomeResponse,
  OutcomeSchema,
} from './schemas.js';

/**
 * What follows a treatment: follow-up visits (UFS-QOL, fibroid volume, re-intervention), the post-treatment
 * imaging outcome (observed NPV ratio and volumes beside the prediction) and adverse events of late onset.
 * Writes are idempotent for the outbox: a record pushed again is 200, a different one under its id 409.
 */
export function registerFollowUpRoutes(app: RecordsApi, db: RecordsDatabase): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/follow-ups',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: FollowUpRequest } }, required: true } },
      responses: {
        201: json(IdSchema, 'created'),
        200: json(IdSchema, 'the same visit was stored before'),
        ...conflict,
        ...errors,
        ...notFound,
      },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(WRITERS, user);
      if (no) return c.json({ error: no }, 403);
      const r = await db
        .asActor({ userId: user.id, centreId: user.centreId }, (tx) => createFollowUp(tx, user.id, user.centreId!, c.req.valid('json')))
        .catch(conflictOnDuplicate);
      return childWriteAnswer(c, r, 'conflict: a different follow-up record exists with this id', {
        'no-patient': 'patient not found',
        'no-treatment': 'treatment not found for this patient',
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/patients/{id}/follow-ups',
      security: bearer,
      request: { params: IdParam },
      responses: {
        200: json(z.object({ followUps: z.array(FollowUpSchema) }), 'the patient’s visits, oldest first'),
        ...errors,
        ...notFound,
      },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(CLINICAL, user);
      if (no) return c.json({ error: no }, 403);
      const { id } = c.req.valid('param');
      const list = isUuid(id)
        ? await db.asActor({ userId: user.id, centreId: user.centreId }, (tx) => listFollowUps(tx, user.id, user.centreId!, id))
        : null;
      return list ? c.json({ followUps: list }, 200) : c.json({ error: 'not found' }, 404);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/treatments/{id}/outcome',
      security: bearer,
      request: { params: IdParam, body: { content: { 'application/json': { schema: OutcomeSchema } }, required: true } },
      responses: {
        201: json(OutcomeResponse, 'fields that were empty are now set'),
        200: json(OutcomeResponse, 'nothing new: every given field had this value already'),
        409: json(ErrorSchema, 'a field is recorded with another value: nothing was changed (`fields` names them)'),
        ...errors,
        ...notFound,
      },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(WRITERS, user);
      if (no) return c.json({ error: no }, 403);
      const { id } = c.req.valid('param');
      if (!isUuid(id)) return c.json({ error: 'not found' }, 404);
      const r = await db.asActor({ userId: user.id, centreId: user.centreId }, (tx) =>
        recordOutcome(tx, user.id, user.centreId!, id, c.req.valid('json')),
      );
      if (r.status === 'no-treatment') return c.json({ error: 'not found' }, 404);
      if (r.status === 'conflict')
        return c.json(
          {
            error: 'conflict: recorded with another value (an outcome is never overwritten)',
            fields: r.fields.map((path) => ({ path, message: 'differs from the recorded value' })),
          },
          409,
        );
      if (r.status === 'updated') return c.json({ outcome: r.outcome }, 201);
      return c.json({ outcome: r.outcome }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/treatments/{id}/adverse-events',
      security: bearer,
      request: { params: IdParam, body: { content: { 'application/json': { schema: LateAdverseEventRequest } }, required: true } },
      responses: {
        201: json(IdSchema, 'created'),
        200: json(IdSchema, 'the same event was stored before'),
        ...conflict,
        ...errors,
        ...notFound,
      },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(WRITERS, user);
      if (no) return c.json({ error: no }, 403);
      const { id } = c.req.valid('param');
      if (!isUuid(id)) return c.json({ error: 'not found' }, 404);
      const r = await db
        .asActor({ userId: user.id, centreId: user.centreId }, (tx) =>
          addAdverseEvent(tx, user.id, user.centreId!, id, c.req.valid('json')),
        )
        .catch(conflictOnDuplicate);
      return childWriteAnswer(c, r, 'conflict: a different adverse event exists with this id', {
        'no-treatment': 'not found',
        'no-patient': 'not found',
      });
    },
  );
}

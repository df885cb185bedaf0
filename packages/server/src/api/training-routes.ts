import { createRoute, z } from '@hono/zod-openapi';
import { LC_CUSUM_DEFAULTS } from '@openfuas/core';
import { learningCurves } from '../analytics/records-analytics.js';
import type { RecordsDatabase } from '../database/records-store.js';
import { createTrainingResult, listTrainingResults } from '../training-results.js';
import { type RecordsApi, bearer, conflict, conflictOnDuplicate, errors, forbidden, json, writeAnswer } from './route-kit.js';
import { IdSchema, LcCusumParamsSchema, LearningCurveSchema, TrainingResultRequest, TrainingResultSchema } from './schemas.js';

/** Who may record and read training results: a trainee their own, instructors, physicians and admins their centre's. */
const TRAINING = ['admin', 'physician', 'instructor', 'trainee'] as const;
const traineeQuery = z.object({
  trainee: z
    .string()
    .regex(/^[A-Za-z0-9_.@-]{1,64}$/)
    .optional(),
});

/** Training results (issue 15) as records of the trainee's centre, and their LC-CUSUM learning curves. */
export function registerTrainingRoutes(app: RecordsApi, db: RecordsDatabase): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/training/results',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: TrainingResultRequest } }, required: true } },
      responses: { 201: json(IdSchema, 'created'), 200: json(IdSchema, 'the same result was stored before'), ...conflict, ...errors },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(TRAINING, user);
      if (no) return c.json({ error: no }, 403);
      const input = c.req.valid('json');
      if (user.role === 'trainee' && input.trainee !== user.username)
        return c.json({ error: 'a trainee records their own results only' }, 403);
      // users are not visible to the request role: the owner resolves the name, within the caller's centre only
      const trainee = await db.owner
        .selectFrom('app_user')
        .select('id')
        .where('username', '=', input.trainee)
        .where('centre_id', '=', user.centreId!)
        .executeTakeFirst();
      if (!trainee)
        return c.json({ error: 'invalid input', fields: [{ path: 'trainee', message: `no user ${input.trainee} in your centre` }] }, 400);
      const r = await db
        .asActor({ userId: user.id, centreId: user.centreId }, (tx) => createTrainingResult(tx, user.id, user.centreId!, input, trainee.id))
        .catch(conflictOnDuplicate);
      return writeAnswer(c, r, 'conflict: a different training result exists with this id');
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/training/results',
      security: bearer,
      request: { query: traineeQuery },
      responses: { 200: json(z.object({ results: z.array(TrainingResultSchema) }), 'results in the order the exercises ended'), ...errors },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(TRAINING, user);
      if (no) return c.json({ error: no }, 403);
      const trainee = user.role === 'trainee' ? user.username : c.req.valid('query').trainee;
      const results = await db.asActor({ userId: user.id, centreId: user.centreId }, (tx) =>
        listTrainingResults(tx, user.id, user.centreId!, trainee),
      );
      return c.json({ results }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/training/learning-curves',
      security: bearer,
      request: { query: traineeQuery },
      responses: {
        200: json(
          z.object({ params: LcCusumParamsSchema, failure: z.string(), trainees: z.array(LearningCurveSchema) }),
          'LC-CUSUM per trainee over their exercises (failure: an exercise not passed)',
        ),
        ...errors,
      },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(TRAINING, user);
      if (no) return c.json({ error: no }, 403);
      const trainee = user.role === 'trainee' ? user.username : c.req.valid('query').trainee;
      const results = await db.asActor({ userId: user.id, centreId: user.centreId }, (tx) =>
        listTrainingResults(tx, user.id, user.centreId!, trainee),
      );
      const sequences = new Map<string, boolean[]>();
      for (const r of results) sequences.set(r.trainee, [...(sequences.get(r.trainee) ?? []), !r.passed]);
      return c.json(
        { params: LC_CUSUM_DEFAULTS, failure: 'an exercise not passed (its case’s pass/fail rule)', trainees: learningCurves(sequences) },
        200,
      );
    },
  );
}

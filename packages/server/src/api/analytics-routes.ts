import { createRoute, z } from '@hono/zod-openapi';
import { LC_CUSUM_DEFAULTS } from '@openfuas/core';
import {
  CASE_FAILURE,
  centreOutcomes,
  funnelData,
  learningCurves,
  operatorCaseOutcomes,
  predictedVsObserved,
} from '../analytics/records-analytics.js';
import { MIN_CELL } from '../database/migrations.js';
import type { RecordsDatabase } from '../database/records-store.js';
import { audit } from '../records.js';
import { ANALYSTS, CLINICAL, type RecordsApi, bearer, errors, forbidden, json } from './route-kit.js';
import { LcCusumParamsSchema, LearningCurveSchema } from './schemas.js';

const n = z.number().nullable();
const CentreOutcome = z
  .object({
    centre: z.string(),
    own: z.boolean().describe('your own centre: shown in full'),
    suppressed: z.boolean().describe(`fewer than ${MIN_CELL} treatments: only the code is shown`),
    treatments: n,
    withObservedNpv: n,
    meanNpvRatioObserved: n,
    sdNpvRatioObserved: n,
    meanNpvRatioPredicted: n,
    meanAbsPredictionError: n,
    adverseEvents: n,
    majorAdverseEvents: n,
  })
  .openapi('CentreOutcome');

const FunnelSchema = z
  .object({
    method: z.string(),
    indicator: z.string(),
    minCellSize: z.number().int(),
    withheld: z.number().int().describe(`other centres left out: fewer than ${MIN_CELL} observed NPV ratios`),
    funnel: z
      .object({
        target: z.number().describe('θ, pooled mean NPV ratio'),
        sd: z.number().describe('σ, SD of one treatment’s NPV ratio about θ'),
        points: z.array(
          z.object({
            centre: z.string(),
            n: z.number().int(),
            mean: z.number(),
            z: z.number(),
            within95: z.boolean(),
            within998: z.boolean(),
            own: z.boolean(),
          }),
        ),
        limits: z.array(
          z.object({ n: z.number().int(), lower95: z.number(), upper95: z.number(), lower998: z.number(), upper998: z.number() }),
        ),
      })
      .nullable(),
  })
  .openapi('Funnel');

const PredictedVsObservedSchema = z
  .object({
    minCellSize: z.number().int(),
    pairs: z.array(z.object({ centre: z.string(), predicted: z.number(), observed: z.number() })).describe('your centre’s treatments only'),
    bins: z.array(
      z.object({
        binLower: z.number(),
        binUpper: z.number(),
        suppressed: z.boolean(),
        n,
        meanPredicted: n,
        meanObserved: n,
        sdObserved: n,
      }),
    ),
    summary: z.object({ suppressed: z.boolean(), n, meanError: n, sdError: n, meanAbsError: n, correlation: n }),
  })
  .openapi('PredictedVsObserved');

/**
 * Analytics as JSON for the Records screen's plots. Across centres only de-identified aggregates with cells of at
 * least MIN_CELL records (withheld in the database's views); your own centre in full. Researchers see the
 * aggregates and nothing else; per-operator learning curves are per-person series, for the centre's own staff.
 */
export function registerAnalyticsRoutes(app: RecordsApi, db: RecordsDatabase): void {
  const analyst = (user: Parameters<typeof forbidden>[1]) => forbidden(ANALYSTS, user, user.role !== 'researcher');
  const read = <T>(user: { id: string; centreId: string | null }, what: string, fn: Parameters<typeof db.asActor<T>>[1]) =>
    db.asActor({ userId: user.id, centreId: user.centreId }, async (tx) => {
      const r = await fn(tx);
      await audit(tx, user.id, user.centreId, 'read', `analytics:${what}`);
      return r;
    });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/analytics/outcomes',
      security: bearer,
      responses: {
        200: json(
          z.object({ minCellSize: z.number().int(), centres: z.array(CentreOutcome) }),
          'outcomes by centre (small cells withheld)',
        ),
        ...errors,
      },
    }),
    async (c) => {
      const user = c.get('user');
      const no = analyst(user);
      if (no) return c.json({ error: no }, 403);
      const centres = await read(user, 'outcomes', (tx) => centreOutcomes(tx, user.centreId));
      return c.json({ minCellSize: MIN_CELL, centres }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/analytics/funnel',
      security: bearer,
      responses: { 200: json(FunnelSchema, 'funnel plot of the observed NPV ratio against treatments per centre'), ...errors },
    }),
    async (c) => {
      const user = c.get('user');
      const no = analyst(user);
      if (no) return c.json({ error: no }, 403);
      return c.json(await read(user, 'funnel', (tx) => funnelData(tx, user.centreId)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/analytics/predicted-vs-observed',
      security: bearer,
      responses: { 200: json(PredictedVsObservedSchema, 'predicted against observed NPV ratio'), ...errors },
    }),
    async (c) => {
      const user = c.get('user');
      const no = analyst(user);
      if (no) return c.json({ error: no }, 403);
      return c.json(await read(user, 'predicted-vs-observed', (tx) => predictedVsObserved(tx, user.centreId)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/analytics/learning-curves',
      security: bearer,
      responses: {
        200: json(
          z.object({ params: LcCusumParamsSchema, failure: z.string(), operators: z.array(LearningCurveSchema) }),
          'LC-CUSUM per operator over the centre’s real cases, in date order',
        ),
        ...errors,
      },
    }),
    async (c) => {
      const user = c.get('user');
      const no = forbidden(CLINICAL, user);
      if (no) return c.json({ error: no }, 403);
      const byId = await read(user, 'learning-curves', (tx) => operatorCaseOutcomes(tx));
      // operators by name: users are read by the owner connection, only those of the caller's centre
      const users = byId.size
        ? await db.owner
            .selectFrom('app_user')
            .select(['id', 'username'])
            .where('centre_id', '=', user.centreId!)
            .where('id', 'in', [...byId.keys()])
            .execute()
        : [];
      const name = new Map(users.map((u) => [u.id, u.username]));
      const sequences = new Map([...byId].map(([id, seq]) => [name.get(id) ?? id, seq]));
      return c.json({ params: LC_CUSUM_DEFAULTS, failure: CASE_FAILURE, operators: learningCurves(sequences) }, 200);
    },
  );
}

import { z } from '@hono/zod-openapi';
import { CLAVIEN_DINDO_GRADES, SIR_GRADES } from '../database/tables.js';

/** Request and response shapes of /api/v1 (SI units; dates YYYY-MM-DD or ISO 8601 date-times). */

const isoDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).openapi({ example: '2026-03-14' });
const ratio = z.number().min(0).max(1);
const volume = z.number().min(0).max(1).describe('m³');

export const ErrorSchema = z
  .object({
    error: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Error');

export const IdSchema = z.object({ id: z.uuid() }).openapi('Id');
export const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

export const SessionRequest = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) })
  .strict()
  .openapi('SessionRequest');
export const SessionResponse = z.object({ token: z.string(), expiresAt: z.string() }).openapi('Session');

export const PatientRequest = z
  .object({
    id: z.uuid().optional().describe('client-chosen id (offline outbox); a repeated push of the same record is not stored twice'),
    localId: z.string().trim().min(1).max(200).describe('the centre’s own identifier; only its HMAC is stored'),
    birthYear: z.number().int().min(1900).max(2100),
  })
  .strict()
  .openapi('PatientRequest');

export const PatientSchema = z
  .object({
    id: z.uuid(),
    pseudonym: z.string(),
    birthYear: z.number().int(),
    createdAt: z.string(),
    treatments: z.array(z.uuid()).optional(),
  })
  .openapi('Patient');

export const OutcomeSchema = z
  .object({
    npvRatioPredicted: ratio.optional().describe('non-perfused volume ratio predicted by the simulation, 0–1'),
    npvRatioObserved: ratio.optional().describe('non-perfused volume ratio on contrast-enhanced MRI, 0–1'),
    targetVolume: volume.optional(),
    npvVolumePredicted: volume.optional(),
    npvVolumeObserved: volume.optional(),
    imagingDate: isoDate.optional(),
  })
  .strict()
  .openapi('Outcome');

export const AdverseEventSchema = z
  .object({
    description: z.string().trim().min(1).max(2000),
    sirGrade: z.enum(SIR_GRADES).optional().describe('SIR classification A–F (Sacks et al., JVIR 2003)'),
    clavienDindo: z.enum(CLAVIEN_DINDO_GRADES).optional().describe('Clavien–Dindo grade (Dindo et al., Ann Surg 2004)'),
    onsetDate: isoDate.optional(),
  })
  .strict()
  .openapi('AdverseEvent');

const nonNegative = z.number().min(0).max(1e9);

export const TreatmentRequest = z
  .object({
    id: z.uuid().optional(),
    patient: z.uuid(),
    date: isoDate,
    plan: z.record(z.string(), z.unknown()).describe('an openfuas-plan document (docs/plan.schema.json)'),
    outcome: OutcomeSchema,
    adverseEvents: z.array(AdverseEventSchema).max(100).optional(),
    delivered: z
      .object({
        energy: nonNegative.optional().describe('J'),
        sonicationTime: nonNegative.optional().describe('s'),
        treatmentTime: nonNegative.optional().describe('s'),
      })
      .strict()
      .optional()
      .describe('what the console delivered; the plan’s totals when absent'),
    consoleLog: z.unknown().optional().describe('the console log as JSON; stored with its SHA-256'),
  })
  .strict()
  .openapi('TreatmentRequest');

export const TreatmentSchema = z
  .object({
    id: z.uuid(),
    patient: z.uuid(),
    date: z.string(),
    plan: z.record(z.string(), z.unknown()),
    delivered: z.object({ energy: z.number().nullable(), sonicationTime: z.number().nullable(), treatmentTime: z.number().nullable() }),
    consoleLogSha256: z.string().nullable(),
    outcome: z.record(z.string(), z.unknown()),
    adverseEvents: z.array(z.record(z.string(), z.unknown())),
  })
  .openapi('Treatment');

const score100 = z.number().min(0).max(100);

export const FollowUpRequest = z
  .object({
    id: z.uuid().optional().describe('client-chosen id (offline outbox): the same visit pushed twice is stored once'),
    patient: z.uuid(),
    treatment: z.uuid().optional().describe('the treatment this visit follows (of the same patient)'),
    date: isoDate.describe('visit date'),
    ufsQol: z
      .object({
        symptomSeverity: score100.optional().describe('UFS-QOL symptom severity, transformed 0–100 (higher: worse)'),
        hrql: score100.optional().describe('UFS-QOL health-related quality of life, transformed 0–100 (higher: better)'),
      })
      .strict()
      .optional()
      .describe('Uterine Fibroid Symptom and Quality of Life questionnaire (Spies et al., Obstet Gynecol 2002)'),
    fibroidVolume: volume.optional().describe('fibroid volume at the visit, m³'),
    reintervention: z.boolean().describe('a further treatment of the fibroids was needed since the last visit'),
    reinterventionType: z.string().trim().min(1).max(200).optional().describe('e.g. myomectomy, hysterectomy, UAE, repeat HIFU'),
  })
  .strict()
  .openapi('FollowUpRequest');

export const FollowUpSchema = z
  .object({
    id: z.uuid(),
    patient: z.uuid(),
    treatment: z.uuid().nullable(),
    date: z.string(),
    ufsQol: z.object({ symptomSeverity: z.number().nullable(), hrql: z.number().nullable() }),
    fibroidVolume: z.number().nullable().describe('m³'),
    reintervention: z.boolean(),
    reinterventionType: z.string().nullable(),
  })
  .openapi('FollowUp');

export const OutcomeResponse = z
  .object({
    outcome: z.object({
      npvRatioPredicted: z.number().nullable(),
      npvRatioObserved: z.number().nullable(),
      targetVolume: z.number().nullable(),
      npvVolumePredicted: z.number().nullable(),
      npvVolumeObserved: z.number().nullable(),
      imagingDate: z.string().nullable(),
    }),
  })
  .openapi('OutcomeRecorded');

export const LateAdverseEventRequest = z
  .object({
    id: z.uuid().optional().describe('client-chosen id (offline outbox)'),
    description: z.string().trim().min(1).max(2000),
    sirGrade: z.enum(SIR_GRADES).optional().describe('SIR classification A–F (Sacks et al., JVIR 2003)'),
    clavienDindo: z.enum(CLAVIEN_DINDO_GRADES).optional().describe('Clavien–Dindo grade (Dindo et al., Ann Surg 2004)'),
    onsetDate: isoDate.optional(),
  })
  .strict()
  .openapi('LateAdverseEventRequest');

export const TrainingResultRequest = z
  .object({
    id: z.uuid().optional().describe('client-chosen id (offline outbox): the same result pushed twice is stored once'),
    trainee: z
      .string()
      .regex(/^[A-Za-z0-9_.@-]{1,64}$/)
      .describe('the trainee’s username (a user of your centre)'),
    case: z.string().trim().min(1).max(100).describe('the training case’s id'),
    score: score100,
    passed: z.boolean(),
    npvRatio: ratio.optional().describe('NPV ratio the exercise reached, 0–1'),
    eef: z.number().min(0).max(1e6).optional().describe('energy efficiency factor, J/mm³ (as `fuas training score`)'),
    safetyEvents: z
      .array(z.object({ code: z.string().min(1).max(100), severity: z.string().min(1).max(50) }).strict())
      .max(1000)
      .optional(),
    time: z.number().min(0).max(1e7).optional().describe('s, the exercise’s duration'),
    at: z.iso.datetime({ offset: true }).optional().describe('when the exercise ended; now when absent'),
  })
  .strict()
  .openapi('TrainingResultRequest');

export const TrainingResultSchema = z
  .object({
    id: z.uuid(),
    trainee: z.string(),
    case: z.string(),
    score: z.number(),
    passed: z.boolean(),
    npvRatio: z.number().nullable(),
    eef: z.number().nullable().describe('J/mm³'),
    safetyEvents: z.array(z.object({ code: z.string(), severity: z.string() })),
    time: z.number().nullable().describe('s'),
    at: z.string(),
  })
  .openapi('TrainingResult');

export const LcCusumParamsSchema = z
  .object({ p0: z.number(), p1: z.number(), alpha: z.number(), beta: z.number(), h: z.number(), horizon: z.number().int() })
  .openapi('LcCusumParams');

export const LearningCurveSchema = z
  .object({
    name: z.string().describe('username of the operator or trainee'),
    cases: z.number().int(),
    failures: z.number().int(),
    chart: z.array(z.number()).describe('LC-CUSUM sₜ after each case, in order'),
    proficientAt: z.number().int().nullable().describe('1-based case where the chart first reached h'),
  })
  .openapi('LearningCurve');

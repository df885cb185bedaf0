import { z } from 'zod';
import { InputError } from '../errors.js';

/**
 * The treatment plan: a versioned JSON document (SI units, patient RAS coordinates in metres) saying which
 * device, where it is placed, and the ordered sonications with their constraints. The JSON Schema published
 * at docs/plan.schema.json is generated from `planSchema` below (see `planJsonSchema`).
 */
export const PLAN_FORMAT = 'openfuas-plan';
export const PLAN_VERSION = 1;

/**
 * °C, the coupling water's default: direct skin cooling holds the skin interface at about 20 °C (Ikink et al.,
 * BioMed Res Int 2015:684250, MR-HIFU of fibroids with a skin-cooling device).
 */
export const DEFAULT_WATER_TEMPERATURE = 20;

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const positive = () => finite().refine((v) => v > 0, 'must be > 0');
const nonNegative = () => finite().refine((v) => v >= 0, 'must be >= 0');
const vec3 = () => z.tuple([finite(), finite(), finite()]);

const deviceSchema = z.union([
  z.object({ preset: z.string().describe('built-in transducer, e.g. "clinical-0.8mhz"') }).strict(),
  z
    .object({
      frequency: positive().describe('Hz'),
      radiusOfCurvature: positive().describe('m'),
      aperture: positive().describe('m, outer diameter'),
      holeDiameter: nonNegative().default(0).describe('m, central opening for the imaging probe'),
    })
    .strict(),
]);

export const sonicationSchema = z
  .object({
    focus: vec3().describe('focus position, patient RAS, m'),
    power: positive().describe('acoustic power, W'),
    exposure: positive().describe('sonication (on) time, s'),
    cooling: nonNegative().describe('pause after the sonication, s'),
    slice: z.number().int().min(0).describe('treatment slice index (0 = first treated, the deepest)'),
    label: z.string().optional().describe('free text, e.g. "S3-P12"'),
  })
  .strict();

export const constraintsSchema = z
  .object({
    serosaMargin: nonNegative().default(0.01).describe('m, minimum distance of a focus inside the uterine serosa'),
    endometriumMargin: nonNegative().default(0.015).describe('m, minimum distance of a focus from the endometrium'),
    boneMargin: nonNegative().default(0.015).describe('m, minimum distance of a focus from bone (sacrum)'),
    bowelMargin: nonNegative().default(0.01).describe('m, minimum distance of a focus from bowel'),
    sliceSpacing: positive().default(0.005).describe('m, distance between treatment slices along the beam'),
    maxSkinTemperature: finite().default(43).describe('°C, limit for skin and near-field tissue'),
    lesionDose: positive().default(240).describe('CEM43 minutes that count as ablated'),
  })
  .strict();

export const placementSchema = z
  .object({
    beamDirection: vec3().default([0, -1, 0]).describe('unit vector of the beam in RAS (prone patient: anterior → posterior)'),
    waterTemperature: finite()
      .refine((v) => v >= 0 && v <= 43, 'must be between 0 and 43 °C')
      .default(DEFAULT_WATER_TEMPERATURE)
      .describe('°C, coupling water against the skin, held by the device’s circulation (skin cooling; 20 °C as in Ikink et al. 2015)'),
  })
  .strict();

export const planSchema = z
  .object({
    format: z.literal(PLAN_FORMAT),
    version: z.literal(PLAN_VERSION),
    caseName: z.string().optional(),
    device: deviceSchema,
    placement: placementSchema.prefault({}),
    constraints: constraintsSchema.prefault({}),
    sonications: z.array(sonicationSchema),
  })
  .strict();

export type Plan = z.output<typeof planSchema>;
export type Sonication = z.output<typeof sonicationSchema>;
export type PlanConstraints = z.output<typeof constraintsSchema>;

/** The default constraints (protocol margins of shared/reference/devices-and-protocol.md). */
export function defaultConstraints(overrides: Partial<PlanConstraints> = {}): PlanConstraints {
  return parseWith(constraintsSchema, overrides, 'constraints');
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = [prefix, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('').replace(/^\./, '');
    throw new InputError(path.replace(/\.\[/g, '['), issue.message);
  }
  return r.data;
}

/** Validates a plan document (parsed JSON); InputError names the first bad field, e.g. "plan.sonications[3].power". */
export function parsePlan(json: unknown): Plan {
  const plan = parseWith(planSchema, json, 'plan');
  const d = plan.placement.beamDirection;
  const n = Math.hypot(d[0], d[1], d[2]);
  if (!(n > 0)) throw new InputError('plan.placement.beamDirection', 'must be a non-zero vector');
  plan.placement.beamDirection = [d[0] / n, d[1] / n, d[2] / n];
  return plan;
}

/** The plan format as a JSON Schema (draft 2020-12), for other tools; written to docs/plan.schema.json. */
export function planJsonSchema(): Record<string, unknown> {
  return {
    title: 'OpenFUAS treatment plan, version 1',
    ...(z.toJSONSchema(planSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>),
  };
}

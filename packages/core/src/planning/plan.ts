import { z } from 'zod';
import { InputError } from '../errors.js';
import { closestName } from '../input/unknown-keys.js';
import { LIMITS } from '../limits/limits.js';

/**
 * The treatment plan: a versioned JSON document (SI units, patient RAS coordinates in metres) saying which
 * device, where it is placed, and the ordered sonications with their constraints. The JSON Schema published
 * at docs/plan.schema.json is generated from `planSchema` below (see `planJsonSchema`).
 */
export const PLAN_FORMAT = 'openfuas-plan';
/**
 * Version 2 (issue 11) extends version 1 and renames nothing: a sonication may carry `shots`, `shotGap` and
 * `feedback` (the operator's repeat-until-greyscale rule and the energy limit per point). A version-1 document is
 * read and upgraded losslessly (`migratePlan`: only the version changes); plans are written as version 2.
 */
export const PLAN_VERSION = 2;

/**
 * °C, the coupling water's default: direct skin cooling holds the skin interface at about 20 °C (Ikink et al.,
 * BioMed Res Int 2015:684250, MR-HIFU of fibroids with a skin-cooling device).
 */
export const DEFAULT_WATER_TEMPERATURE = 20;

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const positive = () => finite().refine((v) => v > 0, 'must be > 0');
const nonNegative = () => finite().refine((v) => v >= 0, 'must be >= 0');
const vec3 = () => z.tuple([finite(), finite(), finite()]);
/** within [lo, hi]: physical ranges, so a typo (1e-300, 1e308) is an error instead of a result */
const within = (lo: number, hi: number, unit: string) =>
  finite().refine((v) => v >= lo && v <= hi, `must be within [${lo}, ${hi}] ${unit}`);
/** a patient coordinate, m: within 1 m of the image origin */
const coordinate = () => within(-1, 1, 'm');

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

/** The operator's feedback at a point (clinical pacing, shared/reference/devices-and-protocol.md). */
export const feedbackSchema = z
  .object({
    rule: z
      .literal('greyscale')
      .describe('repeat the shots at this focus until the greyscale change (hyperechoic region of boiling) appears, then move on'),
    maxEnergy: within(1, 1e6, 'J').optional().describe('J, energy limit per point: no further shot once the point has received this much'),
  })
  .strict();

export const sonicationSchema = z
  .object({
    focus: z.tuple([coordinate(), coordinate(), coordinate()]).describe('focus position, patient RAS, m'),
    power: positive()
      .refine((v) => v <= 5000, 'must be <= 5000 W')
      .describe('acoustic power, W'),
    exposure: positive()
      .refine((v) => v <= 600, 'must be <= 600 s')
      .describe('sonication (on) time, s'),
    cooling: within(0, 3600, 's').describe('pause after the sonication, s'),
    slice: z.number().int().min(0).describe('treatment slice index (0 = first treated, the deepest)'),
    label: z.string().optional().describe('free text, e.g. "S3-P12"'),
    shots: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('version 2: shots of `exposure` at this focus (default 1), `shotGap` apart; `cooling` follows the last'),
    shotGap: within(0, 3600, 's').optional().describe('version 2: s between the shots at this focus (default: cooling)'),
    feedback: feedbackSchema.optional().describe('version 2: the feedback rule that ends the repeats early'),
  })
  .strict();

/** Keys a version-1 sonication did not have (a version-1 document carrying them is refused, not upgraded). */
const V2_SONICATION_KEYS = ['shots', 'shotGap', 'feedback'] as const;

export const constraintsSchema = z
  .object({
    serosaMargin: within(0, 0.1, 'm').default(0.01).describe('m, minimum distance of a focus inside the uterine serosa'),
    endometriumMargin: within(0, 0.1, 'm').default(0.015).describe('m, minimum distance of a focus from the endometrium'),
    boneMargin: within(0, 0.1, 'm').default(0.015).describe('m, minimum distance of a focus from bone (sacrum)'),
    bowelMargin: within(0, 0.1, 'm').default(0.01).describe('m, minimum distance of a focus from bowel'),
    sliceSpacing: within(0.0005, 0.05, 'm').default(0.005).describe('m, distance between treatment slices along the beam'),
    maxSkinTemperature: within(37, 60, '°C').default(43).describe('°C, limit for skin and near-field tissue'),
    lesionDose: within(1, 10_000, 'CEM43 min').default(240).describe('CEM43 minutes that count as ablated'),
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
    version: z.literal(PLAN_VERSION).describe('2; a version-1 plan (no shots, shotGap or feedback) is read as version 2'),
    caseName: z.string().optional(),
    caseSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits')
      .optional()
      .describe("SHA-256 of the case's case.json the plan was made on (it holds the hashes of the case's files)"),
    device: deviceSchema,
    placement: placementSchema.prefault({}),
    constraints: constraintsSchema.prefault({}),
    sonications: z.array(sonicationSchema).max(LIMITS.sonications, `at most ${LIMITS.sonications} sonications`),
  })
  .strict();

export type Plan = z.output<typeof planSchema>;
export type Sonication = z.output<typeof sonicationSchema>;
export type SonicationFeedback = z.output<typeof feedbackSchema>;
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
    if (issue.code === 'unrecognized_keys') {
      // name the unknown key and the closest valid one ("plan.sonications[0].powr: unknown key; did you mean "power"?")
      const key = issue.keys[0];
      const valid = keysAt(schema, issue.path);
      const near = closestName(key, valid);
      throw new InputError(`${path.replace(/\.\[/g, '[')}.${key}`, `unknown key${near ? `; did you mean "${near}"?` : ''}`, {
        reason: 'unknown-key',
        params: { key, ...(near ? { suggestion: near } : {}) },
      });
    }
    throw new InputError(path.replace(/\.\[/g, '['), issue.message);
  }
  return r.data;
}

/** The keys of the object schema at `path` inside `schema` (through arrays, defaults and unions). */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: unknown = schema;
  const unwrap = (x: unknown): unknown => {
    for (let guard = 0; guard < 8; guard++) {
      const def = (x as { def?: { innerType?: unknown; type?: string } }).def;
      if (def?.innerType) x = def.innerType;
      else break;
    }
    return x;
  };
  for (const p of path) {
    s = unwrap(s);
    if (typeof p === 'number') s = (s as { element?: unknown }).element;
    else s = (s as { shape?: Record<string, unknown> }).shape?.[String(p)];
    if (!s) return [];
  }
  s = unwrap(s);
  const options = (s as { options?: unknown[] }).options;
  if (options) return options.flatMap((o) => Object.keys((unwrap(o) as { shape?: object }).shape ?? {}));
  return Object.keys((s as { shape?: object }).shape ?? {});
}

/**
 * A version-1 document as version 2 (a shallow copy with `version: 2`; every other key is kept as written, so the
 * upgrade is lossless); other documents are returned as they are. A version-1 sonication carrying a version-2 key
 * is an InputError (it was not a valid version-1 plan).
 */
export function migratePlan(json: unknown): unknown {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return json;
  const doc = json as Record<string, unknown>;
  if (doc.format !== PLAN_FORMAT || doc.version !== 1) return json;
  if (Array.isArray(doc.sonications)) {
    doc.sonications.forEach((s, i) => {
      if (!s || typeof s !== 'object') return;
      for (const key of V2_SONICATION_KEYS)
        if (key in s)
          throw new InputError(`plan.sonications[${i}].${key}`, 'is a version-2 key: set "version": 2 to use it', {
            reason: 'unknown-key',
            params: { key },
          });
    });
  }
  return { ...doc, version: PLAN_VERSION };
}

/**
 * Validates a plan document (parsed JSON, version 1 or 2; version 1 is upgraded by `migratePlan`); InputError
 * names the first bad field, e.g. "plan.sonications[3].power".
 */
export function parsePlan(json: unknown): Plan {
  const plan = parseWith(planSchema, migratePlan(json), 'plan');
  const d = plan.placement.beamDirection;
  const n = Math.hypot(d[0], d[1], d[2]);
  if (!(n > 0)) throw new InputError('plan.placement.beamDirection', 'must be a non-zero vector');
  plan.placement.beamDirection = [d[0] / n, d[1] / n, d[2] / n];
  return plan;
}

/**
 * The shots the device delivers, one sonication each: a sonication with `shots` n becomes n sonications of one
 * shot at its focus, the first n − 1 followed by `shotGap` (default: its cooling), the last by its cooling; its
 * label and feedback stay on every shot. A plan without repeats is returned as it is. The simulation delivers the
 * planned shots (the feedback rule is the operator's, applied by the console: TreatmentSession).
 */
export function expandShots(plan: Plan): Plan {
  if (!plan.sonications.some((s) => (s.shots ?? 1) > 1 || s.shotGap !== undefined)) return plan;
  const sonications: Sonication[] = [];
  for (const s of plan.sonications) {
    const { shots = 1, shotGap, ...shot } = s;
    for (let k = 0; k < shots; k++) sonications.push({ ...shot, cooling: k + 1 < shots ? (shotGap ?? s.cooling) : s.cooling });
  }
  if (sonications.length > LIMITS.sonications)
    throw new InputError('plan.sonications', `${sonications.length} shots: at most ${LIMITS.sonications} sonications`);
  return { ...plan, sonications };
}

/** The plan format as a JSON Schema (draft 2020-12), for other tools; written to docs/plan.schema.json. */
export function planJsonSchema(): Record<string, unknown> {
  return {
    title: `OpenFUAS treatment plan, version ${PLAN_VERSION} (version 1 documents are read and upgraded)`,
    ...(z.toJSONSchema(planSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>),
  };
}

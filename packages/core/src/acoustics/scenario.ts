import { InputError, requireFinite } from '../errors.js';
import { rejectUnknownKeys } from '../input/unknown-keys.js';
import { LIMITS, checkLimit, checkTissueProperties, requireRange } from '../limits/limits.js';
import { type Tissue, getTissue, validateTissue, withOverrides } from '../tissue/tissue-table.js';
import { type BowlTransducer, type Drive, rimHeight, validateBowl } from '../transducer/bowl.js';
import { getTransducerPreset } from '../transducer/presets.js';
import { type LayeredMedium, homogeneousMedium, layeredMedium } from './medium.js';

/** A field computation's physical set-up: a driven bowl in a (layered) medium, transducer frame. */
export interface Scenario {
  readonly transducer: BowlTransducer;
  readonly medium: LayeredMedium;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const DRIVE_KEYS = ['power', 'surfaceVelocity', 'surfacePressure'] as const;
const TRANSDUCER_KEYS = ['preset', 'frequency', 'radiusOfCurvature', 'aperture', 'holeDiameter', ...DRIVE_KEYS];
const TISSUE_KEYS = [
  'name',
  'density',
  'soundSpeed',
  'attenuation',
  'powerLawExponent',
  'absorption',
  'conductivity',
  'specificHeat',
  'perfusion',
  'nonlinearity',
];
/** SCENARIO.json's top level: `sonication` is read by `fuas heat` (parseSonication), the rest here. */
const SCENARIO_KEYS = ['transducer', 'medium', 'sonication'];

function parseDrive(o: Json, field: string, fallback?: Drive): Drive {
  const given = DRIVE_KEYS.filter((k) => o[k] !== undefined);
  if (given.length > 1) throw new InputError(field, `give only one of ${DRIVE_KEYS.join(', ')} (got ${given.join(', ')})`);
  if (given.length === 0) {
    if (fallback) return fallback;
    throw new InputError(field, `one of ${DRIVE_KEYS.join(', ')} is required`);
  }
  const key = given[0];
  const value = requireFinite(`${field}.${key}`, o[key], 'non-negative');
  return { [key]: value } as unknown as Drive;
}

/**
 * Parses SCENARIO.json's `transducer`: `{ "preset": name }` (optionally with a drive that replaces the preset's)
 * or `{ frequency (Hz), radiusOfCurvature (m), aperture (m), holeDiameter? (m), power (W) | surfaceVelocity (m/s)
 * | surfacePressure (Pa) }`.
 */
export function parseTransducer(json: unknown, field = 'transducer'): BowlTransducer {
  if (!isObject(json)) throw new InputError(field, 'must be an object');
  rejectUnknownKeys(json, json.preset !== undefined ? ['preset', ...DRIVE_KEYS] : TRANSDUCER_KEYS, field);
  if (json.preset !== undefined) {
    if (typeof json.preset !== 'string') throw new InputError(`${field}.preset`, 'must be a string');
    const preset = getTransducerPreset(json.preset, `${field}.preset`);
    return validateBowl({ ...preset, drive: parseDrive(json, field, preset.drive) }, field);
  }
  const num = (key: string, sign: 'positive' | 'non-negative') => requireFinite(`${field}.${key}`, json[key], sign);
  const t: BowlTransducer = {
    name: 'custom',
    frequency: num('frequency', 'positive'),
    radiusOfCurvature: num('radiusOfCurvature', 'positive'),
    aperture: num('aperture', 'positive'),
    holeDiameter: json.holeDiameter === undefined ? 0 : num('holeDiameter', 'non-negative'),
    drive: parseDrive(json, field),
  };
  return validateBowl(t, field);
}

/**
 * A tissue: a built-in name, or custom properties `{ density (kg/m³), soundSpeed (m/s), attenuation (dB/cm/MHz^y),
 * powerLawExponent, absorption? (dB/cm/MHz^y), nonlinearity? (B/A) }`.
 */
export function parseTissue(json: unknown, field: string): Tissue {
  if (typeof json === 'string') return getTissue(json, field);
  if (!isObject(json)) throw new InputError(field, 'must be a tissue name or an object of properties');
  rejectUnknownKeys(json, TISSUE_KEYS, field);
  const { name: _, attenuation, absorption, ...rest } = json;
  checkTissueProperties({ ...rest, attenuationDbPerCmMHz: attenuation, absorptionDbPerCmMHz: absorption }, field);
  return validateTissue(
    {
      name: typeof json.name === 'string' ? json.name : 'custom',
      density: json.density as number,
      soundSpeed: json.soundSpeed as number,
      attenuationDbPerCmMHz: (json.attenuation ?? 0) as number,
      powerLawExponent: (json.powerLawExponent ?? 1) as number,
      absorptionDbPerCmMHz: json.absorption as number | undefined,
      conductivity: json.conductivity as number | undefined,
      specificHeat: json.specificHeat as number | undefined,
      perfusion: json.perfusion as number | undefined,
      nonlinearity: nonlinearityOf(json.nonlinearity, field),
    },
    field,
  );
}

/** B/A given in SCENARIO.json (`nonlinearity`), 0–20 (water 5, soft tissue 6–8, fat 10–11); undefined when absent. */
function nonlinearityOf(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  const v = requireFinite(`${field}.nonlinearity`, value, 'non-negative');
  requireRange(`${field}.nonlinearity`, v, 0, 20, '');
  return v;
}

/**
 * Parses SCENARIO.json's `medium`: a tissue name ("water"), custom properties, or `{ layers: [{ tissue, thickness (m),
 * nonlinearity? (B/A) }, …, { tissue }] }`.
 */
export function parseMedium(json: unknown, field = 'medium'): LayeredMedium {
  if (json === undefined) return homogeneousMedium(getTissue('water'));
  if (isObject(json) && json.layers !== undefined) {
    rejectUnknownKeys(json, ['layers'], field);
    const layers = json.layers;
    if (!Array.isArray(layers) || layers.length === 0) throw new InputError(`${field}.layers`, 'must be a non-empty array');
    checkLimit(`${field}.layers: layers`, layers.length, LIMITS.layers);
    const parsed = layers.map((l, i) => {
      const f = `${field}.layers[${i}]`;
      if (!isObject(l)) throw new InputError(f, 'must be an object { tissue, thickness }');
      const last = i === layers.length - 1;
      rejectUnknownKeys(l, ['tissue', 'thickness', 'nonlinearity'], f);
      const base = parseTissue(l.tissue, `${f}.tissue`);
      // the layer's B/A (nonlinear propagation) replaces its tissue's
      const ba = nonlinearityOf(l.nonlinearity, f);
      const tissue = ba === undefined ? base : withOverrides(base, { nonlinearity: ba }, `${f}.tissue`);
      const thickness = last ? undefined : requireFinite(`${f}.thickness`, l.thickness, 'positive');
      if (thickness !== undefined) requireRange(`${f}.thickness`, thickness, 1e-6, 1, 'm');
      return { tissue, thickness };
    });
    return layeredMedium(parsed);
  }
  return homogeneousMedium(parseTissue(json, field));
}

/**
 * Parses and validates the public SCENARIO.json of `fuas field` (SI units; see issue 3). Unknown top-level keys
 * other than "sonication" (read by `fuas heat`) are errors naming the closest valid key. Throws InputError naming the bad field, e.g.
 * "transducer.aperture: must be <= 2 × radiusOfCurvature". The transducer must sit in the first layer
 * (its thickness >= the bowl's rim height).
 */
export function parseScenario(json: unknown): Scenario {
  if (!isObject(json)) throw new InputError('scenario', 'must be a JSON object with "transducer" and "medium"');
  rejectUnknownKeys(json, SCENARIO_KEYS, '');
  if (json.transducer === undefined) throw new InputError('transducer', 'is required');
  if (isObject(json.sonication)) {
    rejectUnknownKeys(json.sonication, ['duration', 'cooling'], 'sonication');
    // upper bounds here (parseSonication checks the rest): an hour-long sonication is a typo, not a run
    const { duration, cooling } = json.sonication;
    if (typeof duration === 'number' && duration > 600) requireRange('sonication.duration', duration, 0, 600, 's');
    if (typeof cooling === 'number' && cooling > 3600) requireRange('sonication.cooling', cooling, 0, 3600, 's');
  }
  const transducer = parseTransducer(json.transducer);
  const medium = parseMedium(json.medium);
  const first = medium.layers[0];
  const h = rimHeight(transducer);
  if (medium.layers.length > 1 && first.zEnd <= h) {
    throw new InputError(
      'medium.layers[0].thickness',
      `must exceed the bowl's rim height ${h.toFixed(4)} m (the transducer sits in the first layer)`,
    );
  }
  if (first.tissue.reflector) throw new InputError('medium', 'the transducer cannot radiate into a total reflector (gas)');
  return { transducer, medium };
}

import { InputError, requireFinite } from '../errors.js';
import { type Tissue, getTissue, validateTissue } from '../tissue/tissue-table.js';
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
 * powerLawExponent, absorption? (dB/cm/MHz^y) }`.
 */
export function parseTissue(json: unknown, field: string): Tissue {
  if (typeof json === 'string') return getTissue(json, field);
  if (!isObject(json)) throw new InputError(field, 'must be a tissue name or an object of properties');
  return validateTissue(
    {
      name: typeof json.name === 'string' ? json.name : 'custom',
      density: json.density as number,
      soundSpeed: json.soundSpeed as number,
      attenuationDbPerCmMHz: (json.attenuation ?? 0) as number,
      powerLawExponent: (json.powerLawExponent ?? 1) as number,
      absorptionDbPerCmMHz: json.absorption as number | undefined,
    },
    field,
  );
}

/** Parses SCENARIO.json's `medium`: a tissue name ("water"), custom properties, or `{ layers: [{ tissue, thickness (m) }, …, { tissue }] }`. */
export function parseMedium(json: unknown, field = 'medium'): LayeredMedium {
  if (json === undefined) return homogeneousMedium(getTissue('water'));
  if (isObject(json) && json.layers !== undefined) {
    const layers = json.layers;
    if (!Array.isArray(layers) || layers.length === 0) throw new InputError(`${field}.layers`, 'must be a non-empty array');
    const parsed = layers.map((l, i) => {
      const f = `${field}.layers[${i}]`;
      if (!isObject(l)) throw new InputError(f, 'must be an object { tissue, thickness }');
      const tissue = parseTissue(l.tissue, `${f}.tissue`);
      const last = i === layers.length - 1;
      const thickness = last ? undefined : requireFinite(`${f}.thickness`, l.thickness, 'positive');
      return { tissue, thickness };
    });
    return layeredMedium(parsed);
  }
  return homogeneousMedium(parseTissue(json, field));
}

/**
 * Parses and validates the public SCENARIO.json of `fuas field` (SI units; see issue 3). Unknown top-level keys
 * (e.g. "sonication", used by `fuas heat`) are ignored. Throws InputError naming the bad field, e.g.
 * "transducer.aperture: must be <= 2 × radiusOfCurvature". The transducer must sit in the first layer
 * (its thickness >= the bowl's rim height).
 */
export function parseScenario(json: unknown): Scenario {
  if (!isObject(json)) throw new InputError('scenario', 'must be a JSON object with "transducer" and "medium"');
  if (json.transducer === undefined) throw new InputError('transducer', 'is required');
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
